"""What a drawing shows after a step: the text lines and the state of every node and edge.

A :class:`Scene` is plain data (no Graphviz): :mod:`.dot` turns it into DOT. Every node has a
fixed number of text lines (header, value, derivative, and for a node with several out-edges
the sum of its contributions), so a frame never needs more room than the layout gave it.

>>> from autodiff_viz.core import evaluate, from_text
>>> run = evaluate(from_text("a = log(x)\\nb = a*y\\nc = sqrt(b)\\nf = c + b"), {"x": 3, "y": 2})
>>> s = scene(run, step=6)
>>> s.nodes[3].lines
('b = a·y', 'b = 2.197', 'b̄ = 1.337', '= 1·0.3373 + 1·1')
>>> s.current.node, [s.edges[e].state for e in (3, 5)]
('b', ['read', 'read'])
>>> scene(run, step=0).nodes[4].lines, scene(run, step=0).edges[3].label
(('c = √b', ' ', ' '), ' ')

Array-valued nodes show their shape, edges the shape of their Jacobian, and with
``values=True`` small arrays (up to 3×3) also show their entries, one line per row:

>>> import numpy as np
>>> from autodiff_viz.core import from_function
>>> run = evaluate(from_function(lambda W, x: W @ x), {"W": np.eye(2), "x": np.ones(2)})
>>> scene(run).edges[0].label, scene(run).nodes[0].lines[1]
('∂f/∂W: 2×(2×2)', 'W: 2×2')
>>> scene(run, texts=Texts(run, values=True)).nodes[0].lines[1]
'W: 2×2\\n[1, 0]\\n[0, 1]'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..core.arrays import jacobian_shape
from ..core.notation import adjoint as bar
from ..core.notation import partial as d
from ..core.notation import spell_bars
from ..core.notation import tangent as dot
from ..core.passes import Paths, Run, Step, TangentRun, count_paths, step_index
from .errors import RenderError, check_choice
from .fmt import is_array, number, skeleton, truncate
from .i18n import check_lang, t

__all__ = ["NodeView", "EdgeView", "Scene", "Texts", "scene", "layout_lines", "LABELS",
           "view_steps", "BLANK", "SMALL", "LONG"]

LABELS = ("numeric", "symbolic", "both")
#: Exact forms with more terms than this are not printed in a label ("… ≈ 0.25" instead).
LONG = 48
#: An empty text line that still takes its slot (Graphviz drops truly empty lines).
BLANK = " "
#: Numbers in layout text are at least this wide, so most input values give the same layout.
_MIN_NUMBER = "0.0000"
#: Terms of a sum of contributions per line (longer sums wrap).
TERMS_PER_LINE = 2
#: Path products are not enumerated for the layout: reserve the widest number text.
_WIDEST_NUMBER = "-0.0000000"
#: With ``values=True``, arrays with at most 2 dimensions of at most this size show entries.
SMALL = 3


@dataclass(frozen=True)
class NodeView:
    """One node of a scene.

    Attributes:
        index: node index in the graph.
        name: node name.
        kind: ``"input"``, ``"const"`` or ``"op"``.
        output: whether this is the graph's output.
        lines: the text lines (always the same count for a given node).
        state: ``"unknown"``, ``"value"``, ``"adjoint"``, ``"tangent"`` or ``"path"``.
        current: whether the current step computes this node.
    """

    index: int
    name: str
    kind: str
    output: bool
    lines: tuple[str, ...]
    state: str
    current: bool = False


@dataclass(frozen=True)
class EdgeView:
    """One edge of a scene; ``state`` is ``"unknown"``, ``"known"``, ``"read"`` or ``"path"``."""

    index: int
    src: int
    dst: int
    label: str
    state: str


@dataclass(frozen=True)
class Scene:
    """Everything one frame shows. ``current`` is the highlighted step (None: final state)."""

    nodes: tuple[NodeView, ...]
    edges: tuple[EdgeView, ...]
    current: Step | None
    phase: str


class Texts:
    """The label text of every value, partial, adjoint and tangent of one run.

    ``layout=True`` gives the text used to size the layout: digits become ``0`` and short
    numbers are padded, so runs of one graph at different inputs usually share a layout.
    ``values=True`` adds the entries of small arrays (at most 2 dimensions of at most
    :data:`SMALL`), one line per row, below the shape.
    """

    def __init__(self, run: Run, labels: str = "numeric", digits: int = 4,
                 layout: bool = False, values: bool = False, lang: str = "en") -> None:
        check_choice("labels", labels, LABELS)
        self.lang = check_lang(lang)
        if not isinstance(values, bool):
            raise RenderError(f"values must be True or False; got {values!r}")
        self.run, self.graph, self.labels, self.digits = run, run.graph, labels, digits
        self.layout, self.values = layout, values
        #: extra lines (array rows) under each node's value and under its derivative
        self.rows = tuple(_row_count(v) if values else 0 for v in run.values)
        self.exact = _exact(run) if labels != "numeric" else None
        g = self.graph
        #: number of contribution lines per node (0 unless it has several out-edges)
        self.multi = tuple(-(-len(g.out_edges[i]) // TERMS_PER_LINE)
                           if g.needs_grad[i] and len(g.out_edges[i]) >= 2 else 0
                           for i in range(len(g.nodes)))
        #: texts already made: every step of every view asks for the same few per node
        self._memo: dict[tuple, Any] = {}
        for name in ("header", "value", "adjoint", "partial", "blank"):
            setattr(self, name, self._remember(getattr(self, name)))

    def _remember(self, method: Any) -> Any:
        memo, key = self._memo, method.__name__

        def cached(i: int) -> Any:
            hit = memo.get((key, i))
            if hit is None:
                hit = memo[(key, i)] = method(i)
            return hit
        cached.__doc__ = method.__doc__
        return cached

    # numbers ---------------------------------------------------------------------------
    def num(self, v: Any, pad: bool = True) -> str:
        text = number(v, self.digits)
        if not self.layout:
            return text
        text = skeleton(text)
        short = pad and len(text) < len(_MIN_NUMBER) and not is_array(v)
        return _MIN_NUMBER if short else text

    def _sym(self, expr: Any) -> str:
        from ..exact import longer_than, unicode_of

        if longer_than(expr, LONG):
            return "…"  # too long to read in a label (and slow to print)
        text = unicode_of(expr)
        if getattr(expr, "is_Rational", False) and len(text) > 16:  # 10**300: show 1e+300
            text = number(float(expr), self.digits)
        text = truncate(text)
        return skeleton(text) if self.layout else text

    def _value_part(self, v: Any, expr: Any) -> str:
        """Right-hand side for numeric / symbolic / both."""
        if self.exact is None or expr is None:
            return self.num(v)
        if self.labels == "symbolic" and self._sym(expr) != "…":
            return self._sym(expr)
        sym, num = self._sym(expr), self.num(v)
        return sym if sym == num else f"{sym} ≈ {num}"  # a long form: "… ≈ 0.25"

    def _with_rows(self, i: int, head: str, v: Any) -> str:
        """``head`` followed by the node's row lines (entries of ``v``, or blanks)."""
        n = self.rows[i]
        if not n:
            return head
        rows = [BLANK] * n
        if _row_count(v) == n:
            matrix = v if v.ndim == 2 else v[None, :]
            rows = ["[" + ", ".join(self.num(x) for x in row) + "]" for row in matrix]
        return "\n".join([head, *rows])

    def blank(self, i: int) -> str:
        """An unknown value or derivative of node ``i``: as many blank lines as it takes."""
        return "\n".join([BLANK] * (1 + self.rows[i]))

    # lines -----------------------------------------------------------------------------
    def header(self, i: int) -> str:
        g = self.graph
        node = g.nodes[i]
        if node.op == "const":
            return g.formula(node)
        if node.op == "input":
            return f"{node.name} ({t('input', self.lang)})"
        text = g.describe(node)
        return f"{text} ({t('output', self.lang)})" if i == g.output_index else text

    def value(self, i: int) -> str:
        g, v = self.graph, self.run.values[i]
        name = g.nodes[i].name
        if is_array(v):
            return self._with_rows(i, f"{name}: {self.num(v)}", v)
        expr = self.exact.values[i] if self.exact is not None else None
        warn = " ⚠" if self.run.flags.get(i) else ""  # e.g. relu at its kink
        return f"{name} = {self._value_part(v, expr)}{warn}"

    def adjoint(self, i: int) -> str:
        g, v = self.graph, self.run.adjoints[i]
        name = g.nodes[i].name
        if is_array(v):
            return self._with_rows(i, f"{bar(name)}: {self.num(v)}", v)
        expr = self.exact.adjoints[i] if self.exact is not None else None
        return f"{bar(name)} = {self._value_part(v, expr)}"

    def tangent(self, i: int, view: TangentRun) -> str:
        v, name = view.tangents[i], self.graph.nodes[i].name
        if is_array(v):
            return self._with_rows(i, f"{dot(name)}: {self.num(v)}", v)
        expr = None
        if self.exact is not None and getattr(view, "direction", None) is None:
            expr = self.exact.tangent(name, view.wrt)
        return f"{dot(name)} = {self._value_part(v, expr)}"

    def partial(self, e: int) -> str:
        g, p = self.graph, self.run.partials[e]
        edge = g.edges[e]
        if g.nodes[edge.src].op == "const":
            return BLANK  # no derivative with respect to a constant
        values = self.run.values
        if is_array(p) or is_array(values[edge.src]) or is_array(values[edge.dst]):
            return jacobian_shape(self.run, e).label  # e.g. ∂h/∂W: 4×(4×3)
        symbol = d(edge.child, edge.parent)
        if p is None:
            return symbol
        if self.exact is None:
            return f"{symbol} = {self.num(p)}"
        formula = self.exact.formulas[e]
        if formula is None:
            return f"{symbol} = {self.num(p)}"
        text = self._sym(formula)
        if self.labels == "symbolic":
            return f"{symbol} = {text}"
        num = self.num(p)
        return f"{symbol} = {text}" if text == num else f"{symbol} = {text} = {num}"

    def contributions(self, step: Step) -> tuple[str, ...]:
        """``= 1·0.3373 + 1·1`` under ``b̄ = 1.337``: each term is (child's adjoint)·(local
        partial).

        Long sums wrap after :data:`TERMS_PER_LINE` terms; always ``multi[node]`` lines.
        """
        count = self.multi[self.graph.index(step.node)]
        cs = step.contributions
        if not cs or any(is_array(c.value) for c in cs):
            return (BLANK,) * count
        terms = [f"{self.num(c.factor, False)}·{self.num(c.partial, False)}" for c in cs]
        lines = [" + ".join(terms[k:k + TERMS_PER_LINE])
                 for k in range(0, len(terms), TERMS_PER_LINE)]
        lines = [f"= {lines[0]}"] + [f"+ {line}" for line in lines[1:]]
        return tuple(lines[:count]) + (BLANK,) * (count - len(lines))

    def path_product(self, step: Step, view: Paths) -> str:
        text = _WIDEST_NUMBER if self.layout else self.num(step.adjoint)
        j = len(view.paths) if self.layout else (step.path or 0) + 1
        out = self.graph.output_index
        head = t("path_product", self.lang, j=j)
        return "\n".join([f"{head} = {text}"] + [BLANK] * self.rows[out])


