"""One table: every table derived from the rows of core/primitives.py covers every row.

A new row that some derived table misses (explanations, graph text, traced functions,
``from_sympy``, mpmath and checker evaluation, exact forms, the answer reader) fails here; the
nine rows added to prove it (atan … min) are checked against sympy, central differences and
their domains and kinks.
"""

from __future__ import annotations

import math
import re

import pytest
import sympy as sp

import autodiff_viz as adv
from autodiff_viz.core import functions
from autodiff_viz.core.passes import DomainError
from autodiff_viz.core.primitives import (
    FUNCTIONS,
    PRIMITIVES,
    WORKAROUNDS,
    UnknownPrimitive,
    primitive,
    suggest,
    sympy_heads,
)
from autodiff_viz.exact import forms as exact_forms
from autodiff_viz.exact.from_sympy import SUPPORTED, from_sympy
from autodiff_viz.grading.checker import numeric

NEW = ("atan", "asin", "acos", "sinh", "cosh", "softplus", "log1p", "max", "min")
SCALAR = sorted(n for n, row in PRIMITIVES.items() if row.sympy is not None)
POINT = (0.3, 0.7)  # inside every scalar row's domain, away from every kink


def _at(name: str) -> tuple[float, ...]:
    return POINT[:PRIMITIVES[name].arity]


def test_array_rows_load_with_the_table_and_have_no_fake_sympy_form():
    assert {"matmul", "sum", "mean1", "softmax_ce"} <= set(PRIMITIVES)
    arrays = [row for row in PRIMITIVES.values() if row.vjp is not None]
    assert arrays and all(row.sympy is None for row in arrays)
    g = adv.graph(lambda W: adv.sum(W))
    with pytest.raises(NotImplementedError, match="scalar graphs"):
        exact_forms.exact(g.evaluate(W=[[1.0, 2.0]]))
    with pytest.raises(NotImplementedError, match="no sympy form .an array row"):
        exact_forms.exact(g.evaluate(W=2.0))           # a number is its own sum


@pytest.mark.parametrize("name", SCALAR)
def test_every_scalar_row_is_in_every_derived_table(name):
    row = PRIMITIVES[name]
    syms = sp.symbols(f"a0:{row.arity}", real=True)
    head = row.sympy(sp, *syms)
    assert len(row.d) == row.arity                        # explanations show its partials
    if not row.infix and name != "neg":                   # graph text and traced functions
        assert FUNCTIONS[name] == name
        python = functions.PYTHON_NAMES.get(name, name)
        assert getattr(adv, python) is getattr(functions, python)
        assert python in adv.__all__
        assert getattr(adv, python)(*_at(name)) == row.value(*_at(name))
        g = adv.graph(f"{name}({', '.join(f'a{k}' for k in range(row.arity))})")
        assert g.evaluate(dict(zip(g.inputs, _at(name), strict=True))).value == row.value(
            *_at(name))
    point = {str(s): v for s, v in zip(syms, _at(name), strict=True)}
    subs = dict(zip(syms, map(sp.Float, _at(name)), strict=True))
    want = row.value(*_at(name))
    # from_sympy turns its sympy form back into a graph with the same value
    g = adv.graph(from_sympy(head, inputs=list(point)))
    assert g.evaluate(point).value == pytest.approx(want, rel=1e-12)
    # the checker and mpmath evaluate it and its partials without sympy's slow fallback
    mp_known = set(exact_forms._MP_FUNCS) | {sp.Heaviside}
    for e, v in ((head, want), *((sp.diff(head, s), row.partials[k](_at(name), want))
                               for k, s in enumerate(syms))):
        assert numeric(e, point) == pytest.approx(v, rel=1e-12, abs=1e-15), (name, e)
        assert {type(f) for f in e.atoms(sp.Function)} <= mp_known, (name, e)
        assert float(exact_forms.approx(e.xreplace(subs))) == pytest.approx(v, rel=1e-12,
                                                                             abs=1e-15)
    # exact forms: the row's exact partials agree with the engine's
    run = g.evaluate(point)
    assert exact_forms.verify(run).ok


def test_sympy_heads_name_every_function_row_and_from_sympy_says_so():
    heads = {row.name for row in sympy_heads(sp).values()}
    assert set(NEW) - {"softplus", "log1p"} <= heads     # those two are formulas in sympy
    for f, row in sympy_heads(sp).items():
        assert f.__name__ in SUPPORTED, row.name


def test_answers_may_call_every_function_of_the_table():
    from autodiff_viz.grading.answers import ANSWER_FUNCTIONS

    assert set(FUNCTIONS) <= set(ANSWER_FUNCTIONS)


# --- the nine new rows --------------------------------------------------------------------

