"""Exact forms and verify(), checked against independent oracles.

Oracles: the closed forms published in DESIGN.md (written here from scratch with sympy), sympy
differentiation of an expression built in parallel with the text, and central differences.
"""

from __future__ import annotations

import ast
import importlib.util
import math
import pathlib
import random
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp

import autodiff_viz as adv
from autodiff_viz.core import evaluate, from_text
from autodiff_viz.core.graph import Graph
from autodiff_viz.core.primitives import PRIMITIVES, Primitive
from autodiff_viz.exact import (
    Exact,
    ExactTooLarge,
    approx,
    exact,
    exact_number,
    exact_tangents,
    latex_of,
    tamper,
    unicode_of,
    verify,
)
from autodiff_viz.render.table import steps_table


def _load_seed():
    """The worked example's constants from tests/conftest.py (loaded by path)."""
    path = pathlib.Path(__file__).resolve().parents[1] / "conftest.py"
    spec = importlib.util.spec_from_file_location("_seed_constants", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_SEED = _load_seed()
SEED_AT, SEED_PROGRAM, SEED_EXPRESSION = _SEED.SEED_AT, _SEED.SEED_PROGRAM, _SEED.SEED_EXPRESSION
SEED_VALUE, SEED_DFDX, SEED_DFDY = _SEED.SEED_VALUE, _SEED.SEED_DFDX, _SEED.SEED_DFDY

L3 = sp.log(3)
# DESIGN.md's closed forms, typed in independently of the code under test.
DESIGN_VALUE = sp.sqrt(2 * L3) + 2 * L3
DESIGN_DFDX = 1 / (3 * sp.sqrt(2 * L3)) + sp.Rational(2, 3)
DESIGN_DFDY = sp.sqrt(L3 / 8) + L3


def _same(a: sp.Expr, b: sp.Expr, digits: int = 30) -> bool:
    """Exactly equal (simplify) and equal to ``digits`` digits."""
    close = abs(sp.N(a - b, digits + 10)) <= sp.Float(10) ** (-digits) * (1 + abs(sp.N(b)))
    return sp.simplify(a - b) == 0 and bool(close)


# ----------------------------------------------------------------------------------------
# The worked example
# ----------------------------------------------------------------------------------------

def test_seed_value_and_gradient_equal_the_published_closed_forms(seed_run):
    ex = exact(seed_run)
    assert _same(ex.value("f"), DESIGN_VALUE)
    assert _same(ex.grad["x"], DESIGN_DFDX)
    assert _same(ex.grad["y"], DESIGN_DFDY)
    # and the published decimals
    assert float(ex.value("f")) == pytest.approx(SEED_VALUE, rel=1e-15)
    assert float(ex.grad["x"]) == pytest.approx(SEED_DFDX, rel=1e-15)
    assert float(ex.grad["y"]) == pytest.approx(SEED_DFDY, rel=1e-15)
    assert round(float(ex.grad["x"]), 6) == 0.891542
    assert round(float(ex.grad["y"]), 6) == 1.469188


def test_seed_intermediate_values_avoid_the_course_notes_slip(seed_run):
    ex = exact(seed_run)
    assert ex.value("a") == L3
    assert ex.value("b") == 2 * L3
    assert _same(ex.value("c"), sp.sqrt(2 * L3))
    assert sp.simplify(ex.value("c") - sp.sqrt(L3)) != 0  # the note writes sqrt(log 3)
    g = seed_run.graph
    (e_cb,) = g.in_edges[g.index("c")]
    assert _same(ex.partial(e_cb), 1 / (2 * sp.sqrt(2 * L3)))
    assert sp.simplify(ex.partial(e_cb) - 1 / (2 * sp.sqrt(L3))) != 0


def test_seed_gradient_is_printed_in_the_published_tidy_form(seed_run):
    ex = exact(seed_run)
    assert ex.grad["x"].is_Add and len(ex.grad["x"].args) == 2  # expanded: two terms
    assert unicode_of(ex.grad["x"]) == "1/(3·√(2·log(3))) + 2/3"   # 1/(3 sqrt(2 log 3)) + 2/3
    assert unicode_of(ex.value("c")) == "√(2·log(3))"
    assert "\n" not in unicode_of(ex.grad["y"])
    assert latex_of(ex.grad["x"]).startswith(r"\frac{1}{3 \sqrt{2 \log")
    assert latex_of(ex.value("c")) == r"\sqrt{2 \log{\left(3 \right)}}"


def test_b_adjoint_is_the_sum_of_two_contributions(seed_run):
    ex = exact(seed_run)
    g = seed_run.graph
    b = g.index("b")
    assert len(g.out_edges[b]) == 2
    contributions = [ex.adjoint(g.edges[e].child) * ex.partial(e) for e in g.out_edges[b]]
    assert _same(sp.Add(*contributions), ex.adjoint("b"))
    # 1 + dc/db, with dc/db = 1/(2 sqrt(2 log 3)), written independently
    assert _same(ex.adjoint("b"), 1 + 1 / (2 * sp.sqrt(2 * L3)))


def test_partial_formulas_are_in_terms_of_node_names(seed_run):
    ex = exact(seed_run)
    g = seed_run.graph
    formula = {(g.edges[e].parent, g.edges[e].child): ex.partial_formula(e)
               for e in range(len(g.edges))}
    b, x, y, a = (sp.Symbol(n, real=True) for n in "bxya")
    assert sp.simplify(formula["b", "c"] - 1 / (2 * sp.sqrt(b))) == 0
    assert sp.simplify(formula["x", "a"] - 1 / x) == 0
    assert formula["a", "b"] == y and formula["y", "b"] == a
    assert formula["c", "f"] == 1 and formula["b", "f"] == 1
    assert unicode_of(formula["b", "c"]) == "1/(2·√b)"
    assert ex.text("formula", g.in_edges[g.index("c")][0]) == "1/(2·√b)"


def test_x_times_x_keeps_two_edges_with_their_own_partials():
    run = evaluate(from_text("x*x"), {"x": 3})
    ex = exact(run)
    assert len(run.graph.edges) == 2
    assert [ex.partial(e) for e in range(2)] == [3, 3]
    assert ex.grad["x"] == 6  # d(x²)/dx at 3
    assert [str(ex.partial_formula(e)) for e in range(2)] == ["x", "x"]


def test_tangents_asked_for_later_get_their_own_time_budget(seed_run):
    ex = exact(seed_run)
    ex.meter.deadline = 0.0          # as if the run was made long ago
    assert _same(ex.tangents("x")[seed_run.graph.output_index], DESIGN_DFDX)


def test_exact_tangents_match_the_gradient(seed_run):
    for wrt, expected in (("x", DESIGN_DFDX), ("y", DESIGN_DFDY)):
        tan = exact_tangents(seed_run, wrt)
        assert _same(tan[seed_run.graph.output_index], expected)


def test_exact_is_cached_and_fast_enough_to_call_per_label(seed_run):
    ex = exact(seed_run)
    assert exact(seed_run) is ex
    assert seed_run.exact() is ex          # the Run method (through core.display)
    assert isinstance(ex, Exact)
    assert "√" in repr(ex)


def test_package_exact_is_the_function_whatever_was_imported_first(seed_run):
    code = ("import autodiff_viz.exact.forms as m, autodiff_viz.exact as sym, "
            "types; print(isinstance(sym.exact, types.FunctionType), "
            "sym.exact is m.exact, "
            "type(m) is types.ModuleType)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout.split()
    assert out == ["True"] * 3
    import autodiff_viz.exact as sym

    assert sym.exact(seed_run) is exact(seed_run)


# ----------------------------------------------------------------------------------------
# Numbers
# ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    (3, sp.Integer(3)), (3.0, sp.Integer(3)), (2.5, sp.Rational(5, 2)), (0.1, sp.Rational(1, 10)),
    (-0.75, sp.Rational(-3, 4)), (1 / 3, sp.Rational(1, 3)), (math.pi, sp.pi)])
