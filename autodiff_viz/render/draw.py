"""``draw``, ``frames`` and ``draw_structure``: runs to Graphviz figures on one fixed layout.

The graph is laid out once (``dot``, every label at its widest text, cached per graph and
label style); each figure then pins every node and edge where that layout put it and is
drawn by ``neato -n2``. So forward, backward, forward-mode and paths frames all share the
same coordinates, and ``frames`` draws all steps with one Graphviz process.

>>> from autodiff_viz.core import evaluate, from_text
>>> run = evaluate(from_text("a = log(x)\\nb = a*y\\nc = sqrt(b)\\nf = c + b"), {"x": 3, "y": 2})
>>> fig = draw(run, step=3)
>>> "f = 3.680" in fig.source, "∂f/∂b = 1.337" in fig.source
(True, False)
>>> "∂f/∂x = 0.8915" in draw(run).source
True
"""

from __future__ import annotations

import re
from typing import Any

import graphviz

from ..core.graph import Graph
from ..core.passes import Run
from . import engine
from .dot import GRAPH_NAME, Layout, layout_lines_dot, scene_lines, structure_lines
from .errors import MAX_NODES, DotNotFound, RenderError, check_size
from .scene import Texts, _Script, layout_lines, scene, view_steps
from .svg import compact as svg_compact

__all__ = ["Figure", "draw", "frames", "draw_structure", "layout", "layout_source", "sized_html",
           "FONT_PX"]


class Figure(graphviz.Digraph):
    """A ``graphviz.Digraph`` that renders pinned positions (``neato -n2``) and says how to
    install Graphviz when it is missing."""

    def _no_op(self, kwargs: dict) -> dict:
        if self.engine == "neato" and kwargs.get("neato_no_op") is None:
            kwargs["neato_no_op"] = 2
        return kwargs

    def pipe(self, *args: Any, **kwargs: Any):  # noqa: D102 - see graphviz.Digraph.pipe
        try:
            return super().pipe(*args, **self._no_op(kwargs))
        except graphviz.ExecutableNotFound:
            raise DotNotFound(self.engine) from None

    def render(self, *args: Any, **kwargs: Any):  # noqa: D102 - see graphviz.Digraph.render
        try:
            return super().render(*args, **self._no_op(kwargs))
        except graphviz.ExecutableNotFound:
            raise DotNotFound(self.engine) from None

    @property
    def pinned(self) -> bool:
        """True when every position is fixed by the shared layout."""
        return self.engine == "neato"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **_: Any) -> dict:
        """In a notebook: the SVG at the browser view's text size, in a box that scrolls
        instead of overflowing the column (see :func:`sized_html`)."""
        bundle = super()._repr_mimebundle_(include, exclude)
        svg = bundle.get("image/svg+xml")
        if isinstance(svg, str) and (include is None or "text/html" in include):
            bundle["text/html"] = sized_html(svg)
        return bundle


#: CSS pixels of 12 pt node text in every drawing (the browser view's default too).
FONT_PX = 14
_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')


def sized_html(svg: str, font_px: int = FONT_PX) -> str:
    """An SVG drawn so that 12 pt text is ``font_px`` CSS pixels, never shrunk to fit:
    a wide figure scrolls inside its box and never overflows the notebook column.

    >>> sized_html('<svg width="120pt" height="60pt" viewBox="0 0 120 60"></svg>')[:80]
    '<div class="adv-figure" style="max-width:100%;overflow:auto"><svg width="140px" '
    """
    scale = font_px / 12
    svg = svg[svg.find("<svg"):] if "<svg" in svg else svg
    svg = _SIZE.sub(lambda m: f'<svg width="{float(m[1]) * scale:.0f}px" '
                              f'height="{float(m[2]) * scale:.0f}px"', svg, count=1)
    return f'<div class="adv-figure" style="max-width:100%;overflow:auto">{svg}</div>'


def _check_run(run: Any) -> None:
    if not isinstance(run, Run):
        raise RenderError(f"expected a run (graph.evaluate(...)); got {type(run).__name__}")


def _kinds(graph: Graph) -> list[tuple[str, bool]]:
    return [(n.op if n.op in ("input", "const") else "op", n.index == graph.output_index)
            for n in graph.nodes]


