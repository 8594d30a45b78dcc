"""``GraphView``: the anywidget that shows view data with the bundled browser view.

The Stepper and the fill-in exercise are graph views. Without ``dot`` in the kernel, every
view refers to one :class:`GraphvizWasm` model per kernel (:func:`graphviz_model`), so the
WASM Graphviz module is sent to the browser once, however many views a notebook shows.

>>> from autodiff_viz.core import evaluate, from_text
>>> from autodiff_viz.render.view import view_data
>>> v = GraphView(data=view_data(evaluate(from_text("x*y"), {"x": 1, "y": 2})))
>>> v.data["views"]["reverse||numeric"]["n"], v.step
(4, 0)
"""

from __future__ import annotations

from typing import Any

import anywidget
import traitlets
from ipywidgets import widget_serialization

from ..render.view import Bundle, bundle, view_data, view_mode

__all__ = ["GraphView", "GraphvizWasm", "graphviz_model", "figure_view", "sendable"]


class GraphvizWasm(anywidget.AnyWidget):
    """Holds WASM Graphviz for the views of a notebook whose kernel has no ``dot``."""

    _esm = "export default { render() {} };"
    source = traitlets.Unicode("").tag(sync=True)


_GRAPHVIZ: list[GraphvizWasm] = []


def graphviz_model() -> GraphvizWasm:
    """The one :class:`GraphvizWasm` of this kernel (made on first use)."""
    if not _GRAPHVIZ or _GRAPHVIZ[0].comm is None:
        _GRAPHVIZ[:] = [GraphvizWasm(source=bundle("graphviz"))]
    return _GRAPHVIZ[0]


class GraphView(anywidget.AnyWidget):
    """A graph drawn by the browser view from ``data`` (``docs/view-data.md``).

    Traits shared with the browser: ``data``, ``step``, ``mode``, ``wrt``, ``labels``,
    ``message`` (shown above the graph), ``interval`` (ms per step when playing).
    Messages from the view go to :meth:`_received`; ``{"kind": "hello"}`` is answered so
    the view knows a kernel is listening.
    """

    _esm = Bundle("view")
    data = traitlets.Dict().tag(sync=True)
    step = traitlets.Int(0, help="the current step (0-based)").tag(sync=True)
    mode = traitlets.Unicode("reverse").tag(sync=True)
    wrt = traitlets.Unicode(None, allow_none=True).tag(sync=True)
    labels = traitlets.Unicode("numeric").tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)
    interval = traitlets.Int(1000).tag(sync=True)
    graphviz = traitlets.Instance(GraphvizWasm, allow_none=True).tag(
        sync=True, **widget_serialization)

    def __init__(self, **traits: Any) -> None:
        data = traits.get("data") or {}
        initial = data.get("initial", {})
        for name in ("mode", "wrt", "labels"):
            if name not in traits and initial.get(name) is not None:
                traits[name] = initial[name]
        if "graphviz" not in traits and data.get("layouts") and \
                not all(data["layouts"].values()):
            traits["graphviz"] = graphviz_model()
        super().__init__(**traits)
        self.on_msg(self._on_message)

    def _on_message(self, _widget: Any, msg: Any, _buffers: Any) -> None:
        if not isinstance(msg, dict):
            return
        try:
            if msg.get("kind") == "hello":
                self.send({"kind": "hello"})
            else:
                self._received(msg)
        except Exception as exc:  # noqa: BLE001 - a message handler must never raise into
            # the kernel log where nobody sees it: say it in the widget, keep what is shown
            self.message = f"⚠ {str(exc)[:300]} The figure still shows the previous state."

    @traitlets.validate("message")
    def _sendable(self, proposal):
        return sendable(proposal["value"])

    def _received(self, msg: dict[str, Any]) -> None:
        """A message from the view other than hello (subclasses handle theirs)."""


def sendable(text: str) -> str:
    """Text the browser can be sent: a lone surrogate (half of a pasted emoji) becomes U+FFFD;
    JSON over the comm would fail on it, and the message would be lost.

    >>> sendable("x\\ud800y")
    'x�y'
    """
    if text.isascii():
        return text
    return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)


def figure_view(fig: Any) -> GraphView:
    """The browser view of what ``run.draw(...)`` shows (``fig.shown``), fixed at its step with
    no controls: how a figure appears in a notebook whose kernel has no ``dot``."""
    shown = fig.shown
    mode, wrt = view_mode(shown.view)
    data = view_data(shown.run, labels=[shown.labels], modes=[mode], mode=mode, wrt=wrt,
                     initial_labels=shown.labels, lang=shown.lang)
    data.update(controls=False, inputs=[])   # a figure: no step bar, no input boxes
    steps = (shown.view or shown.run).steps
    step = len(steps) - 1 if shown.step is None else shown.step % max(1, len(steps))
    return GraphView(data=data, step=step)

