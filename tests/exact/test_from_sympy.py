"""from_sympy: structure, agreement with the text builder and sympy, size limits, errors."""

from __future__ import annotations

import collections
import math
import random

import pytest
import sympy as sp

import autodiff_viz as adv
from autodiff_viz.core import evaluate, from_text
from autodiff_viz.exact import from_sympy, verify
from autodiff_viz.exact.from_sympy import UnsupportedExpression

x, y, z = sp.symbols("x y z", real=True)

SEED_DFDX = 1 / (3 * math.sqrt(2 * math.log(3))) + 2 / 3      # DESIGN.md
SEED_DFDY = math.sqrt(math.log(3) / 8) + math.log(3)
SEED_VALUE = math.sqrt(2 * math.log(3)) + 2 * math.log(3)


def _ops(g) -> collections.Counter:
    return collections.Counter(n.op for n in g.nodes if n.op not in ("input", "const"))


def _numeric(expr: sp.Expr, at: dict[str, float]) -> float:
    """Evaluate with sympy at exact rational points (an oracle independent of the engine)."""
    point = {s: sp.Rational(str(at[s.name])) for s in expr.free_symbols}
    return float(sp.N(expr.subs(point), 30))


# ----------------------------------------------------------------------------------------
# The worked example
# ----------------------------------------------------------------------------------------

def test_seed_agrees_with_the_text_builder_and_the_published_numbers():
    g = from_sympy(sp.sqrt(sp.log(x) * y) + sp.log(x) * y)
    run = evaluate(g, {"x": 3, "y": 2})
    ref = evaluate(from_text("sqrt(log(x)*y) + log(x)*y"), {"x": 3, "y": 2})
    assert run.value == pytest.approx(ref.value, rel=1e-15)
    assert run.grad == pytest.approx(ref.grad, rel=1e-15)
    assert run.value == pytest.approx(SEED_VALUE, rel=1e-14)
    assert run.grad["x"] == pytest.approx(SEED_DFDX, rel=1e-14)
    assert run.grad["y"] == pytest.approx(SEED_DFDY, rel=1e-14)
    # log(x)*y is one node used twice, like the text builder's graph
    assert _ops(g) == _ops(ref.graph) == collections.Counter(log=1, mul=1, sqrt=1, add=1)
    b = next(n for n in g.nodes if n.op == "mul")
    assert len(g.out_edges[b.index]) == 2
    assert verify(run).ok


def test_adv_graph_accepts_sympy_and_names_like_the_text_builder():
    g = adv.graph(sp.sqrt(sp.log(x) * y) + sp.log(x) * y)
    assert isinstance(g, adv.Graph)
    assert g.inputs == ("x", "y") and g.output.name == "f"
    assert [n.name for n in g.nodes if n.op not in ("input", "const")] == ["a", "b", "c", "f"]
    assert g.kind == "sympy"
    assert g.evaluate(x=3, y=2).verify().ok


# ----------------------------------------------------------------------------------------
# Structure of the mapping
# ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("expr, ops", [
    (x - y, {"sub": 1}),
    (-x, {"neg": 1}),
    (x - 2 * y, {"sub": 1, "mul": 1}),
    (2 - x, {"sub": 1}),
    (-x - y, {"neg": 1, "sub": 1}),
    (x / y, {"div": 1}),
    (1 / x, {"reciprocal": 1}),
    (1 / (x * y), {"reciprocal": 1, "mul": 1}),
    (x / 2, {"div": 1}),
    (-x / 2, {"div": 1, "neg": 1}),
    (sp.sqrt(x), {"sqrt": 1}),
    (1 / sp.sqrt(x), {"sqrt": 1, "reciprocal": 1}),
    (x ** 3, {"pow": 1}),
    (x ** y, {"pow": 1}),
    (x ** -2, {"pow": 1, "reciprocal": 1}),
    (x ** sp.Rational(3, 2), {"pow": 1}),
    (sp.exp(x), {"exp": 1}),
    (sp.log(x), {"log": 1}),
    (sp.sin(x) + sp.cos(x), {"sin": 1, "cos": 1, "add": 1}),
    (sp.tan(x) * sp.tanh(x), {"tan": 1, "tanh": 1, "mul": 1}),
    (sp.Abs(x), {"abs": 1}),
    (sp.Max(x, 0), {"relu": 1}),
    (sp.Max(0, x - 1), {"relu": 1, "sub": 1}),
    (x + y + z, {"add": 2}),
    (x * y * z, {"mul": 2}),
    (sp.pi * x, {"mul": 1}),
])
def test_mapping(expr, ops):
    g = from_sympy(expr)
    assert _ops(g) == collections.Counter(ops), [g.describe(n) for n in g.nodes]


