"""Exercises: kinds, graph-generated misconceptions named in the feedback, seeded variants.

Oracles: the published worked example (conftest), sympy.diff of the seed function written
out by hand, HIPS autograd, and central differences for the seeded variants.
"""

from __future__ import annotations

import math

import autograd.numpy as anp
import pytest
import sympy
from autograd import grad

import autodiff_viz as adv
from autodiff_viz.exercises.mistakes import COLLIDE

from ..conftest import SEED_AT, SEED_DFDX, SEED_DFDY, SEED_PROGRAM, SEED_VALUE

L3 = math.log(3)


@pytest.fixture(scope="module")
def ex_x():
    return adv.exercises.gradient(adv.graph(SEED_PROGRAM), wrt="x", at=SEED_AT)


@pytest.fixture(scope="module")
def ex_y():
    return adv.exercises.gradient(adv.graph(SEED_PROGRAM), wrt="y", at=SEED_AT)


def test_contract_example(ex_x):
    fb = ex_x.check("0.6667")
    assert fb.correct is False
    assert "you missed the path x → a → b → c → f" in fb.message
    assert ex_x.check("0.8915").correct
    assert ex_x.check("2/3 + 1/(3*sqrt(2*log(3)))").correct


def test_expected_is_the_published_value(ex_x, ex_y):
    assert math.isclose(float(ex_x.expected), SEED_DFDX, rel_tol=1e-12)
    assert math.isclose(float(ex_y.expected), SEED_DFDY, rel_tol=1e-12)


# Independent values of the classic slips for ∂f/∂x at (3, 2), written from the closed forms:
# path x→a→b→f contributes (1/3)·2·1 = 2/3, path x→a→b→c→f contributes (1/3)·2·(1/(2√(2 ln3))).
P_DIRECT = 2 / 3
P_SQRT = (1 / 3) * 2 / (2 * math.sqrt(2 * L3))
SLIPS_X = {
    "missed-path:x→a→b→c→f": P_DIRECT,
    "missed-path:x→a→b→f": P_SQRT,
    "sqrt-half:b→c": P_DIRECT + 2 * P_SQRT,
    "dropped-factor:b→c": P_DIRECT + (1 / 3) * 2,
    "dropped-factor:x→a": 3 * SEED_DFDX,
    "stale-value:b→c@a": P_DIRECT + (1 / 3) * 2 / (2 * math.sqrt(L3)),  # the notes' slip
    "sign": -SEED_DFDX,
    "other-input:y": SEED_DFDY,
    "value-not-derivative": SEED_VALUE,
    "factor:2": 2 * SEED_DFDX,
}


@pytest.mark.parametrize("name, value", SLIPS_X.items())
def test_classic_slips_for_df_dx_are_named(ex_x, name, value):
    fb = ex_x.check(f"{value:.5g}")
    assert not fb.correct
    assert name in fb.mistake.split("|"), (name, fb.mistake, fb.message)


def test_wrong_point_is_named(ex_x):
    xs, ys = sympy.symbols("x y", positive=True)
    f = sympy.sqrt(sympy.log(xs) * ys) + sympy.log(xs) * ys
    swapped = float(sympy.diff(f, xs).subs({xs: 2, ys: 3}))
    fb = ex_x.check(f"{swapped:.5g}")
    assert fb.mistake == "wrong-point:x↔y" and "swapped" in fb.message


def test_half_collides_with_dropping_y_and_both_are_named(ex_x):
    fb = ex_x.check(f"{SEED_DFDX / 2:.5g}")
    assert set(fb.mistake.split("|")) == {"dropped-factor:a→b", "factor:1/2"}
    assert "∂b/∂a" in fb.message and "half" in fb.message
    assert any("same value" in c for c in ex_x.collisions)
    assert not ex_x.unavoidable  # a coincidence of y = 2, not of the graph's structure


@pytest.mark.parametrize("which", ["ex_x", "ex_y"])
def test_every_generated_misconception_is_diagnosed_by_name(which, request):
    ex = request.getfixturevalue(which)
    assert len(ex.mistakes) >= 10
    for m in ex.mistakes:
        for text in (f"{m.value:.6g}", f"{m.value:.4g}"):
            fb = ex.check(text)
            assert not fb.correct and fb.mistake == m.name, (m.name, text, fb.message)
            assert fb.message.startswith("Not correct")


@pytest.mark.parametrize("which", ["ex_x", "ex_y"])
def test_candidates_differ_from_each_other_and_from_the_answer(which, request):
    ex = request.getfixturevalue(which)
    right = float(ex.expected)
    values = [m.value for m in ex.mistakes]
    for i, v in enumerate(values):
        assert abs(v - right) > COLLIDE * max(abs(v), abs(right))
        for w in values[i + 1:]:
            assert abs(v - w) > COLLIDE * max(abs(v), abs(w))


