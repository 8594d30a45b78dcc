"""``run.draw()`` in a kernel without ``dot``: the figure shows itself in the browser view.

Without Graphviz a notebook cell ending in ``run.draw(step=k)`` used to raise DotNotFound
(Colab, JupyterLite, graders). Now its display is the browser view (WASM layout) fixed at
the same step, with no controls. The node text the view shows at that step must be the text
of the figure's own scene, and the adjoint of b the published 1 + 1/(2√(2 log 3)).
"""

from __future__ import annotations

import math
import os
import shutil

import pytest

import autodiff_viz as adv
from autodiff_viz.render import engine
from autodiff_viz.render.view import table, view_key
from autodiff_viz.widgets import view as view_module

PROGRAM = "a = log(x)\nb = a*y\nc = sqrt(b)\nf = c + b"
ADJ_B = 1 + 1 / (2 * math.sqrt(2 * math.log(3)))


@pytest.fixture
def no_dot(monkeypatch):
    folders = [p for p in os.environ["PATH"].split(os.pathsep)
               if p and not os.path.exists(os.path.join(p, "dot"))]
    monkeypatch.setenv("PATH", os.pathsep.join(folders))
    assert shutil.which("dot") is None
    view_module._GRAPHVIZ.clear()


def _mimebundle(fig) -> dict:
    out = fig._repr_mimebundle_()
    return out[0] if isinstance(out, tuple) else out


def _view_text(data: dict, step: int, mode: str = "reverse", wrt: str | None = None) -> dict:
    view = data["views"][view_key(mode, wrt, "numeric")]
    cells = table(view)[step]
    strings, offsets = data["strings"], data["offsets"]
    return {i: "\n".join(strings[c] for c in cells[offsets[i]:offsets[i + 1] - 1])
            for i in range(len(offsets) - 1)}


@pytest.mark.parametrize("step", [3, 6, None])
def test_a_figure_without_dot_is_the_browser_view_at_its_step(no_dot, step):
    run = adv.graph(PROGRAM).evaluate(x=3, y=2)
    fig = run.draw(step=step)
    bundle = _mimebundle(fig)
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "image/svg+xml" not in bundle
    w = view_module.figure_view(fig)
    assert w.data["controls"] is False and w.data["inputs"] == []
    assert all(v is None for v in w.data["layouts"].values())       # laid out by WASM
    assert w.graphviz is not None
    k = len(run.steps) - 1 if step is None else step
    assert w.step == k
    text = _view_text(w.data, k)
    b = run.graph.index("b")
    after_b = run.step("backward", "b").index
    assert (f"{ADJ_B:#.4g}" in text[b]) == (k >= after_b), text[b]
    w.close()


def test_a_forward_mode_figure_without_dot_shows_the_tangents(no_dot):
    run = adv.graph(PROGRAM).evaluate(x=3, y=2)
    tangents = run.forward_mode("x")
    w = view_module.figure_view(run.draw(view=tangents))
    assert w.data["initial"]["mode"] == "forward" and w.data["initial"]["wrt"] == "x"
    assert w.step == len(tangents.steps) - 1
    dfdx = 1 / (3 * math.sqrt(2 * math.log(3))) + 2 / 3
    text = _view_text(w.data, w.step, "forward", "x")
    assert f"{dfdx:#.4g}" in text[run.graph.index("f")]
    w.close()


def test_with_dot_the_figure_is_still_an_svg():
    if not engine.have_graphviz():
        pytest.skip("needs dot")
    run = adv.graph(PROGRAM).evaluate(x=3, y=2)
    bundle = _mimebundle(run.draw(step=3))
    assert "image/svg+xml" in bundle and "text/html" in bundle
