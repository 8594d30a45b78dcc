"""The explanation of each step, checked against the published worked example and sympy."""

from __future__ import annotations

import math
import random
import re

import pytest
import sympy as sp

import autodiff_viz as adv
from autodiff_viz.core.primitives import PRIMITIVES
from autodiff_viz.render import explain as ex
from autodiff_viz.render.explain import explain, explain_all
from autodiff_viz.render.fmt import shown

PROGRAM = "a = log(x)\nb = a*y\nc = sqrt(b)\nf = c + b"
L3 = math.log(3)
# The published example (DESIGN.md), from its exact forms, independent of our engine.
PUBLISHED = {
    "a": L3, "b": 2 * L3, "c": math.sqrt(2 * L3), "f": math.sqrt(2 * L3) + 2 * L3,
    "dc/db": 1 / (2 * math.sqrt(2 * L3)),
    "adj_b": 1 + 1 / (2 * math.sqrt(2 * L3)),
    "adj_a": 2 * (1 + 1 / (2 * math.sqrt(2 * L3))),
    "dfdx": 1 / (3 * math.sqrt(2 * L3)) + 2 / 3,
    "dfdy": math.sqrt(L3 / 8) + L3,
}
NUM = r"−?\d+(?:\.\d+)?(?:e−?\d+)?"


@pytest.fixture
def run():
    return adv.graph(PROGRAM).evaluate(x=3, y=2)


def numbers(text: str) -> list[float]:
    return [float(s.replace("−", "-")) for s in re.findall(NUM, text)]


def close(shown: float, truth: float) -> bool:
    """A number shown with 4 significant digits matches the truth to that precision."""
    return abs(shown - truth) <= 6e-4 * max(1.0, abs(truth))


def result(text: str) -> float:
    """The number after the last = or ≈ (the step's result)."""
    tail = re.split(r"[=≈]", text.split(" (")[0].split("; exactly")[0])[-1]
    return numbers(tail)[0]


def test_forward_titles_and_values_match_the_published_example(run):
    es = explain_all(run)
    forward = [e for e in es if e.title.startswith("Forward pass")]
    assert [e.title for e in forward] == [
        "Forward pass, step 1 of 4 (1/10): a = log(x)",
        "Forward pass, step 2 of 4 (2/10): b = a·y",
        "Forward pass, step 3 of 4 (3/10): c = √b", "Forward pass, step 4 of 4 (4/10): f = c + b"]
    for e, name in zip(forward, "abcf", strict=True):
        value_part = e.text.split(";")[0]
        assert value_part.startswith(f"{name} = ")
        assert close(result(value_part), PUBLISHED[name]), (e.text, PUBLISHED[name])
    c = forward[2].text
    assert "∂c/∂b = 1/(2√b)" in c
    assert close(result(c), PUBLISHED["dc/db"])
    b = forward[1].text  # ∂b/∂a = y = 2 and ∂b/∂y = a = log 3
    assert "∂b/∂a = y = 2" in b
    assert close(result(b.split(";")[2]), L3)


def test_backward_b_sums_both_contributions(run):
    step = next(s for s in run.steps if s.phase == "backward" and s.node == "b")
    e = explain(run, step.index)
    assert e.title.startswith("Backward pass, step 3 of 6 (7/10)")
    assert "c̄·∂c/∂b" in e.text and "f̄·∂f/∂b" in e.text
    terms = e.text.split(" = ")[2]  # "1·0.3373 + 1·1 ≈ 1.337"
    (f1, p1), (f2, p2) = [numbers(t) for t in terms.split("≈")[0].split(" + ")]
    assert (f1, f2, p2) == (1, 1, 1) and close(p1, PUBLISHED["dc/db"])
    assert close(result(e.text), PUBLISHED["adj_b"])
    assert "2 contributions" in e.text


def test_backward_results_are_the_published_gradient(run):
    by_node = {s.node: explain(run, s.index).text for s in run.steps if s.phase == "backward"}
    assert by_node["f"].startswith("f̄ = ∂f/∂f = 1")
    assert close(result(by_node["a"]), PUBLISHED["adj_a"])
    assert close(result(by_node["x"]), PUBLISHED["dfdx"])
    assert close(result(by_node["y"]), PUBLISHED["dfdy"])
    assert "0.8915" in by_node["x"]


def test_forward_mode_and_paths_views(run):
    for wrt in ("x", "y"):
        view = run.forward_mode(wrt)
        last = explain(run, -1, view)
        assert last.title.startswith(f"Forward mode (tangents by {wrt})")
        assert close(result(last.text), PUBLISHED[f"dfd{wrt}"])
    paths = run.paths("x")
    es = explain_all(run, paths)
    assert len(es) == 3
    assert es[0].title.endswith("x → a → b → c → f")
    assert close(result(es[0].text), (1 / 3) * 2 * PUBLISHED["dc/db"])
    assert close(result(es[1].text), 2 / 3)
    assert "sum over 2 paths" in es[2].title
    assert close(result(es[2].text), PUBLISHED["dfdx"])


def test_latex_is_valid_mathtext(run):
    """Every $...$ chunk parses with matplotlib's mathtext (an independent TeX reader)."""
    from matplotlib.mathtext import MathTextParser

    parser = MathTextParser("path")
    views = [None, run.forward_mode("x"), run.paths("y")]
    for view in views:
        for e in explain_all(run, view):
            chunks = re.findall(r"\$[^$]+\$", e.latex)
            assert chunks and e.latex.count("$") % 2 == 0, e.latex
            for chunk in chunks:
                parser.parse(chunk.replace(r"\operatorname", r"\mathrm"))