def _row_count(v: Any) -> int:
    """Row lines of a small array (0: a number or an array too big to list)."""
    shape = getattr(v, "shape", ())
    if not is_array(v) or len(shape) > 2 or max(shape) > SMALL or min(shape) < 1:
        return 0
    return 1 if len(shape) == 1 else shape[0]


def _exact(run: Run) -> Any:
    """Exact forms for symbolic labels, with a clear error when they cannot be made."""
    from ..exact import exact

    try:
        return exact(run)
    except (NotImplementedError, ValueError) as exc:
        why = str(exc).rstrip(".")
        raise RenderError(f"symbolic labels are not available for this run: {why}. Use "
                          "labels='numeric'.") from exc


# ----------------------------------------------------------------------------------------
# Scenes
# ----------------------------------------------------------------------------------------

def view_steps(run: Run, view: Any = None) -> Sequence[Step]:
    """The steps a drawing replays: ``view.steps`` for a forward-mode or paths view."""
    if view is None:
        return run.steps
    if not isinstance(view, (TangentRun, Paths)):
        raise RenderError(f"view must be run.forward_mode(name) or run.paths(name); got "
                          f"{type(view).__name__}")
    if view.run is not run and view.graph is not run.graph:
        raise RenderError("view belongs to a different graph; make it from this run: "
                          "run.forward_mode(name) or run.paths(name)")
    return view.steps


