"""Every primitive's hand-written local partials against ``sympy.diff`` of its sympy form.

The test walks the whole table, so a new row is covered the day it lands. Rows with their own
array rules (``vjp``: the matrix primitives) are checked in tests/core/test_arrays.py against
autograd instead; every other row must pass here.
"""

from __future__ import annotations

import math
import random

import pytest
import sympy as sp

import autodiff_viz as adv
from autodiff_viz.core.graph import Graph, Node
from autodiff_viz.core.primitives import PRIMITIVES, Primitive, UnknownPrimitive, primitive

SCALAR_ROWS = sorted(name for name, row in PRIMITIVES.items() if row.vjp is None)
ARRAY_ROWS = sorted(name for name, row in PRIMITIVES.items() if row.vjp is not None)
POINTS = 25     # random points per primitive
RTOL = 1e-9


def _symbols(arity: int) -> list[sp.Symbol]:
    return list(sp.symbols(f"a0:{arity}", real=True))


def _exact(expr: sp.Expr, syms: list[sp.Symbol], point: tuple[float, ...]) -> complex | None:
    """``expr`` at ``point`` to 30 digits, or None when sympy finds it undefined."""
    try:
        value = complex(expr.subs(dict(zip(syms, map(sp.Float, point), strict=True))).evalf(30))
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return value if math.isfinite(value.real) and math.isfinite(value.imag) else None


def _near_kink(row: Primitive, point: tuple[float, ...]) -> bool:
    """Within 1e-3 of a kink: abs/relu/sqrt at 0, asin/acos at ±1, max/min where a = b."""
    if row.kink is None:
        return False
    if row.arity == 2:
        return abs(point[0] - point[1]) < 1e-3
    return any(row.kink((k,)) and abs(point[0] - k) < 1e-3 for k in (-1.0, 0.0, 1.0))


def sample_points(row: Primitive, n: int, seed: int = 0) -> list[tuple[float, ...]]:
    """Random points inside ``row``'s domain: the value and every partial are real and finite
    according to sympy, and the point is not within 1e-3 of a kink."""
    rng = random.Random(f"{row.name}-{seed}")
    syms = _symbols(row.arity)
    expr = row.sympy(sp, *syms)
    derivs = [sp.diff(expr, s) for s in syms]
    points: list[tuple[float, ...]] = []
    for _ in range(200 * n):
        if len(points) == n:
            break
        scale = rng.choice([0.5, 3.0])
        point = tuple(rng.uniform(-scale, scale) for _ in syms)
        if _near_kink(row, point):
            continue
        checks = [_exact(e, syms, point) for e in (expr, *derivs)]
        if all(c is not None and abs(c.imag) < 1e-12 and abs(c.real) < 1e6 for c in checks):
            points.append(point)
    return points


def mismatches(row: Primitive, points: list[tuple[float, ...]]) -> list[str]:
    """Where the row's value or partials disagree with sympy (empty when they agree)."""
    syms = _symbols(row.arity)
    expr = row.sympy(sp, *syms)
    bad = []
    for point in points:
        out = row.value(*point)
        exact = _exact(expr, syms, point).real
        if not math.isclose(out, exact, rel_tol=RTOL, abs_tol=1e-12):
            bad.append(f"{row.name}{point}: value {out!r}, sympy {exact!r}")
        for pos, s in enumerate(syms):
            mine = row.partials[pos](point, out)
            want = _exact(sp.diff(expr, s), syms, point).real
            if not math.isclose(mine, want, rel_tol=RTOL, abs_tol=1e-12):
                bad.append(f"{row.name}{point}: ∂/∂arg{pos} is {mine!r}, sympy says {want!r}")
    return bad


def test_the_table_has_the_required_rows():
    required = {"add", "sub", "mul", "div", "neg", "pow", "exp", "log", "sqrt", "sin", "cos",
                "tan", "tanh", "sigmoid", "relu", "abs", "square", "reciprocal",
                "atan", "asin", "acos", "sinh", "cosh", "softplus", "log1p", "max", "min"}
    assert required <= set(SCALAR_ROWS)


@pytest.mark.parametrize("name", SCALAR_ROWS)
def test_partials_match_sympy(name):
    row = PRIMITIVES[name]
    points = sample_points(row, POINTS)
    assert len(points) == POINTS, f"could not find {POINTS} points in the domain of {name}"
    assert mismatches(row, points) == []


