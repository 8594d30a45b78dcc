"""Every primitive in one table: value, local partials, sympy form and display, side by side.

A row says, for one operation:

- ``value``: the numeric result (``math`` for Python floats, ``numpy`` for arrays);
- ``partials``: one function per argument, ``(args, out) -> ∂out/∂arg`` (elementwise for arrays);
- ``sympy``: a function ``(sp, *args) -> sympy expression`` (``sp`` is the sympy module, passed
  in so this module never imports sympy);
- ``unicode`` / ``latex``: format strings for display, ``{0}``, ``{1}`` being the arguments;
- ``domain``: what a valid argument looks like, used in error messages;
- ``kink``: optionally, a function ``args -> str | None`` that flags a non-differentiable point;
- ``vjp`` / ``jvp``: optional array rules (matrix primitives); when absent the elementwise rule
  ``g * partial`` (summed back to the argument's shape) is used.

>>> PRIMITIVES["log"].value(1.0)
0.0
>>> PRIMITIVES["mul"].partials[0]((3.0, 2.0), 6.0)
2.0
>>> primitive("ln")
Traceback (most recent call last):
...
autodiff_viz.core.primitives.UnknownPrimitive: no primitive named 'ln' (did you mean 'log'?); ...
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Primitive", "PRIMITIVES", "FUNCTIONS", "primitive", "UnknownPrimitive", "unbroadcast"]


class UnknownPrimitive(KeyError):
    """Raised when an operation has no row in the table."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Primitive:
    """One row of the table. See the module docstring for the fields."""

    name: str
    arity: int
    value: Callable[..., Any]
    partials: tuple[Callable[[tuple, Any], Any], ...]
    sympy: Callable[..., Any]
    unicode: str
    latex: str
    domain: str = "any real number"
    kink: Callable[[tuple], str | None] | None = None
    vjp: Callable[..., Any] | None = None
    jvp: Callable[..., Any] | None = None
    infix: bool = False
    doc: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if len(self.partials) != self.arity:
            raise ValueError(f"primitive {self.name!r}: {self.arity} arguments but "
                             f"{len(self.partials)} partial rules")


# Scalar/array dispatch: math for Python floats (fast, raises on domain errors),
# numpy for arrays.
def _dispatch(scalar: Callable, array: Callable) -> Callable:
    def f(x):
        return scalar(x) if type(x) is float else array(x)
    f.__name__ = array.__name__
    return f


_exp = _dispatch(math.exp, np.exp)
_log = _dispatch(math.log, np.log)
_sqrt = _dispatch(math.sqrt, np.sqrt)
_sin = _dispatch(math.sin, np.sin)
_cos = _dispatch(math.cos, np.cos)
_tan = _dispatch(math.tan, np.tan)
_tanh = _dispatch(math.tanh, np.tanh)
_abs = _dispatch(abs, np.abs)


def _sigmoid(x):
    if type(x) is float:
        if x >= 0:
            return 1.0 / (1.0 + math.exp(-x))
        z = math.exp(x)
        return z / (1.0 + z)
    return 0.5 * (np.tanh(0.5 * np.asarray(x, dtype=float)) + 1.0)


def _relu(x):
    if type(x) is float:
        return x if x > 0.0 else 0.0
    return np.maximum(x, 0.0)


def _step(x):  # derivative of relu (subgradient 0 at 0)
    if type(x) is float:
        return 1.0 if x > 0.0 else 0.0
    return (np.asarray(x) > 0).astype(float)


def _sign(x):
    if type(x) is float:
        return (x > 0.0) - (x < 0.0) + 0.0
    return np.sign(x)


def _pow(a, b):
    if type(a) is float and type(b) is float:
        r = a ** b
        if type(r) is complex:
            raise ValueError("complex result")
        return r
    return np.power(a, b)


