"""``Playground``: type an expression or a short program, press Enter, step through it.

A wrong text never costs the student the graph on show: the parser's message appears in
the widget and the previous stepper stays.

>>> from autodiff_viz.widgets import Playground
>>> pg = Playground("sqrt(log(x)*y) + log(x)*y", at="x=3, y=2")
>>> round(pg.stepper.run.grad["x"], 4)
0.8915
>>> pg.build("log(x")
False
>>> pg.message.splitlines()[0]
"⚠ line 1, column 4: unbalanced brackets: 1 '(' but 0 ')'"
>>> round(pg.stepper.run.grad["x"], 4)
0.8915
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import ipywidgets as w

from ..core import Graph, from_text
from ..core.build import ParseError
from ..core.graph import GraphError
from ..core.inputs import parse_inputs as parse_at
from ..core.passes import DomainError, InputError
from ..core.primitives import UnknownPrimitive
from ..render.errors import RenderError, check_choice
from ..render.scene import LABELS
from .stepper import MODES, Stepper
from .view import sendable

__all__ = ["Playground", "parse_at"]

_EXAMPLE = "sqrt(log(x)*y) + log(x)*y"
_HELP = ("Type an expression such as <code>sqrt(log(x)*y) + log(x)*y</code> or a program "
         "such as <code>a = log(x); b = a*y; c = sqrt(b); f = c + b</code>, give the inputs "
         "(<code>x=3, y=2</code>) and press Enter.")


def _classes(widget: w.DOMWidget, *names: str) -> w.DOMWidget:
    for n in names:
        widget.add_class(n)
    return widget


def _excerpt(line: str, col: int, width: int = 80) -> tuple[str, int]:
    """At most ``width`` characters of a long line around column ``col`` (and the new col).

    >>> _excerpt("x" * 1000 + "+", 1001)
    ('…xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx+', 81)
    """
    if len(line) <= width:
        return line, col
    start = max(0, min(col - 1 - width // 2, len(line) - width))
    head = "…" if start else ""
    text = head + line[start:start + width] + ("…" if start + width < len(line) else "")
    return text, col - start + len(head)


def _unexpected(exc: BaseException, what: str) -> str:
    """A message for a failure nobody planned for: what failed and what to do, no class name."""
    detail = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
    return (f"could not {what}" + (f": {detail}" if detail else "") + ". Try a smaller or "
            "simpler expression; if it keeps happening, restart the kernel and report it.")


class Playground(w.VBox):
    """A text box for an expression or program, a box for the inputs, and a Stepper below.

    Args:
        text: the starting expression or program (built at once when given).
        at: starting input values, as text (``"x=3, y=2"``) or a mapping.
        mode: the Stepper's starting mode (see :class:`Stepper`).
        labels: the Stepper's label style.

    Inputs not given are set to 1. A wrong text or input shows a message and keeps the
    previous stepper.
    """

    def __init__(self, text: str = _EXAMPLE, at: str | Mapping[str, Any] = "x=3, y=2", *,
                 mode: str = "reverse", labels: str = "numeric") -> None:
        check_choice("mode", mode, MODES, ValueError)
        check_choice("labels", labels, LABELS, ValueError)
        if not isinstance(at, str):
            at = ", ".join(f"{k}={v}" for k, v in dict(at).items())
        self._mode, self._labels = mode, labels
        self.stepper: Stepper | None = None
        self._muted = False
        self.graph: Graph | None = None
        self._source = _classes(w.Text(text, description="f =", continuous_update=False,
                                       placeholder=_EXAMPLE,
                                       layout=w.Layout(width="100%")), "adv-source")
        self._at = _classes(w.Text(at, description="at", continuous_update=False,
                                   placeholder="x=3, y=2", layout=w.Layout(width="20em")),
                            "adv-at")
        self._build = _classes(w.Button(description="Build", button_style="primary",
                                        tooltip="build the graph (or press Enter)"),
                               "adv-build")
        self._message = _classes(w.HTML(""), "adv-message", "adv-error")
        self._slot = _classes(w.VBox([]), "adv-slot")
        self._build.on_click(lambda _: self.build())
        self._source.observe(lambda _: self.build(), "value")
        self._at.observe(lambda _: self.build(), "value")
        super().__init__([w.HTML(_HELP), self._source, w.HBox([self._at, self._build]),
                          self._message, self._slot])
        self.add_class("adv-playground")
        if text.strip():
            self.build()

    @property
    def message(self) -> str:
        """The message on show (empty when the last build worked), as plain text."""
        import re

        return html.unescape(re.sub(r"<[^>]+>", "", self._message.value))

    @property
    def text(self) -> str:
        return self._source.value

    def build(self, text: str | None = None, at: str | None = None) -> bool:
        """Build a Stepper from the text (and inputs); True if it worked.

        On failure the message is shown and the previous stepper stays.
        """
        if self._muted:
            return False
        self._muted = True
        try:
            if text is not None:
                self._source.value = text
            if at is not None:
                self._at.value = at
        finally:
            self._muted = False
        source = self._source.value
        try:
            graph = from_text(source)
        except (ParseError, GraphError, UnknownPrimitive) as exc:
            self._show_error(str(exc), source, getattr(exc, "line", None),
                             getattr(exc, "col", None))
            return False
        except Exception as exc:  # noqa: BLE001 - nothing a student types may escape the box
            self._show_error(_unexpected(exc, "read this text"))
            return False
        old = self.stepper
        try:
            values = parse_at(self._at.value)  # an unknown name: the Stepper says which
            missing = [n for n in graph.inputs if n not in values]
            values.update({n: 1.0 for n in missing})
            if old is not None:
                self._mode, self._labels = old.mode, old.labels
            stepper = Stepper(graph, values, mode=self._mode, labels=self._labels)
        except (ValueError, DomainError, InputError, RenderError) as exc:
            self._show_error(str(exc))
            return False
        except Exception as exc:  # noqa: BLE001 - e.g. Graphviz killed, out of memory
            self._show_error(_unexpected(exc, "draw this graph"))
            return False
        if old is not None:
            old.close()
        self.graph, self.stepper = graph, stepper
        self._slot.children = [stepper]
        note = (f"{', '.join(missing)} not given: using 1. " if missing else "")
        self._message.value = html.escape(note)
        return True

    def _show_error(self, message: str, source: str = "", line: int | None = None,
                    col: int | None = None) -> None:
        body = html.escape(sendable(message[:2000]))
        if line is not None and col is not None and source:
            lines = source.splitlines() or [source]
            if 1 <= line <= len(lines):
                text, col = _excerpt(lines[line - 1], col)
                caret = " " * max(col - 1, 0) + "^"
                body += ("\n<pre>" + html.escape(sendable(text)) + "\n" + caret + "</pre>")
        kept = " The previous graph is still shown." if self.stepper is not None else ""
        self._message.value = f"<b>⚠</b> {body}{html.escape(kept)}"

    def close(self) -> None:
        """Close the playground, its stepper and every part (frees browser-side models)."""
        if self.stepper is not None:
            self.stepper.close()
        todo = list(self.children)
        while todo:
            c = todo.pop()
            if c is not self.stepper:
                todo.extend(getattr(c, "children", ()))
                c.close()
        super().close()