def layout_source(run: Run, labels: str = "numeric", digits: int = 4, values: bool = False,
                  rankdir: str = "LR") -> list[str]:
    """The DOT body laid out once per graph and label style (every label at its widest)."""
    lines, edge_labels = layout_lines(run, labels, digits, values)
    g = run.graph
    return layout_lines_dot(_kinds(g), lines, [(e.src, e.dst) for e in g.edges], edge_labels,
                            rankdir)


def layout(run: Run, labels: str = "numeric", digits: int = 4, values: bool = False,
           rankdir: str = "LR") -> Layout:
    """The one layout every drawing of ``run`` with these labels shares (cached)."""
    return engine.layout_of(layout_source(run, labels, digits, values, rankdir))


def draw(run: Run, step: int | None = None, labels: str = "numeric", view: Any = None, *,
         digits: int = 4, values: bool = False, max_nodes: int = MAX_NODES) -> Figure:
    """The state after step ``step`` of ``(view or run).steps`` as a ``graphviz.Digraph``.

    Args:
        run: a run (``graph.evaluate(...)``).
        step: step index (negative counts from the end); None draws the final state.
        labels: ``"numeric"``, ``"symbolic"`` (exact forms) or ``"both"``.
        view: ``run.forward_mode(name)`` or ``run.paths(name)`` to draw their steps.
        digits: significant digits of the numbers.
        values: also list the entries of small arrays (up to 3×3), one line per row; array
            nodes always show their shape and edges the shape of their Jacobian.
        max_nodes: larger graphs are refused (too big to read).

    Returns:
        A :class:`Figure` (a ``graphviz.Digraph``) on the shared layout; without Graphviz
        installed, an unpinned figure whose ``.source`` is still available.
    """
    _check_run(run)
    check_size(len(run.graph.nodes), max_nodes)
    texts = Texts(run, labels, digits, values=values)
    sc = scene(run, step, labels, view, texts)
    if not engine.have_graphviz():
        return Figure(GRAPH_NAME, engine="dot", body=scene_lines(sc))
    lay = layout(run, labels, digits, values)
    return Figure(GRAPH_NAME, engine="neato", body=scene_lines(sc, lay))


def frames(run: Run, labels: str = "numeric", view: Any = None, *, digits: int = 4,
           values: bool = False, max_nodes: int = MAX_NODES,
           layout_run: Run | None = None, compact: bool = True) -> list[str]:
    """One SVG string per step of ``(view or run).steps``, all on one layout.

    One ``dot`` run lays the graph out (cached), one ``neato -n2`` run draws every frame.
    ``layout_run`` (a run of the same graph) pins the layout to that run's, so frames at new
    input values keep every node in place (the Stepper uses it when an input changes).
    ``values=True`` lists the entries of small arrays, as in :func:`draw`.

    The SVGs are compacted (:func:`autodiff_viz.render.svg.compact`): no XML prologue or
    comments, fonts set once on the drawing, so many frames stay small in a notebook;
    ``compact=False`` returns Graphviz's SVG as it is.
    """
    if layout_run is not None and layout_run.graph is not run.graph:
        raise RenderError("layout_run must be a run of the same graph")
    _check_run(run)
    check_size(len(run.graph.nodes), max_nodes)
    if not engine.have_graphviz():
        raise DotNotFound("dot")
    steps = view_steps(run, view)
    texts = Texts(run, labels, digits, values=values)
    script = _Script(steps, run.graph)
    lay = layout(run if layout_run is None else layout_run, labels, digits, values)
    sources = []
    for k in range(len(steps)):
        body = scene_lines(scene(run, k, labels, view, texts, script), lay)
        sources.append(f"digraph {GRAPH_NAME} {{\n" + "".join(body) + "}\n")
    svgs = engine.render_sources(sources)
    return [svg_compact(s) for s in svgs] if compact else svgs


def draw_structure(graph: Graph, *, max_nodes: int = MAX_NODES) -> Figure:
    """The graph's structure only (names and operations, no numbers)."""
    if not isinstance(graph, Graph):
        raise RenderError(f"expected a graph; got {type(graph).__name__}")
    check_size(len(graph.nodes), max_nodes)
    headers = []
    for n in graph.nodes:
        if n.op == "const":
            headers.append(graph.formula(n))
        elif n.op == "input":
            headers.append(f"{n.name} (input)")
        else:
            out = " (output)" if n.index == graph.output_index else ""
            headers.append(graph.describe(n) + out)
    body = structure_lines(_kinds(graph), headers, [(e.src, e.dst) for e in graph.edges])
    return Figure(GRAPH_NAME, engine="dot", body=body)