def test_nary_sums_fold_left_into_binary_nodes():
    g = from_sympy(x + y + z)
    adds = [n for n in g.nodes if n.op == "add"]
    assert len(adds) == 2 and adds[1].args[0] == adds[0].index


def test_inputs_sorted_by_name_or_in_the_given_order():
    assert from_sympy(z * sp.log(x) + y).inputs == ("x", "y", "z")
    g = from_sympy(z * sp.log(x) + y, inputs=["z", y, "x", "w"])
    assert g.inputs == ("z", "y", "x", "w")
    assert evaluate(g, {"x": 2, "y": 1, "z": 3, "w": 5}).grad["w"] == 0.0
    with pytest.raises(UnsupportedExpression, match="uses z.*inputs="):
        from_sympy(z * x, inputs=["x"])
    with pytest.raises(UnsupportedExpression, match="twice"):
        from_sympy(x, inputs=["x", "x"])


def test_generated_names_avoid_symbol_names():
    f, v1 = sp.symbols("f v1")
    g = from_sympy(sp.log(f) * v1 + f)
    names = [n.name for n in g.nodes]
    assert len(set(names)) == len(names)
    assert g.output.name not in ("f", "v1") and g.inputs == ("f", "v1")


# ----------------------------------------------------------------------------------------
# Agreement with sympy and with the text builder on random expressions
# ----------------------------------------------------------------------------------------

def _random_pair(rng: random.Random, depth: int) -> tuple[sp.Expr, str]:
    """The same random function as a sympy expression and as text."""
    syms = {"x": x, "y": y, "z": z}
    if depth == 0 or rng.random() < 0.2:
        if rng.random() < 0.75:
            n = rng.choice("xyz")
            return syms[n], n
        k = rng.choice([2, 3, sp.Rational(1, 2)])
        return sp.S(k), f"({float(k)!r})"
    kind = rng.choice(["add", "sub", "mul", "div", "neg", "log", "sqrt", "exp", "sin", "cos",
                       "tanh", "pow", "recip", "abs", "relu"])
    a, at = _random_pair(rng, depth - 1)
    if kind in ("add", "sub", "mul", "div"):
        b, bt = _random_pair(rng, depth - 1)
        if kind == "add":
            return a + b, f"({at}) + ({bt})"
        if kind == "sub":
            return a - b, f"({at}) - ({bt})"
        if kind == "mul":
            return a * b, f"({at})*({bt})"
        return a / (b ** 2 + 1), f"({at})/(({bt})**2 + 1)"
    if kind == "neg":
        return -a, f"-({at})"
    if kind in ("log", "sqrt"):
        return getattr(sp, kind)(a ** 2 + 1), f"{kind}(({at})**2 + 1)"
    if kind == "exp":
        return sp.exp(sp.sin(a)), f"exp(sin({at}))"
    if kind in ("sin", "cos", "tanh"):
        return getattr(sp, kind)(a), f"{kind}({at})"
    if kind == "pow":
        return (a ** 2 + 1) ** sp.Rational(3, 2), f"(({at})**2 + 1)**1.5"
    if kind == "recip":
        return 1 / (a ** 2 + 1), f"1/(({at})**2 + 1)"
    if kind == "abs":
        return sp.Abs(a + sp.Rational(1, 7)), f"abs(({at}) + 1/7)"
    return sp.Max(a - sp.Rational(1, 7), 0), f"relu(({at}) - 1/7)"


