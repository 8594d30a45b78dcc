"""``Stepper``: step through the forward then the backward pass of a graph in Jupyter.

All frames and explanations are computed once, when the widget is built (and again only
when an input, the mode or the label style changes). The step slider, the Play button and
the three stacks (title, SVG frame, explanation) are linked in the browser with
``jslink``, so moving through the steps needs no kernel round trip and still works in a
notebook exported to HTML with its widget state. The Prev / Next / Reset buttons and the
``step`` trait go through Python and are kept in sync with the slider.

>>> from autodiff_viz.widgets import Stepper
>>> s = Stepper("a = log(x)\\nb = a*y\\nc = sqrt(b)\\nf = c + b", x=3, y=2)
>>> s.n_steps, s.title
(10, 'Forward pass — step 1 of 4: a = log(x)')
>>> s.next(); s.step, s.title
(1, 'Forward pass — step 2 of 4: b = a·y')
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

import ipywidgets as w
import traitlets

from ..core import Graph, evaluate
from ..core.passes import DomainError, InputError
from ..render.explain import Explanation
from ..symbolic.sources import as_graph as _as_graph
from ._frames import LABELS, explanations, frames

__all__ = ["Stepper", "MODES", "as_graph"]

MODES = ("reverse", "forward", "paths")
_MODE_OPTIONS = [("reverse mode", "reverse"), ("forward mode", "forward"),
                 ("paths", "paths")]
_MODE_TIPS = ["forward pass, then backward pass (adjoints)",
              "forward-mode tangents with respect to one input",
              "each path from one input to the output and its product, then their sum"]
_WIDE = {"description_width": "initial"}

_CSS = """<style>
.adv-stepper .adv-frame { overflow: auto; max-width: 100%; }
.adv-stepper .adv-frame svg { max-width: 100%; height: auto; }
.adv-stepper .adv-title { font-weight: bold; font-size: 1.05em; }
.adv-stepper .adv-explanation { font-size: 1.05em; min-height: 2.5em; }
.adv-stepper .adv-message { color: #b00020; }
</style>"""


def as_graph(source: Any) -> Graph:
    """A core graph from text, a graph, a run, a sympy expression or a Python function.

    >>> as_graph("log(x)*y").inputs
    ('x', 'y')
    """
    return _as_graph(source, what="Stepper()")


def _classes(widget: w.DOMWidget, *names: str) -> w.DOMWidget:
    for n in names:
        widget.add_class(n)
    return widget


def _quiet(widget: w.Widget, name: str, value: Any) -> None:
    """Set a synced trait in Python without sending it to the browser (the browser already
    has it, through a jslink)."""
    with widget._lock_property(**{name: value}):
        setattr(widget, name, value)


class Stepper(w.VBox):
    """Step through the passes of a computational graph, one node at a time.

    Args:
        graph_or_text: expression or program text, a graph, a run, a sympy expression or a
            Python function.
        values: input values as a mapping (alternative to keyword arguments).
        mode: ``"reverse"`` (forward pass, then backward pass), ``"forward"`` (forward-mode
            tangents w.r.t. ``wrt``) or ``"paths"`` (each path from ``wrt`` and its product,
            then their sum).
        wrt: the input for forward mode and paths (default: the first input).
        labels: ``"numeric"``, ``"symbolic"`` or ``"both"`` (how nodes and edges are labelled).
        interval: milliseconds per step when playing.
        **inputs: input values, e.g. ``x=3, y=2`` (a run's own inputs are the default).

    Attributes:
        step: the current step (an int trait; setting it moves the widget).
    """

    step = traitlets.Int(0, help="the current step (0-based)")

    def __init__(self, graph_or_text: Any, values: Mapping[str, Any] | None = None, *,
                 mode: str = "reverse", wrt: str | None = None, labels: str = "numeric",
                 interval: int = 1000, **inputs: Any) -> None:
        graph = as_graph(graph_or_text)
        given: dict[str, Any] = {}
        if hasattr(graph_or_text, "graph") and isinstance(getattr(graph_or_text, "inputs",
                                                                  None), dict):
            given.update(graph_or_text.inputs)  # a run: its inputs are the defaults
        given.update(values or {})
        given.update(inputs)
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}; got {mode!r}")
        if labels not in LABELS:
            raise ValueError(f"labels must be one of {', '.join(LABELS)}; got {labels!r}")
        if wrt is not None and wrt not in graph.inputs:
            raise ValueError(f"wrt={wrt!r} is not an input; inputs are "
                             f"{', '.join(graph.inputs)}")
        try:
            run = evaluate(graph, given)
        except InputError as exc:
            example = ", ".join(f"{n}=1.0" for n in graph.inputs)
            raise InputError(f"{exc}".split(" e.g.")[0] + f" e.g. Stepper(..., {example})") \
                from None
        self.graph: Graph = graph
        self.run = run
        self._layout_run = run  # every frame, at any input values, uses this run's layout
        self._mode, self._labels = mode, labels
        self._wrt = wrt or (graph.inputs[0] if graph.inputs else None)
        self._cache: dict[tuple, tuple[list[str], list[Explanation]]] = {}
        self._muted = False

        # --- parts -----------------------------------------------------------------------
        self._titles = _classes(w.Stack(), "adv-titles")
        self._frames = _classes(w.Stack(), "adv-frames")
        self._explanations = _classes(w.Stack(), "adv-explanations")
        self._slider = _classes(w.IntSlider(0, min=0, max=0, description="step",
                                            continuous_update=True,
                                            layout=w.Layout(width="100%")), "adv-slider")
        self._play = _classes(w.Play(0, min=0, max=0, interval=interval,
                                     description="Play", tooltip="Play through the steps"),
                              "adv-play")
        self._prev = _classes(w.Button(description="◀ Prev", tooltip="previous step",
                                       layout=w.Layout(width="auto")), "adv-prev")
        self._next = _classes(w.Button(description="Next ▶", tooltip="next step",
                                       button_style="primary",
                                       layout=w.Layout(width="auto")), "adv-next")
        self._reset = _classes(w.Button(description="⟲ Reset", tooltip="back to step 1",
                                        layout=w.Layout(width="auto")), "adv-reset")
        self._mode_box = _classes(w.ToggleButtons(
            options=_MODE_OPTIONS, value=mode, tooltips=_MODE_TIPS,
            style={"button_width": "auto"}), "adv-mode")
        self._wrt_box = _classes(w.Dropdown(options=list(graph.inputs), value=self._wrt,
                                            description="w.r.t.", style=_WIDE,
                                            layout=w.Layout(width="auto")), "adv-wrt")
        self._labels_box = _classes(w.ToggleButtons(
            options=list(LABELS), value=labels,
            tooltips=["numbers", "exact forms (sympy)", "numbers and exact forms"],
            style={"button_width": "auto"}, layout=w.Layout(width="auto")), "adv-labels")
        self._inputs = {}
        for name in graph.inputs:
            v = run.inputs[name]
            if isinstance(v, float):
                box = _classes(w.FloatText(v, description=f"{name} =", continuous_update=False,
                                           style=_WIDE, layout=w.Layout(width="9em")),
                               "adv-input", f"adv-input-{name}")
                box.observe(self._input_changed, "value")
                self._inputs[name] = box
        self._message = _classes(w.HTML(""), "adv-message")
        self._style = w.HTML(_CSS)

        self._links = [w.jslink((self._play, "value"), (self._slider, "value"))]
        for stack in (self._titles, self._frames, self._explanations):
            self._links.append(w.jslink((self._slider, "value"), (stack, "selected_index")))

        self._prev.on_click(lambda _: self.prev())
        self._next.on_click(lambda _: self.next())
        self._reset.on_click(lambda _: self.reset())
        self._slider.observe(self._slider_moved, "value")
        self._mode_box.observe(self._options_changed, "value")
        self._wrt_box.observe(self._options_changed, "value")
        self._labels_box.observe(self._options_changed, "value")
        self._wrt_box.layout.display = None if mode != "reverse" else "none"

        buttons = w.HBox([self._play, self._prev, self._next, self._reset])
        options = w.HBox([self._mode_box, self._wrt_box, w.Label("labels:"), self._labels_box],
                         layout=w.Layout(flex_flow="row wrap", grid_gap="0 1.5em"))
        input_row = w.HBox(list(self._inputs.values()), layout=w.Layout(flex_flow="row wrap"))
        super().__init__([self._style, options, input_row, self._message, self._titles,
                          self._frames, self._explanations, buttons, self._slider])
        self.add_class("adv-stepper")
        try:
            self._rebuild(keep_step=False, strict=True)
        except BaseException:
            self.close()  # free the browser-side models of the parts made so far
            raise

    # --- public API ----------------------------------------------------------------------
    @property
    def n_steps(self) -> int:
        """Number of steps in the current mode."""
        return len(self._frames.children)

    @property
    def steps(self):
        """The steps being shown (``run.steps``, or the forward-mode / paths view's)."""
        view = self.view
        return (self.run if view is None else view).steps

    @property
    def view(self):
        """None in reverse mode, else ``run.forward_mode(wrt)`` or ``run.paths(wrt)``."""
        if self._mode != "reverse" and self._wrt is None:
            raise ValueError("this graph has no inputs: forward mode and paths need one")
        if self._mode == "forward":
            return self.run.forward_mode(self._wrt)
        if self._mode == "paths":
            return self.run.paths(self._wrt)
        return None

    @property
    def mode(self) -> str:
        return self._mode

    @mode.setter
    def mode(self, value: str) -> None:
        if value not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}; got {value!r}")
        self._mode_box.value = value

    @property
    def labels(self) -> str:
        return self._labels

    @labels.setter
    def labels(self, value: str) -> None:
        if value not in LABELS:
            raise ValueError(f"labels must be one of {', '.join(LABELS)}; got {value!r}")
        self._labels_box.value = value

    @property
    def wrt(self) -> str | None:
        return self._wrt

    @wrt.setter
    def wrt(self, value: str) -> None:
        if value not in self.graph.inputs:
            raise ValueError(f"wrt={value!r} is not an input; inputs are "
                             f"{', '.join(self.graph.inputs)}")
        self._wrt_box.value = value

    @property
    def frame(self) -> str:
        """The SVG of the current step."""
        return self._frames.children[self.step].value

    @property
    def explanation(self) -> Explanation:
        """Title, text and LaTeX of the current step."""
        return self._cache[self._key()][1][self.step]

    def explanation_at(self, k: int) -> Explanation:
        """Title, text and LaTeX of step ``k`` in the current mode."""
        return self._cache[self._key()][1][k]

    def frame_at(self, k: int) -> str:
        """The SVG (in its HTML wrapper) of step ``k`` in the current mode."""
        return self._frames.children[k].value

    @property
    def title(self) -> str:
        return self.explanation.title

    @property
    def message(self) -> str:
        """The error message on show (empty when all is well), as plain text."""
        return html.unescape(_strip_tags(self._message.value))

    @property
    def values(self) -> dict[str, Any]:
        """The current input values."""
        return dict(self.run.inputs)

    def next(self) -> None:
        """One step forward (stays on the last step)."""
        self.step = min(self.step + 1, self.n_steps - 1)

    def prev(self) -> None:
        """One step back (stays on the first step)."""
        self.step = max(self.step - 1, 0)

    def reset(self) -> None:
        """Back to the first step."""
        self._play.playing = False
        self.step = 0

    def set_inputs(self, **values: Any) -> None:
        """Change input values: the passes re-run, the layout and the step stay."""
        unknown = [n for n in values if n not in self.graph.inputs]
        if unknown:
            raise ValueError(f"{', '.join(unknown)} is not an input; inputs are "
                             f"{', '.join(self.graph.inputs)}")
        self._muted = True
        try:
            for name, v in values.items():
                if name in self._inputs:
                    self._inputs[name].value = float(v)
        finally:
            self._muted = False
        self._evaluate({**self.run.inputs, **values})

    def close(self) -> None:
        """Close this widget and every part of it (frees the browser-side models)."""
        if not hasattr(self, "_links"):  # __init__ failed half-way
            super().close()
            return
        for link in self._links:
            link.close()
        for stack in (self._titles, self._frames, self._explanations):
            for child in stack.children:
                child.close()
        for child in self._all_parts():
            child.close()
        super().close()

    # --- internals -----------------------------------------------------------------------
    def _all_parts(self) -> list[w.Widget]:
        out, todo = [], list(self.children)
        while todo:
            c = todo.pop()
            out.append(c)
            if isinstance(c, w.Box) and not isinstance(c, w.Stack):
                todo.extend(c.children)
        return out

    @traitlets.validate("step")
    def _check_step(self, proposal):
        k = proposal["value"]
        n = self.n_steps
        if not 0 <= k < max(n, 1):
            raise traitlets.TraitError(f"step {k} is out of range: this stepper has {n} "
                                       f"steps, numbered 0 to {n - 1}")
        return k

    @traitlets.observe("step")
    def _step_changed(self, change) -> None:
        k = change["new"]
        if self._slider.value != k:
            self._slider.value = k  # synced; the browser's jslinks move the stacks
        self._sync_stacks(k)

    def _slider_moved(self, change) -> None:
        self.step = change["new"]
        self._sync_stacks(change["new"])

    def _sync_stacks(self, k: int) -> None:
        for stack in (self._titles, self._frames, self._explanations):
            if stack.selected_index != k:
                _quiet(stack, "selected_index", k)

    def _key(self) -> tuple:
        return (self._mode, self._wrt if self._mode != "reverse" else None, self._labels)

    def _options_changed(self, change) -> None:
        if self._muted:
            return
        owner = change["owner"]
        before = (self._mode, self._wrt, self._labels)
        if owner is self._mode_box:
            self._mode = change["new"]
        elif owner is self._wrt_box:
            self._wrt = change["new"]
        else:
            self._labels = change["new"]
        if self._rebuild(keep_step=owner is self._labels_box):
            self._message.value = ""
        else:  # could not show it: go back to what was on show (the message says why)
            self._mode, self._wrt, self._labels = before
            self._muted = True
            try:
                self._mode_box.value, self._wrt_box.value = self._mode, self._wrt
                self._labels_box.value = self._labels
            finally:
                self._muted = False
        self._wrt_box.layout.display = None if self._mode != "reverse" else "none"

    def _input_changed(self, change) -> None:
        if self._muted:
            return
        name = next(n for n, box in self._inputs.items() if box is change["owner"])
        self._evaluate({**self.run.inputs, name: change["new"]})

    def _evaluate(self, values: Mapping[str, Any]) -> None:
        try:
            run = evaluate(self.graph, values)
        except (DomainError, InputError, ValueError) as exc:
            self._message.value = ("⚠ " + html.escape(str(exc))
                                   + " The figure still shows the previous values.")
            return
        old_run, old_cache = self.run, self._cache
        self.run, self._cache = run, {}
        if self._rebuild(keep_step=True):
            self._message.value = ""
        else:
            self.run, self._cache = old_run, old_cache
            self._message.value += " The figure still shows the previous values."

    def _rebuild(self, keep_step: bool, strict: bool = False) -> bool:
        """Compute (or fetch) all frames and explanations and refill the stacks.

        Returns False (with a message on show) when they cannot be made; ``strict`` raises
        instead (used when the widget is built).
        """
        key = self._key()
        if key not in self._cache:
            try:
                view = self.view
                svgs = frames(self.run, labels=self._labels, view=view,
                              layout_run=self._layout_run)
                self._cache[key] = (svgs, explanations(self.run, view))
            except Exception as exc:  # noqa: BLE001 - shown in the widget, nothing is lost
                if strict:
                    raise
                what = {"reverse": "the passes", "forward": f"forward mode w.r.t. {self._wrt}",
                        "paths": f"the paths from {self._wrt}"}[self._mode]
                self._message.value = (f"⚠ Cannot show {what} with {self._labels} labels: "
                                       + html.escape(str(exc)))
                return False
        svgs, texts = self._cache[key]
        n = len(svgs)
        old = self.step if keep_step else 0
        k = min(old, n - 1)
        _fill(self._frames, [f'<div class="adv-svg">{s}</div>' for s in svgs], w.HTML,
              "adv-frame")
        _fill(self._titles, [html.escape(e.title) for e in texts], w.HTML, "adv-title")
        _fill(self._explanations, [html.escape(e.latex, quote=False) for e in texts],
              w.HTMLMath, "adv-explanation")
        with self.hold_trait_notifications():
            self._slider.max = n - 1
            self._play.max = n - 1
            self._play.value = min(self._play.value, n - 1)
        self.set_trait("step", k)
        if self._slider.value != k:
            self._slider.value = k
        for stack in (self._titles, self._frames, self._explanations):
            stack.selected_index = k  # sent to the browser only if it changed
        return True


def _fill(stack: w.Stack, values: list[str], kind: type, css: str) -> None:
    """Put ``values`` into the stack's children, reusing the widgets already there."""
    old = list(stack.children)
    keep = [c for c in old if type(c) is kind][: len(values)]
    for c, v in zip(keep, values, strict=False):
        if c.value != v:
            c.value = v
    new = [_classes(kind(v), css) for v in values[len(keep):]]
    if len(keep) != len(old) or new:
        stack.children = keep + new
    for c in old[len(keep):]:
        c.close()


def _strip_tags(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)
