"""The marking policy of docs/marking.md, rule by rule, including every false verdict of
issue 12. Oracles: exact values written out by hand (math / sympy), never the checker."""

from __future__ import annotations

import math

import pytest
import sympy

import autodiff_viz as adv
from autodiff_viz.core.build import from_text
from autodiff_viz.grading.answers import parse
from autodiff_viz.grading.checker import check, kinks, slack

from ..conftest import SEED_DFDX, SEED_DFDY, SEED_VALUE

# ---------------------------------------------------------------------------------------
# Formulas: every branch of every piecewise function is sampled
# ---------------------------------------------------------------------------------------

# (expected, answers equal only on one side of the kink, answers equal everywhere)
PIECEWISE = [
    ("step(x)", ["1", "sign(x)", "sgn(x)", "(sign(x))**2", "abs(x)/x"], ["(1 + sign(x))/2"]),
    ("sign(x)", ["1", "step(x)", "-1"], ["abs(x)/x", "2*step(x) - 1"]),
    ("abs(x)", ["x", "-x", "relu(x)"], ["sqrt(x**2)", "relu(x) + relu(-x)"]),
    ("relu(x)", ["x", "abs(x)", "0"], ["(x + abs(x))/2"]),
    ("relu(x - 2)", ["x - 2"], ["(x - 2 + abs(x - 2))/2"]),
    ("abs(x - y)", ["x - y", "y - x"], ["sqrt((x - y)**2)"]),
]


@pytest.mark.parametrize("expected, wrong, right",
                         PIECEWISE, ids=[p[0] for p in PIECEWISE])
def test_both_sides_of_every_kink_are_compared(expected, wrong, right):
    for answer in wrong:
        fb = check(answer, expected, variables=("x", "y"))
        assert not fb.correct, (answer, expected, fb.message)
        assert fb.status == "incorrect"
    for answer in right:
        assert check(answer, expected, variables=("x", "y")).correct, (answer, expected)


def test_max_and_min_kinks_are_sampled_on_both_sides():
    x, y = sympy.symbols("x y")
    assert not check("x", sympy.Max(x, y), variables=("x", "y")).correct
    assert not check("y", sympy.Min(x, y), variables=("x", "y")).correct
    assert check("(x + y + abs(x - y))/2", sympy.Max(x, y), variables=("x", "y")).correct
    assert kinks(sympy.Max(x, y)) == [x - y]


def test_kinks_of_the_answer_are_sampled_too():
    # the expected x is smooth; the answer's abs has a kink at 0 outside the default box
    assert not check("abs(x)", "x", variables=("x",)).correct


def test_the_issues_false_accepts_are_wrong_now():
    assert not adv.check("x", "abs(x)", variables=("x",)).correct
    assert not adv.check("1", "step(x)", variables=("x",)).correct


@pytest.mark.parametrize("answer", ["1", "sgn(a)", "sign(a)"])
@pytest.mark.parametrize("symbolic", [False, True])
def test_relu_local_derivative_needs_the_step(answer, symbolic):
    ex = adv.exercises.local_derivative("f = relu(a)*y", child=None, symbolic=symbolic)
    assert "relu" in ex.prompt and "kink" in ex.prompt
    fb = ex.check(answer)
    assert not fb.correct and "confirmed" not in fb.message, fb.message
    assert ex.check("step(a)").correct
    assert ex.check("(1 + sign(a))/2").correct


@pytest.mark.parametrize("answer", ["1", "step(a)"])
def test_abs_local_derivative_needs_the_sign(answer):
    ex = adv.exercises.local_derivative("f = abs(a)*y")
    assert not ex.check(answer).correct
    assert ex.check("sign(a)").correct and ex.check("abs(a)/a").correct


def test_symbolic_confirmation_never_overrules_a_sampled_disagreement():
    fb = check("1", "step(x)", variables=("x",), symbolic=True)
    assert not fb.correct and fb.status == "incorrect"