class _Script:
    """When each node learns its value / adjoint / tangent (step index; -1: from the start)."""

    def __init__(self, steps: Sequence[Step], graph: Any) -> None:
        n = len(graph.nodes)
        never = len(steps) + 1
        self.first = [-1 if graph.nodes[i].op in ("input", "const") else never
                      for i in range(n)]
        self.second = [never] * n
        for s in steps:
            i = graph.index(s.node)
            if s.phase == "forward":
                self.first[i] = s.index
            elif s.phase in ("backward", "tangent"):
                self.second[i] = s.index


def scene(run: Run, step: int | None = None, labels: str = "numeric", view: Any = None,
          texts: Texts | None = None, _script: _Script | None = None) -> Scene:
    """The scene after step ``step`` of ``(view or run).steps`` (None: the final state)."""
    steps = view_steps(run, view)
    k = step_index(step, len(steps), final=True)
    texts = texts or Texts(run, labels)
    script = _script or _Script(steps, run.graph)
    if isinstance(view, Paths):
        return _paths_scene(run, view, steps, k, texts)
    g = run.graph
    kk = len(steps) - 1 if k is None else k
    current = steps[k] if k is not None else None
    tangent = isinstance(view, TangentRun)
    read = set(current.edges) if current is not None else set()
    nodes = []
    for node in g.nodes:
        i = node.index
        lines = [texts.header(i)]
        if node.op == "const":
            nodes.append(NodeView(i, node.name, "const", i == g.output_index, tuple(lines),
                                  "value"))
            continue
        known = tangent or script.first[i] <= kk
        second = script.second[i] <= kk
        lines.append(texts.value(i) if known else texts.blank(i))
        state = "value" if known else "unknown"
        if second:
            lines.append(texts.tangent(i, view) if tangent else texts.adjoint(i))
            state = "tangent" if tangent else "adjoint"
        else:
            lines.append(texts.blank(i))
        if texts.multi[i]:
            lines.extend(texts.contributions(steps[script.second[i]])
                         if second and not tangent else (BLANK,) * texts.multi[i])
        is_current = current is not None and current.node == node.name
        nodes.append(NodeView(i, node.name, node.op if node.op == "input" else "op",
                              i == g.output_index, tuple(lines), state, is_current))
    edges = []
    for edge in g.edges:
        e = edge.index
        known = tangent or script.first[edge.dst] <= kk
        state = "read" if e in read else ("known" if known else "unknown")
        edges.append(EdgeView(e, edge.src, edge.dst, texts.partial(e) if known else BLANK,
                              state))
    phase = current.phase if current is not None else "final"
    return Scene(tuple(nodes), tuple(edges), current, phase)