def test_exact_number(value, expected):
    assert exact_number(value) == expected


@pytest.mark.parametrize("value, expected", [
    (1e300, sp.Integer(10) ** 300), (-1e23, -sp.Integer(10) ** 23), (2.0 ** 52, 2 ** 52)])
def test_exact_number_of_a_huge_float_is_the_decimal_typed(value, expected):
    assert exact_number(value) == expected and float(expected) == value


@pytest.mark.parametrize("value, text", [(1e300, "10³⁰⁰"), (1.5e300, "1.5·10³⁰⁰"),
                                         (-2e-300, "-2·10⁻³⁰⁰"), (1e20, "10²⁰"),
                                         (123456.0, "123456"), (0.25, "1/4"), (0.0, "0")])
def test_huge_and_tiny_exact_numbers_print_as_powers_of_ten(value, text):
    assert unicode_of(exact_number(value)) == text
    mantissa, _, power = text.replace("⁻", "-").partition("10")
    if power:   # oracle: the float written back from the printed form
        sup = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
        m = float(mantissa.rstrip("·") or 1) if mantissa not in ("", "-") else float(mantissa + "1")
        assert m * 10.0 ** int(power.translate(sup)) == pytest.approx(value)


def test_exact_number_of_an_awkward_float_rounds_back_to_it():
    v = 0.123456789012345
    assert float(exact_number(v)) == v