def test_df_dy_slips(ex_y):
    assert ex_y.check(f"{L3:.5g}").mistake == "missed-path:y→b→c→f"
    assert ex_y.check(f"{SEED_DFDX:.5g}").mistake == "other-input:x"
    assert ex_y.check("log(3) + sqrt(log(3)/8)").correct


def test_assert_correct_for_autograders(ex_x):
    assert ex_x.assert_correct("0.8915") is None  # otter compares printed output: print nothing
    assert ex_x.history[-1].correct
    with pytest.raises(AssertionError, match="missed the path x → a → b → c → f"):
        ex_x.assert_correct("0.6667")


def test_html_and_history(ex_x):
    html = ex_x._repr_html_()
    assert "∂f/∂x" in html and "b = a·y" in html
    fb = ex_x.check("0.6667")
    assert "missed the path" in fb._repr_html_()
    assert ex_x.history[-1] is fb


def test_invalid_input_costs_nothing(ex_x):
    fb = ex_x.check("2x")
    assert fb.status == "invalid" and "did you mean 2*x?" in fb.message
    fb = ex_x.check("x")
    assert fb.status == "invalid" and "should be a number" in fb.message
    fb = ex_x.check("__import__('os')")
    assert fb.status == "invalid"


# --------------------------------------------------------------------------------------------
# Other kinds
# --------------------------------------------------------------------------------------------

def test_adjoint_of_the_shared_node():
    ex = adv.exercises.adjoint(SEED_PROGRAM)
    right = 1 + 1 / (2 * math.sqrt(2 * L3))  # b feeds c and f: 1 + (dc/db)(1)
    assert math.isclose(float(ex.expected), right, rel_tol=1e-12)
    assert ex.check("1 + 1/(2*sqrt(2*log(3)))").correct
    assert ex.check(f"{right:.4g}").correct
    fb = ex.check("1")
    assert "missed the path b → c → f" in fb.message
    assert "missed the path b → f" in ex.check(f"{right - 1:.4g}").message


def test_exact_adjoint_refuses_decimals():
    ex = adv.exercises.adjoint(SEED_PROGRAM, "b", exact=True)
    assert ex.check("1.337").status == "invalid"
    assert ex.check("1 + 1/(2*sqrt(2*log(3)))").correct


def test_node_value_and_the_notes_slip():
    ex = adv.exercises.value(SEED_PROGRAM, "c")
    assert ex.check("sqrt(2*log(3))").correct
    assert ex.check(f"{math.sqrt(2 * L3):.4g}").correct
    # the course notes wrote c = sqrt(log 3): √ applied to a instead of b
    fb = ex.check("sqrt(log(3))")
    assert fb.mistake == "stale-value:b@a" and "a's value" in fb.message


def test_local_derivative_symbolic():
    ex = adv.exercises.local_derivative(SEED_PROGRAM)
    assert "∂c/∂b" in ex.prompt and ex.variables == ("b",)
    for form in ("1/(2*sqrt(b))", "0.5*b^(-1/2)", "sqrt(b)/(2*b)"):
        assert ex.check(form).correct, form
    assert ex.check("1/sqrt(b)").mistake == "sqrt-half"
    assert ex.check("sqrt(b)").mistake == "value-not-derivative"
    assert ex.check("1/2*sqrt(b)").mistake == "precedence"
    assert "did you mean b?" in ex.check("B").message
    ex = adv.exercises.local_derivative(SEED_PROGRAM, "b", "a")
    assert ex.check("y").correct
    assert ex.check("a").mistake == "other-argument:y"


def test_full_gradient():
    ex = adv.exercises.gradient(SEED_PROGRAM, wrt=None)
    assert ex.check("0.8915, 1.469").correct
    fb = ex.check("0.6667, 1.469")
    assert not fb.correct and "x → a → b → c → f" in fb.message


def test_graph_from_a_function_matches_autograd():
    def f(x, y):
        return anp.sqrt(anp.log(x) * y) + anp.log(x) * y

    ex = adv.exercises.gradient(lambda x, y: adv.sqrt(adv.log(x) * y) + adv.log(x) * y,
                                wrt="y", at={"x": 3.0, "y": 2.0})
    assert math.isclose(float(ex.expected), grad(f, 1)(3.0, 2.0), rel_tol=1e-12)


# --------------------------------------------------------------------------------------------
# Seeded variants
# --------------------------------------------------------------------------------------------

def _central(run, wrt, h=1e-6):
    g = run.graph
    at = dict(run.inputs)
    hi, lo = dict(at), dict(at)
    hi[wrt] += h
    lo[wrt] -= h
    return (adv.graph(g).evaluate(hi).value - adv.graph(g).evaluate(lo).value) / (2 * h)


