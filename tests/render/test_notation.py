"""One notation everywhere: ∂c/∂b on edges, b̄ (adjoint) and ḃ (tangent) on nodes.

The expectations are written out by hand from the course example (x = 3, y = 2; the course
note's numbers), for every kind of step: forward, backward, tangent, path and sum.
"""

from __future__ import annotations

import unicodedata

import pytest

import autodiff_viz as adv
from autodiff_viz.core.notation import (
    MACRON,
    adjoint,
    adjoint_tex,
    bars,
    spell_bars,
    tangent,
    tangent_tex,
)
from autodiff_viz.render.explain import explain
from autodiff_viz.render.scene import scene

COURSE = "sqrt(log(x)*y) + log(x)*y"

REVERSE = [
    ("Forward pass, step 1 of 4 (1/10): a = log(x)",
     "a = log(x) = log(3) ≈ 1.099; ∂a/∂x = 1/x ≈ 0.3333"),
    ("Forward pass, step 2 of 4 (2/10): b = a·y",
     "b = a·y = 2·log(3) ≈ 2.197; ∂b/∂a = y = 2; ∂b/∂y = a ≈ 1.099"),
    ("Forward pass, step 3 of 4 (3/10): c = √b",
     "c = √b = √(2·log(3)) ≈ 1.482; ∂c/∂b = 1/(2√b) ≈ 0.3373"),
    ("Forward pass, step 4 of 4 (4/10): f = c + b",
     "f = c + b = √(2·log(3)) + 2·log(3) ≈ 3.680; ∂f/∂c = 1; ∂f/∂b = 1"),
    ("Backward pass, step 1 of 6 (5/10): f̄ = ∂f/∂f",
     "f̄ = ∂f/∂f = 1: the seed (the output changes one-for-one with itself)"),
    ("Backward pass, step 2 of 6 (6/10): c̄ = ∂f/∂c", "c̄ = f̄·∂f/∂c = 1·1 = 1"),
    ("Backward pass, step 3 of 6 (7/10): b̄ = ∂f/∂b",
     "b̄ = c̄·∂c/∂b + f̄·∂f/∂b = 1·0.3373 + 1·1 = 1.337 (b is used 2 times, so its adjoint "
     "sums 2 contributions); exactly 1/(2·√(2·log(3))) + 1"),
    ("Backward pass, step 4 of 6 (8/10): ȳ = ∂f/∂y",
     "ȳ = b̄·∂b/∂y = 1.337·1.099 = 1.469; exactly √(2·log(3))/4 + log(3)"),
    ("Backward pass, step 5 of 6 (9/10): ā = ∂f/∂a",
     "ā = b̄·∂b/∂a = 1.337·2 = 2.675; exactly 1/√(2·log(3)) + 2"),
    ("Backward pass, step 6 of 6 (10/10): x̄ = ∂f/∂x",
     "x̄ = ā·∂a/∂x = 2.675·0.3333 = 0.8915; exactly 1/(3·√(2·log(3))) + 2/3"),
]

TANGENT_X = [
    ("Forward mode (tangents by x), step 1 of 6 (1/6): ẋ = ∂x/∂x", "ẋ = ∂x/∂x = 1: the seed"),
    ("Forward mode (tangents by x), step 2 of 6 (2/6): ȧ = ∂a/∂x",
     "ȧ = ∂a/∂x·ẋ = 0.3333·1 = 0.3333"),
    ("Forward mode (tangents by x), step 3 of 6 (3/6): ẏ = ∂y/∂x",
     "ẏ = ∂y/∂x = 0: y is another input, it does not change with x"),
    ("Forward mode (tangents by x), step 4 of 6 (4/6): ḃ = ∂b/∂x",
     "ḃ = ∂b/∂a·ȧ + ∂b/∂y·ẏ = 2·0.3333 + 1.099·0 = 0.6667"),
    ("Forward mode (tangents by x), step 5 of 6 (5/6): ċ = ∂c/∂x",
     "ċ = ∂c/∂b·ḃ = 0.3373·0.6667 = 0.2249"),
    ("Forward mode (tangents by x), step 6 of 6 (6/6): ḟ = ∂f/∂x",
     "ḟ = ∂f/∂c·ċ + ∂f/∂b·ḃ = 1·0.2249 + 1·0.6667 = 0.8915"),
]

PATHS_X = [
    ("Paths from x to f, path 1 of 2 (1/3): x → a → b → c → f",
     "path x → a → b → c → f: ∂a/∂x·∂b/∂a·∂c/∂b·∂f/∂c = 0.3333·2·0.3373·1 = 0.2249"),
    ("Paths from x to f, path 2 of 2 (2/3): x → a → b → f",
     "path x → a → b → f: ∂a/∂x·∂b/∂a·∂f/∂b = 0.3333·2·1 = 0.6667"),
    ("Paths from x to f, sum over 2 paths (3/3): x̄ = ∂f/∂x",
     "x̄ = sum over the 2 paths = 0.2249 + 0.6667 = 0.8915"),
]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@pytest.fixture(scope="module")
def run():
    return adv.graph(COURSE).evaluate(x=3, y=2)