def test_inputs_become_exact_rationals():
    run = evaluate(from_text("log(x)*y"), {"x": 2.5, "y": 0.1})
    ex = exact(run)
    assert ex.inputs == {"x": sp.Rational(5, 2), "y": sp.Rational(1, 10)}
    assert ex.value("f") == sp.log(sp.Rational(5, 2)) / 10


def test_pi_constant_stays_exact():
    run = evaluate(from_text("sin(pi*x)"), {"x": 1})
    assert exact(run).value("f") == 0
    assert verify(run).ok


# ----------------------------------------------------------------------------------------
# Random graphs: exact forms vs sympy.diff of an independently built expression
# ----------------------------------------------------------------------------------------

X, Y, Z = sp.symbols("x y z")
SYMS = {"x": X, "y": Y, "z": Z}


def _random_expr(rng: random.Random, depth: int) -> tuple[str, sp.Expr]:
    """Expression text and the same expression built directly in sympy (no parsing)."""
    if depth == 0 or rng.random() < 0.2:
        if rng.random() < 0.8:
            name = rng.choice("xyz")
            return name, SYMS[name]
        k = rng.randint(1, 3)
        return str(k), sp.Integer(k)
    kind = rng.choice(["add", "sub", "mul", "div", "neg", "log", "sqrt", "exp", "sin", "cos",
                       "tanh", "pow", "square"])
    a_t, a_s = _random_expr(rng, depth - 1)
    if kind in ("add", "sub", "mul", "div"):
        b_t, b_s = _random_expr(rng, depth - 1)
        if kind == "add":
            return f"({a_t}) + ({b_t})", a_s + b_s
        if kind == "sub":
            return f"({a_t}) - ({b_t})", a_s - b_s
        if kind == "mul":
            return f"({a_t})*({b_t})", a_s * b_s
        return f"({a_t})/(({b_t})**2 + 1)", a_s / (b_s ** 2 + 1)
    if kind == "neg":
        return f"-({a_t})", -a_s
    if kind in ("log", "sqrt"):  # keep the argument positive
        return f"{kind}(({a_t})**2 + 1)", getattr(sp, kind)(a_s ** 2 + 1)
    if kind == "exp":
        return f"exp(sin({a_t}))", sp.exp(sp.sin(a_s))
    if kind in ("sin", "cos", "tanh"):
        return f"{kind}({a_t})", getattr(sp, kind)(a_s)
    if kind == "square":
        return f"({a_t})**2", a_s ** 2
    p = rng.choice([sp.Rational(3, 2), sp.Rational(1, 3), sp.Integer(3)])
    return f"(({a_t})**2 + 1)**({float(p)!r})", (a_s ** 2 + 1) ** p


