"""The primitives as Python functions: they trace on placeholders and compute on numbers.

One function per row of :mod:`.primitives` that text may call, generated from the row (its
name, arguments, domain and local partials make the docstring), plus the array functions with
an ``axis`` or named arguments. ``max``/``min`` are exported as :func:`maximum`/:func:`minimum`
(numpy's names for the elementwise binary max) so ``from autodiff_viz import *`` keeps Python's
own ``max``/``min``; graph text writes ``max(x, y)``.

>>> round(sqrt(log(3.0) * 2) + log(3.0) * 2, 6)
3.679528
>>> maximum(2.0, 3.0), round(atan(1.0) * 4, 6), softplus(0.0) == log(2.0)
(3.0, 3.141593, True)
>>> print(atan.__doc__.splitlines()[0])
atan(x), with the local partial 1/(1 + x²); domain: any real number.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .arrays import AXES
from .build import apply
from .primitives import FUNCTIONS, PRIMITIVES, Primitive

#: Python names that differ from the row's name (builtins stay unshadowed).
PYTHON_NAMES = {"max": "maximum", "min": "minimum"}


def _traced(row: Primitive) -> Callable[..., Any]:
    if row.arity == 1:
        def f(x: Any) -> Any:
            return apply(row.name, x)
    else:
        def f(a: Any, b: Any) -> Any:
            return apply(row.name, a, b)
    f.__name__ = f.__qualname__ = PYTHON_NAMES.get(row.name, row.name)
    names = ("x",) if row.arity == 1 else ("a", "b")
    parts = [d[0].format(*names) for d in row.d]
    if row.arity > 1:
        parts = [" and ".join(f"∂/∂{n}: {p}" for n, p in zip(names, parts, strict=True))]
    f.__doc__ = (f"{row.unicode.format(*names)}, with the local partial {parts[0]}; "
                 f"domain: {row.domain}.")
    return f


_TRACED = {f.__name__: f for f in (_traced(PRIMITIVES[n]) for n in (*FUNCTIONS, "neg"))}
globals().update(_TRACED)

def _axis_op(kind: str, axis: Any) -> str:
    whole = isinstance(axis, (int, np.integer)) and not isinstance(axis, bool)
    if axis is not None and not whole:
        raise ValueError(f"{kind}(x, axis=...) takes None or a whole number, got {axis!r}")
    axis = None if axis is None else int(axis)
    if axis not in AXES:
        raise ValueError(f"{kind}(x, axis={axis}) is not supported; use one of "
                         f"{', '.join(map(str, AXES))}")
    name = kind if axis is None else f"{kind}{axis}"
    return name


def sum(x: Any, axis: int | None = None) -> Any:  # noqa: A001 - mirrors numpy's name
    """Sum over every element (``axis=None``) or over one axis.

    >>> sum([[1, 2], [3, 4]]), sum([[1, 2], [3, 4]], axis=0).tolist()
    (10.0, [4.0, 6.0])
    """
    return apply(_axis_op("sum", axis), x)


def mean(x: Any, axis: int | None = None) -> Any:
    """Mean over every element (``axis=None``) or over one axis.

    >>> mean([[1, 2], [3, 4]]), mean([[1, 2], [3, 4]], axis=1).tolist()
    (2.5, [1.5, 3.5])
    """
    return apply(_axis_op("mean", axis), x)


def matmul(a: Any, b: Any) -> Any:
    """Matrix product ``a @ b`` (1-D operands act as vectors, as in numpy).

    >>> matmul([[1, 2]], [[3], [4]]).tolist()
    [[11.0]]
    """
    return apply("matmul", a, b)


def affine(x: Any, w: Any, b: Any) -> Any:
    """A dense layer ``x @ w + b`` as one node.

    >>> affine([[1, 1]], [[1], [2]], [0.5]).tolist()
    [[3.5]]
    """
    return apply("affine", x, w, b)


def transpose(x: Any) -> Any:
    """Reverse the axes (``x.T``).

    >>> transpose([[1, 2, 3]]).shape
    (3, 1)
    """
    return apply("transpose", x)


def sumsq(x: Any) -> Any:
    """Sum of squares ``Σ x²`` (a number), e.g. an L2 penalty.

    >>> sumsq([[1, 2], [3, 4]])
    30.0
    """
    return apply("sumsq", x)


def mse(prediction: Any, target: Any) -> Any:
    """Mean squared error ``mean((prediction - target)²)`` (a number).

    >>> mse([1, 2, 3], [1, 2, 5])
    1.3333333333333333
    """
    return apply("mse", prediction, target)


def softmax_cross_entropy(logits: Any, targets: Any) -> Any:
    """Mean over rows of ``−Σ targets · log softmax(logits)`` (softmax over the last axis).

    ``targets`` has the logits' shape: one-hot rows (:func:`one_hot`) or probabilities.

    >>> round(softmax_cross_entropy([[0.0, 0.0]], [[1.0, 0.0]]), 6)  # log 2
    0.693147
    """
    return apply("softmax_ce", logits, targets)


__all__ = [*_TRACED, "sum", "mean", "matmul", "affine", "transpose", "sumsq", "mse",
           "softmax_cross_entropy", "PYTHON_NAMES"]
