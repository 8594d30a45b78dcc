"""``Stepper``: step through the forward then the backward pass of a graph in Jupyter.

The Stepper is an `anywidget <https://anywidget.dev>`_: Python sends the view data of
:func:`autodiff_viz.render.view.view_data` (one layout per label style and a compact table of
every step, for every mode), and the browser view (``render/static/view.js``, the same one
``export_html`` uses) draws the graph once and patches it per step. Stepping, Play, the
keyboard, the mode and the label style all work with no kernel round trip, also in a notebook
exported to HTML with its widget state. Changing an input needs the kernel (the view says so
when there is none).

>>> from autodiff_viz.widgets import Stepper
>>> s = Stepper("a = log(x)\\nb = a*y\\nc = sqrt(b)\\nf = c + b", x=3, y=2)
>>> s.n_steps, s.title
(10, 'Forward pass, step 1 of 4 (1/10): a = log(x)')
>>> s.next(); s.step, s.title
(1, 'Forward pass, step 2 of 4 (2/10): b = a·y')
>>> Stepper("sqrt(log(x)*y) + log(x)*y", x=3, y=2, lang="ko").title
'순전파 4단계 중 1단계 (1/10): a = log(x)'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import traitlets

from ..core import Graph, evaluate
from ..core.passes import input_name, step_index
from ..core.sources import as_graph
from ..render.draw import frames
from ..render.errors import RenderError, check_choice
from ..render.explain import Explanation
from ..render.i18n import check_lang
from ..render.scene import LABELS
from ..render.view import explained, mode_view, view_data, view_key
from .view import GraphView

__all__ = ["Stepper", "MODES"]

MODES = ("reverse", "forward", "paths")


class Stepper(GraphView):
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
        font: CSS pixels of the node text at zoom 100 % (the view never shrinks it to fit).
        rankdir: ``"LR"`` (inputs on the left) or ``"TB"`` (inputs at the top).
        lang: ``"en"`` or ``"ko"`` (한국어): titles, explanations, legend and controls.
        **inputs: input values, e.g. ``x=3, y=2`` (a run's own inputs are the default).

    Attributes:
        step: the current step (an int trait; setting it moves the view).
        mode, wrt, labels: what is shown (traits; the view's toggles set them too).
    """

    def __init__(self, graph_or_text: Any, values: Mapping[str, Any] | None = None, *,
                 mode: str = "reverse", wrt: str | None = None, labels: str = "numeric",
                 interval: int = 1000, font: int = 14, rankdir: str = "LR",
                 lang: str = "en", **inputs: Any) -> None:
        graph = as_graph(graph_or_text, "Stepper()")
        given: dict[str, Any] = {}
        if hasattr(graph_or_text, "graph") and isinstance(getattr(graph_or_text, "inputs",
                                                                  None), dict):
            given.update(graph_or_text.inputs)  # a run: its inputs are the defaults
        given.update(values or {})
        given.update(inputs)
        check_choice("mode", mode, MODES, ValueError)
        check_choice("labels", labels, LABELS, ValueError)
        input_name(graph, wrt, ValueError, "wrt=", True)
        run = evaluate(graph, given, example="Stepper(..., {args})")
        self.graph: Graph = graph
        self.run = run
        self._layout_run = run  # every frame, at any input values, uses this run's layout
        self._title = graph_or_text if isinstance(graph_or_text, str) else None
        self._lang = check_lang(lang)
        self._font, self._rankdir = int(font), rankdir
        self._explained: dict[tuple, list[Explanation]] = {}
        self._svgs: dict[tuple, list[str]] = {}
        self._extra: set[str] = {"numeric", labels}  # label styles prepared so far
        self._reverting = False
        first = wrt or (graph.inputs[0] if graph.inputs else None)
        data = self._data(mode, first, labels)
        super().__init__(data=data, mode=mode, wrt=first, labels=labels, interval=interval)
        self._check_shown(mode, first, labels)

    # --- public API ----------------------------------------------------------------------
    @property
    def n_steps(self) -> int:
        """Number of steps in the current mode."""
        return self._current()["n"]

    @property
    def steps(self):
        """The steps being shown (``run.steps``, or the forward-mode / paths view's)."""
        view = self.view
        return (self.run if view is None else view).steps

    @property
    def view(self):
        """None in reverse mode, else ``run.forward_mode(wrt)`` or ``run.paths(wrt)``."""
        if self.mode != "reverse" and self.wrt is None:
            raise ValueError("this graph has no inputs: forward mode and paths need one")
        return mode_view(self.run, self.mode, self.wrt)

    @property
    def explanation(self) -> Explanation:
        """Title, text and LaTeX of the current step."""
        return self.explanation_at(self.step)

    def explanation_at(self, k: int) -> Explanation:
        """Title, text and LaTeX of step ``k`` in the current mode."""
        return explained(self.run, *self._mode_key(), self.labels, self._explained,
                         self._lang)[k]

    @property
    def title(self) -> str:
        """The title of the current step, as the view shows it."""
        return self.explanation.title

    @property
    def frame(self) -> str:
        """The current step as an SVG drawn by native Graphviz (for files and tests; the
        view itself draws in the browser)."""
        return self.frame_at(self.step)

    def frame_at(self, k: int) -> str:
        """Step ``k`` of the current mode as SVG, on the Stepper's one layout."""
        key = self._key()
        if key not in self._svgs:
            extra = {} if self._layout_run is self.run else {"layout_run": self._layout_run}
            self._svgs[key] = frames(self.run, labels=self.labels, view=self.view,
                                     lang=self._lang, **extra)
        return self._svgs[key][k]

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
        self.step = 0

    def set_inputs(self, **values: Any) -> bool:
        """Change input values: the passes re-run, the layout and the step stay.

        Returns False (with a message on show, the previous figure kept) when the values
        cannot be used.
        """
        unknown = [n for n in values if n not in self.graph.inputs]
        if unknown:
            raise ValueError(f"{', '.join(unknown)} is not an input; inputs are "
                             f"{', '.join(self.graph.inputs)}")
        try:
            run = evaluate(self.graph, {**self.run.inputs, **values})
        except Exception as exc:  # noqa: BLE001 - DomainError, InputError, anything: shown
            self.message = f"⚠ {exc} The figure still shows the previous values."
            self.send({"kind": "inputs", "values": dict(self.values)})
            return False
        old = self.run, self._explained, self._svgs
        self.run, self._explained, self._svgs = run, {}, {}
        try:
            data = self._data(self.mode, self.wrt, self.labels)
        except Exception as exc:  # noqa: BLE001 - shown in the widget, nothing is lost
            self.run, self._explained, self._svgs = old
            self.message = f"⚠ {exc} The figure still shows the previous values."
            return False
        self.message = ""
        self.data = data
        return True

    # --- internals -----------------------------------------------------------------------
    def _mode_key(self) -> tuple:
        return (self.mode, self.wrt if self.mode != "reverse" else None)

    def _key(self) -> tuple:
        return (*self._mode_key(), self.labels)

    def _current(self) -> dict[str, Any]:
        return self.data["views"][view_key(self.mode, self.wrt, self.labels)]

    def _data(self, mode: str, wrt: str | None, labels: str) -> dict[str, Any]:
        shown = sorted({labels, *self._extra}, key=LABELS.index)  # others when asked for
        return view_data(self.run, labels=shown, mode=mode, wrt=wrt, initial_labels=labels,
                         title=self._title, font=self._font, rankdir=self._rankdir,
                         layout_run=self._layout_run,
                         explanations=self._explained, lang=self._lang)

    def _check_shown(self, mode: str, wrt: str | None, labels: str) -> None:
        key = view_key(mode, wrt, labels)
        if key not in self.data["views"]:
            raise RenderError(self.data["missing"].get(key, f"cannot show {key}"))

    @traitlets.validate("step")
    def _check_step(self, proposal):
        try:
            return step_index(proposal["value"], self.n_steps if self.data else 1, from_end=False)
        except (IndexError, TypeError) as exc:
            raise traitlets.TraitError(str(exc)) from None

    @traitlets.validate("mode", "labels")
    def _check_choice(self, proposal):
        name = proposal["trait"].name
        return check_choice(name, proposal["value"], MODES if name == "mode" else LABELS,
                            traitlets.TraitError)

    @traitlets.validate("wrt")
    def _check_wrt(self, proposal):
        return input_name(self.graph, proposal["value"], traitlets.TraitError, "wrt=", True)

    @traitlets.observe("mode", "wrt", "labels")
    def _shown_changed(self, change) -> None:
        if not self.data or self._reverting:
            return  # still in __init__, or going back after a failure
        key = view_key(self.mode, self.wrt, self.labels)
        if key not in self.data["views"] and not self._prepare(change):
            return
        self.message = ""
        self.step = min(self.step, self.n_steps - 1) if change["name"] == "labels" else 0

    def _prepare(self, change) -> bool:
        """Make a view that was not precomputed (symbolic labels of a big graph); on
        failure, go back to what was shown and say why."""
        key = view_key(self.mode, self.wrt, self.labels)
        reason = self.data["missing"].get(key, "")
        if self.labels not in self.data["layouts"]:  # a label style left for later
            self._extra.add(self.labels)
            try:
                data = self._data(self.mode, self.wrt, self.labels)
            except Exception as exc:  # noqa: BLE001 - shown in the widget
                reason = str(exc)
            else:
                if key in data["views"]:
                    self.data = data
                    self.message = ""
                    return True
                reason = data["missing"].get(key, reason)
        self.message = (f"⚠ Cannot show this: {reason.rstrip('.')}. "
                        "The figure still shows the previous view.")
        self._reverting = True
        try:
            self.set_trait(change["name"], change["old"])
        finally:
            self._reverting = False
        return False

    def _received(self, msg: dict[str, Any]) -> None:
        if msg.get("kind") == "inputs" and isinstance(msg.get("values"), dict):
            values = {}
            for name, v in msg["values"].items():
                try:
                    values[str(name)] = float(v)
                except OverflowError:
                    self.message = (f"⚠ {str(v)[:20]}… is too large for floating point (the "
                                    f"largest is about 1.8·10^308) for {str(name)[:40]}.")
                    return
                except (TypeError, ValueError):
                    self.message = f"⚠ {str(v)[:40]!r} is not a number for {str(name)[:40]}."
                    return
            try:
                self.set_inputs(**values)
            except Exception as exc:  # noqa: BLE001 - an input box never raises into the kernel
                self.message = f"⚠ {exc} The figure still shows the previous values."