def _random_case(seed: int):
    rng = random.Random(seed)
    while True:
        text, expr = _random_expr(rng, rng.randint(2, 4))
        used = sorted(str(s) for s in expr.free_symbols)
        if not used:
            continue
        at = {name: rng.randint(5, 25) / 10 for name in used}
        try:
            graph = from_text(text)
        except Exception:  # noqa: BLE001 - e.g. a constant-only expression
            continue
        return text, expr, graph, at


@pytest.mark.parametrize("seed", range(40))
def test_random_graph_exact_forms_agree_with_sympy_diff_and_numbers(seed):
    text, expr, graph, at = _random_case(seed)
    run = evaluate(graph, at)
    ex = exact(run)
    point = {SYMS[k]: sp.Rational(str(v)) for k, v in at.items()}
    # value and gradient: exact graph forms == sympy on the parallel expression (40 digits)
    assert abs(sp.N(ex.value(graph.output.name) - expr.subs(point), 40)) < 1e-25, text
    for name in graph.inputs:
        oracle = sp.diff(expr, SYMS[name]).subs(point)
        assert abs(sp.N(ex.grad[name] - oracle, 40)) < 1e-25 * (1 + abs(sp.N(oracle))), text
        # and the floats of the run agree with the exact forms
        assert run.grad[name] == pytest.approx(float(sp.N(oracle, 30)), rel=1e-8, abs=1e-10)
    report = verify(run, rtol=1e-8, atol=1e-10, tangents=True, paths=True)
    assert report.ok, f"{text}\n{report}"


@pytest.mark.parametrize("seed", range(5))
def test_random_graph_exact_gradient_against_central_differences(seed):
    text, expr, graph, at = _random_case(1000 + seed)
    ex = exact(evaluate(graph, at))
    for name in graph.inputs:
        h = 1e-6
        up = evaluate(graph, {**at, name: at[name] + h}).value
        down = evaluate(graph, {**at, name: at[name] - h}).value
        assert float(ex.grad[name]) == pytest.approx((up - down) / (2 * h), rel=1e-5,
                                                     abs=1e-6), text


# ----------------------------------------------------------------------------------------
# Kinks, domain edges and limits
# ----------------------------------------------------------------------------------------

def test_subgradients_at_kinks_match_the_engine():
    run = evaluate(from_text("relu(x) + abs(x)"), {"x": 0})
    ex = exact(run)
    assert [ex.partial(e) for e in (0, 1)] == [0, 0]   # the engine's subgradient 0
    assert verify(run).ok


def test_infinite_slope_of_sqrt_at_zero_is_matched():
    run = evaluate(from_text("sqrt(x)"), {"x": 0})
    assert run.partials[0] == math.inf
    assert exact(run).partial(0) == sp.zoo
    assert verify(run).ok


def test_array_graphs_are_refused_clearly():
    run = evaluate(from_text("log(x)*y"), {"x": np.array([1.0, 2.0]), "y": 2.0})
    with pytest.raises(NotImplementedError, match="exact forms are for scalar graphs"):
        exact(run)
    assert "exact forms skipped" in steps_table(run)


def test_deep_graph_is_refused_instead_of_overflowing_the_stack():
    text = "x" + "".join(f"\nv{k} = sin(v{k - 1})" if k > 1 else "\nv1 = sin(x)"
                         for k in range(1, 400))
    run = evaluate(from_text(text.split("\n", 1)[1]), {"x": 1})
    with pytest.raises(ExactTooLarge, match="too large"):
        exact(run)
    table = steps_table(run)
    assert "exact forms skipped" in table and "v399" in table