def _to_parser_syntax(template: str) -> str:
    """Make a unicode display template readable by our text parser (test side only)."""
    s = re.sub(r"√(\w+)", r"sqrt(\1)", template).replace("√(", "sqrt(")
    s = re.sub(r"(\d)([a-z(])", r"\1*\2", s)
    s = re.sub(r"(tanh|tan)²\((\w+)\)", r"\1(\2)²", s)
    return "0 + (" + s.replace("σ(", "sigmoid(") + ")"  # constants/inputs as expressions


def _prose(template: str, at: dict[str, float]) -> float:
    """The value of a prose template (``1 if p0 > 0 else 0``, ``1 if p0 > p1, ½ if equal, else
    0``, ``sign(p0)``) at ``at``."""
    m = re.fullmatch(r"1 if (\w+) ([<>]) (\w+),? (½ if equal, )?else 0", template)
    if m:
        left, right = (at.get(w, 0.0 if w == "0" else None) for w in (m[1], m[3]))
        if left == right:
            return 0.5 if m[4] else 0.0
        return float(left > right if m[2] == ">" else left < right)
    m = re.fullmatch(r"sign\((\w+)\)", template)
    return float(math.copysign(1.0, at[m[1]])) if m else math.nan


ROWS_SHOWN = sorted(n for n, row in PRIMITIVES.items() if row.d)


def test_every_row_with_an_exact_form_shows_its_partials():
    """A row the explanations cannot show is a row missing its ``d`` (coverage)."""
    assert ROWS_SHOWN == sorted(n for n, row in PRIMITIVES.items() if row.sympy is not None)


@pytest.mark.parametrize("op", ROWS_SHOWN)
def test_partial_templates_agree_with_sympy_diff(op):
    row = PRIMITIVES[op]
    syms = sp.symbols(f"p0:{row.arity}", positive=True)
    names = [str(s) for s in syms]
    rng = random.Random(op)
    for pos, (uni, _tex) in enumerate(row.d):
        truth = sp.diff(row.sympy(sp, *syms), syms[pos])
        point = {s: rng.uniform(0.3, 0.9) for s in syms}
        at = {n: float(point[s]) for n, s in zip(names, syms, strict=True)}
        want = float(truth.subs(point).subs(sp.Heaviside(0), 0))
        if " if " in uni or "sign" in uni:
            assert _prose(uni.format(*names), at) == pytest.approx(want), (op, uni)
            continue
        g = adv.graph(_to_parser_syntax(uni.format(*names)))
        got = g.evaluate(**{n: v for n, v in at.items() if n in g.inputs}).value
        assert got == pytest.approx(want, rel=1e-9, abs=1e-12), (op, uni)


def test_partial_formula_for_repeated_argument_and_unknown_op():
    g = adv.graph("x*x")
    run = g.evaluate(x=3)
    e = explain(run, 0)
    assert "(argument 1)" in e.text and "(argument 2)" in e.text
    assert ex.partial_formula(g, g.output.name, 0) == "x"


def test_flags_are_shown():
    run = adv.graph("sqrt(x)").evaluate(x=0)
    assert "⚠" in explain(run, 0).text


def test_bad_step_index_is_a_clear_error(run):
    with pytest.raises(IndexError, match="10 steps"):
        explain(run, 10)
    with pytest.raises(TypeError, match="whole number"):
        explain(run, 1.5)


def test_format_numbers():
    assert shown(1.0) == "1"
    assert shown(-0.5) == "−0.5"
    assert shown(float("inf")) == "∞"
    assert shown([[1.0, 2.0], [3.0, 4.0]]) == "[[1, 2], [3, 4]]"
    assert "shape 3×4" in shown([[0.0] * 4] * 3)


def test_exact_forms_are_shown_and_right(run):
    """The exact adjoint after 'exactly', read back by our own parser, is the published one."""
    pytest.importorskip("autodiff_viz.exact")
    texts = {s.node: explain(run, s.index, exact=True).text for s in run.steps
             if s.phase == "backward"}
    for node, truth in (("x", PUBLISHED["dfdx"]), ("y", PUBLISHED["dfdy"]),
                        ("b", PUBLISHED["adj_b"])):
        exact_text = texts[node].split("exactly ")[1]
        assert abs(adv.graph(exact_text).evaluate().value - truth) < 1e-12, exact_text
    c = explain(run, 2, exact=True).text  # c = √b = √(2·log(3)) ≈ 1.482
    exact_c = c.split(" = ")[2].split(" ≈")[0]
    assert abs(adv.graph(exact_c).evaluate().value - PUBLISHED["c"]) < 1e-12
    assert "exactly" not in explain(run, 6).text   # exact forms only when asked for


def test_array_steps_show_arrays_without_fake_products():
    np = pytest.importorskip("numpy")
    g = adv.graph(lambda W, X: adv.sum(adv.tanh(X @ W)))
    run = g.evaluate(W=np.full((2, 2), 0.1), X=np.eye(2))
    texts = [e.text for e in explain_all(run)] + \
        [e.text for e in explain_all(run, run.forward_mode("W"))]
    assert not any("—" in t for t in texts), texts
    last = explain(run, -1).text                 # ∂f/∂W = (1 − tanh²(0.1)) in every entry
    assert f"{1 - math.tanh(0.1) ** 2:.4f}" in last
