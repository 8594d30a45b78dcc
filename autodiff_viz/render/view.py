"""Data for the browser view: one layout per label style and a compact table of each step.

The browser (``static/view.js``) draws the layout once and patches text and classes per
step, so Python sends data, not pictures (the format is in ``docs/view-data.md``). The
table is made from the same :func:`~autodiff_viz.render.scene.scene` that ``draw`` and
``frames`` draw, so every figure shows the same thing.

>>> from autodiff_viz.core import evaluate, from_text
>>> run = evaluate(from_text("a = log(x)\\nb = a*y\\nc = sqrt(b)\\nf = c + b"), {"x": 3, "y": 2})
>>> data = view_data(run, labels=("numeric",), layout=False)
>>> v = data["views"]["reverse||numeric"]
>>> v["n"], [data["strings"][t] for t in ints(v["title"])[6:7]]
(10, ['Backward pass, step 3 of 6 (7/10): b̄ = ∂f/∂b'])
>>> cells = table(v)[6]
>>> [data["strings"][c] for c in cells[data["offsets"][3]:data["offsets"][3] + 5]]
['b = a·y', 'b = 2.197', 'b̄ = 1.337', '= 1·0.3373 + 1·1', 'adjoint current']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Any

from ..core.passes import Paths, Run, TangentRun, input_name, paths_refusal
from . import engine, i18n
from .dot import (
    CONST_STYLE,
    CURRENT_PENWIDTH,
    EDGE_STYLES,
    GRAPH_NAME,
    NODE_STYLES,
    RANKDIRS,
    Layout,
)
from .errors import MAX_NODES, RenderError, check_choice, check_size
from .fmt import heading, number
from .scene import LABELS, Texts, _Script, scene, view_steps

__all__ = ["view_data", "scene_data", "view_key", "mode_view", "view_mode", "table", "ints",
           "bundle", "Bundle", "explained", "LEGEND", "MAX_PATHS", "EXACT_NODES", "FORMAT",
           "STATIC"]

#: The committed JavaScript bundles (built from ``js/`` by ``make js``).
STATIC = Path(__file__).with_name("static")

#: Version of the data format (``docs/view-data.md``).
FORMAT = 1
#: Paths views list at most this many paths; beyond, they list this many, then one step
#: with the count and the sum over all paths (from the linear pass).
MAX_PATHS = 64
#: Symbolic labels and exact explanations are made for graphs up to this many nodes.
EXACT_NODES = 30
#: Words of the legend, per state (English; every language: :func:`.i18n.legend`).
LEGEND = i18n.legend("en")


@cache
def bundle(name: str) -> str:
    """The text of a committed bundle: ``"view"`` (the browser view, no WASM) or
    ``"graphviz"`` (WASM Graphviz, for kernels without ``dot``)."""
    path = STATIC / f"{name}.js"
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RenderError(f"the {name} bundle is missing ({path}): rebuild it with "
                          "'make js' (needs Node), or reinstall autodiff_viz") from exc


class Bundle:
    """A bundle read when first turned into text (an anywidget ``_esm``).

    >>> "AutodiffViz" in str(Bundle("view"))
    True
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def __str__(self) -> str:
        return bundle(self.name)


