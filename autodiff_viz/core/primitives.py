"""Every primitive in one table: value, local partials, sympy form and display, side by side.

A row says everything about one operation; every other table (the text readers' function
names, explanations, ``from_sympy``, exact forms, the answer checker, the mistake library,
the traced functions in :mod:`.functions`) is derived from the rows. A row holds:

- ``value``: the numeric result (``math`` for Python floats, ``numpy`` for arrays);
- ``partials``: one function per argument, ``(args, out) -> ∂out/∂arg`` (elementwise for arrays);
- ``sympy``: ``(sp, *args) -> sympy expression`` (``sp`` is the sympy module, passed in so this
  module never imports sympy); ``None`` for array rows, which have no exact form;
- ``unicode`` / ``latex``: display templates, ``{0}``, ``{1}`` being the arguments, and ``d``:
  the local partials as (unicode, LaTeX) templates, one pair per argument;
- ``domain``: what a valid argument looks like, for error messages; ``kink``: optionally
  ``args -> str | None`` flagging a non-differentiable point, where the partials take the
  subgradient ``at_kink`` (the value of a unit step at its jump: relu 0, max/min ½);
- ``aliases``: other names a user may type for this row (``ln``, ``arctan``);
- ``slips``: typical mistakes in its derivative, as :class:`Slip` (the mistake library's data);
- ``vjp`` / ``jvp``: optional array rules (matrix primitives); when absent the elementwise rule
  ``g * partial`` (summed back to the argument's shape) is used.

Adding a primitive is adding one row here (array rows: in :mod:`.arrays`).

>>> PRIMITIVES["log"].value(1.0)
0.0
>>> PRIMITIVES["mul"].partials[0]((3.0, 2.0), 6.0)
2.0
>>> PRIMITIVES["max"].partials[0]((2.0, 2.0), 2.0)   # a tie: the subgradient ½, ½
0.5
>>> primitive("ln")
Traceback (most recent call last):
...
autodiff_viz.core.primitives.UnknownPrimitive: no primitive named 'ln' (did you mean 'log'?); ...
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

__all__ = ["Primitive", "Slip", "PRIMITIVES", "FUNCTIONS", "primitive", "UnknownPrimitive",
           "unbroadcast", "suggest", "WORKAROUNDS", "sympy_heads"]


class UnknownPrimitive(KeyError):
    """Raised when an operation has no row in the table."""

    def __str__(self) -> str:
        return str(self.args[0])


class Slip(NamedTuple):
    """A typical mistake in a row's derivative: the wrong partial is ``factor`` times the right
    one; ``message`` names it, ``{0}`` being the argument's name."""

    name: str
    message: str
    factor: float


@dataclass(frozen=True)
class Primitive:
    """One row of the table. See the module docstring for the fields."""

    name: str
    arity: int
    value: Callable[..., Any]
    partials: tuple[Callable[[tuple, Any], Any], ...]
    sympy: Callable[..., Any] | None
    unicode: str
    latex: str
    d: tuple[tuple[str, str], ...] = ()
    domain: str = "any real number"
    kink: Callable[[tuple], str | None] | None = None
    at_kink: float = 0.0
    aliases: tuple[str, ...] = ()
    slips: tuple[Slip, ...] = ()
    vjp: Callable[..., Any] | None = None
    jvp: Callable[..., Any] | None = None
    infix: bool = False
    doc: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if len(self.partials) != self.arity:
            raise ValueError(f"primitive {self.name!r}: {self.arity} arguments but "
                             f"{len(self.partials)} partial rules")
        if self.d and len(self.d) != self.arity:
            raise ValueError(f"primitive {self.name!r}: {self.arity} arguments but "
                             f"{len(self.d)} displayed partials")


# Scalar/array dispatch: math for Python floats (fast, raises on domain errors),
# numpy for arrays.
def _dispatch(scalar: Callable, array: Callable) -> Callable:
    def f(x):
        return scalar(x) if type(x) is float else array(x)
    f.__name__ = array.__name__
    return f