def test_points_where_the_expected_form_is_undefined_are_skipped():
    # (x log x + x)/(log x + 1) = x wherever it is defined (x > 0): x < 0 points don't count
    odd = "(x*log(x) + x)/(log(x) + 1)"
    assert check("x", odd, variables=("x",), domain=(-3, 3)).correct
    # the answer undefined where the expected value exists is wrong...
    fb = check(odd, "x", variables=("x",), domain=(-3, 3))
    assert not fb.correct and "undefined" in fb.message
    # ...unless the point is outside where the question lives (defined_on)
    assert check(odd, "x", variables=("x",), domain=(-3, 3), defined_on=("log(x)",)).correct


def test_a_formula_is_compared_on_the_nodes_domain_only():
    # c = log(b): the node lives on b > 0, where 1/b == exp(-log(b))
    ex = adv.exercises.local_derivative("a = x*y\nc = log(a)\nf = c + a", child="c")
    assert ex.check("exp(-log(a))").correct
    assert ex.check("1/a").correct


# ---------------------------------------------------------------------------------------
# A node used twice
# ---------------------------------------------------------------------------------------

def test_a_times_a_asks_for_the_total_local_derivative_by_default():
    ex = adv.exercises.local_derivative("f = a*a")
    assert "twice" in ex.prompt and "total local derivative" in ex.prompt
    assert ex.check("2*a").correct
    fb = ex.check("a")
    assert not fb.correct and fb.mistake.startswith("one-edge"), fb.message
    assert "one edge only" in fb.message


@pytest.mark.parametrize("edge", [0, 1])
def test_a_times_a_can_ask_for_one_named_edge(edge):
    ex = adv.exercises.local_derivative("f = a*a", edge=edge)
    assert ("first" if edge == 0 else "second") in ex.prompt and "only" in ex.prompt
    assert ex.check("a").correct
    fb = ex.check("2*a")
    assert not fb.correct and fb.mistake == "all-edges", fb.message


def test_a_constant_local_derivative_refuses_a_formula_as_wrong():
    ex = adv.exercises.local_derivative("f = c + b", child="f", parent="c")
    fb = ex.check("c")
    assert not fb.correct and fb.status == "incorrect", fb.message
    assert "put in the values" not in fb.message
    assert ex.check("1").correct


# ---------------------------------------------------------------------------------------
# Decimals: the exact value rounded to the figures given
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("exact, typed, ok", [
    (SEED_DFDY, "1.47", True), (SEED_DFDY, "1.46", False), (SEED_DFDY, "1.469", True),
    (SEED_DFDY, "1.4692", True), (SEED_DFDY, "1.4691", False),
    (1.33731, "1.34", True), (1.33731, "1.33", False),
    (SEED_VALUE, "3.68", True), (SEED_VALUE, "3.67", False), (SEED_VALUE, "3.6795", True),
    (SEED_DFDX, "0.892", True), (SEED_DFDX, "0.891", False), (SEED_DFDX, "0.8915", True),
    (-SEED_DFDX, "-0.892", True), (-SEED_DFDX, "-0.891", False),
])
def test_a_decimal_is_right_iff_it_is_the_exact_value_rounded(exact, typed, ok):
    want = sympy.Float(exact, 17)
    n_dec = len(typed.split(".")[1])
    assert (round(exact, n_dec) == float(typed)) is ok  # the oracle: Python's rounding
    fb = check(typed, want, variables=())
    assert fb.correct is ok, (typed, exact, fb.message)


def test_truncation_gets_rounding_feedback_that_says_which_way():
    fb = check("1.46", sympy.Float(SEED_DFDY, 17), variables=())
    assert fb.mistake == "rounding"
    assert "truncated" in fb.message and "round the last digit up" in fb.message
    fb = check("0.8916", sympy.Float(SEED_DFDX, 17), variables=())  # 0.891542 -> 0.8915
    assert fb.mistake == "rounding" and "down" in fb.message


def test_fewer_than_three_figures_are_not_marked():
    fb = check("1.5", sympy.Float(SEED_DFDY, 17), variables=())
    assert fb.status == "invalid" and "only 2 significant figures" in fb.message
    assert check("1.5", sympy.Float(SEED_DFDY, 17), variables=(), min_sig_figs=2).correct


