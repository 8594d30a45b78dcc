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
>>> "x̄ = 0.8915" in draw(run).source
True
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from typing import Any

import graphviz

from ..core import display
from ..core.graph import Graph
from ..core.notation import spell_bars
from ..core.passes import Run
from . import engine, i18n
from .dot import (
    GRAPH_NAME,
    NODE_STYLES,
    Layout,
    layout_lines_dot,
    scene_lines,
    structure_lines,
)
from .errors import MAX_NODES, DotNotFound, RenderError, check_choice, check_size
from .i18n import t
from .scene import BLANK, Scene, Texts, _Script, layout_lines, scene, view_steps
from .svg import body as svg_body
from .svg import compact as svg_compact
from .svg import overline_bars

__all__ = ["Figure", "draw", "frames", "draw_structure", "layout", "layout_source", "sized_html",
           "FONT_PX", "HIDE", "PASSES", "inches", "check_dpi"]


#: Graphviz formats that keep text as text (the bars are drawn by whoever shows it).
_TEXT_FORMATS = ("svg", "dot", "gv", "canon", "json", "json0", "xdot", "plain", "")


class Figure(graphviz.Digraph):
    """A ``graphviz.Digraph`` that renders pinned positions (``neato -n2``) and says how to
    install Graphviz when it is missing."""

    def _no_op(self, kwargs: dict) -> dict:
        if self.engine == "neato" and kwargs.get("neato_no_op") is None:
            kwargs["neato_no_op"] = 2
        return kwargs

    def spelled(self) -> Figure:
        """A copy whose adjoints read ``bar(b)``: for PNG and PDF, where Graphviz can only
        place a combining macron and most fonts put it off-centre (``docs/notation.md``)."""
        twin = self.copy()
        twin.body[:] = [spell_bars(line) for line in self.body]
        dpi = getattr(self, "dpi", None)
        if dpi:  # only raster output: Graphviz scales SVG sizes by dpi / 72
            twin.body.insert(1, f"graph [dpi={int(dpi)}]\n")
        return twin

    def _format(self, args: tuple, kwargs: dict) -> str:
        return str((args[0] if args else None) or kwargs.get("format") or self.format or "")

    def pipe(self, *args: Any, **kwargs: Any):  # noqa: D102 - see graphviz.Digraph.pipe
        fmt = self._format(args, kwargs).split(":")[0]
        fig = self if fmt in _TEXT_FORMATS else self.spelled()
        try:
            out = graphviz.Digraph.pipe(fig, *args, **fig._no_op(kwargs))
        except graphviz.ExecutableNotFound:
            raise DotNotFound(self.engine) from None
        if fmt == "svg":
            out = overline_bars(out) if isinstance(out, str) else \
                overline_bars(out.decode("utf-8")).encode("utf-8")
        return out

    def render(self, *args: Any, **kwargs: Any):  # noqa: D102 - see graphviz.Digraph.render
        fig = self if str(kwargs.get("format") or self.format).startswith("svg") \
            else self.spelled()
        try:
            return graphviz.Digraph.render(fig, *args, **fig._no_op(kwargs))
        except graphviz.ExecutableNotFound:
            raise DotNotFound(self.engine) from None

    @property
    def pinned(self) -> bool:
        """True when every position is fixed by the shared layout."""
        return self.engine == "neato"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **_: Any) -> dict:
        """In a notebook: the SVG at the browser view's text size, in a box that scrolls
        instead of overflowing the column (see :func:`sized_html`). Without ``dot`` (Colab,
        JupyterLite) the figure's run and step are shown by the browser view instead, laid
        out by WASM Graphviz (the ``browser_view`` hook of :mod:`autodiff_viz.core.display`,
        which the widgets layer fills)."""
        if getattr(self, "shown", None) and not engine.have_graphviz():
            return display.call("browser_view", self)
        bundle = super()._repr_mimebundle_(include, exclude)
        svg = bundle.get("image/svg+xml")
        if isinstance(svg, str) and (include is None or "text/html" in include):
            bundle["text/html"] = sized_html(svg)
        return bundle


@dataclass(frozen=True)
class Shown:
    """What a figure from :func:`draw` shows: its run, step, label style, view and language."""

    run: Run
    step: int | None
    labels: str
    view: Any
    lang: str


#: CSS pixels of 12 pt node text in every drawing (the browser view's default too).
FONT_PX = 14
_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')