_exp, _log, _log1p, _sqrt, _sin, _cos, _tan, _sinh, _cosh, _tanh = (
    _dispatch(getattr(math, n), getattr(np, n)) for n in
    ("exp", "log", "log1p", "sqrt", "sin", "cos", "tan", "sinh", "cosh", "tanh"))
_asin, _acos, _atan = (_dispatch(getattr(math, n), getattr(np, "arc" + n[1:]))
                       for n in ("asin", "acos", "atan"))
_abs = _dispatch(abs, np.abs)


def _sigmoid(x):
    if type(x) is float:
        if x >= 0:
            return 1.0 / (1.0 + math.exp(-x))
        z = math.exp(x)
        return z / (1.0 + z)
    return 0.5 * (np.tanh(0.5 * np.asarray(x, dtype=float)) + 1.0)


def _softplus(x):  # log(1 + eˣ) without overflow: max(x, 0) + log1p(e^−|x|)
    if type(x) is float:
        return max(x, 0.0) + math.log1p(math.exp(-abs(x)))
    return np.logaddexp(0.0, x)


def _step(x, at0: float = 0.0):
    """1 where x > 0, 0 where x < 0 and ``at0`` at 0 (the subgradient at a kink)."""
    if type(x) is float:
        return 1.0 if x > 0.0 else at0 if x == 0.0 else 0.0
    x = np.asarray(x)
    return np.where(x > 0, 1.0, np.where(x == 0, at0, 0.0))


def _max(a, b):
    return (a if a >= b else b) if type(a) is float and type(b) is float else np.maximum(a, b)


def _min(a, b):
    return (a if a <= b else b) if type(a) is float and type(b) is float else np.minimum(a, b)


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


def _kink(name: str, where: str, test: Callable[..., Any], what: str,
          ) -> Callable[[tuple], str | None]:
    def kink(args):
        return f"{name} is not differentiable {where}; {what}" if np.any(test(*args)) else None
    return kink


def _tie(name: str) -> Callable[[tuple], str | None]:
    return _kink(name, "where its arguments are equal", lambda a, b: a == b,
                 "using the subgradient ½ for each argument (ties split evenly)")


