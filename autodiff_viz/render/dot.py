"""Scenes to DOT text: the palette, node shapes and the pinned (replayed) form.

The palette is Okabe–Ito (safe for colour-blind readers) and every state also differs by
line style or weight, so nothing is told by colour alone:

- not yet computed: grey, dashed outline;
- value known (forward): blue, thin solid outline;
- adjoint known (backward): vermillion, thick outline;
- tangent known (forward mode): bluish green, thick outline;
- on the highlighted path: reddish purple, thick outline;
- the current step: a very heavy black outline, and the edges it reads heavy black arrows.

Inputs are sharp-cornered boxes marked "(input)"; the output has a double outline and is
marked "(output)"; constants are small dotted boxes.

>>> from autodiff_viz.core import evaluate, from_text
>>> from autodiff_viz.render.scene import scene
>>> run = evaluate(from_text("x*x"), {"x": 3})
>>> text = "".join(scene_lines(scene(run)))
>>> text.count("n0 -> n1")
2
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .errors import check_choice
from .fmt import dot_quote
from .scene import BLANK, EdgeView, NodeView, Scene

__all__ = ["PALETTE", "NODE_STYLES", "EDGE_STYLES", "CONST_STYLE", "Layout", "scene_lines",
           "pinned_header", "layout_lines_dot", "structure_lines", "GRAPH_ATTRS", "GRAPH_NAME",
           "RANKDIRS"]

GRAPH_NAME = "autodiff"

#: Okabe–Ito colours.
PALETTE = {"black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
           "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00",
           "purple": "#CC79A7", "grey": "#999999"}

#: node state -> (outline colour, fill colour, pen width, extra style)
NODE_STYLES = {
    "unknown": ("#999999", "#FFFFFF", "1.2", "dashed"),
    "value": (PALETTE["blue"], "#E3EEF8", "1.4", ""),
    "adjoint": (PALETTE["vermillion"], "#FBE4D5", "2.6", ""),
    "tangent": (PALETTE["green"], "#DDF3EC", "2.6", ""),
    "path": (PALETTE["purple"], "#F7E6F0", "2.6", ""),
    # the fill-in exercise's blanks
    "blank": ("#999999", "#FFFFFF", "1.2", "dashed"),
    "invalid": ("#9a6700", "#FFF8C5", "1.6", "dashed"),
    "correct": (PALETTE["green"], "#DDF3EC", "2.8", ""),
    "wrong": (PALETTE["vermillion"], "#FBE4D5", "2.8", ""),
}
CURRENT_PENWIDTH = "5"
#: constants: small dotted grey boxes (outline colour, fill colour, pen width, extra style)
CONST_STYLE = ("#777777", "#F2F2F2", "1", "dotted")

#: edge state -> (colour, pen width, style, label colour)
EDGE_STYLES = {
    "unknown": ("#B0B0B0", "1", "dashed", "#808080"),
    "known": ("#505050", "1.2", "solid", "#303030"),
    "read": (PALETTE["black"], "3.5", "solid", PALETTE["black"]),
    "path": (PALETTE["purple"], "3.5", "solid", "#7A3B62"),
    "blank": ("#999999", "1.2", "dashed", "#707070"),
    "invalid": ("#9a6700", "1.6", "dashed", "#9a6700"),
    "correct": (PALETTE["green"], "2.8", "solid", PALETTE["green"]),
    "wrong": (PALETTE["vermillion"], "2.8", "solid", PALETTE["vermillion"]),
}

GRAPH_ATTRS = ('graph [rankdir=LR, bgcolor="white", outputorder=edgesfirst, nodesep=0.35, '
               'ranksep=0.55, pad=0.15, fontname="Helvetica"]\n',
               'node [fontname="Helvetica", fontsize=12, margin="0.12,0.06"]\n',
               'edge [fontname="Helvetica", fontsize=11, arrowsize=0.8]\n')


@dataclass(frozen=True)
class Layout:
    """Positions from one Graphviz layout, replayed by every frame (points, Graphviz units).

    ``nodes[i]`` is ``(pos, width, height)`` as Graphviz wrote them; ``edges[e]`` is
    ``(pos, lp)`` (``lp`` is None for an edge without a label).
    """

    bb: str
    nodes: tuple[tuple[str, str, str], ...]
    edges: tuple[tuple[str, str | None], ...]

    def box(self) -> tuple[float, float, float, float]:
        """The bounding box ``(x0, y0, x1, y1)``."""
        x0, y0, x1, y1 = (float(v) for v in self.bb.split(","))
        return x0, y0, x1, y1


def _attrs(pairs: Sequence[tuple[str, str]]) -> str:
    return ", ".join(f"{k}={dot_quote(v)}" for k, v in pairs)


def _node_shape(kind: str, output: bool) -> list[tuple[str, str]]:
    if kind == "const":
        return [("shape", "box"), ("fontsize", "11")]
    out = [("shape", "box")]
    if output:
        out.append(("peripheries", "2"))
    return out


def _node_line(i: int, kind: str, output: bool, label: str,
               extra: Sequence[tuple[str, str]]) -> str:
    attrs = [("id", f"n{i}"), ("label", label), *_node_shape(kind, output), *extra]
    return f"\tn{i} [{_attrs(attrs)}]\n"


def _rank_lines(scene_inputs: Sequence[int]) -> list[str]:
    if not scene_inputs:
        return []
    return ["\t{rank=min; " + " ".join(f"n{i};" for i in scene_inputs) + "}\n"]


RANKDIRS = ("LR", "TB")
#: Graphs with more edges than this place edge labels after the layout and limit dot's
#: network-simplex passes (seconds instead of minutes at 300 nodes).
XLABEL_EDGES = 120


def layout_lines_dot(kinds: Sequence[tuple[str, bool]], lines: Sequence[tuple[str, ...]],
                     edges: Sequence[tuple[int, int]], labels: Sequence[str],
                     rankdir: str = "LR") -> list[str]:
    """Body of the DOT graph laid out once: every label at its widest text.

    ``rankdir`` is ``"LR"`` (inputs on the left) or ``"TB"`` (inputs at the top).
    """
    check_choice("rankdir", rankdir, RANKDIRS, ValueError)
    body = list(GRAPH_ATTRS)
    body[0] = body[0].replace("rankdir=LR", f"rankdir={rankdir}")
    if len(edges) > XLABEL_EDGES:  # network simplex dominates dot's time on big graphs
        body[0] = body[0][:-2] + ", nslimit=2, nslimit1=2]\n"
    for i, ((kind, output), text) in enumerate(zip(kinds, lines, strict=True)):
        rounded = "filled" if kind == "input" else "rounded,filled"
        body.append(_node_line(i, kind, output, "\n".join(text), [("style", rounded)]))
    body += _rank_lines([i for i, (kind, _) in enumerate(kinds) if kind == "input"])
    # dot makes each edge label a node of its own, which costs ~7x on big graphs: there the
    # labels are placed after the layout (xlabel) instead.
    key = "xlabel" if len(edges) > XLABEL_EDGES else "label"
    for e, ((src, dst), label) in enumerate(zip(edges, labels, strict=True)):
        attrs = [("id", f"e{e}")] + ([(key, label)] if label != BLANK else [])
        body.append(f"\tn{src} -> n{dst} [{_attrs(attrs)}]\n")
    return body


def pinned_header(layout: Layout | None) -> list[str]:
    """The graph attributes, plus (with a layout) the pinned bounding box and corner anchors.

    Invisible corner anchors keep the bounding box (and so the SVG viewBox) identical in
    every frame drawn on the layout.
    """
    body = list(GRAPH_ATTRS)
    if layout is not None:
        x0, y0, x1, y1 = layout.box()
        body[0] = body[0][:-2] + f', bb="{layout.bb}"]\n'
        body.append('\tnode [fixedsize=true]\n')
        for name, x, y in (("anchor0", x0, y0), ("anchor1", x1, y1)):
            body.append(f'\t{name} [id="{name}", shape=point, style=invis, width=0, height=0, '
                        f'label="", pos="{x:g},{y:g}"]\n')
    return body


def scene_lines(scene: Scene, layout: Layout | None = None) -> list[str]:
    """Body of the DOT graph of one scene; with ``layout``, every position is pinned.

    Pinned sources are meant for ``neato -n2``; without a layout the source is an ordinary
    ``dot`` graph (used when Graphviz is missing: the source is still useful).
    """
    body = pinned_header(layout)
    for node in scene.nodes:
        placed = layout.nodes[node.index] if layout is not None else None
        body.append(_scene_node(node, placed))
    if layout is None:
        body += _rank_lines([n.index for n in scene.nodes if n.kind == "input"])
    for edge in scene.edges:
        placed_edge = layout.edges[edge.index] if layout is not None else None
        body.append(_scene_edge(edge, placed_edge))
    return body


@lru_cache(maxsize=65536)
def _scene_node(node: NodeView, placed: tuple[str, str, str] | None) -> str:
    """One node statement (cached: most nodes look the same in consecutive frames)."""
    colour, fill, pen, extra = NODE_STYLES[node.state]
    if node.kind == "const":
        colour, fill, pen, extra = CONST_STYLE
    style = ",".join(filter(None, ["rounded" if node.kind != "input" else "", "filled",
                                   extra]))
    klass = " ".join(filter(None, [node.kind, "output" if node.output else "", node.state,
                                   "current" if node.current else ""]))
    attrs = [("class", klass), ("style", style),
             ("color", PALETTE["black"] if node.current else colour), ("fillcolor", fill),
             ("penwidth", CURRENT_PENWIDTH if node.current else pen)]
    if node.state == "unknown":
        attrs.append(("fontcolor", "#555555"))
    if placed is not None:
        pos, width, height = placed
        attrs += [("pos", pos), ("width", width), ("height", height)]
    return _node_line(node.index, node.kind, node.output, "\n".join(node.lines), attrs)


@lru_cache(maxsize=65536)
def _scene_edge(edge: EdgeView, placed: tuple[str, str | None] | None) -> str:
    """One edge statement (cached like :func:`_scene_node`)."""
    colour, pen, style, font = EDGE_STYLES[edge.state]
    attrs = [("id", f"e{edge.index}"), ("class", edge.state), ("color", colour),
             ("penwidth", pen), ("style", style)]
    if edge.label != BLANK:
        attrs += [("label", edge.label), ("fontcolor", font)]
    if placed is not None:
        pos, lp = placed
        attrs.append(("pos", pos))
        if lp is not None and edge.label != BLANK:
            attrs.append(("lp", lp))
    return f"\tn{edge.src} -> n{edge.dst} [{_attrs(attrs)}]\n"


def structure_lines(kinds: Sequence[tuple[str, bool]], headers: Sequence[str],
                    edges: Sequence[tuple[int, int]]) -> list[str]:
    """Body of a structure-only drawing (names and operations, no numbers)."""
    body = list(GRAPH_ATTRS)
    for i, ((kind, output), header) in enumerate(zip(kinds, headers, strict=True)):
        style = "filled" if kind == "input" else "rounded,filled"
        fill = "#F2F2F2" if kind == "const" else "#E3EEF8"
        body.append(_node_line(i, kind, output, header,
                               [("style", style), ("fillcolor", fill),
                                ("color", PALETTE["blue"] if kind != "const" else "#777777")]))
    body += _rank_lines([i for i, (kind, _) in enumerate(kinds) if kind == "input"])
    for e, (src, dst) in enumerate(edges):
        body.append(f'\tn{src} -> n{dst} [id="e{e}"]\n')
    return body