class _Strings:
    """A string table: each distinct text is sent once."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.items: list[str] = []

    def __call__(self, text: str) -> int:
        k = self.index.get(text)
        if k is None:
            k = self.index[text] = len(self.items)
            self.items.append(text)
        return k


def _layout_dict(lay: Layout) -> dict[str, Any]:
    return {"bb": lay.bb, "nodes": [list(n) for n in lay.nodes],
            "edges": [list(e) for e in lay.edges]}


def _layout_source(run: Run, labels: str, digits: int, rankdir: str,
                   lang: str = "en") -> str:
    from .draw import layout_source

    body = layout_source(run, labels, digits, rankdir=rankdir, lang=lang)
    return f"digraph {GRAPH_NAME} {{\n" + "".join(body) + "}\n"


def _node_lines(node: Any) -> list[str]:
    return "\n".join(node.lines).split("\n")


def _cells(sc: Any, strings: _Strings, memo: dict[Any, list[int]]) -> list[int]:
    """The scene as a flat list of string indices (see ``docs/view-data.md``)."""
    out: list[int] = []
    for item in (*sc.nodes, *sc.edges):
        cells = memo.get(item)
        if cells is None:  # most nodes and edges look the same as in the step before
            if hasattr(item, "lines"):
                cells = [strings(line) for line in _node_lines(item)]
                cells.append(strings(item.state + (" current" if item.current else "")))
            else:
                cells = [strings(item.label), strings(item.state)]
            memo[item] = cells
        out += cells
    return out


def mode_view(run: Run, mode: str, wrt: str | None) -> Any:
    """What a mode replays: None (the run's own steps) in reverse mode, else
    ``run.forward_mode(wrt)`` or ``run.paths(wrt)`` (at most ``MAX_PATHS`` paths listed,
    then the count and the sum over all of them)."""
    if mode == "reverse":
        return None
    if mode == "forward":
        return run.forward_mode(wrt)
    return run.paths(wrt, limit=MAX_PATHS, list_at_most=MAX_PATHS)


def view_mode(view: Any) -> tuple[str, str | None]:
    """The inverse of :func:`mode_view`: ``(mode, wrt)`` of a view object (None: reverse).

    Raises:
        RenderError: ``view`` is not ``run.forward_mode(name)`` or ``run.paths(name)``.
    """
    if view is None:
        return "reverse", None
    if not isinstance(view, (TangentRun, Paths)):
        raise RenderError("view must be run.forward_mode(name) or run.paths(name); got "
                          f"{type(view).__name__}")
    return ("paths" if isinstance(view, Paths) else "forward"), view.wrt


def _view(run: Run, mode: str, wrt: str | None, labels: str, texts: Texts,
          strings: _Strings, explanations: Sequence[Any], digits: int) -> dict[str, Any]:
    view = mode_view(run, mode, wrt)
    steps = view_steps(run, view)
    script = _Script(steps, run.graph)
    previous: list[int] | None = None
    memo: dict[Any, list[int]] = {}
    start: list[int] = []
    diff: list[list[int]] = []
    for k in range(len(steps)):
        cells = _cells(scene(run, k, labels, view, texts, script), strings, memo)
        if previous is None:
            start = cells
        else:
            if len(cells) != len(previous):
                raise RenderError("a node's text changed its number of lines between steps")
            diff.append([v for c, (a, b) in enumerate(zip(previous, cells, strict=True))
                         if a != b for v in (c, b)])
        previous = cells
    return {"mode": mode, "wrt": wrt, "labels": labels, "n": len(steps),
            "title": _csv(strings(e.title) for e in explanations),
            "text": _csv(strings(e.text) for e in explanations),
            "legend": i18n.MODE_LEGEND[mode], "start": _csv(start),
            "diff": [_csv(c) for c in diff]}


def _csv(numbers: Iterable[int]) -> str:
    """Integers as one comma-separated string: a saved notebook keeps it on one line (a
    JSON list would take a line per number)."""
    return ",".join(map(str, numbers))


def ints(text: str | Sequence[int]) -> list[int]:
    """The integers of a ``start``, ``diff``, ``title`` or ``text`` entry.

    >>> ints("3,0,12"), ints("")
    ([3, 0, 12], [])
    """
    if not isinstance(text, str):
        return list(text)
    return [int(x) for x in text.split(",")] if text else []


def view_key(mode: str, wrt: str | None, labels: str) -> str:
    """The key of a view in ``data["views"]``: ``mode|wrt|labels``."""
    return f"{mode}|{wrt or '' if mode != 'reverse' else ''}|{labels}"


def table(view: dict[str, Any]) -> list[list[int]]:
    """Every step's cells of one view (``start`` with the diffs applied), as the browser
    expands them."""
    cells = ints(view["start"])
    out = [list(cells)]
    for text in view["diff"]:
        change = ints(text)
        for c, v in zip(change[::2], change[1::2], strict=True):
            cells[c] = v
        out.append(list(cells))
    return out


def explained(run: Run, mode: str, wrt: str | None, labels: str, cache: dict[tuple, Any],
              lang: str = "en") -> list[Any]:
    """Every step's explanation in one mode, from ``cache`` or made into it; exact forms
    appear with symbolic or both labels on graphs up to :data:`EXACT_NODES` nodes."""
    key = (mode, wrt, labels != "numeric" and len(run.graph.nodes) <= EXACT_NODES)
    if key not in cache:
        from .explain import explain

        view = mode_view(run, mode, wrt)
        cache[key] = [explain(run, k, view, exact=key[2], lang=lang)
                      for k in range(len(view_steps(run, view)))]
    return cache[key]


def _title(run: Run, text: str | None, lang: str = "en") -> str:
    g = run.graph
    at = ", ".join(f"{k} = {number(v)}" for k, v in run.inputs.items()
                   if not getattr(v, "ndim", 0))
    head = heading(g, text)
    return i18n.t("page_title", lang, head=head, at=at) if at else head


def view_data(run: Run, *, labels: Iterable[str] | None = None,
              modes: Iterable[str] = ("reverse", "forward", "paths"),
              mode: str = "reverse", wrt: str | None = None, initial_labels: str = "numeric",
              digits: int = 4, title: str | None = None, font: int = 14, rankdir: str = "LR",
              layout: bool | None = None, layout_run: Run | None = None,
              max_nodes: int = MAX_NODES,
              explanations: dict[tuple, list[Any]] | None = None,
              lang: str = "en") -> dict[str, Any]:
    """Everything the browser view needs to step through ``run`` with no kernel.

    Args:
        run: the run to show.
        labels: label styles to precompute (default: all three on graphs up to
            :data:`EXACT_NODES` nodes, else numeric only; the others are listed as missing).
        modes: modes offered (``"reverse"``, ``"forward"``, ``"paths"``).
        mode, wrt, initial_labels: what the view shows first.
        digits: significant digits of the numbers.
        title: the text the user typed (shown as the title), default: the output's formula.
        font: CSS pixels of node text at zoom 100 %.
        rankdir: ``"LR"`` (inputs on the left) or ``"TB"`` (inputs at the top).
        layout: True: lay out with native Graphviz here; False: leave it to the browser
            (WASM); None: native when ``dot`` is installed.
        layout_run: a run of the same graph whose layout to keep (after an input change).
        max_nodes: larger graphs are refused.
        explanations: a cache of :func:`explained` to fill and reuse.
        lang: ``"en"`` or ``"ko"``: titles, explanations, legend, node words and controls.
    """
    i18n.check_lang(lang)
    g = run.graph
    check_size(len(g.nodes), max_nodes)
    small = len(g.nodes) <= EXACT_NODES
    wanted = list(labels) if labels is not None else (list(LABELS) if small else ["numeric"])
    for lab in [*wanted, initial_labels]:
        check_choice("labels", lab, LABELS)
    if initial_labels not in wanted:
        wanted.insert(0, initial_labels)
    modes = [m for m in ("reverse", "forward", "paths") if m in set(modes)]
    check_choice("mode", mode, modes)
    wrts = list(g.inputs)
    input_name(g, wrt, RenderError, "wrt=", True)
    native = engine.have_graphviz() if layout is None else bool(layout)
    strings = _Strings()
    strings("")
    strings(" ")
    data: dict[str, Any] = {"v": FORMAT, "title": _title(run, title, lang), "font": int(font),
                            "rankdir": rankdir}
    check_choice("rankdir", rankdir, RANKDIRS)
    lay_run = run if layout_run is None else layout_run
    layouts: dict[str, Any] = {}
    dots: dict[str, str] = {}
    views: dict[str, Any] = {}
    missing: dict[str, str] = {}
    cache = {} if explanations is None else explanations
    no_paths = paths_refusal(run) if "paths" in modes else None   # array graphs: why not
    for lab in LABELS:
        keys = [("reverse", None)] if "reverse" in modes else []
        keys += [(m, x) for m in ("forward", "paths") if m in modes for x in wrts]
        if lab not in wanted:
            why = "" if small else (f" ({len(g.nodes)} nodes; exact forms are made up to "
                                    f"{EXACT_NODES})")
            for m, x in keys:
                missing[view_key(m, x, lab)] = (f"{lab} labels were not prepared for this "
                                                f"graph{why}: they need the kernel")
            continue
        try:
            texts = Texts(run, lab, digits, lang=lang)
            if native:
                from .draw import layout as native_layout

                layouts[lab] = _layout_dict(native_layout(lay_run, lab, digits,
                                                          rankdir=rankdir, lang=lang))
            else:
                layouts[lab] = None
                dots[lab] = _layout_source(lay_run, lab, digits, rankdir, lang)
        except RenderError as exc:
            if lab == "numeric":
                raise
            for m, x in keys:
                missing[view_key(m, x, lab)] = str(exc)
            layouts.pop(lab, None)
            dots.pop(lab, None)
            continue
        for m, x in keys:
            if m == "paths" and no_paths:
                missing[view_key(m, x, lab)] = no_paths
                continue
            views[view_key(m, x, lab)] = _view(run, m, x, lab, texts, strings,
                                               explained(run, m, x, lab, cache, lang), digits)
    if not views:
        raise RenderError("nothing to show: no view could be made")
    first = scene(run, 0, initial_labels, None, Texts(run, initial_labels, digits, lang=lang)) \
        if run.steps else scene(run, None, initial_labels)
    lines = [len(_node_lines(node)) for node in first.nodes]
    data.update({
        "nodes": [[n.op if n.op in ("input", "const") else "op", int(n.index == g.output_index),
                   n.name] for n in g.nodes],
        "edges": [[e.src, e.dst] for e in g.edges],
        "lines": lines,
        "layouts": layouts, "dot": dots,
        "styles": {"node": {k: list(v) for k, v in NODE_STYLES.items()},
                   "edge": {k: list(v) for k, v in EDGE_STYLES.items()},
                   "current": CURRENT_PENWIDTH, "const": list(CONST_STYLE)},
        "legend": i18n.legend(lang), "ui": i18n.ui(lang), "lang": lang,
        "inputs": [[k, float(v)] for k, v in run.inputs.items() if not getattr(v, "ndim", 0)],
        "options": {"modes": modes, "wrts": wrts, "labels": list(LABELS)},
        "initial": {"mode": mode, "wrt": wrt or (wrts[0] if wrts else None),
                    "labels": initial_labels},
        "views": views, "missing": missing,
    })
    data["strings"] = strings.items
    data["offsets"] = _offsets(lines)
    return data


def scene_data(run: Run, sc: Any, *, title: str, text: str = "",
               legend: Sequence[str] = (), font: int = 14,
               layout: bool | None = None) -> dict[str, Any]:
    """View data for one fixed scene on the run's numeric layout (no steps, no controls):
    the fill-in exercise draws its blanks this way.

    ``sc`` must give every node the same number of lines as the run's own scenes.
    """
    data = view_data(run, labels=("numeric",), modes=("reverse",), title=title, font=font,
                     layout=layout)
    strings = _Strings()
    for item in data["strings"]:
        strings(item)
    counts = [len(_node_lines(node)) for node in sc.nodes]
    if counts != data["lines"]:
        raise RenderError("the scene's nodes do not have the layout's number of lines")
    data["views"] = {view_key("reverse", None, "numeric"): {
        "mode": "reverse", "wrt": None, "labels": "numeric", "n": 1,
        "title": _csv([strings(title)]), "text": _csv([strings(text)]),
        "legend": list(legend), "start": _csv(_cells(sc, strings, {})), "diff": []}}
    data.update(strings=strings.items, inputs=[], missing={}, controls=False, title="",
                options={"modes": ["reverse"], "wrts": [], "labels": ["numeric"]})
    return data


def _offsets(lines: Sequence[int]) -> list[int]:
    """Index of the first cell of each node (edges follow the last node)."""
    return list(accumulate((c + 1 for c in lines), initial=0))