@pytest.mark.parametrize("seed", range(30))
def test_random_expressions_agree_with_sympy_and_the_text_builder(seed):
    rng = random.Random(seed)
    expr, text = _random_pair(rng, rng.randint(2, 4))
    while expr.is_Atom or not expr.free_symbols:
        expr, text = _random_pair(rng, rng.randint(2, 4))
    g = from_sympy(expr)
    at = {name: rng.randint(3, 17) / 10 for name in "xyz"}
    run = evaluate(g, {k: at[k] for k in g.inputs})
    assert run.value == pytest.approx(_numeric(expr, at), rel=1e-9, abs=1e-12), text
    for sym in expr.free_symbols:
        name = sym.name
        assert run.grad[name] == pytest.approx(_numeric(sp.diff(expr, sym), at),
                                               rel=1e-8, abs=1e-10), (text, name)
    ref_graph = from_text(text)
    ref = evaluate(ref_graph, {k: at[k] for k in ref_graph.inputs})
    assert run.value == pytest.approx(ref.value, rel=1e-9, abs=1e-12)
    for name in ref.grad:
        assert run.grad.get(name, 0.0) == pytest.approx(ref.grad[name], rel=1e-8, abs=1e-10)


# ----------------------------------------------------------------------------------------
# Size: iterative conversion
# ----------------------------------------------------------------------------------------

def test_ten_thousand_term_sum():
    n = 10_000
    expr = sp.Add(*[sp.sin(sp.Mul(k, x, evaluate=False), evaluate=False)
                    for k in range(1, n + 1)])
    g = from_sympy(expr)
    assert _ops(g)["add"] == n - 1 and _ops(g)["sin"] == n
    run = evaluate(g, {"x": 0.3})
    assert run.value == pytest.approx(math.fsum(math.sin(k * 0.3) for k in range(1, n + 1)),
                                      rel=1e-9)
    assert run.grad["x"] == pytest.approx(
        math.fsum(k * math.cos(k * 0.3) for k in range(1, n + 1)), rel=1e-9)


def test_ten_thousand_deep_nesting():
    depth = 10_000
    expr = x
    for k in range(depth):
        expr = (sp.sin(expr, evaluate=False) if k % 2 else
                sp.Add(expr, y, evaluate=False))
    g = from_sympy(expr)
    run = evaluate(g, {"x": 0.5, "y": 0.25})
    v, dv = 0.5, 1.0                         # the same chain by hand, with its derivative
    for k in range(depth):
        if k % 2:
            v, dv = math.sin(v), math.cos(v) * dv
        else:
            v = v + 0.25
    assert run.value == pytest.approx(v, rel=1e-12)
    assert run.grad["x"] == pytest.approx(dv, rel=1e-9)


def test_shared_subexpressions_convert_once():
    inner = sp.log(x) * y
    expr = inner
    for _ in range(60):                      # a DAG whose tree would have 2**60 leaves
        expr = sp.Add(sp.sin(expr, evaluate=False), sp.cos(expr, evaluate=False),
                      evaluate=False)
    g = from_sympy(expr)
    assert len(g.nodes) < 300


# ----------------------------------------------------------------------------------------
# Errors
# ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("expr, names", [
    (sp.asinh(x), "asinh"),
    (sp.Function("g")(x), "g"),
    (sp.gamma(x), "gamma"),
    (sp.atan2(y, x), "atan2"),
    (sp.erf(x), "erf"),
])
def test_unsupported_functions_are_named_with_the_supported_list(expr, names):
    with pytest.raises(UnsupportedExpression) as info:
        from_sympy(expr)
    msg = str(info.value)
    assert names in msg and "supported" in msg and "exp, log" in msg


@pytest.mark.parametrize("expr, match", [
    (sp.I * x, "not real"),
    (x + sp.zoo, "not a finite real number"),
    (sp.Eq(x, 1), "not an expression"),
    (sp.Integer(3), "computes nothing"),
    (x, "computes nothing"),
])
def test_bad_expressions_get_clear_errors(expr, match):
    with pytest.raises(UnsupportedExpression, match=match):
        from_sympy(expr)


def test_non_sympy_input_is_a_type_error_and_text_is_not_parsed():
    with pytest.raises(TypeError, match="sympy expression"):
        from_sympy("log(x)*y")
    with pytest.raises(TypeError):
        from_sympy(3.0)


def test_errors_are_graph_errors_for_the_cli():
    from autodiff_viz.core import GraphError

    assert issubclass(UnsupportedExpression, GraphError)