def sized_html(svg: str, font_px: int = FONT_PX) -> str:
    """An SVG drawn so that 12 pt text is ``font_px`` CSS pixels, never shrunk to fit:
    a wide figure scrolls inside its box and never overflows the notebook column.

    >>> sized_html('<svg width="120pt" height="60pt" viewBox="0 0 120 60"></svg>')[61:116]
    '<svg style="max-width:none" width="140px" height="70px"'
    """
    scale = font_px / 12
    svg = svg_body(svg)
    # max-width:none: JupyterLab's CSS shrinks every svg to the column (text becomes tiny).
    svg = _SIZE.sub(lambda m: f'<svg style="max-width:none" '
                              f'width="{float(m[1]) * scale:.0f}px" '
                              f'height="{float(m[2]) * scale:.0f}px"', svg, count=1)
    return f'<div class="adv-figure" style="max-width:100%;overflow:auto">{svg}</div>'


def _check_run(run: Any) -> None:
    if not isinstance(run, Run):
        raise RenderError(f"expected a run (graph.evaluate(...)); got {type(run).__name__}")


def _kinds(graph: Graph) -> list[tuple[str, bool]]:
    return [(n.op if n.op in ("input", "const") else "op", n.index == graph.output_index)
            for n in graph.nodes]


def layout_source(run: Run, labels: str = "numeric", digits: int = 4, values: bool = False,
                  rankdir: str = "LR", lang: str = "en") -> list[str]:
    """The DOT body laid out once per graph and label style (every label at its widest)."""
    lines, edge_labels = layout_lines(run, labels, digits, values, lang)
    g = run.graph
    return layout_lines_dot(_kinds(g), lines, [(e.src, e.dst) for e in g.edges], edge_labels,
                            rankdir)


def layout(run: Run, labels: str = "numeric", digits: int = 4, values: bool = False,
           rankdir: str = "LR", lang: str = "en") -> Layout:
    """The one layout every drawing of ``run`` with these labels shares (cached)."""
    return engine.layout_of(layout_source(run, labels, digits, values, rankdir, lang))


#: What ``hide=`` can take away from a drawing (the layout stays: nothing moves).
HIDE = ("values", "partials", "adjoints")
PASSES = ("forward", "backward")


def _hide_set(hide: Any) -> frozenset[str]:
    if hide is None or hide == "":
        return frozenset()
    items = [h.strip() for h in hide.split(",")] if isinstance(hide, str) else list(hide)
    bad = [h for h in items if h not in HIDE]
    if bad:
        raise RenderError(f"hide: {', '.join(map(repr, bad))} not understood; choose from "
                          f"{', '.join(HIDE)} (e.g. hide='values,partials')")
    return frozenset(items)


def _hidden(sc: Scene, hide: frozenset[str]) -> Scene:
    """``sc`` with the hidden texts blanked (each keeps its number of lines). Inputs keep
    their values: a slide that asks for the forward pass needs them."""
    if not hide:
        return sc

    def blank(text: str) -> str:
        return "\n".join([BLANK] * len(text.split("\n")))
    nodes = []
    for n in sc.nodes:
        lines = list(n.lines)
        if "values" in hide and len(lines) > 1 and n.kind != "input":
            lines[1] = blank(lines[1])
        if "adjoints" in hide:
            lines[2:] = [blank(x) for x in lines[2:]]
        nodes.append(replace(n, lines=tuple(lines)))
    edges = [replace(e, label=BLANK) if "partials" in hide else e for e in sc.edges]
    return replace(sc, nodes=tuple(nodes), edges=tuple(edges))


def _pass_step(steps: Any, step: int | None, pass_: str | None) -> int | None:
    """With ``pass_="forward"`` the final state is the end of the forward pass."""
    if pass_ is None:
        return step
    check_choice("pass_", pass_, PASSES)
    mine = [s.index for s in steps if s.phase == pass_]
    if step is None:
        return mine[-1] if mine else None
    k = step + len(steps) if isinstance(step, int) and step < 0 else step
    if k not in mine:
        raise RenderError(f"step {step} is not a {pass_} step: the {pass_} pass is steps "
                          f"{mine[0]} to {mine[-1]}" if mine else f"there is no {pass_} pass")
    return step


