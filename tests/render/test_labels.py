"""Labels of the drawings against the published worked example and sympy (no Graphviz needed).

Expected numbers are written from the example's exact forms (math), expected formulas from
``sympy.diff``; none is copied from our own output.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import sympy as sp

import autodiff_viz as adv
from autodiff_viz.render import RenderError
from autodiff_viz.render.dot import EDGE_STYLES, NODE_STYLES, scene_lines
from autodiff_viz.render.scene import scene

PROGRAM = "a = log(x)\nb = a*y\nc = sqrt(b)\nf = c + b"
L3 = math.log(3)
VALUE = math.sqrt(2 * L3) + 2 * L3                    # ≈ 3.679528
DFDX = 1 / (3 * math.sqrt(2 * L3)) + 2 / 3            # ≈ 0.891542
DFDY = math.sqrt(L3 / 8) + L3                         # ≈ 1.469188
DCDB = 1 / (2 * math.sqrt(2 * L3))                    # ∂c/∂b at b = 2 log 3


def four(v: float) -> str:
    """4 significant digits, trailing zero kept (the chosen label precision)."""
    return f"{v:#.4g}"


@pytest.fixture
def run():
    return adv.graph(PROGRAM).evaluate(x=3, y=2)


def lines_of(sc, name):
    return next(n.lines for n in sc.nodes if n.name == name)


def test_final_labels_have_the_published_numbers(run):
    sc = scene(run)  # final state
    assert four(VALUE) == "3.680" and four(DFDX) == "0.8915" and four(DFDY) == "1.469"
    assert f"f = {four(VALUE)}" in lines_of(sc, "f")
    assert f"x̄ = {four(DFDX)}" in lines_of(sc, "x")
    assert f"ȳ = {four(DFDY)}" in lines_of(sc, "y")
    assert f"b̄ = {four(1 + DCDB)}" in lines_of(sc, "b")
    edge_cb = next(e for e in sc.edges if (e.src, e.dst) == (3, 4))
    assert edge_cb.label == f"∂c/∂b = {four(DCDB)}"


def test_backward_step_of_b_shows_its_two_contributions(run):
    k = run.step("backward", "b").index
    lines = lines_of(scene(run, k), "b")
    # b feeds c and f: b̄ = c̄·∂c/∂b + f̄·∂f/∂b = 1·0.3373 + 1·1
    assert lines[-2:] == ("b\u0304 = 1.337", f"= 1·{four(DCDB)} + 1·1")
    # before that step, the slot is empty and the adjoint unknown
    before = lines_of(scene(run, k - 1), "b")
    assert before[2].strip() == "" and before[3].strip() == ""


def test_states_follow_the_steps(run):
    sc = scene(run, 1)  # after the forward step of b
    state = {n.name: n.state for n in sc.nodes}
    assert state == {"x": "value", "y": "value", "a": "value", "b": "value",
                     "c": "unknown", "f": "unknown"}
    assert [n.name for n in sc.nodes if n.current] == ["b"]
    sc = scene(run, run.step("backward", "c").index)
    state = {n.name: n.state for n in sc.nodes}
    assert state["f"] == state["c"] == "adjoint" and state["b"] == "value"


def test_highlighted_edges_are_the_ones_the_step_reads(run):
    for k, step in enumerate(run.steps):
        sc = scene(run, k)
        assert {e.index for e in sc.edges if e.state == "read"} == set(step.edges)
        assert [n.name for n in sc.nodes if n.current] == [step.node]


def test_symbolic_labels_are_exact_forms(run):
    b, x = sp.Symbol("b", real=True), sp.Symbol("x", real=True)
    from autodiff_viz.exact import unicode_of

    sc = scene(run, labels="symbolic")
    edge_cb = next(e for e in sc.edges if (e.src, e.dst) == (3, 4))
    assert edge_cb.label == "∂c/∂b = " + unicode_of(sp.diff(sp.sqrt(b), b))
    edge_ax = next(e for e in sc.edges if (e.src, e.dst) == (0, 1))
    assert edge_ax.label == "∂a/∂x = " + unicode_of(sp.diff(sp.log(x), x))
    value = sp.sqrt(2 * sp.log(3)) + 2 * sp.log(3)
    assert f"f = {unicode_of(value)}" in lines_of(sc, "f")
    dfdx = lines_of(sc, "x")[2].split(" = ", 1)[1]
    assert dfdx == unicode_of(sp.diff(sp.sqrt(sp.log(x) * 2) + sp.log(x) * 2, x).subs(x, 3))
    both = scene(run, labels="both")
    assert f"{unicode_of(value)} ≈ {four(VALUE)}" in lines_of(both, "f")[1]


def test_forward_mode_and_paths_labels(run):
    tv = run.forward_mode("x")
    sc = scene(run, None, view=tv)
    assert f"ḟ = {four(DFDX)}" in lines_of(sc, "f")
    assert {n.state for n in sc.nodes} == {"tangent"}
    paths = run.paths("x")
    products = {1 / 3 * 2 * DCDB * 1, 1 / 3 * 2 * 1}  # x→a→b→c→f and x→a→b→f
    shown = [lines_of(scene(run, k, view=paths), "f")[2] for k in range(2)]
    assert [t.split(" = ")[0] for t in shown] == ["∏ path 1", "∏ path 2"]
    assert {t.split(" = ")[1] for t in shown} == {four(p) for p in products}
    total = scene(run, 2, view=paths)  # the sum step
    assert f"x̄ = {four(DFDX)}" in lines_of(total, "x")
    assert {e.index for e in total.edges if e.state == "path"} == {0, 1, 3, 4, 5}


def test_x_times_x_draws_two_edges():
    run = adv.graph("x*x").evaluate(x=3)
    body = "".join(scene_lines(scene(run)))
    assert body.count("n0 -> n1") == 2
    assert body.count("∂f/∂x = 3") == 2  # d(x·x)/d(each argument) = x = 3


def test_inputs_and_output_look_different(run):
    body = scene_lines(scene(run))
    node_lines = {line.split()[0]: line for line in body if line.startswith("\tn") and "->" not
                  in line}
    assert 'peripheries="2"' in node_lines["n5"]
    assert sum('peripheries="2"' in line for line in node_lines.values()) == 1
    for i in (0, 2):  # inputs: sharp corners and marked
        assert "rounded" not in node_lines[f"n{i}"] and "(input)" in node_lines[f"n{i}"]
    assert all("rounded" in node_lines[f"n{i}"] for i in (1, 3, 4, 5))


def test_states_differ_by_more_than_colour():
    def look(state):
        colour, fill, pen, extra = NODE_STYLES[state]
        return (float(pen), "dashed" in extra)
    for together in (("unknown", "value", "adjoint"), ("value", "tangent"), ("value", "path")):
        looks = [look(s) for s in together]
        assert len(set(looks)) == len(looks), together
    from autodiff_viz.render.dot import CURRENT_PENWIDTH
    assert float(CURRENT_PENWIDTH) > max(float(s[2]) for s in NODE_STYLES.values())
    for together in (("unknown", "known", "read"), ("known", "path")):  # never "read"+"path"
        looks = {(float(EDGE_STYLES[s][1]), EDGE_STYLES[s][2]) for s in together}
        assert len(looks) == len(together), together


def test_numbers_are_the_run_numbers_on_a_random_point():
    x, y = 1.7, -0.4
    run = adv.graph("sin(x)*exp(y) + x/y").evaluate(x=x, y=y)
    sc = scene(run)
    dfdx = math.cos(x) * math.exp(y) + 1 / y            # by hand
    dfdy = math.sin(x) * math.exp(y) - x / y**2
    xl, yl = lines_of(sc, "x")[2], lines_of(sc, "y")[2]
    assert float(xl.split(" = ")[1].replace("−", "-")) == pytest.approx(dfdx, rel=1e-3)
    assert float(yl.split(" = ")[1].replace("−", "-")) == pytest.approx(dfdy, rel=1e-3)


def test_array_nodes_show_shapes():
    g = adv.graph(lambda W, X: adv.sum(adv.tanh(X @ W)))
    run = g.evaluate(W=np.ones((4, 3)), X=np.ones((5, 4)))
    sc = scene(run)
    assert lines_of(sc, "W")[1:] == ("W: 4×3", "W̄: 4×3")
    assert lines_of(sc, "X")[1] == "X: 5×4"
    with pytest.raises(RenderError, match="numeric"):
        scene(run, labels="symbolic")


def test_bad_arguments_say_what_is_wrong(run):
    with pytest.raises(IndexError, match="out of range"):
        scene(run, 99)
    with pytest.raises(IndexError):
        scene(run, -11)
    with pytest.raises(RenderError, match="labels must be one of"):
        scene(run, labels="fancy")
    other = adv.graph("x*y").evaluate(x=1, y=2)
    with pytest.raises(RenderError, match="different graph"):
        scene(run, view=other.forward_mode("x"))
    with pytest.raises(RenderError, match="view must be"):
        scene(run, view="x")


def test_a_kink_is_flagged_on_the_node():
    run = adv.graph("relu(x)*y").evaluate(x=0, y=2)  # relu is not differentiable at 0
    assert lines_of(scene(run), "a")[1].endswith("⚠")
    assert not lines_of(scene(adv.graph("relu(x)*y").evaluate(x=1, y=2)), "a")[1].endswith("⚠")


def test_long_sums_wrap_and_add_up_to_the_derivative():
    expr = " + ".join(f"sin(x*{k})*y" for k in range(1, 6))  # x has 5 out-edges

    def f(x, y):
        return sum(math.sin(x * k) * y for k in range(1, 6))
    x, y, h = 0.3, 2.0, 1e-6
    run = adv.graph(expr).evaluate(x=x, y=y)
    lines = lines_of(scene(run), "x")
    sums = lines[3:]
    assert len(sums) == 3 and sums[0].startswith("= ") and sums[1].startswith("+ ")
    terms = " + ".join(s.removeprefix("= ").removeprefix("+ ") for s in sums).split(" + ")
    assert len(terms) == 5 and all(len(s) < 40 for s in lines)
    total = sum(float(a) * float(b) for a, b in (t.split("·") for t in terms))
    central = (f(x + h, y) - f(x - h, y)) / (2 * h)
    assert total == pytest.approx(central, rel=2e-3)  # terms are shown to 4 digits


@pytest.mark.parametrize("labels", ["symbolic", "both"])
def test_huge_and_tiny_constants_are_not_written_out_digit_by_digit(labels):
    run = adv.graph("1e300*x + 1e-300*y").evaluate(x=1.5, y=2.0)
    sc = scene(run, labels=labels)
    lines = [line for n in sc.nodes for line in n.lines]
    assert "x̄ = 10³⁰⁰" in lines_of(sc, "x")[2]    # the value as typed, not 1000…0
    assert "ȳ = 10⁻³⁰⁰" in lines_of(sc, "y")[2]
    assert "1.5e+300" in lines_of(sc, "f")[1]          # 1.5e300 + 2e-300: no short exact form
    assert not any(re.search(r"\d{20}", line) for line in lines)
    assert all(len(line) < 40 for line in lines)
