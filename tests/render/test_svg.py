"""Compact SVG frames draw exactly what Graphviz drew, in fewer bytes (needs dot)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import autodiff_viz as adv
from autodiff_viz.render import frames
from autodiff_viz.render.svg import compact

pytestmark = pytest.mark.dot

NS = "{http://www.w3.org/2000/svg}"
PROGRAM = "a = log(x)\nb = a*y\nc = sqrt(b)\nf = c + b"
#: SVG presentation attributes that children inherit (those Graphviz writes).
INHERITED = {"font-family", "font-size", "font-weight", "font-style", "text-anchor", "fill",
             "stroke", "stroke-width", "stroke-dasharray", "fill-opacity", "stroke-opacity"}

TEXT_ONLY = {"font-family", "font-size", "font-weight", "font-style", "text-anchor"}


def segments(d: str) -> list[tuple]:
    """Path data (M, L, C with implicit repetition) as geometric pieces: a cubic whose
    control points sit on its end points is the straight line between them."""
    out, cmd, cur, pending = [], None, None, []
    for tok in re.findall(r"[A-Za-z]|[^A-Za-z\s]+", d):
        if tok.isalpha():
            assert tok in "MLC", d
            cmd, pending = tok, []
            continue
        p = tuple(float(v) for v in tok.split(","))
        if cmd == "M":
            cur = p
            out.append(("M", p))
            cmd = "L"  # SVG: pairs after a moveto are linetos
        elif cmd == "L":
            out.append(("line", cur, p))
            cur = p
        else:
            pending.append(p)
            if len(pending) == 3:
                c1, c2, end = pending
                straight = c1 == cur and c2 == end
                out.append(("line", cur, end) if straight else ("curve", cur, c1, c2, end))
                cur, pending = end, []
    assert not pending, d
    return out


def drawn(svg: str) -> list[tuple]:
    """Every drawn element in document order with its effective attributes (inherited ones
    resolved through its ancestors) and text; titles, comments and groups are not drawn."""
    out = []

    def walk(el: ET.Element, inherited: dict[str, str]) -> None:
        own = dict(el.attrib)
        here = {**inherited, **{k: v for k, v in own.items() if k in INHERITED}}
        tag = el.tag.replace(NS, "")
        if tag not in ("g", "svg", "title"):
            attrs = {**here, **own}
            if "d" in attrs:
                attrs["d"] = segments(attrs["d"])
            if tag != "text":  # font properties only affect text
                attrs = {k: v for k, v in attrs.items() if k not in TEXT_ONLY}
            out.append((tag, sorted(attrs.items()), el.text))
        if tag == "g" and "transform" in own:
            out.append(("transform", re.sub(r"scale\(1 1\) rotate\(0\) ", "", own["transform"])))
        for child in el:
            walk(child, here)

    root = ET.fromstring(svg.encode("utf-8"))
    out.append(("svg", root.get("width"), root.get("height"), root.get("viewBox")))
    walk(root, {})
    return out


def node_titles(svg: str) -> dict[str, str]:
    return {g.get("id"): g.find(f"{NS}title").text
            for g in ET.fromstring(svg.encode()).iter(f"{NS}g")
            if "node" in (g.get("class") or "").split()}


def runs():
    yield adv.graph(PROGRAM).evaluate(x=3, y=2)
    yield adv.graph("x*x + 2").evaluate(x=3)
    g = adv.mlp([2, 3, 1])
    yield g.evaluate(**g.source.init(seed=0), X=np.ones((4, 2)), T=np.ones((4, 1)))


@pytest.mark.parametrize("run", list(runs()), ids=["seed", "x*x+2", "mlp"])
def test_compact_frames_draw_the_same_picture_in_fewer_bytes(run):
    raw = frames(run, compact=False)
    small = frames(run)
    assert len(raw) == len(small) == len(run.steps)
    for r, s in zip(raw, small, strict=True):
        assert drawn(s) == drawn(r)
        assert node_titles(s) == node_titles(r)  # widgets find nodes by their title
        assert len(s.encode()) < 0.85 * len(r.encode())
        assert s.startswith("<svg") and "<!--" not in s and "DOCTYPE" not in s
        assert s.count("font-family=") == 1


def test_compact_is_idempotent_and_keeps_foreign_input():
    svg = frames(adv.graph(PROGRAM).evaluate(x=3, y=2))[4]
    assert compact(svg) == svg
    assert compact("not an svg") == "not an svg"
    plain = '<?xml version="1.0"?>\n<svg><text x="1">a</text></svg>'
    assert compact(plain) == '<svg><text x="1">a</text></svg>'


def test_segments_oracle():
    assert segments("M0,0C0,0 5,0 5,0") == segments("M0,0L5,0") == [("M", (0, 0)),
                                                                  ("line", (0, 0), (5, 0))]
    assert segments("M0,0C1,1 5,0 5,0")[1][0] == "curve"


def test_a_text_without_fonts_is_not_given_any():
    svg = ('<svg><g id="graph0" class="graph">\n<text x="1" font-size="9">a</text>\n'
           '<text x="2">b</text>\n</g></svg>')
    assert drawn(compact(svg)) == drawn(svg)