def draw(run: Run, step: int | None = None, labels: str = "numeric", view: Any = None, *,
         digits: int = 4, values: bool = False, max_nodes: int = MAX_NODES,
         hide: Any = None, pass_: str | None = None, title: str | None = None,
         caption: bool | str = False, legend: bool = False, width: Any = None,
         height: Any = None, dpi: int | None = None, lang: str = "en") -> Figure:
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
        hide: ``"values"`` (except the inputs'), ``"partials"`` and/or ``"adjoints"`` (or
            tangents; a list or ``"a,b"``) to leave blank, e.g. for a slide that asks the
            class to fill them in. The layout stays: nothing moves.
        pass_: ``"forward"``: the final state is the end of the forward pass (no adjoints).
        title: a title above the graph (e.g. the function as typed).
        caption: True: the step's title under the title (the Stepper's words); or a text.
        legend: a legend of the colours and outlines used.
        width, height: the largest size, in inches or with a unit (``"1280px"`` needs
            ``dpi``, ``"16cm"``); the figure is scaled to fit.
        dpi: dots per inch of PNG output (and of ``px`` sizes).
        lang: ``"en"`` or ``"ko"`` (node words, caption and legend).

    Returns:
        A :class:`Figure` (a ``graphviz.Digraph``) on the shared layout; without Graphviz
        installed, an unpinned figure whose ``.source`` is still available.
    """
    _check_run(run)
    check_size(len(run.graph.nodes), max_nodes)
    hidden = _hide_set(hide)
    steps = view_steps(run, view)
    step = _pass_step(steps, step, pass_)
    texts = Texts(run, labels, digits, values=values, lang=lang)
    sc = _hidden(scene(run, step, labels, view, texts), hidden)
    head = _decorations(run, view, step, pass_, title=title, caption=caption, legend=legend,
                        width=width, height=height, dpi=dpi, lang=lang)
    if not engine.have_graphviz():
        body = scene_lines(sc)
        fig = Figure(GRAPH_NAME, engine="dot", body=body[:1] + head + body[1:])
    else:
        lay = layout(run, labels, digits, values, lang=lang)
        body = scene_lines(sc, lay)
        fig = Figure(GRAPH_NAME, engine="neato", body=body[:1] + head + body[1:])
    fig.dpi = dpi
    fig.shown = Shown(run, step, labels, view, lang)
    return fig


def check_dpi(dpi: Any) -> None:
    """A clear error unless ``dpi`` is None or a whole number from 20 to 1200."""
    if dpi is not None and (isinstance(dpi, bool) or not isinstance(dpi, int)
                            or not 20 <= dpi <= 1200):
        raise RenderError(f"dpi must be a whole number from 20 to 1200; got {dpi!r}")


_UNITS = {"in": 1.0, "cm": 1 / 2.54, "mm": 1 / 25.4, "pt": 1 / 72}


def inches(value: Any, dpi: int | None, what: str) -> float | None:
    """A size in inches from a number (inches) or text with a unit (in, cm, mm, pt, px).

    >>> inches("1280px", 160, "width"), inches(10, None, "width"), inches("72pt", None, "h")
    (8.0, 10.0, 1.0)
    """
    if value is None or value == "":
        return None
    text = str(value).strip().lower()
    unit = next((u for u in (*_UNITS, "px") if text.endswith(u)), "")
    try:
        number = float(text[: len(text) - len(unit)] if unit else text)
    except ValueError:
        raise RenderError(f"{what}: {value!r} is not a size; write e.g. 10 (inches), 25cm or "
                          "1280px") from None
    if not 0 < number < 1e5:
        raise RenderError(f"{what} must be positive (got {value!r})")
    if unit == "px":
        if not dpi:
            raise RenderError(f"{what}: pixel sizes need dpi (e.g. dpi=160)")
        return number / dpi
    return number * _UNITS.get(unit, 1.0)


def _decorations(run: Run, view: Any, step: int | None, pass_: str | None, *,
                 title: str | None,
                 caption: bool | str, legend: bool, width: Any, height: Any, dpi: int | None,
                 lang: str) -> list[str]:
    """Graph attributes for the title, caption and legend (one HTML-like label above the
    graph) and the size; ``[]`` when none is asked for."""
    from .explain import explain

    attrs: list[str] = []
    check_dpi(dpi)
    w, h = inches(width, dpi, "width"), inches(height, dpi, "height")
    if w or h:
        attrs.append(f'size="{w or 1000:g},{h or 1000:g}"')
    rows = []
    if title:
        rows.append(f'<TR><TD><FONT POINT-SIZE="16"><B>{_html(title)}</B></FONT></TD></TR>')
    if caption:
        if isinstance(caption, str):
            words = caption
        elif step is None:
            words = (t("final_tangent", lang, wrt=view.wrt) if hasattr(view, "tangents")
                     else t("final_title", lang))
        else:
            words = explain(run, step, view, exact=False, lang=lang).title
        rows.append(f'<TR><TD><FONT POINT-SIZE="13">{_html(words)}</FONT></TD></TR>')
    if legend:
        rows.append(f"<TR><TD>{_legend_table(view, pass_, lang)}</TD></TR>")
    if rows:
        attrs.append('labelloc="t"')
        attrs.append('label=<<TABLE BORDER="0" CELLSPACING="2" CELLPADDING="2">'
                     + "".join(rows) + "</TABLE>>")
    return [f"graph [{', '.join(attrs)}]\n"] if attrs else []


def _html(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<BR/>")


#: A legend swatch's cell: fixed, so a stretched line widens the words' cells, not it.
_SWATCH = 'FIXEDSIZE="TRUE" WIDTH="22" HEIGHT="14"'


def _legend_table(view: Any, pass_: str | None, lang: str) -> str:
    """The states this mode's drawings show (the same in every step, so slides of one walk
    have one size), each with a swatch drawn like the graph's."""
    words = i18n.legend(lang)
    mode = "reverse" if view is None else ("forward" if hasattr(view, "tangents") else "paths")
    states = [s for s in i18n.MODE_LEGEND[mode] if not (pass_ == "forward" and s == "adjoint")]
    cells = []
    for s in states:
        if s in ("current", "read"):
            continue
        colour, fill, pen, extra = NODE_STYLES[s]
        style = ' STYLE="dashed"' if extra == "dashed" else ""
        border = max(1, round(float(pen)))
        cells.append(f'<TD BGCOLOR="{fill}" COLOR="{colour}" BORDER="{border}"{style} '
                     f'{_SWATCH}> </TD><TD ALIGN="LEFT">{_html(words[s])}</TD>')
    if "current" in states:
        cells.append(f'<TD BGCOLOR="white" COLOR="black" BORDER="4" {_SWATCH}> '
                     f'</TD><TD ALIGN="LEFT">{_html(words["current"])}</TD>')
        cells.append(f'<TD {_SWATCH}><B>━▶</B></TD><TD ALIGN="LEFT">{_html(words["read"])}</TD>')
    # a grid of two items a line: swatches in one column, words left-aligned in the next
    rows = ["<TR>" + "".join(cells[k:k + 2]) + "</TR>" for k in range(0, len(cells), 2)]
    return '<TABLE BORDER="0" CELLSPACING="3" CELLPADDING="1">' + "".join(rows) + "</TABLE>"