def _pow_base_partial(args, out):
    """b·a^(b−1), and 0 when b = 0 (x⁰ is flat everywhere, even at x = 0 where a^(−1) is ∞)."""
    a, b = args
    if type(a) is float and type(b) is float:
        return 0.0 if b == 0.0 else b * _pow(a, b - 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.asarray(b) == 0.0, 0.0, b * np.power(a, np.subtract(b, 1.0)))


def _pow_exponent_partial(args, out):
    a, b = args
    if np.ndim(a) == 0 and a == 0.0:  # 0^b = 0 for every b > 0: flat in b; at b <= 0 it jumps
        return 0.0 if np.ndim(b) != 0 or b > 0.0 else math.nan
    return out * _log(a)


def _at_zero(name: str, what: str) -> Callable[[tuple], str | None]:
    def kink(args):
        x = args[0]
        hit = (x == 0.0) if type(x) is float else bool(np.any(np.asarray(x) == 0))
        return f"{name} is not differentiable at 0; {what}" if hit else None
    return kink


_T = True
_rows = [
    # name, arity, value, partials (one per argument), sympy, unicode, latex, extras
    Primitive("add", 2, lambda a, b: a + b,
              (lambda A, o: 1.0, lambda A, o: 1.0),
              lambda sp, a, b: a + b, "{0} + {1}", "{0} + {1}", infix=_T),
    Primitive("sub", 2, lambda a, b: a - b,
              (lambda A, o: 1.0, lambda A, o: -1.0),
              lambda sp, a, b: a - b, "{0} − {1}", "{0} - {1}", infix=_T),
    Primitive("mul", 2, lambda a, b: a * b,
              (lambda A, o: A[1], lambda A, o: A[0]),
              lambda sp, a, b: a * b, "{0}·{1}", r"{0} \cdot {1}", infix=_T),
    Primitive("div", 2, lambda a, b: a / b,
              # −(a/b)/b, not −a/(b·b): b·b under- or overflows long before the ratio does
              (lambda A, o: 1.0 / A[1], lambda A, o: -(A[0] / A[1]) / A[1]),
              lambda sp, a, b: a / b, "{0}/{1}", r"\frac{{{0}}}{{{1}}}",
              domain="a nonzero divisor", infix=_T),
    Primitive("pow", 2, _pow,
              (_pow_base_partial, _pow_exponent_partial),
              lambda sp, a, b: a ** b, "{0}^{1}", "{0}^{{{1}}}",
              domain="a positive base (or a whole-number exponent)", infix=_T),
    Primitive("neg", 1, lambda a: -a, (lambda A, o: -1.0,),
              lambda sp, a: -a, "−{0}", "-{0}"),
    Primitive("exp", 1, _exp, (lambda A, o: o,),
              lambda sp, a: sp.exp(a), "exp({0})", r"e^{{{0}}}",
              domain="a number below about 709 (larger overflows)"),
    Primitive("log", 1, _log, (lambda A, o: 1.0 / A[0],),
              lambda sp, a: sp.log(a), "log({0})", r"\log {0}",
              domain="a positive number"),
    Primitive("sqrt", 1, _sqrt, (lambda A, o: 0.5 / o,),
              lambda sp, a: sp.sqrt(a), "√{0}", r"\sqrt{{{0}}}",
              domain="a number >= 0",
              kink=_at_zero("sqrt", "its slope is infinite there")),
    Primitive("sin", 1, _sin, (lambda A, o: _cos(A[0]),),
              lambda sp, a: sp.sin(a), "sin({0})", r"\sin {0}"),
    Primitive("cos", 1, _cos, (lambda A, o: -_sin(A[0]),),
              lambda sp, a: sp.cos(a), "cos({0})", r"\cos {0}"),
    Primitive("tan", 1, _tan, (lambda A, o: 1.0 + o * o,),
              lambda sp, a: sp.tan(a), "tan({0})", r"\tan {0}",
              domain="a number that is not an odd multiple of π/2"),
    Primitive("tanh", 1, _tanh, (lambda A, o: 1.0 - o * o,),
              lambda sp, a: sp.tanh(a), "tanh({0})", r"\tanh {0}"),
    Primitive("sigmoid", 1, _sigmoid, (lambda A, o: o * (1.0 - o),),
              lambda sp, a: 1 / (1 + sp.exp(-a)), "σ({0})", r"\sigma({0})"),
    Primitive("relu", 1, _relu, (lambda A, o: _step(A[0]),),
              lambda sp, a: sp.Max(a, 0), "relu({0})", r"\operatorname{{relu}}({0})",
              kink=_at_zero("relu", "using the subgradient 0")),
    Primitive("abs", 1, _abs, (lambda A, o: _sign(A[0]),),
              lambda sp, a: sp.Abs(a), "|{0}|", r"\left|{0}\right|",
              kink=_at_zero("abs", "using the subgradient 0")),
    Primitive("square", 1, lambda a: a * a, (lambda A, o: 2.0 * A[0],),
              lambda sp, a: a ** 2, "{0}²", "{0}^{{2}}"),
    Primitive("reciprocal", 1, lambda a: 1.0 / a, (lambda A, o: -(o * o),),
              lambda sp, a: 1 / a, "1/{0}", r"\frac{{1}}{{{0}}}",
              domain="a nonzero number"),
]