_T = True
_rows = [  # (values in C where Python has them: the forward loop calls one per node)
    # name, arity, value, partials (one per argument), sympy, unicode, latex,
    #   d = the partials as shown (unicode, LaTeX), then domain, kinks, aliases, slips
    Primitive("add", 2, operator.add, (lambda A, o: 1.0, lambda A, o: 1.0),
              lambda sp, a, b: a + b, "{0} + {1}", "{0} + {1}",
              (("1", "1"), ("1", "1")), infix=_T),
    Primitive("sub", 2, operator.sub, (lambda A, o: 1.0, lambda A, o: -1.0),
              lambda sp, a, b: a - b, "{0} − {1}", "{0} - {1}",
              (("1", "1"), ("−1", "-1")), infix=_T),
    Primitive("mul", 2, operator.mul, (lambda A, o: A[1], lambda A, o: A[0]),
              lambda sp, a, b: a * b, "{0}·{1}", r"{0} \cdot {1}",
              (("{1}", "{1}"), ("{0}", "{0}")), infix=_T),
    Primitive("div", 2, operator.truediv,
              # −(a/b)/b, not −a/(b·b): b·b under- or overflows long before the ratio does
              (lambda A, o: 1.0 / A[1], lambda A, o: -(A[0] / A[1]) / A[1]),
              lambda sp, a, b: a / b, "{0}/{1}", r"\frac{{{0}}}{{{1}}}",
              (("1/{1}", r"\frac{{1}}{{{1}}}"), ("−{0}/{1}²", r"-\frac{{{0}}}{{{1}^{{2}}}}")),
              domain="a nonzero divisor", infix=_T),
    Primitive("pow", 2, _pow, (_pow_base_partial, _pow_exponent_partial),
              lambda sp, a, b: a ** b, "{0}^{1}", "{0}^{{{1}}}",
              (("{1}·{0}^({1} − 1)", r"{1} \cdot {0}^{{{1} - 1}}"),
               ("{0}^{1}·log({0})", r"{0}^{{{1}}} \log {0}")),
              domain="a positive base (or a whole-number exponent)", aliases=("power",),
              infix=_T),
    Primitive("neg", 1, lambda a: -a, (lambda A, o: -1.0,),
              lambda sp, a: -a, "−{0}", "-{0}", (("−1", "-1"),)),
    Primitive("exp", 1, _exp, (lambda A, o: o,),
              lambda sp, a: sp.exp(a), "exp({0})", r"e^{{{0}}}", (("exp({0})", r"e^{{{0}}}"),),
              domain="a number below about 709 (larger overflows)"),
    Primitive("log", 1, _log, (lambda A, o: 1.0 / A[0],),
              lambda sp, a: sp.log(a), "log({0})", r"\log {0}",
              (("1/{0}", r"\frac{{1}}{{{0}}}"),), domain="a positive number", aliases=("ln",)),
    Primitive("log1p", 1, _log1p, (lambda A, o: 1.0 / (1.0 + A[0]),),
              lambda sp, a: sp.log(1 + a), "log1p({0})", r"\log(1 + {0})",
              (("1/(1 + {0})", r"\frac{{1}}{{1 + {0}}}"),), domain="a number > −1"),
    Primitive("sqrt", 1, _sqrt, (lambda A, o: 0.5 / o,),
              lambda sp, a: sp.sqrt(a), "√{0}", r"\sqrt{{{0}}}",
              (("1/(2√{0})", r"\frac{{1}}{{2\sqrt{{{0}}}}}"),), domain="a number >= 0",
              kink=_kink("sqrt", "at 0", lambda x: x == 0, "its slope is infinite there"),
              slips=(Slip("sqrt-half", "you forgot the ½ in the derivative of √{0}", 2.0),)),
    Primitive("sin", 1, _sin, (lambda A, o: _cos(A[0]),),
              lambda sp, a: sp.sin(a), "sin({0})", r"\sin {0}", (("cos({0})", r"\cos {0}"),)),
    Primitive("cos", 1, _cos, (lambda A, o: -_sin(A[0]),),
              lambda sp, a: sp.cos(a), "cos({0})", r"\cos {0}", (("−sin({0})", r"-\sin {0}"),)),
    Primitive("tan", 1, _tan, (lambda A, o: 1.0 + o * o,),
              lambda sp, a: sp.tan(a), "tan({0})", r"\tan {0}",
              (("1 + tan²({0})", r"1 + \tan^{{2}} {0}"),),
              domain="a number that is not an odd multiple of π/2"),
    Primitive("asin", 1, _asin, (lambda A, o: 1.0 / _sqrt(1.0 - A[0] * A[0]),),
              lambda sp, a: sp.asin(a), "asin({0})", r"\arcsin {0}",
              (("1/√(1 − {0}²)", r"\frac{{1}}{{\sqrt{{1 - {0}^{{2}}}}}}"),),
              domain="a number in [−1, 1]", aliases=("arcsin",),
              kink=_kink("asin", "at ±1", lambda x: abs(x) == 1, "its slope is infinite there")),
    Primitive("acos", 1, _acos, (lambda A, o: -1.0 / _sqrt(1.0 - A[0] * A[0]),),
              lambda sp, a: sp.acos(a), "acos({0})", r"\arccos {0}",
              (("−1/√(1 − {0}²)", r"-\frac{{1}}{{\sqrt{{1 - {0}^{{2}}}}}}"),),
              domain="a number in [−1, 1]", aliases=("arccos",),
              kink=_kink("acos", "at ±1", lambda x: abs(x) == 1, "its slope is infinite there")),
    Primitive("atan", 1, _atan, (lambda A, o: 1.0 / (1.0 + A[0] * A[0]),),
              lambda sp, a: sp.atan(a), "atan({0})", r"\arctan {0}",
              (("1/(1 + {0}²)", r"\frac{{1}}{{1 + {0}^{{2}}}}"),), aliases=("arctan",)),
    Primitive("sinh", 1, _sinh, (lambda A, o: _cosh(A[0]),),
              lambda sp, a: sp.sinh(a), "sinh({0})", r"\sinh {0}", (("cosh({0})", r"\cosh {0}"),),
              domain="a number between about −710 and 710 (larger overflows)"),
    Primitive("cosh", 1, _cosh, (lambda A, o: _sinh(A[0]),),
              lambda sp, a: sp.cosh(a), "cosh({0})", r"\cosh {0}", (("sinh({0})", r"\sinh {0}"),),
              domain="a number between about −710 and 710 (larger overflows)"),
    Primitive("tanh", 1, _tanh, (lambda A, o: 1.0 - o * o,),
              lambda sp, a: sp.tanh(a), "tanh({0})", r"\tanh {0}",
              (("1 − tanh²({0})", r"1 - \tanh^{{2}} {0}"),)),
    Primitive("sigmoid", 1, _sigmoid, (lambda A, o: o * (1.0 - o),),
              lambda sp, a: 1 / (1 + sp.exp(-a)), "σ({0})", r"\sigma({0})",
              (("σ({0})·(1 − σ({0}))", r"\sigma({0})\,(1 - \sigma({0}))"),),
              aliases=("sigma", "logistic", "sigm")),
    Primitive("softplus", 1, _softplus, (lambda A, o: _sigmoid(A[0]),),
              lambda sp, a: sp.log(1 + sp.exp(a)), "softplus({0})",
              r"\operatorname{{softplus}}({0})", (("σ({0})", r"\sigma({0})"),)),
    Primitive("relu", 1, lambda a: _max(0.0, a), (lambda A, o: _step(A[0]),),
              lambda sp, a: sp.Max(a, 0), "relu({0})", r"\operatorname{{relu}}({0})",
              (("1 if {0} > 0 else 0", r"[{0} > 0]"),), aliases=("ReLU",),
              kink=_kink("relu", "at 0", lambda x: x == 0, "using the subgradient 0")),
    Primitive("max", 2, _max, (lambda A, o: _step(A[0] - A[1], 0.5),
                               lambda A, o: _step(A[1] - A[0], 0.5)),
              lambda sp, a, b: sp.Max(a, b), "max({0}, {1})", r"\max({0}, {1})",
              (("1 if {0} > {1}, ½ if equal, else 0", r"[{0} > {1}] + \frac12 [{0} = {1}]"),
               ("1 if {1} > {0}, ½ if equal, else 0", r"[{1} > {0}] + \frac12 [{0} = {1}]")),
              kink=_tie("max"), at_kink=0.5,
              aliases=("maximum", "fmax")),
    Primitive("min", 2, _min, (lambda A, o: _step(A[1] - A[0], 0.5),
                               lambda A, o: _step(A[0] - A[1], 0.5)),
              lambda sp, a, b: sp.Min(a, b), "min({0}, {1})", r"\min({0}, {1})",
              (("1 if {0} < {1}, ½ if equal, else 0", r"[{0} < {1}] + \frac12 [{0} = {1}]"),
               ("1 if {1} < {0}, ½ if equal, else 0", r"[{1} < {0}] + \frac12 [{0} = {1}]")),
              kink=_tie("min"), at_kink=0.5,
              aliases=("minimum", "fmin")),
    Primitive("abs", 1, _abs, (lambda A, o: 2.0 * _step(A[0], 0.5) - 1.0,),  # sign
              lambda sp, a: sp.Abs(a), "|{0}|", r"\left|{0}\right|",
              (("sign({0})", r"\operatorname{{sign}}({0})"),), aliases=("fabs",),
              kink=_kink("abs", "at 0", lambda x: x == 0, "using the subgradient 0")),
    Primitive("square", 1, lambda a: a * a, (lambda A, o: 2.0 * A[0],),
              lambda sp, a: a ** 2, "{0}²", "{0}^{{2}}", (("2{0}", "2{0}"),), aliases=("sq",)),
    Primitive("reciprocal", 1, lambda a: 1.0 / a, (lambda A, o: -(o * o),),
              lambda sp, a: 1 / a, "1/{0}", r"\frac{{1}}{{{0}}}",
              (("−1/{0}²", r"-\frac{{1}}{{{0}^{{2}}}}"),), domain="a nonzero number",
              aliases=("recip", "inv")),
]


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