def frames(run: Run, labels: str = "numeric", view: Any = None, *, digits: int = 4,
           values: bool = False, max_nodes: int = MAX_NODES,
           layout_run: Run | None = None, compact: bool = True, hide: Any = None,
           lang: str = "en") -> list[str]:
    """One SVG string per step of ``(view or run).steps``, all on one layout.

    One ``dot`` run lays the graph out (cached), one ``neato -n2`` run draws every frame.
    ``layout_run`` (a run of the same graph) pins the layout to that run's, so frames at new
    input values keep every node in place (the Stepper uses it when an input changes).
    ``values=True`` lists the entries of small arrays and ``hide`` blanks texts, as in
    :func:`draw`.

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
    hidden = _hide_set(hide)
    steps = view_steps(run, view)
    texts = Texts(run, labels, digits, values=values, lang=lang)
    script = _Script(steps, run.graph)
    lay = layout(run if layout_run is None else layout_run, labels, digits, values, lang=lang)
    sources = []
    for k in range(len(steps)):
        sc = _hidden(scene(run, k, labels, view, texts, script), hidden)
        sources.append(f"digraph {GRAPH_NAME} {{\n" + "".join(scene_lines(sc, lay)) + "}\n")
    svgs = [overline_bars(s) for s in engine.render_sources(sources)]
    return [svg_compact(s) for s in svgs] if compact else svgs


def draw_structure(graph: Graph, *, max_nodes: int = MAX_NODES, title: str | None = None,
                   width: Any = None, height: Any = None, dpi: int | None = None,
                   lang: str = "en") -> Figure:
    """The graph's structure only (names and operations, no numbers); ``title``, ``width``,
    ``height``, ``dpi`` and ``lang`` as in :func:`draw`."""
    if not isinstance(graph, Graph):
        raise RenderError(f"expected a graph; got {type(graph).__name__}")
    check_size(len(graph.nodes), max_nodes)
    headers = []
    word_in, word_out = t("input", lang), t("output", lang)
    for n in graph.nodes:
        if n.op == "const":
            headers.append(graph.formula(n))
        elif n.op == "input":
            headers.append(f"{n.name} ({word_in})")
        else:
            out = f" ({word_out})" if n.index == graph.output_index else ""
            headers.append(graph.describe(n) + out)
    body = structure_lines(_kinds(graph), headers, [(e.src, e.dst) for e in graph.edges])
    head = _decorations(None, None, None, None, title=title, caption=False, legend=False,
                        width=width, height=height, dpi=dpi, lang=lang)
    fig = Figure(GRAPH_NAME, engine="dot", body=body[:1] + head + body[1:])
    fig.dpi = dpi
    return fig