PRIMITIVES: dict[str, Primitive] = {row.name: row for row in _rows}

#: Names a user may call as functions in text (``log(x)``), mapped to primitives.
FUNCTIONS: dict[str, str] = {
    name: name for name, row in PRIMITIVES.items() if not row.infix and name != "neg"
}


def register(row: Primitive, *, function: bool = True) -> Primitive:
    """Add a row to the table (used by the array primitives).

    >>> register(PRIMITIVES["log"]) is PRIMITIVES["log"]
    True
    """
    PRIMITIVES[row.name] = row
    if function and not row.infix:
        FUNCTIONS[row.name] = row.name
    return row


_ALIASES = {"ln": "log", "Log": "log", "exp10": "exp", "sigma": "sigmoid", "logistic": "sigmoid",
            "ReLU": "relu", "Relu": "relu", "fabs": "abs", "arctan": "tan", "power": "pow",
            "sq": "square", "recip": "reciprocal", "inv": "reciprocal", "Sqrt": "sqrt",
            "Exp": "exp", "Sin": "sin", "Cos": "cos", "Tanh": "tanh", "sigm": "sigmoid"}


def suggest(name: str) -> str | None:
    """The supported name closest to ``name``, if any.

    >>> suggest("ln")
    'log'
    >>> suggest("sqr")
    'sqrt'
    """
    if name in _ALIASES and _ALIASES[name] in PRIMITIVES:
        return _ALIASES[name]
    import difflib

    close = difflib.get_close_matches(name.lower(), list(PRIMITIVES), n=1, cutoff=0.6)
    return close[0] if close else None


def primitive(name: str) -> Primitive:
    """Look up a row; a missing rule is a loud error naming it."""
    try:
        return PRIMITIVES[name]
    except KeyError:
        hint = suggest(name)
        extra = f" (did you mean {hint!r}?)" if hint else ""
        raise UnknownPrimitive(
            f"no primitive named {name!r}{extra}; supported: {', '.join(sorted(PRIMITIVES))}"
        ) from None


def unbroadcast(g: Any, shape: tuple) -> Any:
    """Sum ``g`` down to ``shape`` (undoing numpy broadcasting) for a reverse rule.

    >>> unbroadcast(np.ones((2, 3)), (3,)).tolist()
    [2.0, 2.0, 2.0]
    >>> unbroadcast(np.ones((2, 3)), ())
    6.0
    """
    if np.shape(g) == shape:
        return g
    g = np.asarray(g)
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for axis, n in enumerate(shape):
        if n == 1 and g.shape[axis] != 1:
            g = g.sum(axis=axis, keepdims=True)
    return float(g) if shape == () else g
