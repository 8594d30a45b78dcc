"""Answer checking: equivalent forms accepted, precision policy, symbolic confirmation.

Oracles: sympy.diff of the seed function (never our own graph code) and the published
worked example (tests/conftest.py).
"""

from __future__ import annotations

import math
import multiprocessing
import time

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import autodiff_viz as adv
from autodiff_viz.grading.checker import Feedback, Mistake, Undefined, check, confirm, numeric

from ..conftest import SEED_DFDX, SEED_DFDY, SEED_VALUE

X, Y, B = sympy.symbols("x y b", positive=True)
SEED_F = sympy.sqrt(sympy.log(X) * Y) + sympy.log(X) * Y
DFDX = sympy.diff(SEED_F, X)
DFDY = sympy.diff(SEED_F, Y)
AT = {X: 3, Y: 2}


def test_oracles_agree_with_the_published_example():
    assert math.isclose(float(DFDX.subs(AT)), SEED_DFDX, rel_tol=1e-12)
    assert math.isclose(float(DFDY.subs(AT)), SEED_DFDY, rel_tol=1e-12)


def test_public_entry_point():
    fb = adv.check("1/(2*sqrt(b))", "1/(2*sqrt(b))", variables=("b",))
    assert isinstance(fb, Feedback) and fb.correct and isinstance(fb.message, str)


@pytest.mark.parametrize("answer", [
    "1/(2*sqrt(b))", "0.5*b^(-0.5)", "b**(-1/2)/2", "1/(2*b**(1/2))", "sqrt(b)/(2*b)",
    "(1/2)/sqrt(b)", "1/sqrt(4*b)", "0.5/√b",
])
def test_forms_of_dc_db_are_accepted(answer):
    expected = sympy.diff(sympy.sqrt(B), B)
    assert check(answer, expected, variables=("b",)).correct


@pytest.mark.parametrize("answer", ["1/x", "x^-1", "x**(-1)", "2/(2*x)", "exp(-log(x))"])
def test_forms_of_da_dx_are_accepted(answer):
    assert check(answer, sympy.diff(sympy.log(X), X), variables=("x",)).correct


@pytest.mark.parametrize("answer", [
    "2/3 + 1/(3*sqrt(2*log(3)))", "(2 + 1/sqrt(2*log(3)))/3", "2/3 + sqrt(2)/(6*sqrt(log(3)))",
    "0.8915", "0.89154", "0.892", "0.6667 + 0.2249", "8.915e-1",
])
def test_forms_of_df_dx_at_the_seed_point(answer):
    assert check(answer, DFDX.subs(AT), variables=()).correct


@pytest.mark.parametrize("answer", [
    "log(3) + sqrt(log(3)/8)", "log(3) + sqrt(2*log(3))/4", "log(3)*(1 + 1/(2*sqrt(2*log(3))))",
    "1.469", "1.4692", "ln(3) + sqrt(ln(3)/8)",
])
def test_forms_of_df_dy_at_the_seed_point(answer):
    assert check(answer, DFDY.subs(AT), variables=()).correct


@pytest.mark.parametrize("answer", [
    "y/x + y/(2*x*sqrt(y*log(x)))", "(y/x)*(1 + 1/(2*sqrt(log(x)*y)))",
    "y/x + sqrt(y)/(2*x*sqrt(log(x)))",
])
def test_symbolic_gradient_formulas(answer):
    fb = check(answer, DFDX, variables=("x", "y"), domain={"x": (1.5, 4), "y": (0.5, 3)})
    assert fb.correct, fb.message


def test_wrong_formulas_are_rejected_with_a_counterexample():
    fb = check("y/x", DFDX, variables=("x", "y"), domain={"x": (1.5, 4), "y": (0.5, 3)})
    assert not fb.correct and fb.status == "incorrect"
    assert "your answer y/x gives" in fb.message


def test_text_number_and_sympy_expected_agree():
    for expected in ("2/3 + 1/(3*sqrt(2*log(3)))", DFDX.subs(AT), SEED_DFDX):
        assert check("0.8915", expected, variables=()).correct
        assert not check("0.8925", expected, variables=()).correct


# --------------------------------------------------------------------------------------------
# Decimal answers: the precision is read from the typed string
# --------------------------------------------------------------------------------------------

def test_too_few_significant_figures_is_invalid_not_wrong():
    fb = check("0.89", SEED_DFDX, variables=())
    assert not fb.correct and fb.status == "invalid"
    assert "only 2 significant figures" in fb.message and "at least 3" in fb.message
    assert check("0.89", SEED_DFDX, variables=(), min_sig_figs=2).correct


def test_precision_policy_uses_the_last_typed_digit():
    assert check("3.680", SEED_VALUE, variables=()).correct
    assert check("3.6795", SEED_VALUE, variables=()).correct
    assert not check("3.6800", SEED_VALUE, variables=()).correct  # wrong in the 4th decimal
    assert "4 significant figures" in check("0.8915", SEED_DFDX, variables=()).message


def test_exact_short_decimals_are_exact():
    assert check("0.5", sympy.Rational(1, 2), variables=()).correct
    assert check("0.5*b", B / 2, variables=("b",)).correct


def test_too_few_figures_inside_an_expression():
    fb = check("0.3/sqrt(b)", 1 / (3 * sympy.sqrt(B)), variables=("b",))
    assert fb.status == "invalid" and "significant figure" in fb.message
    assert check("0.3333/sqrt(b)", 1 / (3 * sympy.sqrt(B)), variables=("b",)).correct


# --------------------------------------------------------------------------------------------
# Mistakes recognised by check() itself
# --------------------------------------------------------------------------------------------