def test_a_decimal_equal_to_the_exact_value_needs_no_extra_figures():
    assert check("0.5", "1/2", variables=()).correct
    assert check("0.5/sqrt(b)", "1/(2*sqrt(b))", variables=("b",)).correct


# ---------------------------------------------------------------------------------------
# Expressions with decimals: each decimal contributes its own half-unit
# ---------------------------------------------------------------------------------------

def test_sums_of_rounded_terms_get_only_their_own_tolerance():
    want = "2/3 + 1/(3*sqrt(2*log(3)))"
    assert not check("0.667 + 0.228", want, variables=()).correct   # 0.895: 0.0035 off
    assert check("0.6667 + 0.2249", want, variables=()).correct    # 0.8916 ± 0.0001
    assert check("0.667 + 0.225", want, variables=()).correct      # 0.892 ± 0.001
    assert not check("0.66 + 0.22", want, variables=()).correct


def test_slack_is_the_sum_of_the_half_units_carried_through():
    # oracle: d(p*q) = |q| dp + |p| dq for p = 1.47 (±0.005), q = 0.607 (±0.0005)
    assert math.isclose(slack(parse("1.47*0.607", ())), 0.607 * 0.005 + 1.47 * 0.0005,
                        rel_tol=1e-6)
    assert math.isclose(slack(parse("0.667 + 0.228", ())), 0.001, rel_tol=1e-9)
    assert slack(parse("2/3", ())) == 0.0


def test_a_wrong_decimal_coefficient_is_wrong_not_unmarked():
    fb = check("0.4/sqrt(b)", "1/(2*sqrt(b))", variables=("b",))
    assert fb.status == "incorrect", fb.message
    ex = adv.exercises.local_derivative(adv.exercises.SEED_PROGRAM, child="c")
    assert ex.check("0.4/sqrt(b)").status == "incorrect"


def test_the_figures_message_names_the_decimal_that_has_too_few():
    fb = check("1.00*0.9", "1/(3*sqrt(2*log(3))) + 2/3", variables=())
    assert fb.status == "invalid"
    assert "0.9" in fb.message and "1 significant figure" in fb.message
    assert "1.00 has" not in fb.message


# ---------------------------------------------------------------------------------------
# Integers next to near-integers
# ---------------------------------------------------------------------------------------

def test_an_integer_for_a_near_integer_gets_a_rounding_hint():
    want = sympy.Float(-4.999999815, 17)
    fb = check("-5", want, variables=())
    assert not fb.correct and fb.mistake == "rounding-integer", fb.message
    assert "not a whole number" in fb.message and "significant figures" in fb.message
    assert check("-5.00", want, variables=()).correct
    # a whole number far from the value is simply wrong
    assert check("-7", want, variables=()).mistake is None


# ---------------------------------------------------------------------------------------
# Names: what the graph text accepts can be typed in an answer
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, parent, answer", [
    ("f = a_1*σ", "σ", "a_1"), ("f = a_1*σ", "a_1", "σ"),
    ("f = sin(x_2)*y", None, None),
])
def test_any_graph_name_can_be_typed(text, parent, answer):
    g = from_text(text)
    if parent is None:
        ex = adv.exercises.local_derivative(g, child=next(n.name for n in g.nodes if n.op == "sin"))
        assert ex.check("cos(x_2)").correct
        return
    ex = adv.exercises.local_derivative(g, child="f", parent=parent)
    assert ex.check(answer).correct, ex.check(answer).message
    assert ex.check(ex.solution).correct


def test_sigma_is_a_name_alone_and_sigmoid_when_called():
    p = parse("σ(x) + σ", ("x", "σ"))
    assert p.expr == 1 / (1 + sympy.exp(-sympy.Symbol("x"))) + sympy.Symbol("σ")


def test_decimals_never_collide_with_a_variable_of_the_same_name():
    # the tolerance machinery gives each typed decimal a symbol of its own
    assert check("0.50*d1 + 1.00*d2", "d1/2 + d2", variables=("d1", "d2")).correct
    assert not check("0.52*d1", "d1/2", variables=("d1",)).correct