# The array rows (matmul, sum, mean, losses …) live in .arrays, which needs only the row type
# above, so importing this table always loads them too.
from .arrays import ARRAY_ROWS  # noqa: E402

PRIMITIVES: dict[str, Primitive] = {row.name: row for row in (*_rows, *ARRAY_ROWS)}

#: Names a user may call as functions in text (``log(x)``, ``max(x, y)``), mapped to rows.
FUNCTIONS: dict[str, str] = {
    row.name: row.name for row in _rows if not row.infix and row.name != "neg"}

#: Functions with no row, and how to write them with the rows there are.
WORKAROUNDS = {"log10": "log(x)/log(10)", "log2": "log(x)/log(2)", "exp2": "2**x",
               "exp10": "10**x", "expm1": "exp(x) - 1", "cbrt": "x**(1/3)",
               "asinh": "log(x + sqrt(x**2 + 1))", "acosh": "log(x + sqrt(x**2 - 1))",
               "atanh": "log((1 + x)/(1 - x))/2", "sec": "1/cos(x)", "csc": "1/sin(x)",
               "cot": "1/tan(x)", "sign": "x/abs(x)", "sgn": "x/abs(x)",
               "relu6": "min(relu(x), 6)", "softmax": "exp(x)/(exp(x) + exp(y) + …)"}


