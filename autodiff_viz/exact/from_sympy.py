"""Build a graph from a sympy expression (one the user already built; no text is parsed).

The walk is iterative (an explicit stack), so a 10,000-term sum or a deeply nested expression
converts without recursion. n-ary sums and products are folded left into binary nodes;
``x + (-1)*y`` becomes ``sub``, a negative coefficient ``neg`` or ``sub``, negative powers
``div`` or ``reciprocal``, ``**(1/2)`` ``sqrt`` and ``Max(x, 0)`` ``relu``; a sympy function that is
a row's sympy form (``atan``, ``Max`` …, see :func:`~autodiff_viz.core.primitives.sympy_heads`)
becomes that row, n-ary ``Max``/``Min`` folded into binary nodes.

>>> import sympy as sp
>>> x, y = sp.symbols("x y")
>>> g = from_sympy(sp.sqrt(sp.log(x) * y) + sp.log(x) * y)
>>> g.inputs, [g.describe(n) for n in g.nodes if n.op != "input"]
(('x', 'y'), ['a = log(x)', 'b = y·a', 'c = √b', 'f = c + b'])
>>> g = from_sympy(x - 2 * y / 3)
>>> [g.describe(n) for n in g.nodes if n.op not in ("input", "const")]
['a = 2·y', 'b = a/3', 'f = x − b']
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import reduce
from typing import Any

import sympy as sp

from ..core.build import Builder
from ..core.graph import Graph, GraphError
from ..core.primitives import sympy_heads

__all__ = ["from_sympy", "UnsupportedExpression", "SUPPORTED"]

_HEADS = sympy_heads(sp)

#: What can be converted, for error messages.
SUPPORTED = ("numbers, symbols, + − · / and powers (x**n, sqrt), "
             + ", ".join(sorted((f.__name__ for f in _HEADS), key=str.lower))
             + ", Max(x, 0) (relu)")


class UnsupportedExpression(GraphError):
    """A sympy object that has no counterpart in the primitives table."""


def _unsupported(e: sp.Basic, why: str = "") -> UnsupportedExpression:
    name = getattr(e.func, "__name__", type(e).__name__)
    return UnsupportedExpression(f"cannot turn {name} into a graph node{why}; supported: "
                                 f"{SUPPORTED}")


def _number(e: sp.Basic) -> float:
    if e.is_Number or isinstance(e, sp.NumberSymbol):
        if e in (sp.nan, sp.zoo, sp.oo, -sp.oo):
            raise UnsupportedExpression(f"{e} is not a finite real number; a graph constant "
                                        "must be one")
        try:
            v = float(e)
        except OverflowError:
            v = math.inf
        if not math.isfinite(v):
            raise UnsupportedExpression(f"the constant {e} is too large for a float")
        return v
    if e is sp.I or (e.is_number and e.is_real is False):
        raise UnsupportedExpression(f"{e} is not real; graphs work with real numbers")
    raise _unsupported(e)


def _is_negative_term(t: sp.Basic) -> bool:
    if t.is_Number:
        return bool(t.is_negative)
    if t.is_Mul and t.args and t.args[0].is_Number:
        return bool(t.args[0].is_negative)
    return False


# A plan says how to build one sympy node from its children (which are converted first).
#   ("input", name) | ("const", value) | ("fn", op, [child])
#   ("add", [plus children], [minus children])
#   ("mul", numerator const or None, [numerator children], denominator const or None,
#           [denominator children], negative)
#   ("pow", base, exponent) | ("recip", child)
def _plan(e: sp.Basic) -> tuple:
    if isinstance(e, sp.Symbol):
        return ("input", e.name)
    if e is sp.nan or (e.is_Atom and e.is_number and e.is_finite is False):
        raise UnsupportedExpression(f"{e} is not a finite real number; a graph constant "
                                    "must be one")
    if e.is_Number or isinstance(e, sp.NumberSymbol):
        return ("const", _number(e))
    if e.is_Add:
        return ("add", [t for t in e.args if not _is_negative_term(t)],
                [-t for t in e.args if _is_negative_term(t)])
    if e.is_Mul:
        coeff, factors = e.as_coeff_mul()
        num, den = [], []
        for f in factors:
            if f.is_Pow and f.exp.is_Number and f.exp.is_negative:
                den.append(f.base if f.exp == -1 else sp.Pow(f.base, -f.exp))
            else:
                num.append(f)
        negative = bool(coeff.is_negative)
        coeff = -coeff if negative else coeff
        p, q = (int(coeff.p), int(coeff.q)) if coeff.is_Rational else (_number(coeff), 1)
        return ("mul", None if p == 1 else float(p), num, None if q == 1 else float(q), den,
                negative)
    if e.is_Pow:
        b, x = e.args
        if x == sp.S.Half:
            return ("fn", "sqrt", [b])
        if x.is_Number and x.is_negative:
            return ("recip", b if x == -1 else sp.Pow(b, -x))
        return ("pow", b, x)
    if isinstance(e, sp.Max) and len(e.args) == 2 and 0 in e.args:
        return ("fn", "relu", [a for a in e.args if a != 0])
    if e.func in _HEADS:
        row = _HEADS[e.func]
        if len(e.args) != row.arity and not (row.arity == 2 and len(e.args) > 2):
            raise _unsupported(e, f" with {len(e.args)} arguments")
        return ("fn", row.name, list(e.args))  # Max(a, b, c): folded into binary nodes
    if isinstance(e, sp.Expr) and e.is_number and e.is_real is False:
        raise UnsupportedExpression(f"{type(e).__name__} is not real; graphs work with real "
                                    "numbers")
    raise _unsupported(e)


def _children(plan: tuple) -> list[sp.Basic]:
    kind = plan[0]
    if kind in ("input", "const"):
        return []
    if kind == "fn":
        return list(plan[2])
    if kind == "add":
        return [*plan[1], *plan[2]]
    if kind == "mul":
        return [*plan[2], *plan[4]]
    if kind == "pow":
        return [plan[1], plan[2]]
    return [plan[1]]  # recip


def _fold(b: Builder, op: str, items: list[int]) -> int:
    return reduce(lambda acc, k: b.apply(op, (acc, k)), items)


def _build(b: Builder, plan: tuple, idx: dict[int, int]) -> int:
    kind = plan[0]
    if kind == "input":
        return b.input(plan[1])
    if kind == "const":
        return b.const(plan[1])
    if kind == "fn":
        args = [idx[id(c)] for c in plan[2]]
        return b.apply(plan[1], tuple(args)) if len(args) <= 2 else _fold(b, plan[1], args)
    if kind == "recip":
        return b.apply("reciprocal", (idx[id(plan[1])],))
    if kind == "pow":
        return b.apply("pow", (idx[id(plan[1])], idx[id(plan[2])]))
    if kind == "add":
        plus = [idx[id(t)] for t in plan[1]]
        minus = [idx[id(t)] for t in plan[2]]
        acc = _fold(b, "add", plus) if plus else b.apply("neg", (minus.pop(0),))
        return _fold(b, "sub", [acc, *minus])
    _, p, num, q, den, negative = plan
    top = ([b.const(p)] if p is not None else []) + [idx[id(t)] for t in num]
    bottom = ([b.const(q)] if q is not None else []) + [idx[id(t)] for t in den]
    if top and bottom:
        out = b.apply("div", (_fold(b, "mul", top), _fold(b, "mul", bottom)))
    elif bottom:
        out = b.apply("reciprocal", (_fold(b, "mul", bottom),))
    else:
        out = _fold(b, "mul", top)
    return b.apply("neg", (out,)) if negative else out


def _walk(expr: sp.Basic) -> tuple[list[tuple[sp.Basic, tuple]], set[str]]:
    """Unique subexpressions in post-order (children first) with their plans; symbol names."""
    order: list[tuple[sp.Basic, tuple]] = []
    plans: dict[int, tuple] = {}
    keep: list[sp.Basic] = []  # keeps objects alive so their ids stay unique
    names: set[str] = set()
    stack: list[tuple[sp.Basic, bool]] = [(expr, False)]
    while stack:
        e, ready = stack.pop()
        if ready:
            order.append((e, plans[id(e)]))
            continue
        if id(e) in plans:
            continue
        plan = _plan(e)
        plans[id(e)] = plan
        keep.append(e)
        if plan[0] == "input":
            names.add(plan[1])
        stack.append((e, True))
        stack.extend((c, False) for c in reversed(_children(plan)) if id(c) not in plans)
        keep.extend(_children(plan))
    return order, names


def from_sympy(expr: Any, inputs: Iterable[str | sp.Symbol] | None = None) -> Graph:
    """Convert a sympy expression into a core graph.

    Args:
        expr: a sympy expression built from symbols, numbers and the supported functions.
        inputs: input names in order (default: the expression's symbols sorted by name);
            listed names the expression does not use still become inputs (gradient 0).

    Raises:
        UnsupportedExpression: for a function with no primitive (the message lists the
            supported ones), non-real numbers or an expression that computes nothing.
    """
    if not isinstance(expr, sp.Basic):
        raise TypeError(f"from_sympy expects a sympy expression, got {type(expr).__name__}; "
                        "build one with sympy.symbols(...) and sympy functions (text goes to "
                        "adv.graph(\"...\") instead)")
    if not isinstance(expr, sp.Expr):
        raise _unsupported(expr, " (not an expression: equations, matrices and sets have no "
                                 "graph)")
    order, names = _walk(expr)
    if inputs is None:
        wanted = sorted(names)
    else:
        wanted = [s.name if isinstance(s, sp.Symbol) else str(s) for s in inputs]
        if len(set(wanted)) != len(wanted):
            raise UnsupportedExpression(f"inputs= lists a name twice: {wanted}")
        missing = sorted(names - set(wanted))
        if missing:
            raise UnsupportedExpression(f"the expression uses {', '.join(missing)}, which "
                                        f"inputs= does not list; add them (inputs={wanted})")
    b = Builder(set(wanted))
    for name in wanted:
        b.input(name)
    idx: dict[int, int] = {}
    for e, plan in order:
        idx[id(e)] = _build(b, plan, idx)
    out = idx[id(expr)]
    try:
        return b.finish(out, source=expr, kind="sympy", keep_inputs=wanted)
    except GraphError as exc:
        raise UnsupportedExpression(str(exc)) from None