@pytest.mark.parametrize("name", SCALAR_ROWS)
def test_row_is_complete(name):
    row = PRIMITIVES[name]
    assert row.name == name
    assert len(row.partials) == row.arity
    # display strings take exactly one placeholder per argument
    names = [f"arg{k}" for k in range(row.arity)]
    for fmt in (row.unicode, row.latex):
        shown = fmt.format(*names)
        assert all(n in shown for n in names), (name, fmt)
    assert row.domain


@pytest.mark.parametrize("name", SCALAR_ROWS)
def test_rows_used_in_a_graph_match_sympy(name):
    """The same check through a graph: the engine's partials on the edges equal sympy's."""
    row = PRIMITIVES[name]
    point = sample_points(row, 1, seed=1)[0]
    inputs = [Node(k, f"a{k}", "input") for k in range(row.arity)]
    g = adv.graph(Graph([*inputs, Node(row.arity, "f", name, tuple(range(row.arity)))]))
    run = g.evaluate({f"a{k}": v for k, v in enumerate(point)})
    syms = _symbols(row.arity)
    expr = row.sympy(sp, *syms)
    for k, s in enumerate(syms):
        want = _exact(sp.diff(expr, s), syms, point).real
        assert run.grad[f"a{k}"] == pytest.approx(want, rel=RTOL, abs=1e-12)


def test_pow_with_constant_and_variable_exponent():
    x = sp.Symbol("x", positive=True)
    run = adv.graph("x**3").evaluate(x=1.7)
    assert run.grad["x"] == pytest.approx(float(sp.diff(x ** 3, x).subs(x, 1.7)), rel=RTOL)
    run = adv.graph("2**x").evaluate(x=1.7)
    assert run.grad["x"] == pytest.approx(float(sp.diff(2 ** x, x).subs(x, 1.7)), rel=RTOL)
    run = adv.graph("x**(-0.5)").evaluate(x=1.7)
    assert run.grad["x"] == pytest.approx(float(sp.diff(x ** -0.5, x).subs(x, 1.7)), rel=RTOL)
    # a whole-number exponent works for a negative base
    run = adv.graph("x**3").evaluate(x=-2)
    assert run.value == -8.0 and run.grad["x"] == pytest.approx(12.0)


def test_the_checker_catches_a_wrong_rule():
    """Guard the guard: a row with a wrong partial must produce mismatches."""
    good = PRIMITIVES["sin"]
    wrong = Primitive("sin", 1, good.value, (lambda A, o: math.sin(A[0]),), good.sympy,
                      good.unicode, good.latex)
    points = sample_points(good, 5)
    assert mismatches(good, points) == []
    assert len(mismatches(wrong, points)) == 5
    wrong_sign = Primitive("div", 2, lambda a, b: a / b,
                           (lambda A, o: 1.0 / A[1], lambda A, o: A[0] / (A[1] * A[1])),
                           PRIMITIVES["div"].sympy, "{0}/{1}", "{0}/{1}")
    assert mismatches(wrong_sign, sample_points(PRIMITIVES["div"], 5)) != []


def test_missing_rule_is_a_loud_error_naming_it(monkeypatch):
    with pytest.raises(UnknownPrimitive, match="'softsign'") as info:
        primitive("softsign")
    assert "supported:" in str(info.value) and "log" in str(info.value)
    with pytest.raises(UnknownPrimitive, match="did you mean 'log'"):
        primitive("ln")
    # a graph naming an op without a row
    with pytest.raises(UnknownPrimitive, match="'softsign'"):
        Graph([Node(0, "x", "input"), Node(1, "f", "softsign", (0,))])
    # a row that disappears after the graph was built: evaluating names it
    g = adv.graph("a = log(x)\nb = a*y\nc = sqrt(b)\nf = c + b")
    monkeypatch.delitem(PRIMITIVES, "sqrt")
    with pytest.raises(UnknownPrimitive, match="'sqrt'"):
        g.evaluate(x=3, y=2)


def test_a_row_needs_one_partial_per_argument():
    with pytest.raises(ValueError, match="2 arguments but 1 partial"):
        Primitive("bad", 2, lambda a, b: a, (lambda A, o: 1.0,), lambda sp, a, b: a, "", "")


def test_array_rows_are_covered_elsewhere():
    """The skip criterion is explicit: only rows with their own ``vjp`` are left out here."""
    for name in ARRAY_ROWS:
        assert PRIMITIVES[name].vjp is not None
    assert not set(ARRAY_ROWS) & {"add", "mul", "log", "sqrt"}