def _aliases() -> dict[str, str]:
    return {a: row.name for row in PRIMITIVES.values() for a in row.aliases}


def suggest(name: str) -> str | None:
    """The row a user most likely meant by ``name``: its alias or a near spelling; never a
    different function (``asinh`` is not ``asin``, ``log10`` not ``log``).

    >>> suggest("ln"), suggest("arctan"), suggest("Sqrt"), suggest("sqr")
    ('log', 'atan', 'sqrt', 'sqrt')
    >>> suggest("log10"), suggest("asinh"), suggest("cosh")
    (None, None, 'cosh')
    """
    for n in (name, name.lower()):
        if n in PRIMITIVES:
            return n
        if n in _aliases():
            return _aliases()[n]
    if name.lower() in WORKAROUNDS or hasattr(math, name) or hasattr(np, name.lower()):
        return None  # a real function without a row: a near spelling is another function
    import difflib

    close = difflib.get_close_matches(name.lower(), list(PRIMITIVES), n=1, cutoff=0.6)
    return close[0] if close else None


def primitive(name: str) -> Primitive:
    """Look up a row; a missing rule is a loud error naming it."""
    try:
        return PRIMITIVES[name]
    except KeyError:
        hint = suggest(name)
        extra = (f" (did you mean {hint!r}?)" if hint else f" (write {WORKAROUNDS[name]})"
                 if name in WORKAROUNDS else "")
        raise UnknownPrimitive(
            f"no primitive named {name!r}{extra}; supported: {', '.join(sorted(PRIMITIVES))}"
        ) from None


def sympy_heads(sp: Any) -> dict[Any, Primitive]:
    """sympy function → row, for the rows whose sympy form is one sympy function applied to
    the arguments (``exp``, ``atan``, ``Max`` …): what ``from_sympy``, exact forms and the
    answer checker map back to rows. ``sp`` is the sympy module.

    >>> import sympy
    >>> sorted(f.__name__ for f in sympy_heads(sympy))[:4]
    ['Abs', 'Max', 'Min', 'acos']
    """
    args = sp.symbols(f"_a0:{max(r.arity for r in PRIMITIVES.values())}")
    heads = {}
    for row in PRIMITIVES.values():
        e = row.sympy(sp, *args[:row.arity]) if row.sympy else None
        if not (e is None or e.is_Add or e.is_Mul or e.is_Pow) and e.args == args[:row.arity]:
            heads[e.func] = row
    return heads