def test_the_key_step_reads_as_in_the_course(run):
    text = explain(run, 6).text
    assert text.startswith("b̄ = c̄·∂c/∂b + f̄·∂f/∂b = 1·0.3373 + 1·1 = 1.337")
    assert explain(run, 6).latex.startswith(
        r"$\bar{b} = \bar{c} \frac{\partial c}{\partial b} + \bar{f} \frac{\partial f}"
        r"{\partial b} = 1 \cdot 0.3373 + 1 \cdot 1 = 1.337$")


@pytest.mark.parametrize("kind", ["reverse", "tangent", "paths"])
def test_every_step_kind_against_the_written_words(run, kind):
    view = {"reverse": None, "tangent": run.forward_mode("x"), "paths": run.paths("x")}[kind]
    expected = {"reverse": REVERSE, "tangent": TANGENT_X, "paths": PATHS_X}[kind]
    steps = (view or run).steps
    got = [(e.title, e.text) for e in (explain(run, k, view, exact=True)
                                       for k in range(len(steps)))]
    assert [(_nfc(a), _nfc(b)) for a, b in got] == [(_nfc(a), _nfc(b)) for a, b in expected]
    phases = {s.phase for s in steps}
    assert phases <= {"forward", "backward", "tangent", "path", "sum"}


def test_tangent_titles_and_nodes_use_one_notation(run):
    view = run.forward_mode("x")
    for k in range(len(view.steps)):
        title = explain(run, k, view).title
        assert "dx/dx" not in title and "d" + view.steps[k].node + "/d" not in title
    lines = scene(run, None, view=view).nodes[run.graph.index("b")].lines
    assert _nfc(lines[2]) == "ḃ = 0.6667"


def test_nodes_show_adjoints_edges_show_local_partials(run):
    sc = scene(run, step=6)
    b = sc.nodes[run.graph.index("b")]
    assert b.lines == ("b = a·y", "b = 2.197", "b̄ = 1.337", "= 1·0.3373 + 1·1")
    labels = [e.label for e in sc.edges]
    assert "∂f/∂b = 1" in labels and "∂c/∂b = 0.3373" in labels
    assert not any(line.startswith("∂") for n in sc.nodes for line in n.lines)


@pytest.mark.parametrize("name, text, tex, covered", [
    ("b", "b̄", r"\bar{b}", "b"), ("v2", "v̄2", r"\bar{v}_{2}", "v"),
    ("h1", "h̄1", r"\bar{h}_{1}", "h"), ("x_1", "x̄_1", r"\bar{x}_{1}", "x"),
    ("loss", "bar(loss)", r"\overline{\mathrm{loss}}", "loss"),
])
def test_the_bar_goes_on_the_letter_never_on_an_index_digit(name, text, tex, covered):
    assert _nfc(adjoint(name)) == _nfc(text)
    assert adjoint_tex(name) == tex
    decomposed = unicodedata.normalize("NFD", adjoint(name))
    if MACRON in decomposed:
        before = decomposed[decomposed.index(MACRON) - 1]
        assert before.isalpha()  # v̄2, never v2̄
    assert bars(adjoint(name))[0] == (covered, True)  # what the view draws a line over


def test_tangent_notation():
    assert _nfc(tangent("b")) == "ḃ" and tangent_tex("v2") == r"\dot{v}_{2}"
    assert tangent("loss") == "dot(loss)"


def test_png_and_pdf_spell_the_bar_svg_draws_it(run):
    fig = run.draw(step=6)
    assert "b̄ = 1.337" in _nfc(fig.source)
    assert "bar(b) = 1.337" in fig.spelled().source and MACRON not in fig.spelled().source
    assert spell_bars("v̄2 = 1") == "bar(v2) = 1"
    pytest.importorskip("graphviz")
    from autodiff_viz.render import engine

    if not engine.have_graphviz():
        pytest.skip("Graphviz (dot) is not installed")
    svg = fig.pipe(format="svg", encoding="utf-8")
    assert '<tspan text-decoration="overline">b</tspan> = 1.337' in svg
    assert MACRON not in unicodedata.normalize("NFD", svg.split("<text", 1)[1])


def test_cli_steps_table_uses_the_same_bar():
    from autodiff_viz.render.table import steps_table

    run = adv.graph("v2 = log(v1)\nf = v2*v2").evaluate(v1=3)
    table = _nfc(steps_table(run, exact=False))
    assert "v̄2 = f̄·∂f/∂v2" in table and "v2̄" not in table