@pytest.mark.parametrize("name", NEW)
def test_new_rows_against_sympy_diff_and_central_differences(name):
    row = PRIMITIVES[name]
    syms = sp.symbols(f"a0:{row.arity}", real=True)
    head = row.sympy(sp, *syms)
    for point in ((0.3, 0.7), (-0.6, 0.2), (0.85, -0.4)):
        at = point[:row.arity]
        out = row.value(*at)
        subs = dict(zip(syms, at, strict=True))
        assert out == pytest.approx(float(head.subs(subs)), rel=1e-12)
        for k, s in enumerate(syms):
            mine = row.partials[k](at, out)
            assert mine == pytest.approx(float(sp.diff(head, s).subs(subs)), rel=1e-12)
            up, down = list(at), list(at)
            up[k] += 1e-6
            down[k] -= 1e-6
            assert mine == pytest.approx((row.value(*up) - row.value(*down)) / 2e-6, rel=1e-6)


@pytest.mark.parametrize("text, at, where", [
    ("asin(x)", 1.5, "[−1, 1]"), ("acos(x)", -1.01, "[−1, 1]"), ("log1p(x)", -1.5, "> −1"),
    ("log1p(x)", -1.0, "> −1")])
def test_domains_are_named(text, at, where):
    with pytest.raises(DomainError, match=re.escape(where)):
        adv.graph(text).evaluate(x=at)


def test_max_and_min_kinks_are_flagged_with_the_subgradient():
    run = adv.graph("max(x, y) + 2*min(x, y)").evaluate(x=2, y=2)
    assert run.grad == {"x": 0.5 + 2 * 0.5, "y": 0.5 + 2 * 0.5}    # ties split evenly
    flags = [f for s in run.steps for f in s.flags]
    assert any("max is not differentiable where its arguments are equal" in f and "½" in f
               for f in flags)
    assert exact_forms.verify(run).ok                               # exact forms agree
    run = adv.graph("max(x, y)").evaluate(x=3, y=2)
    assert run.grad == {"x": 1.0, "y": 0.0} and not any(s.flags for s in run.steps)
    assert adv.graph("asin(x)").evaluate(x=1).steps[0].flags        # infinite slope at ±1


def test_new_rows_in_text_traced_functions_sympy_and_answers():
    x, y = sp.symbols("x y")
    expr = sp.atan(x) * y + sp.Max(x, y)
    by_text = adv.graph("atan(x)*y + max(x, y)").evaluate(x=0.5, y=2)
    traced = adv.graph(lambda x, y: adv.atan(x) * y + adv.maximum(x, y)).evaluate(x=0.5, y=2)
    from_sp = adv.graph(from_sympy(expr)).evaluate(x=0.5, y=2)
    for run in (traced, from_sp):
        assert run.value == pytest.approx(by_text.value) and run.grad == by_text.grad
    assert by_text.grad["x"] == pytest.approx(2 / 1.25)
    ex = adv.exercises.local_derivative("f = atan(x)*y", child="a", parent="x")
    assert ex.check("1/(1+x**2)").correct and not ex.check("1/(1+x)").correct
    assert adv.check("1/(1+x**2)", "1/(1+x**2)", variables=("x",)).correct


def test_max_min_keep_pythons_builtins_in_star_imports():
    assert not {"max", "min"} & set(adv.__all__) and {"maximum", "minimum"} <= set(adv.__all__)
    assert adv.maximum(1.0, 2.0) == 2.0 and adv.minimum(1.0, 2.0) == 1.0


# --- suggestions come from the rows ---------------------------------------------------------

@pytest.mark.parametrize("typed, meant", [
    ("arctan", "atan"), ("arcsin", "asin"), ("asin", "asin"), ("cosh", "cosh"), ("ln", "log"),
    ("Sqrt", "sqrt"), ("sqr", "sqrt"), ("maximum", "max"), ("sigma", "sigmoid"),
    ("exp10", None), ("log10", None), ("asinh", None), ("atanh", None), ("sgn", None),
    ("softmax", None)])
def test_suggestions_never_name_another_function(typed, meant):
    assert suggest(typed) == meant


def test_unsupported_functions_say_how_to_write_them():
    with pytest.raises(UnknownPrimitive, match=re.escape("write log(x)/log(10)")):
        primitive("log10")
    assert adv.graph("arctan(x)").output.op == "atan"   # an alias: read as its row
    with pytest.raises(adv.ParseError) as info:
        adv.graph("arctang(x)")
    assert "atan(x)" in str(info.value) and "tan(x)" not in str(info.value).replace(
        "atan(x)", "")
    assert all(name not in PRIMITIVES for name in WORKAROUNDS)
    assert all(math.isfinite(PRIMITIVES[n].value(*_at(n))) for n in NEW)