@pytest.mark.parametrize("line", ["exp(-{p})", "sigmoid({p})", "cos({p}) + sin({p})"])
def test_deep_transcendental_chains_are_refused_not_hung(line):
    program = "\n".join(f"v{k} = {line.format(p=f'v{k - 1}' if k > 1 else 'x')}"
                        for k in range(1, 60))
    run = evaluate(from_text(program), {"x": 0.5})
    with pytest.raises(ExactTooLarge, match="exact form|longer than"):
        exact(run)


def test_time_budget_is_enforced(monkeypatch):
    import autodiff_viz.exact.forms as module

    monkeypatch.setattr(module, "TIME_BUDGET", 0.0)
    with pytest.raises(ExactTooLarge, match="longer than 0 s"):
        exact(evaluate(from_text("log(x)*y"), {"x": 3, "y": 2}))


@pytest.mark.parametrize("expr", [
    sp.sqrt(2) * sp.log(3), sp.exp(-sp.exp(-sp.exp(-sp.Rational(1, 2)))), sp.pi ** 2 - sp.E,
    sp.Heaviside(sp.Integer(0), 0) + sp.Heaviside(sp.Rational(1, 3), 0) + sp.sign(-sp.pi),
    sp.Abs(sp.log(sp.Rational(1, 5))) * sp.tanh(2) / sp.tan(1), sp.Max(sp.log(2), 0)])
def test_approx_agrees_with_sympy_evalf(expr):
    assert approx(expr) == pytest.approx(float(sp.N(expr, 50)), rel=1e-15, abs=1e-300)


def test_huge_graph_is_refused_quickly():
    program = "s1 = x + x\n" + "\n".join(f"s{k} = s{k - 1} + x" for k in range(2, 3000))
    run = evaluate(from_text(program), {"x": 1})
    with pytest.raises(ExactTooLarge, match="nodes"):
        exact(run)


def test_a_primitive_without_sympy_form_is_a_loud_error(monkeypatch):
    row = Primitive("nosympy_probe", 1, lambda a: 2 * a, (lambda A, o: 2.0,), None,
                    "g({0})", "g({0})")
    monkeypatch.setitem(PRIMITIVES, "nosympy_probe", row)
    g = Graph.from_ops([("x", "input", ()), ("f", "nosympy_probe", ("x",))])
    with pytest.raises(NotImplementedError, match="nosympy_probe.*sympy"):
        exact(evaluate(g, {"x": 1}))


# ----------------------------------------------------------------------------------------
# verify()
# ----------------------------------------------------------------------------------------

def test_verify_passes_on_the_seed_with_everything(seed_run):
    report = verify(seed_run, tangents=True, paths=True)
    assert report.ok and not report.mismatches
    kinds = {c.kind for c in report.checks}
    assert kinds == {"value", "partial", "adjoint", "tangent", "path", "path sum"}
    # 6 values, 6 partials, 6 adjoints at least
    assert sum(c.kind == "value" for c in report.checks) == 6
    assert "agree" in str(report)
    assert seed_run.verify().ok


def test_verify_catches_the_course_notes_slip(seed_run):
    slip = tamper(seed_run, values={"c": math.sqrt(math.log(3))})
    report = verify(slip)
    assert not report.ok
    assert [(c.kind, c.item) for c in report.mismatches] == [("value", "c")]
    assert "MISMATCH" in str(report) and "c" in str(report)
    html = report._repr_html_()
    assert "<table" in html and "#fdd" in html
    # the original run is untouched
    assert verify(seed_run).ok


def test_verify_catches_a_wrong_partial_and_a_wrong_adjoint(seed_run):
    g = seed_run.graph
    (e_cb,) = g.in_edges[g.index("c")]
    slip = tamper(seed_run, partials={e_cb: 1 / (2 * math.sqrt(math.log(3)))},
                  adjoints={"b": 1.0})   # forgetting b's second contribution
    items = {c.item for c in verify(slip).mismatches}
    assert items == {"∂c/∂b", "∂f/∂b"}