def _paths_scene(run: Run, view: Paths, steps: Sequence[Step], k: int | None,
                 texts: Texts) -> Scene:
    g = run.graph
    current = steps[k] if k is not None else None
    final = current is None or current.phase == "sum"
    on = set(current.edges) if current is not None else {e for p in view.paths for e in p.edges}
    on_nodes = {g.edges[e].src for e in on} | {g.edges[e].dst for e in on}
    wrt, out = g.index(view.wrt), g.output_index
    nodes = []
    for node in g.nodes:
        i = node.index
        lines = [texts.header(i)]
        if node.op == "const":
            nodes.append(NodeView(i, node.name, "const", i == out, tuple(lines), "value"))
            continue
        lines.append(texts.value(i))
        if final and i == wrt:
            lines.append(texts.adjoint(i))
        elif not final and i == out:
            lines.append(texts.path_product(current, view))
        else:
            lines.append(texts.blank(i))
        lines.extend((BLANK,) * texts.multi[i])
        is_current = current is not None and current.node == node.name
        nodes.append(NodeView(i, node.name, node.op if node.op == "input" else "op", i == out,
                              tuple(lines), "path" if i in on_nodes else "value", is_current))
    edges = tuple(EdgeView(e.index, e.src, e.dst, texts.partial(e.index),
                           "path" if e.index in on else "known") for e in g.edges)
    return Scene(tuple(nodes), edges, current, current.phase if current is not None else "final")


def layout_lines(run: Run, labels: str = "numeric", digits: int = 4, values: bool = False,
                 lang: str = "en") -> tuple[list[tuple[str, ...]], list[str]]:
    """The widest text of every node line and edge label over every view of ``run``.

    Forward, backward, forward mode (every input) and paths frames all fit in these, so they
    can share one layout. Digits are replaced by ``0`` (see :class:`Texts`). A slot may hold
    several lines (array rows with ``values=True``); its candidates all have the same count.
    """
    tx = Texts(run, labels, digits, layout=True, values=values, lang=lang)
    g = run.graph
    candidates: list[list[set[str]]] = []
    for node in g.nodes:
        i = node.index
        if node.op == "const":
            candidates.append([{tx.header(i)}])
            continue
        slots = [{tx.header(i)}, {tx.value(i)}, {tx.blank(i)}]
        if run.adjoints[i] is not None:
            slots[2].add(tx.adjoint(i))
        slots += [{BLANK} for _ in range(tx.multi[i])]
        candidates.append(slots)
    for s in run.steps:
        i = g.index(s.node)
        if s.phase == "backward" and tx.multi[i]:
            for slot, line in zip(candidates[i][3:], tx.contributions(s), strict=True):
                slot.add(line)
    for wrt in g.inputs:
        view = run.forward_mode(wrt)
        for i, node in enumerate(g.nodes):
            if g.needs_grad[i] and node.op != "const" and view.tangents[i] is not None:
                candidates[i][2].add(tx.tangent(i, view))
    out = g.output_index
    if g.nodes[out].op != "const" and g.inputs:
        widest = max(len(str(count_paths(g, w))) for w in g.inputs)
        head = t("path_product", lang, j="0" * widest)
        candidates[out][2].add("\n".join([f"{head} = {_WIDEST_NUMBER}"]
                                          + [BLANK] * tx.rows[out]))
    # the layout is sized for adjoints spelled bar(b), as PNG and PDF write them
    lines = [tuple(spell_bars(max(sorted(slot), key=_width)) for slot in slots)
             for slots in candidates]
    edges = [tx.partial(e.index) for e in g.edges]
    return lines, edges


def _width(text: str) -> int:
    """Characters in the widest line of ``text``."""
    return max(len(line) for line in spell_bars(text).split("\n"))
