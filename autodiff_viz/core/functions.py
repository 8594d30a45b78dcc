"""The primitives as Python functions: they trace on placeholders and compute on numbers.

>>> round(sqrt(log(3.0) * 2) + log(3.0) * 2, 6)
3.679528
"""

from __future__ import annotations

from typing import Any

from .build import apply

__all__ = ["exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "abs",
           "square", "reciprocal", "neg"]


def exp(x: Any) -> Any:
    """e to the x."""
    return apply("exp", x)


def log(x: Any) -> Any:
    """Natural logarithm (x > 0)."""
    return apply("log", x)


def sqrt(x: Any) -> Any:
    """Square root (x >= 0; not differentiable at 0)."""
    return apply("sqrt", x)


def sin(x: Any) -> Any:
    """Sine."""
    return apply("sin", x)


def cos(x: Any) -> Any:
    """Cosine."""
    return apply("cos", x)


def tan(x: Any) -> Any:
    """Tangent."""
    return apply("tan", x)


def tanh(x: Any) -> Any:
    """Hyperbolic tangent."""
    return apply("tanh", x)


def sigmoid(x: Any) -> Any:
    """Logistic sigmoid 1/(1 + e^-x)."""
    return apply("sigmoid", x)


def relu(x: Any) -> Any:
    """max(x, 0) (subgradient 0 at 0)."""
    return apply("relu", x)


def abs(x: Any) -> Any:  # noqa: A001 - mirrors the primitive's name
    """Absolute value (subgradient 0 at 0)."""
    return apply("abs", x)


def square(x: Any) -> Any:
    """x²."""
    return apply("square", x)


def reciprocal(x: Any) -> Any:
    """1/x."""
    return apply("reciprocal", x)


def neg(x: Any) -> Any:
    """-x."""
    return apply("neg", x)
