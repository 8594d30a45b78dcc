"""Array mode drawings: Jacobian shapes on edges, small values on request, MLP frames."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

import autodiff_viz as adv
from autodiff_viz.render import draw, frames

NS = "{http://www.w3.org/2000/svg}"
RNG = np.random.default_rng(7)


def texts_of(svg: str) -> list[str]:
    return ["".join(t.itertext()) for t in ET.fromstring(svg.encode()).iter(f"{NS}text")]


def node_groups(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg.encode())
    return {g.get("id"): g for g in root.iter(f"{NS}g")
            if "node" in (g.get("class") or "").split()}


def geometry(svg: str) -> dict[str, tuple]:
    """Outline coordinates and text positions of every node."""
    return {ident: tuple((el.tag, el.get("points"), el.get("d"), el.get("x"), el.get("y"))
                         for el in g if el.tag != f"{NS}title")
            for ident, g in node_groups(svg).items()}


@pytest.fixture(scope="module")
def mlp_run():
    g = adv.mlp([2, 3, 1])
    params = g.source.init(seed=0)
    X, T = RNG.normal(size=(4, 2)), RNG.normal(size=(4, 1))
    return g.evaluate(**params, X=X, T=T)


# Written out by hand from the maths (batch of 4, widths 2 → 3 → 1, scalar loss): an edge
# child ← parent carries the Jacobian ∂child/∂parent of shape (child's shape)×(parent's).
MLP_EDGE_LABELS = {
    "∂z1/∂X: (4×3)×(4×2)", "∂z1/∂W1: (4×3)×(2×3)", "∂z1/∂b1: (4×3)×3",
    "∂y1/∂z1: (4×3)×(4×3)",
    "∂y2/∂y1: (4×1)×(4×3)", "∂y2/∂W2: (4×1)×(3×1)", "∂y2/∂b2: (4×1)×1",
    "∂loss/∂y2: 1×(4×1)", "∂loss/∂T: 1×(4×1)",
}


def test_mlp_edges_show_jacobian_shapes_in_draw(mlp_run):
    source = draw(mlp_run).source
    for label in MLP_EDGE_LABELS:
        assert f'label="{label}"' in source, label
    assert source.count(" -> ") == len(MLP_EDGE_LABELS)


@pytest.mark.dot
def test_mlp_frames_show_shapes_and_never_move(mlp_run):
    back = frames(mlp_run)
    fwd = frames(mlp_run, view=mlp_run.forward_mode("W1"))
    svgs = back + fwd  # (the paths view is for scalar graphs: path products are numbers)
    assert len(back) == len(mlp_run.steps) and len(fwd) == len(mlp_run.forward_mode("W1").steps)
    first = geometry(svgs[0])
    assert len(first) == len(mlp_run.graph.nodes)
    assert all(geometry(s) == first for s in svgs[1:])
    final = set(texts_of(back[-1]))
    assert MLP_EDGE_LABELS <= final
    assert {"W1: 2×3", "z1: 4×3", "X: 4×2"} <= final
    assert 'text-decoration="overline">W</tspan>1: 2×3' in back[-1]  # W̄1, the adjoint
    assert "∂z1/∂W1: (4×3)×(2×3)" in texts_of(fwd[-1])


def small_run():
    # f = sum(W @ x): W @ x = [1·5 + 2·6, 3·5 + 4·6] = [17, 39]; ∂f/∂W = [x, x]; ∂f/∂x = colsums.
    g = adv.graph(lambda W, x: adv.sum(W @ x))
    return g.evaluate(W=np.array([[1.0, 2.0], [3.0, 4.0]]), x=np.array([5.0, 6.0]))


def test_values_option_lists_small_arrays_row_by_row():
    run = small_run()
    plain, listed = draw(run).source, draw(run, values=True).source
    assert "[17, 39]" not in plain and "[1, 2]" not in plain
    assert "W: 2×2\\n[1, 2]\\n[3, 4]" in listed
    assert "[17, 39]" in listed
    assert "W̄: 2×2\\n[5, 6]\\n[5, 6]" in listed
    assert "x̄: 2\\n[4, 6]" in listed
    with pytest.raises(adv.render.RenderError, match="values must be True or False"):
        draw(run, values="yes")


def test_values_option_skips_arrays_bigger_than_3x3(mlp_run):
    source = draw(mlp_run, values=True).source
    assert 'label="X (input)\\nX: 4×2\\nX̄: 4×2"' in source  # X has 4 rows: shape only
    w1 = mlp_run.values[mlp_run.graph.index("W1")]  # 2×3: listed
    row = "[" + ", ".join(f"{v:.4g}".replace("-", "−") for v in w1[0]) + "]"
    assert row in source


@pytest.mark.dot
def test_values_frames_keep_every_text_line_in_place():
    run = small_run()
    svgs = frames(run, values=True) + frames(run, values=True, view=run.forward_mode("W"))
    first = geometry(svgs[0])
    assert all(geometry(s) == first for s in svgs[1:])
    final = texts_of(svgs[len(run.steps) - 1])
    assert "[17, 39]" in final and final.count("[5, 6]") == 3  # x and both rows of ∂f/∂W
    # every node keeps the same number of text lines in every frame
    counts = [{k: len(v) for k, v in geometry(s).items()} for s in svgs]
    assert all(c == counts[0] for c in counts)