def test_precedence_slip_is_named():
    fb = check("1/2*sqrt(b)", "1/(2*sqrt(b))", variables=("b",))
    assert fb.mistake == "precedence" and "did you mean 1/(2*sqrt(b))?" in fb.message


def test_sign_and_factor_two():
    assert check("-1/(2*sqrt(b))", "1/(2*sqrt(b))", variables=("b",)).mistake == "sign"
    assert check("1/sqrt(b)", "1/(2*sqrt(b))", variables=("b",)).mistake == "factor-2"


def test_given_mistakes_are_matched_by_value_and_by_formula():
    ms = [Mistake("path", "you missed a path", 2 / 3), Mistake("val", "that is the value",
                                                               sympy.sqrt(sympy.Symbol("b")))]
    assert check("0.6667", SEED_DFDX, variables=(), mistakes=ms).mistake == "path"
    assert check("sqrt(b)", "1/(2*sqrt(b))", variables=("b",), mistakes=ms).mistake == "val"


def test_answer_undefined_where_expected_is_defined():
    fb = check("log(-x)", "log(x)", variables=("x",))
    assert not fb.correct and "undefined" in fb.message


def test_number_expected_but_formula_given():
    fb = check("1/x", SEED_DFDX, variables=("x", "y"))
    assert fb.status == "invalid" and "should be a number" in fb.message


def test_vector_answers():
    fb = check("0.8915, 1.469", (DFDX.subs(AT), DFDY.subs(AT)), variables=())
    assert fb.correct
    fb = check("1.469, 0.8915", (DFDX.subs(AT), DFDY.subs(AT)), variables=())
    assert not fb.correct and "component 1" in fb.message
    assert check("0.8915", (SEED_DFDX, SEED_DFDY), variables=()).status == "invalid"


# --------------------------------------------------------------------------------------------
# Symbolic confirmation in a killable child process
# --------------------------------------------------------------------------------------------

def test_symbolic_confirmation_needs_the_domain_assumptions():
    # log(x**2) = 2 log(x) only for x > 0: the default domain is positive, so it is confirmed
    fb = check("log(x**2)", "2*log(x)", variables=("x",), symbolic=True)
    assert fb.correct and fb.status == "correct" and "symbolically" in fb.message


def test_symbolic_confirmation_of_the_seed_derivative():
    fb = check("y/x + sqrt(y)/(2*x*sqrt(log(x)))", DFDX, variables=("x", "y"),
               domain={"x": (1.5, 4), "y": (0.5, 3)}, symbolic=True, timeout=10)
    assert fb.correct and fb.status == "correct"


def test_a_timeout_means_numerically_verified_never_wrong():
    x = sympy.Symbol("x")
    heavy = sympy.expand((x + 1) ** 40 * (x - 2) ** 20)
    t0 = time.perf_counter()
    fb = check("(x+1)**40*(x-2)**20", heavy, variables=("x",), symbolic=True, timeout=0.05,
               domain=(0.5, 1.5))
    elapsed = time.perf_counter() - t0
    assert fb.correct and fb.status == "verified" and "timed out" in fb.message
    assert elapsed < 2.0
    assert multiprocessing.active_children() == []


def test_confirm_kills_the_child():
    x = sympy.Symbol("x")
    t0 = time.perf_counter()
    assert confirm((x + 1) ** 60, sympy.expand((x + 1) ** 60) + 0, timeout=0.01) in (
        "timeout", "equal")
    assert time.perf_counter() - t0 < 2.0
    assert multiprocessing.active_children() == []


# --------------------------------------------------------------------------------------------
# The numeric evaluator (no lambdify)
# --------------------------------------------------------------------------------------------

def test_numeric_matches_sympy_evalf():
    x = sympy.Symbol("x")
    for e in (sympy.sqrt(x) * sympy.log(x), sympy.tanh(x) ** 2, 1 / (1 + sympy.exp(-x)),
              sympy.Abs(x - 3) + sympy.Max(x, 2), sympy.cosh(x) ** -2):
        assert math.isclose(numeric(e, {"x": 2.5}), float(e.subs(x, 2.5).evalf()),
                            rel_tol=1e-12)


@pytest.mark.parametrize("expr", ["log(-x)", "1/(x-2.5)", "(-x)**(1/2)", "exp(1000*x)"])
def test_numeric_reports_undefined_points(expr):
    e = sympy.sympify(expr)  # trusted test text, not student input
    with pytest.raises(Undefined):
        numeric(e, {"x": 2.5})


# --------------------------------------------------------------------------------------------
# Never raises on student input
# --------------------------------------------------------------------------------------------

_ALPHABET = "xyb0123456789.+-*/^()= ,eEsqrtlogpin_[]'\"\\|!"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_random_text_never_raises(text):
    t0 = time.perf_counter()
    fb = check(text, "1/(2*sqrt(b))", variables=("b",))
    assert isinstance(fb.correct, bool) and fb.message
    assert time.perf_counter() - t0 < 2.0


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=30))
def test_random_unicode_never_raises(text):
    fb = check(text, SEED_DFDX, variables=())
    assert isinstance(fb.correct, bool) and fb.message


def test_feedback_html_escapes_the_answer():
    fb = check("<script>alert(1)</script>", "x")
    assert "<script>" not in fb._repr_html_()
    fb = check("1/(2*sqrt(b))", "1/(2*sqrt(b))", variables=("b",))
    assert r"\frac{1}{2 \sqrt{b}}" in fb._repr_html_()


def test_bad_expected_is_an_author_error():
    with pytest.raises(ValueError, match="cannot be read"):
        check("x", "x +")
    with pytest.raises(TypeError):
        check("x", object())
