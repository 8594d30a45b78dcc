"""The course's worked example through every builder, against its published exact forms.

a = log(x), b = a*y, c = sqrt(b), f = c + b at x = 3, y = 2 (DESIGN.md). The expected numbers
come from the closed forms (conftest) and from sympy, never from our own engine.
"""

from __future__ import annotations

import math

import pytest
import sympy as sp

import autodiff_viz as adv
from autodiff_viz.core.graph import Graph

from ..conftest import SEED_AT, SEED_DFDX, SEED_DFDY, SEED_EXPRESSION, SEED_PROGRAM, SEED_VALUE

REL = 1e-12

# dc/db at b = 2 log 3, written from the calculus, not from the engine
DC_DB = 1 / (2 * math.sqrt(2 * math.log(3)))


def _traced(x, y):
    return adv.sqrt(adv.log(x) * y) + adv.log(x) * y


def _traced_program(x, y):
    a = adv.log(x)
    b = a * y
    c = adv.sqrt(b)
    return c + b


BUILDERS = {
    "program": lambda: adv.graph(SEED_PROGRAM),
    "expression": lambda: adv.graph(SEED_EXPRESSION),
    "traced lambda": lambda: adv.graph(lambda x, y: adv.sqrt(adv.log(x) * y) + adv.log(x) * y),
    "traced function": lambda: adv.graph(_traced),
    "traced program": lambda: adv.graph(_traced_program),
    "unicode text": lambda: adv.graph("√(log(x)·y) + log(x)·y"),
}


def _sympy_oracle():
    """Value and gradient of the seed function, derived and evaluated by sympy."""
    x, y = sp.symbols("x y", positive=True)
    f = sp.sqrt(sp.log(x) * y) + sp.log(x) * y
    at = {x: 3, y: 2}
    return (float(f.subs(at).evalf(30)), float(sp.diff(f, x).subs(at).evalf(30)),
            float(sp.diff(f, y).subs(at).evalf(30)))


def signature(g: Graph) -> list[str]:
    """Each computed node written out in terms of the inputs (names of intermediates ignored)."""
    text: list[str] = []
    for n in g.nodes:
        if n.op == "input":
            text.append(n.name)
        elif n.op == "const":
            text.append(repr(float(n.const)))
        else:
            args = [text[a] for a in n.args]
            if n.op in ("add", "mul"):  # commutative: the order of the arguments is free
                args.sort()
            text.append(f"{n.op}({', '.join(args)})")
    return sorted(text[i] for i, n in enumerate(g.nodes) if n.op not in ("input", "const"))


def test_oracles_agree_with_each_other():
    value, dfdx, dfdy = _sympy_oracle()
    assert value == pytest.approx(SEED_VALUE, rel=REL)
    assert dfdx == pytest.approx(SEED_DFDX, rel=REL)
    assert dfdy == pytest.approx(SEED_DFDY, rel=REL)
    # the published decimals
    assert round(SEED_VALUE, 6) == 3.679528
    assert round(SEED_DFDX, 6) == 0.891542
    assert round(SEED_DFDY, 6) == 1.469188


@pytest.mark.parametrize("builder", BUILDERS)
def test_value_and_gradient(builder):
    run = BUILDERS[builder]().evaluate(**SEED_AT)
    value, dfdx, dfdy = _sympy_oracle()
    assert run.value == pytest.approx(value, rel=REL)
    assert set(run.grad) == {"x", "y"}
    assert run.grad["x"] == pytest.approx(dfdx, rel=REL)
    assert run.grad["y"] == pytest.approx(dfdy, rel=REL)


@pytest.mark.parametrize("builder", BUILDERS)
def test_builders_agree_on_structure(builder):
    g = BUILDERS[builder]()
    reference = BUILDERS["program"]()
    assert g.inputs == ("x", "y")
    assert signature(g) == signature(reference)
    # log(x) is one node used twice; b = log(x)*y feeds both sqrt and the final sum
    assert [n.op for n in g.nodes].count("log") == 1
    b = next(n for n in g.nodes if n.op == "mul")
    assert sorted(g.edges[e].child for e in g.out_edges[b.index]) == sorted(
        [g.output.name, next(n.name for n in g.nodes if n.op == "sqrt")])