def test_variants_are_deterministic_and_differ():
    a1 = adv.exercises.gradient(seed="student-17")
    a2 = adv.exercises.gradient(seed="student-17")
    assert a1.prompt == a2.prompt and a1.expected == a2.expected
    prompts = {adv.exercises.gradient(seed=f"s{k}").prompt for k in range(12)}
    assert len(prompts) >= 8


@pytest.mark.parametrize("k", range(10))
def test_each_variant_is_right_and_collision_free(k):
    ex = adv.exercises.gradient(seed=f"student-{k}", wrt="x")
    assert math.isclose(float(ex.expected), _central(ex.run, "x"), rel_tol=1e-6, abs_tol=1e-8)
    assert set(ex.collisions) <= ex.unavoidable, ex.collisions
    right = float(ex.expected)
    for m in ex.mistakes:
        assert abs(m.value - right) > COLLIDE * max(abs(m.value), abs(right))
        assert ex.check(f"{m.value:.6g}").mistake == m.name
    assert ex.check(f"{right:.6g}").correct


def test_seed_with_a_fixed_graph_varies_the_point():
    exs = [adv.exercises.gradient(SEED_PROGRAM, seed=k) for k in range(6)]
    points = {tuple(sorted(e.at.items())) for e in exs}
    assert len(points) >= 4
    for e in exs:
        assert math.isclose(float(e.expected), _central(e.run, "x"), rel_tol=1e-6)
        assert set(e.collisions) <= e.unavoidable


def test_bad_wrt_is_a_clear_error():
    with pytest.raises(ValueError, match="not an input"):
        adv.exercises.gradient(SEED_PROGRAM, wrt="z")


@pytest.mark.parametrize("k", range(6))
def test_seeded_local_derivatives_match_sympy_diff(k):
    from autodiff_viz.core.primitives import PRIMITIVES

    ex = adv.exercises.local_derivative(seed=k)
    child_name = ex.what.split("/")[0][1:]
    parent_name = ex.what.split("/")[1][1:]
    g = ex.graph
    child = g.node(child_name)
    syms = [sympy.Symbol(g.nodes[a].name) if g.nodes[a].op != "const"
            else sympy.Float(g.nodes[a].const) for a in child.args]
    oracle = sympy.diff(PRIMITIVES[child.op].sympy(sympy, *syms), sympy.Symbol(parent_name))
    assert ex.check(sympy.sstr(oracle)).correct, (ex.prompt, oracle)
    assert not ex.check(sympy.sstr(oracle + 1)).correct


def test_exercise_check_never_raises_on_random_text():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    ex = adv.exercises.gradient(SEED_PROGRAM)

    @settings(max_examples=150, deadline=None)
    @given(st.text(alphabet="xyab0123456789.+-*/^() ,=_[]'qsrtlog", max_size=30))
    def run(text):
        fb = ex.check(text)
        assert isinstance(fb.correct, bool) and fb.message

    run()


@pytest.mark.parametrize("make", [
    lambda: adv.exercises.gradient("sqrt(x)*y", wrt="x", at={"x": 0.0, "y": 1.0}),
    lambda: adv.exercises.gradient("sqrt(x)*y", wrt=None, at={"x": 0.0, "y": 1.0}),
    lambda: adv.exercises.adjoint("sqrt(x)*y", node="x", at={"x": 0.0, "y": 1.0}),
])
def test_an_infinite_answer_is_refused_with_a_clear_message(make):
    # oracle: d√x/dx = 1/(2√x) has no finite value at x = 0
    x = sympy.Symbol("x", positive=True)
    assert sympy.limit(sympy.diff(sympy.sqrt(x), x), x, 0, "+") == sympy.oo
    with pytest.raises(ValueError, match="not a finite number.*choose another point"):
        make()


@pytest.mark.parametrize("op, answer", [("relu", "step(x)"), ("abs", "sgn(x)"),
                                        ("abs", "sign(x)")])
def test_local_derivative_of_a_kinked_node_accepts_the_drawings_notation(op, answer):
    ex = adv.exercises.local_derivative(f"a = {op}(x)\nf = a*y", child="a", parent="x")
    # oracle: sympy's derivative of Max(t, 0) / Abs(t) at the exercise's point
    t = sympy.Symbol("t", real=True)
    x = ex.run.inputs["x"]
    slope = sympy.diff(sympy.Max(t, 0) if op == "relu" else sympy.Abs(t), t).subs(t, x)
    assert float(slope) == float(sympy.Heaviside(x) if op == "relu" else sympy.sign(x))
    fb = ex.check(answer)
    assert fb.correct, fb.message
    fb = ex.check("x")
    assert not fb.correct and not fb.message.startswith("Invalid")
