"""Fill in the graph: a drawing with blank labels that students fill in, checked one by one.

The graph is drawn on the same pinned layout as the Stepper's frames (one ``dot`` layout,
redrawn with ``neato -n2``), with numbered blanks ``[1] ?`` on edges (local derivatives) and
nodes (values or adjoints). Each blank is an :class:`~autodiff_viz.exercises.base.Exercise`,
so a wrong entry gets the same named-mistake feedback as any exercise. Correct blanks turn
green (and show ✓), wrong ones vermillion (and show ✗); pending ones stay grey and dashed.

Answers can also be given from a code cell, so they are saved with the notebook:

>>> fi = fill_in("a = log(x)\\nb = a*y\\nc = sqrt(b)\\nf = c + b", blanks="backward")
>>> [b.key for b in fi.blanks][:3]
['x→a', 'a→b', 'y→b']
>>> fb = fi.check({"b→c": "1/(2*sqrt(2*log(3)))", "adjoint:b": "1"})
>>> fb["b→c"].correct, fb["adjoint:b"].correct
(True, False)
>>> print(fb["adjoint:b"].message)
Not correct: ...you missed the path b → c → f...
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.notation import adjoint
from ..core.notation import partial as d
from ..core.passes import Run, evaluate
from ..exact.forms import exact
from ..grading.checker import Feedback
from ..render.dot import GRAPH_NAME, scene_lines
from ..render.fmt import number
from ..render.scene import BLANK, EdgeView, NodeView, Scene, Texts
from . import memory
from .base import Exercise
from .kinds import _names, as_graph
from .mistakes import derivative_candidates, partial_candidates, separate, value_candidates
from .prompts import number_example
from .variants import default_point, random_point, stable_rng

__all__ = ["fill_in", "FillIn", "Blank", "BLANK_SETS"]

BLANK_SETS = ("backward", "forward", "all")

#: status -> the mark written after a blank (colours: render.dot.NODE_STYLES/EDGE_STYLES)
_MARK = {"blank": "?", "invalid": "?", "correct": "✓", "wrong": "✗"}


@dataclass
class Blank:
    """One blank label.

    Attributes:
        id: its number in the drawing (``[1]``, ``[2]``, ...).
        kind: ``"partial"`` (an edge), ``"adjoint"`` or ``"value"`` (a node).
        key: ``"b→c"`` for an edge, ``"adjoint:b"`` / ``"value:b"`` for a node.
        label: what to compute, e.g. ``"∂c/∂b"``.
        index: the edge or node index.
        exercise: checks answers for this blank.
        feedback: the last feedback (None before the first answer).
        answer: the last answer typed.
    """

    id: int
    kind: str
    key: str
    label: str
    index: int
    exercise: Exercise
    feedback: Feedback | None = None
    answer: str = ""

    @property
    def status(self) -> str:
        """``"blank"``, ``"correct"``, ``"wrong"`` or ``"invalid"`` (unreadable input)."""
        if self.feedback is None:
            return "blank"
        if self.feedback.correct:
            return "correct"
        return "invalid" if self.feedback.status == "invalid" else "wrong"


@dataclass
class _Widgets:
    box: Any
    image: Any
    texts: dict[int, Any] = field(default_factory=dict)
    notes: dict[int, Any] = field(default_factory=dict)
    score: Any = None


def fill_in(graph_or_text: Any = None, at: Mapping[str, float] | None = None, *,
            blanks: str | Sequence[str] = "backward", seed: Any = None,
            min_sig_figs: int = 3) -> FillIn:
    """A fill-in-the-graph exercise.

    Args:
        graph_or_text: the function (default: the course's worked example).
        at: the point (default x = 3, y = 2, or drawn from ``seed``).
        blanks: ``"backward"`` (every local derivative and every adjoint but the output's),
            ``"forward"`` (every computed value), ``"all"``, or a list of keys such as
            ``["b→c", "adjoint:b"]``.
        seed: e.g. a student id: a personal point.
        min_sig_figs: fewest significant figures accepted for a decimal answer.
    """
    g = as_graph(graph_or_text)
    if seed is not None and at is None:
        for k in range(60):
            try:
                run = evaluate(g, random_point(stable_rng(seed, f"fill#{k}"), g.inputs))
                break
            except (ValueError, ArithmeticError):
                continue
        else:
            raise ValueError(f"no usable point for seed {seed!r}; pass at= explicitly")
    else:
        run = evaluate(g, dict(at) if at is not None else default_point(g.inputs))
    return FillIn(run, blanks, seed=seed, min_sig_figs=min_sig_figs)


def _FillInView(fill: FillIn) -> Any:
    """The browser view of a fill-in exercise; answers typed on the graph come back here."""
    from ..widgets.view import GraphView

    class FillInView(GraphView):
        def _received(self, msg: dict[str, Any]) -> None:
            if msg.get("kind") == "answer":
                try:
                    b = fill.blank(int(msg.get("id")))
                except (KeyError, TypeError, ValueError):
                    self.message = f"⚠ there is no blank {msg.get('id')!r}"
                    return
                fill.check({b.id: str(msg.get("text", ""))})

    return FillInView(data=fill.view_data())


class FillIn:
    """The fill-in-the-graph exercise; display it in Jupyter for the widget."""

    def __init__(self, run: Run, blanks: str | Sequence[str] = "backward", *, seed: Any = None,
                 min_sig_figs: int = 3) -> None:
        self.run, self.graph, self.seed = run, run.graph, seed
        self.min_sig_figs = min_sig_figs
        self.mode = blanks if isinstance(blanks, str) else "custom"
        self.blanks: list[Blank] = self._make_blanks(blanks)
        self._w: _Widgets | None = None
        for b in self.blanks:  # a re-run cell gets back what was typed in this kernel
            typed = memory.recall(self._key(b))
            if typed:
                self._answer(b, typed)

    def _key(self, b: Blank) -> str:
        listing = "; ".join(self.graph.describe(n) for n in self.graph.nodes)
        return f"fill\x00{listing}\x00{self.run.inputs}\x00{self.mode}\x00{b.key}"

    # which blanks ----------------------------------------------------------------------------
    def _all_keys(self) -> list[tuple[str, str, int]]:
        g, run = self.graph, self.run
        values = [("value", f"value:{n.name}", n.index) for n in g.nodes
                  if n.op not in ("input", "const")]
        partials = [("partial", f"{e.parent}→{e.child}", e.index) for e in g.edges
                    if g.nodes[e.src].op != "const" and run.partials[e.index] is not None]
        adjoints = [("adjoint", f"adjoint:{n.name}", n.index) for n in reversed(g.nodes)
                    if n.index != g.output_index and run.adjoints[n.index] is not None
                    and n.op != "const"]
        return values + partials + adjoints

    def _make_blanks(self, blanks: str | Sequence[str]) -> list[Blank]:
        everything = self._all_keys()
        if isinstance(blanks, str):
            if blanks not in BLANK_SETS:
                raise ValueError(f"blanks must be one of {', '.join(BLANK_SETS)} or a list of "
                                 f"keys; got {blanks!r}")
            kinds = {"backward": ("partial", "adjoint"), "forward": ("value",),
                     "all": ("value", "partial", "adjoint")}[blanks]
            chosen = [k for k in everything if k[0] in kinds]
        else:
            known = {k[1]: k for k in everything}
            missing = [b for b in blanks if b not in known]
            if missing:
                raise ValueError(f"unknown blank(s) {', '.join(map(repr, missing))}; choose "
                                 f"from: {', '.join(known)}")
            chosen = [known[b] for b in blanks]
        ex = exact(self.run)
        out = self.graph.output.name
        result = []
        for k, (kind, key, index) in enumerate(chosen, start=1):
            if kind == "partial":
                edge = self.graph.edges[index]
                label = d(edge.child, edge.parent)
                right, expected = self.run.partials[index], ex.partials[index]
                cands = partial_candidates(self.run, index)
                what = f"the local derivative {label} on the edge {edge.parent} → {edge.child}"
            elif kind == "adjoint":
                name = self.graph.nodes[index].name
                label = adjoint(name)
                right, expected = self.run.adjoints[index], ex.adjoints[index]
                cands = derivative_candidates(self.run, name)
                what = f"the adjoint of {name}, {label} = {d(out, name)}"
            else:
                name = self.graph.nodes[index].name
                label = name
                right, expected = self.run.values[index], ex.values[index]
                cands = value_candidates(self.run, name)
                what = f"the value of {name}"
            mistakes, notes = separate(right, cands)
            exercise = Exercise(kind, f"[{k}] {what}", expected,
                                variables=_names(self.graph), mistakes=mistakes,
                                collisions=notes, graph=self.graph, run=self.run,
                                at=self.run.inputs, seed=self.seed,
                                min_sig_figs=self.min_sig_figs, what=what)
            result.append(Blank(k, kind, key, label, index, exercise))
        return result

    # answering -----------------------------------------------------------------------------
    def blank(self, key: int | str) -> Blank:
        """A blank by number (``3``), key (``"b→c"``, ``"adjoint:b"``) or ``"b->c"``."""
        if isinstance(key, str):
            key = key.replace("->", "→").replace(" ", "")
        for b in self.blanks:
            if key in (b.id, b.key):
                return b
        raise KeyError(f"no blank {key!r}; blanks are: "
                       f"{', '.join(f'{b.id} ({b.key})' for b in self.blanks)}")

    def check(self, answers: Mapping[int | str, Any]) -> dict[int | str, Feedback]:
        """Check answers given as ``{blank: text}``; updates the widget when it is shown."""
        out: dict[int | str, Feedback] = {}
        for key, text in answers.items():
            b = self.blank(key)
            out[key] = self._answer(b, text)
            if self._w is not None and b.id in self._w.texts:
                self._w.texts[b.id].value = b.answer
        self._refresh()
        return out

    def _answer(self, b: Blank, text: Any) -> Feedback:
        b.answer = text if isinstance(text, str) else repr(text)
        memory.remember(self._key(b), b.answer)
        b.feedback = b.exercise.check(text) if b.answer.strip() else None
        return b.feedback if b.feedback is not None else Feedback(
            False, "No answer yet.", "invalid", answer="")

    def assert_correct(self, answers: Mapping[int | str, Any]) -> None:
        """For autograder cells: every blank answered and right, else AssertionError."""
        fbs = self.check(answers)
        wrong = [f"[{self.blank(k).id}] {self.blank(k).label}: {fb.message}"
                 for k, fb in fbs.items() if not fb.correct]
        missing = [f"[{b.id}] {b.label}" for b in self.blanks if b.status != "correct"
                   and all(self.blank(k) is not b for k in answers)]
        if wrong or missing:
            raise AssertionError("; ".join(wrong + ([f"not answered: {', '.join(missing)}"]
                                                    if missing else [])))

    @property
    def score(self) -> tuple[int, int]:
        """(correct blanks, all blanks)."""
        return sum(b.status == "correct" for b in self.blanks), len(self.blanks)

    @property
    def complete(self) -> bool:
        return all(b.status == "correct" for b in self.blanks)

    # drawing -------------------------------------------------------------------------------
    def _line(self, b: Blank, head: str, right: Any) -> str:
        shown = number(right) if b.status == "correct" else f"[{b.id}]"
        return f"{head} = {shown} {_MARK[b.status]}"

    def scene(self) -> Scene:
        """What the drawing shows: every given number, and the blanks with their state (the
        browser view and the DOT drawing both draw this one scene)."""
        g, run = self.graph, self.run
        by_node: dict[int, list[Blank]] = {}
        by_edge: dict[int, Blank] = {}
        for b in self.blanks:
            if b.kind == "partial":
                by_edge[b.index] = b
            else:
                by_node.setdefault(b.index, []).append(b)
        show_adjoints = any(b.kind in ("partial", "adjoint") for b in self.blanks)
        out = g.output.name
        multi = Texts(run).multi
        nodes = []
        for n in g.nodes:
            i = n.index
            mine = {b.kind: b for b in by_node.get(i, [])}
            if n.op == "const":
                nodes.append(NodeView(i, n.name, "const", i == g.output_index,
                                      (g.formula(n),), "value"))
                continue
            head = f"{n.name} (input)" if n.op == "input" else g.describe(n)
            lines = [head + (" (output)" if i == g.output_index and n.op != "input" else "")]
            lines.append(self._line(mine["value"], n.name, run.values[i])
                         if "value" in mine else f"{n.name} = {number(run.values[i])}")
            if "adjoint" in mine:
                lines.append(self._line(mine["adjoint"], adjoint(n.name), run.adjoints[i]))
            elif show_adjoints and i == g.output_index:
                lines.append(f"{adjoint(out)} = 1")
            elif show_adjoints and run.adjoints[i] is not None:
                lines.append(f"{adjoint(n.name)} = {number(run.adjoints[i])}")
            else:
                lines.append(BLANK)
            lines += [BLANK] * multi[i]
            statuses = [b.status for b in mine.values()]
            state = ("wrong" if "wrong" in statuses else "invalid" if "invalid" in statuses
                     else "blank" if "blank" in statuses else "correct" if statuses
                     else "value")
            nodes.append(NodeView(i, n.name, "input" if n.op == "input" else "op",
                                  i == g.output_index, tuple(lines), state))
        edges = []
        for e in g.edges:
            b = by_edge.get(e.index)
            if g.nodes[e.src].op == "const":
                label = BLANK
            elif b is not None:
                label = self._line(b, d(e.child, e.parent), run.partials[e.index])
            elif show_adjoints:
                label = f"{d(e.child, e.parent)} = {number(run.partials[e.index])}"
            else:
                label = BLANK
            edges.append(EdgeView(e.index, e.src, e.dst, label,
                                  b.status if b is not None else "known"))
        return Scene(tuple(nodes), tuple(edges), None, "final")

    def source(self, pinned: bool = True) -> str:
        """DOT source of the drawing (pinned to the shared layout when Graphviz is present)."""
        from ..render import layout as shared_layout
        from ..render.engine import have_graphviz

        lay = shared_layout(self.run, "numeric") if pinned and have_graphviz() else None
        return f"digraph {GRAPH_NAME} {{\n" + "".join(scene_lines(self.scene(), lay)) + "}\n"

    def view_data(self, layout: bool | None = None) -> dict[str, Any]:
        """The drawing as data for the browser view (the Stepper's view, on its layout)."""
        from ..render.view import scene_data

        states = {b.status for b in self.blanks}
        legend = [s for s in ("blank", "correct", "wrong", "invalid") if s in states
                  or s == "blank"]
        data = scene_data(self.run, self.scene(), title=self.prompt, legend=legend,
                          layout=layout)
        offsets, n = data["offsets"], len(self.graph.nodes)
        data["blanks"] = [{
            "id": b.id, "answer": b.answer, "status": b.status, "label": self.describe(b),
            "cell": (offsets[n] + 2 * b.index if b.kind == "partial"
                     else offsets[b.index] + (1 if b.kind == "value" else 2))}
            for b in self.blanks if b.status != "correct"]
        return data

    def svg(self) -> str:
        """The drawing as SVG (needs Graphviz)."""
        from ..render.engine import render_sources

        return render_sources([self.source()])[0]

    # the widget ----------------------------------------------------------------------------
    @property
    def prompt(self) -> str:
        at = ", ".join(f"{k} = {v:g}" for k, v in self.run.inputs.items())
        what = {"backward": "the local derivative on every edge and the adjoint ∂"
                f"{self.graph.output.name}/∂node of every node",
                "forward": "the value of every node", "all": "every value, local derivative "
                "and adjoint"}.get(self.mode, "the numbered blanks")
        return (f"Fill in {what}, at {at}. Type numbers: exact ones such as "
                f"{number_example(self.run)} (no variable names: put in the values), or "
                f"decimals with at least {self.min_sig_figs} significant figures.")

    @property
    def widget(self) -> Any:
        """The ipywidgets box (built on first use)."""
        if self._w is None:
            self._w = self._build()
            self._refresh()
        return self._w.box

    def _build(self) -> _Widgets:
        import ipywidgets as w

        image = _FillInView(self)
        texts, notes, rows = {}, {}, []
        for b in self.blanks:
            t = w.Text(value=b.answer, description=self.describe(b),
                       placeholder="type an answer, then Enter", continuous_update=False,
                       style={"description_width": "initial"},
                       layout=w.Layout(width="340px"))
            note = w.HTML()
            t.observe(lambda change, b=b: self._typed(b, change["new"]), names="value")
            texts[b.id], notes[b.id] = t, note
            rows.append(w.HBox([t, note]))
        button = w.Button(description="Check all", button_style="primary", icon="check")
        button.on_click(lambda _: self._check_all())
        score = w.HTML()
        head = w.HTML(f"<b>{html.escape(self.prompt)}</b>")
        box = w.VBox([head, image, w.VBox(rows), w.HBox([button, score])])
        box.add_class("adv-fill-in")
        return _Widgets(box, image, texts, notes, score)

    def describe(self, b: Blank) -> str:
        """The text-box caption: ``[4] ∂c/∂b on edge b → c``, ``[8] adjoint ∂f/∂b``."""
        if b.kind == "partial":
            edge = self.graph.edges[b.index]
            return f"[{b.id}] {b.label} on edge {edge.parent} → {edge.child}"
        return f"[{b.id}] {'adjoint' if b.kind == 'adjoint' else 'value of'} {b.label}"

    def _typed(self, b: Blank, text: str) -> None:
        if text != b.answer:
            self._answer(b, text)
            self._refresh()

    def _check_all(self) -> None:
        if self._w is None:
            return
        for b in self.blanks:
            self._answer(b, self._w.texts[b.id].value)
        self._refresh()

    def _refresh(self) -> None:
        if self._w is None:
            return
        self._w.image.data = self.view_data()
        for b in self.blanks:
            fb = b.feedback
            self._w.notes[b.id].value = "" if fb is None else fb._repr_html_()
        right, total = self.score
        self._w.score.value = f"{right} of {total} correct" + (" — all done!" if
                                                              right == total else "")

    def text(self) -> str:
        """A plain-text list of the blanks and their state."""
        return "\n".join(f"{self.describe(b)}: {b.status}" for b in self.blanks)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def __repr__(self) -> str:
        right, total = self.score
        return f"<FillIn {self.mode}: {right} of {total} blanks correct>"