def test_sympy_builder_agrees():
    symbolic = pytest.importorskip("autodiff_viz.exact")
    if not hasattr(symbolic, "from_sympy"):
        pytest.skip("autodiff_viz.exact.from_sympy is not written yet")
    x, y = sp.symbols("x y", positive=True)
    g = adv.graph(sp.sqrt(sp.log(x) * y) + sp.log(x) * y)
    run = g.evaluate(**SEED_AT)
    assert set(g.inputs) == {"x", "y"}
    assert run.value == pytest.approx(SEED_VALUE, rel=REL)
    assert run.grad["x"] == pytest.approx(SEED_DFDX, rel=REL)
    assert run.grad["y"] == pytest.approx(SEED_DFDY, rel=REL)
    assert [n.op for n in g.nodes].count("log") == 1


def test_program_keeps_names(seed_graph):
    assert [n.name for n in seed_graph.nodes if n.op not in ("input", "const")] == [
        "a", "b", "c", "f"]
    assert seed_graph.output.name == "f"
    assert seed_graph.describe("b") == "b = a·y"


def test_expression_names_intermediates_in_evaluation_order():
    g = adv.graph(SEED_EXPRESSION)
    computed = [n for n in g.nodes if n.op not in ("input", "const")]
    assert [n.name for n in computed[:-1]] == ["a", "b", "c"]
    assert [n.op for n in computed] == ["log", "mul", "sqrt", "add"]


def test_node_values(seed_run):
    L = math.log(3)
    expected = {"x": 3.0, "y": 2.0, "a": L, "b": 2 * L, "c": math.sqrt(2 * L),
                "f": math.sqrt(2 * L) + 2 * L}
    for name, value in expected.items():
        assert seed_run.value_of(name) == pytest.approx(value, rel=REL), name


def test_local_partials(seed_run):
    L = math.log(3)
    assert seed_run.partial_of("x", "a") == pytest.approx(1 / 3, rel=REL)
    assert seed_run.partial_of("a", "b") == pytest.approx(2.0, rel=REL)    # ∂(a·y)/∂a = y
    assert seed_run.partial_of("y", "b") == pytest.approx(L, rel=REL)      # ∂(a·y)/∂y = a
    assert seed_run.partial_of("b", "c") == pytest.approx(DC_DB, rel=REL)
    assert seed_run.partial_of("c", "f") == 1.0
    assert seed_run.partial_of("b", "f") == 1.0


def test_b_adjoint_has_two_contributions(seed_run):
    step = seed_run.step("backward", "b")
    assert len(step.contributions) == 2
    by_child = {c.child: c for c in step.contributions}
    assert set(by_child) == {"c", "f"}
    # from c: c̄ · ∂c/∂b = 1 · 1/(2 sqrt(2 log 3)); from f: f̄ · ∂f/∂b = 1 · 1
    assert by_child["c"].factor == pytest.approx(1.0)
    assert by_child["c"].partial == pytest.approx(DC_DB, rel=REL)
    assert by_child["c"].value == pytest.approx(DC_DB, rel=REL)
    assert by_child["f"].factor == 1.0 and by_child["f"].partial == 1.0
    assert by_child["f"].value == 1.0
    assert step.adjoint == pytest.approx(1 + DC_DB, rel=REL)
    assert step.adjoint == pytest.approx(sum(c.value for c in step.contributions), rel=1e-15)
    assert seed_run.adjoint_of("b") == step.adjoint
    # each contribution names its edge, and the edge goes b -> child
    for c in step.contributions:
        edge = seed_run.graph.edges[c.edge]
        assert (edge.parent, edge.child) == ("b", c.child)


def test_adjoints(seed_run):
    L = math.log(3)
    adj_b = 1 + DC_DB
    expected = {"f": 1.0, "c": 1.0, "b": adj_b, "a": adj_b * 2, "y": adj_b * L,
                "x": adj_b * 2 / 3}
    for name, value in expected.items():
        assert seed_run.adjoint_of(name) == pytest.approx(value, rel=REL), name
    assert seed_run.adjoint_of("x") == pytest.approx(SEED_DFDX, rel=REL)
    assert seed_run.adjoint_of("y") == pytest.approx(SEED_DFDY, rel=REL)
    assert seed_run.step("backward", "f").contributions == ()   # the seed, adjoint 1