def test_verify_tolerance_is_honoured(seed_run):
    nudged = tamper(seed_run, values={"f": seed_run.value * (1 + 1e-7)})
    assert not verify(nudged).ok
    assert verify(nudged, rtol=1e-6).ok


def test_report_table_is_aligned(seed_run):
    lines = str(verify(seed_run)).splitlines()
    assert lines[1].startswith("────")
    assert len({len(line.rstrip()) for line in lines[2:-1]}) >= 1
    assert all(" ok" in line for line in lines[2:-1])


def test_program_and_expression_give_the_same_exact_gradient():
    ex1 = exact(adv.graph(SEED_PROGRAM).evaluate(**SEED_AT))
    ex2 = exact(adv.graph(SEED_EXPRESSION).evaluate(**SEED_AT))
    assert all(sp.simplify(ex1.grad[k] - ex2.grad[k]) == 0 for k in SEED_AT)


# ----------------------------------------------------------------------------------------
# Safety: no user text reaches sympy's parsers
# ----------------------------------------------------------------------------------------

def test_no_module_calls_a_text_evaluator():
    pkg = pathlib.Path(adv.__file__).parent
    banned = {"sympify", "parse_expr", "lambdify", "eval", "exec", "S"}
    files = sorted(pkg.rglob("*.py"))
    assert any(f.name == "forms.py" for f in files)
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                f = node.func
                called = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
                assert called not in banned, f"{path.relative_to(pkg)} calls {called}"


def test_exact_forms_do_not_load_the_answer_checker():
    code = ("import sys, autodiff_viz as adv, autodiff_viz.exact; "
            "print('autodiff_viz.grading' in sys.modules, end=' '); "
            "adv.check('1/(2*sqrt(b))', '1/(2*sqrt(b))', variables=('b',)); "
            "print('autodiff_viz.grading' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False True"


@pytest.mark.parametrize("text", ["x**3", "x**2", "x*exp(-x**2)"])
def test_power_rule_at_zero_base_verifies(text):
    # oracle: sympy's derivative of the same expression, evaluated at 0
    x = sp.Symbol("x", real=True)
    ref = sp.diff({"x**3": x**3, "x**2": x**2, "x*exp(-x**2)": x * sp.exp(-x**2)}[text], x)
    run = adv.graph(text).evaluate(x=0.0)
    assert run.verify().ok
    assert exact(run).grad["x"] == ref.subs(x, 0)


@pytest.mark.parametrize("y", [2.0, 0.5, 3.0])
def test_exponent_partial_at_zero_base_is_the_limit(y):
    # oracle: sympy's one-sided limit of ∂(x^y)/∂y = x^y·log(x) as x → 0+
    xs, ys = sp.symbols("x y", positive=True)
    ref = sp.limit(sp.diff(xs ** ys, ys).subs(ys, sp.nsimplify(y)), xs, 0, "+")
    run = adv.graph("x**y").evaluate(x=0.0, y=y)
    assert exact(run).grad["y"] == ref == 0
    assert run.verify().ok


def test_undefined_products_agree_when_both_sides_are_undefined():
    # abs'(0)·√'(0) = 0·∞: sympy's own product of the two exact slopes is nan too
    assert sp.Integer(0) * sp.zoo is sp.nan
    run = adv.graph("abs(x)*sqrt(x)").evaluate(x=0.0)
    assert math.isnan(run.grad["x"]) and math.isnan(approx(exact(run).grad["x"]))
    assert run.verify().ok
    tampered = adv.graph("abs(x)*sqrt(x)").evaluate(x=1.0)
    tampered.adjoints[0] = float("nan")          # nan against a finite exact value: flagged
    assert not verify(tampered).ok
