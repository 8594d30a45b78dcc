"""Partials that avoid needless overflow, and every non-finite number flagged with its sign.

Oracles: sympy derivatives evaluated with mpmath at 50 digits (no float overflow there), and
the closed forms written next to each case.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp

import autodiff_viz as adv
from autodiff_viz.core.build import TracingError
from autodiff_viz.core.passes import InputError

X, Y = sp.symbols("x y", real=True)


def oracle(expr: sp.Expr, wrt: sp.Symbol, point: dict) -> float:
    """∂expr/∂wrt at ``point`` with 50-digit arithmetic, rounded to a float at the end."""
    with mpmath.workdps(50):
        d = sp.diff(expr, wrt).subs({s: sp.Float(v, 50) for s, v in point.items()})
        return float(sp.N(d, 50))


@pytest.mark.parametrize("text, expr, point", [
    ("exp(x)/exp(x)", sp.exp(X) / sp.exp(X), {X: 700.0}),
    ("exp(x)/exp(x)", sp.exp(X) / sp.exp(X), {X: -700.0}),
    ("x/y", X / Y, {X: 1e-300, Y: 1e-160}),
    ("x/y", X / Y, {X: 1e300, Y: 1e160}),
    ("x**2/y", X ** 2 / Y, {X: 1e-100, Y: 1e-170}),
])
def test_division_rule_does_not_overflow_where_the_answer_is_finite(text, expr, point):
    run = adv.graph(text).evaluate({str(k): v for k, v in point.items()})
    for s in point:
        want = oracle(expr, s, point)
        assert math.isfinite(run.grad[str(s)])
        assert run.grad[str(s)] == pytest.approx(want, rel=1e-9, abs=1e-300), s
    assert not run.flags


@pytest.mark.parametrize("text, at, sign", [
    ("1/x", 1e-200, -1),          # slope −1/x² = −1e400: −∞ in floating point
    ("-1/x", 1e-200, +1),
    ("log(x)", 1e-310, +1),       # slope 1/x = 1e310
    ("x**0.5", 0.0, +1),          # √ at 0 written as a power
])
def test_an_infinite_slope_keeps_its_sign_and_is_flagged(text, at, sign):
    run = adv.graph(text).evaluate(x=at)
    g = run.grad["x"]
    assert math.isinf(g) and math.copysign(1, g) == sign
    x = run.graph.index("x")
    assert any("∞" in f for f in run.flags.get(x, ())), run.flags
    back = run.step("backward", "x")
    assert back.flags and ("−∞" in back.flags[-1]) == (sign < 0)
    # forward mode: the tangent is flagged too, with the same sign
    tan = run.forward_mode("x")
    assert math.copysign(1, tan.value) == sign
    assert any("tangent" in f for s in tan.steps for f in s.flags)


def test_nan_adjoint_is_flagged_not_silent():
    run = adv.graph("0*log(x)").evaluate(x=1e-310)
    assert math.isnan(run.grad["x"])
    assert any("nan" in f for f in run.flags[run.graph.index("x")])


def test_array_kink_spoils_only_its_own_entry():
    g = adv.graph(lambda x: adv.sum(adv.sqrt(x)))
    run = g.evaluate(x=np.array([0.0, 4.0, 9.0]))
    grad = run.grad["x"]
    assert grad[0] == math.inf
    assert grad[1:].tolist() == [0.25, 1 / 6]    # 1/(2√x)
    assert any("entry 0" in f for fl in run.flags.values() for f in fl)


@pytest.mark.parametrize("at", [0.0, 2.0, -3.0])
def test_x_to_the_zero_has_slope_zero(at):
    run = adv.graph("x**0").evaluate(x=at)
    assert run.grad["x"] == 0.0 and not run.flags
    arr = adv.graph(lambda x: x ** 0.0).evaluate(x=np.array([0.0, 4.0]))
    assert arr.grad["x"].tolist() == [0.0, 0.0]


def test_huge_python_int_input_is_a_clear_input_error():
    with pytest.raises(InputError, match="too large for floating point"):
        adv.graph("x*y").evaluate(x=10 ** 400, y=1)
    with pytest.raises(InputError, match="too large"):
        adv.graph(lambda x: adv.sum(x)).evaluate(x=[10 ** 400, 1])


@pytest.mark.parametrize("fn", [round, math.trunc, math.floor, math.ceil, complex])
def test_rounding_a_traced_value_is_a_tracing_error(fn):
    with pytest.raises(TracingError, match="traced value"):
        adv.graph(lambda x: fn(x) * x)


def test_paths_beyond_the_limit_list_the_first_ones_and_the_true_total():
    # 2^13 = 8192 paths from x; the oracle for their sum is d(x^8192)/dx = 8192 x^8191
    prog = "a1 = x*x\n" + "\n".join(f"a{k} = a{k - 1}*a{k - 1}" for k in range(2, 14))
    run = adv.graph(prog).evaluate(x=1.0)
    with pytest.raises(ValueError, match="exponentially"):
        run.paths("x", limit=64)
    ps = run.paths("x", limit=64, list_at_most=64)
    assert (len(ps), ps.truncated, ps.count) == (64, 8192 - 64, 8192)
    assert ps.total == 8192.0
    last = ps.steps[-1]
    assert last.phase == "sum" and len(last.contributions) == 65
    assert sum(c.value for c in last.contributions) == 8192.0
    assert "8,128 paths" in last.contributions[-1].other