def test_steps_forward_then_backward(seed_run):
    steps = list(seed_run.steps)
    assert len(steps) == 10
    assert [s.index for s in steps] == list(range(10))
    assert [s.phase for s in steps] == ["forward"] * 4 + ["backward"] * 6
    assert [s.node for s in steps[:4]] == ["a", "b", "c", "f"]
    backward = [s.node for s in steps[4:]]
    assert sorted(backward) == ["a", "b", "c", "f", "x", "y"]
    assert backward[:3] == ["f", "c", "b"]
    # reverse topological: every node's backward step comes after all its children's
    g = seed_run.graph
    for k, name in enumerate(backward):
        children = {g.edges[e].child for e in g.out_edges[g.index(name)]}
        assert children <= set(backward[:k]), name
    # forward steps carry values and the partials on their in-edges
    for s in steps[:4]:
        assert s.value == seed_run.value_of(s.node)
        assert s.edges == g.in_edges[g.index(s.node)]
        assert s.partials == tuple(seed_run.partials[e] for e in s.edges)
    assert seed_run.steps[-1] is seed_run.steps[9]


@pytest.mark.parametrize("wrt, expected", [("x", SEED_DFDX), ("y", SEED_DFDY)])
def test_forward_mode_and_paths_equal_adjoints(seed_run, wrt, expected):
    tangent = seed_run.forward_mode(wrt)
    assert tangent.value == pytest.approx(expected, rel=REL)
    assert [s.phase for s in tangent.steps] == ["tangent"] * len(tangent.steps)
    assert tangent.steps[-1].node == "f"
    paths = seed_run.paths(wrt)
    assert paths.count == 2 == len(paths)   # through c and straight from b to f
    assert paths.total == pytest.approx(expected, rel=REL)
    assert sum(p.product for p in paths) == pytest.approx(seed_run.adjoint_of(wrt), rel=REL)
    assert sorted(tuple(p.nodes) for p in paths) == sorted(
        [(wrt, *(("a",) if wrt == "x" else ()), "b", "c", "f"),
         (wrt, *(("a",) if wrt == "x" else ()), "b", "f")])
    assert [s.phase for s in paths.steps] == ["path", "path", "sum"]
    assert paths.steps[-1].adjoint == pytest.approx(expected, rel=REL)


@pytest.mark.parametrize("make", [lambda: adv.graph("x*x"), lambda: adv.graph(lambda x: x * x),
                                  lambda: adv.graph("f = x*x")])
def test_x_times_x_keeps_two_edges(make):
    g = make()
    run = g.evaluate(x=3)
    square = g.output
    assert square.op == "mul" and len(g.in_edges[square.index]) == 2
    e0, e1 = (g.edges[e] for e in g.in_edges[square.index])
    assert (e0.parent, e1.parent) == ("x", "x") and (e0.pos, e1.pos) == (0, 1)
    assert run.partials[e0.index] == 3.0 and run.partials[e1.index] == 3.0
    assert run.grad["x"] == 6.0                                     # d(x²)/dx = 2x
    step = run.step("backward", "x")
    assert [c.edge for c in step.contributions] == [e0.index, e1.index]
    assert [c.value for c in step.contributions] == [3.0, 3.0]
    assert run.forward_mode("x").value == 6.0
    assert run.paths("x").count == 2


@pytest.mark.parametrize("make", [lambda: adv.graph("a+a"), lambda: adv.graph(lambda a: a + a)])
def test_a_plus_a_keeps_two_edges(make):
    g = make()
    run = g.evaluate(a=5)
    assert len(g.edges) == 2 and {e.parent for e in g.edges} == {"a"}
    assert [run.partials[e.index] for e in g.edges] == [1.0, 1.0]
    assert run.grad["a"] == 2.0
    assert len(run.step("backward", "a").contributions) == 2


def test_repeated_argument_with_different_partials():
    # x/x: the two edges carry different partials (1/x and -x/x²) that cancel
    run = adv.graph("x/x").evaluate(x=4)
    p = [run.partials[e.index] for e in run.graph.edges]
    assert p == [pytest.approx(0.25), pytest.approx(-0.25)]
    assert run.grad["x"] == pytest.approx(0.0, abs=1e-15)
    # x**x: d/dx = x^x (log x + 1), from one edge each for base and exponent
    run = adv.graph("x**x").evaluate(x=2)
    assert run.grad["x"] == pytest.approx(4 * (math.log(2) + 1), rel=REL)
    assert len(run.graph.edges) == 2
