"""The answer box every exercise displays as: the question, an input, Check, the feedback.

The feedback is an ``HTMLMath`` widget, so "Read as" is typeset maths, not raw ``$…$``.
What is typed survives a wrong answer and an error (the box is never cleared) and a re-run
of the cell in the same kernel (the box starts from :func:`.memory.recall`).

>>> import sympy
>>> from autodiff_viz.exercises.base import Exercise
>>> box = AnswerBox(Exercise("value", "What is 1 + 1?", sympy.Integer(2)))
>>> box.submit("3").correct, box.text.value
(False, '3')
>>> "adv-incorrect" in box.feedback.value
True
"""

from __future__ import annotations

import html
from typing import Any

from ..grading.checker import Feedback
from . import memory

__all__ = ["AnswerBox"]


class AnswerBox:
    """ipywidgets for one :class:`~autodiff_viz.exercises.base.Exercise`.

    Attributes:
        exercise: the exercise checked.
        text: the input (``Text``), restored from the kernel's memory of answers.
        button: the Check button.
        feedback: the feedback (``HTMLMath``).
        box: the whole widget (``VBox``).
    """

    def __init__(self, exercise: Any) -> None:
        import ipywidgets as w

        self.exercise = exercise
        typed = memory.recall(exercise.key)
        self.text = w.Text(value=typed, placeholder=f"e.g. {exercise.example()}",
                           continuous_update=False, description="Answer:",
                           layout=w.Layout(width="min(100%, 560px)"))
        self.button = w.Button(description="Check", button_style="primary", icon="check",
                               layout=w.Layout(width="90px"))
        self.feedback = w.HTMLMath(value="")
        head = w.HTML(exercise._card(hint=False))
        restored = w.HTML("<i style='color:#57606a'>Your last answer in this session was "
                          "restored.</i>" if typed else "")
        self.box = w.VBox([head, w.HBox([self.text, self.button]), restored, self.feedback])
        self.box.add_class("adv-answer-box")
        self.box.layout.border = "1px solid #d0d7de"
        self.box.layout.padding = "6px 10px"
        self._last: str | None = None
        self.text.observe(self._changed, names="value")
        self.button.on_click(lambda _: self.submit(self.text.value, force=True))

    def _changed(self, change: dict[str, Any]) -> None:
        memory.remember(self.exercise.key, change["new"])
        if change["new"].strip():
            self.submit(change["new"])

    def submit(self, answer: str, force: bool = False) -> Feedback | None:
        """Check ``answer`` as if typed in the box; the box keeps it whatever happens."""
        if self.text.value != answer:
            self.text.value = answer  # observers call back into submit once
            return self.exercise.history[-1] if self.exercise.history else None
        if not force and answer == self._last:
            return self.exercise.history[-1] if self.exercise.history else None
        self._last = answer
        memory.remember(self.exercise.key, answer)
        if not answer.strip():
            self.feedback.value = "<i>Type an answer first.</i>"
            return None
        try:
            fb = self.exercise.check(answer)
        except Exception as exc:  # noqa: BLE001 - a crash must not lose what was typed
            why = html.escape(f"{type(exc).__name__}: {exc}")
            self.feedback.value = (f"<div class='adv-feedback adv-error' style='color:#9a6700'>"
                                   f"⚠ This answer could not be checked ({why}). Your answer "
                                   "is kept; edit it and press Check again.</div>")
            return None
        self.feedback.value = fb._repr_html_()
        return fb
