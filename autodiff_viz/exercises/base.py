"""The exercise object: a question, its exact answer, and mistakes it can recognise.

Displayed in Jupyter, an exercise is a small widget: the question, an answer box, a Check
button and the feedback (maths typeset). Answers can also go in code cells
(``ex.check("...")``), so they are saved with the notebook; ``ex.assert_correct(answer)``
raises AssertionError with the feedback (and returns None) for nbgrader/otter test cells.

What a student types is remembered for the kernel's lifetime: re-running the cell that makes
the same exercise shows the last answer again (:mod:`.memory`).

>>> import sympy
>>> ex = Exercise("value", "What is 1 + 1?", sympy.Integer(2))
>>> ex.check("2").correct, ex.check("3").correct
(True, False)
>>> ex.assert_correct("2") is None
True
>>> ex.assert_correct("3")
Traceback (most recent call last):
...
AssertionError: Not correct: your answer is 3, which is not the expected value.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from ..grading.answers import AnswerError, Validation, parse, validate
from ..grading.checker import Feedback, Mistake, check
from . import memory

__all__ = ["Exercise"]


class Exercise:
    """One auto-checked question.

    Attributes:
        kind: ``"value"``, ``"local_derivative"``, ``"adjoint"``, ``"gradient"`` or
            ``"full_gradient"``.
        prompt: the question in plain unicode text.
        expected: the exact answer (a sympy expression, or a tuple for a full gradient).
        variables: names the answer may use (node names for a local derivative).
        domain: sampling box for formula answers (``{name: (low, high)}``).
        mistakes: recognisable wrong answers (see :mod:`.mistakes`).
        collisions: mistakes that could not be told apart at this point (author's notes).
        unavoidable: the collisions that come from the graph's structure and happen at every
            point (their mistakes are merged into one message naming both).
        graph, run, at, seed: where the question came from.
        exact_only: decimals are refused (the question asks for an exact form).
        formula: the answer is a formula in ``variables`` (a local derivative), even when
            the expected one is a constant.
        defined_on: expressions that must be defined where a formula is compared (the node's
            own formula: ``log(b)`` lives on b > 0).
        history: every :class:`Feedback` given so far.
    """

    def __init__(self, kind: str, prompt: str, expected: Any, *,
                 variables: Sequence[str] = (), domain: Mapping[str, tuple] | None = None,
                 mistakes: Sequence[Mistake] = (), collisions: Sequence[str] = (),
                 graph: Any = None, run: Any = None, at: Mapping[str, float] | None = None,
                 seed: Any = None, exact_only: bool = False, symbolic: bool = False,
                 min_sig_figs: int = 3, what: str = "the answer",
                 unavoidable: Sequence[str] = (), formula: bool = False,
                 defined_on: Sequence[Any] = ()) -> None:
        self.kind, self.prompt, self.expected = kind, prompt, expected
        self.variables = tuple(variables)
        self.domain = dict(domain) if domain else None
        self.mistakes = tuple(mistakes)
        self.collisions = tuple(collisions)
        self.unavoidable = frozenset(unavoidable)
        self.graph, self.run, self.at, self.seed = graph, run, dict(at or {}), seed
        self.exact_only, self.symbolic, self.min_sig_figs = exact_only, symbolic, min_sig_figs
        self.formula, self.defined_on = formula, tuple(defined_on)
        self.what = what
        self.history: list[Feedback] = []
        self._box: Any = None

    # answering ------------------------------------------------------------------------------
    @property
    def key(self) -> str:
        """What identifies this question in the kernel's answer memory."""
        return f"{self.kind}\x00{self.prompt}"

    def validate(self, answer: Any) -> Validation:
        """How an answer would be read (LaTeX) or what to fix; nothing is marked."""
        return validate(answer, self.variables, vector=isinstance(self.expected, tuple))

    def check(self, answer: Any) -> Feedback:
        """Mark an answer; the feedback names a recognised mistake. Never raises on input."""
        memory.remember(self.key, answer if isinstance(answer, str) else repr(answer))
        if self.exact_only:
            try:
                p = parse(answer, self.variables)
            except AnswerError:
                p = None
            if p is not None and p.decimals:
                fb = Feedback(False, "Invalid answer (not marked): this question asks for an "
                              "exact expression (fractions, roots, logs: no decimals)",
                              "invalid", answer=str(answer), read_as=p.read_as, latex=p.latex)
                self.history.append(fb)
                return fb
        fb = check(answer, self.expected, self.variables, self.domain, symbolic=self.symbolic,
                   min_sig_figs=self.min_sig_figs, mistakes=self.mistakes,
                   formula=self.formula, defined_on=self.defined_on)
        self.history.append(fb)
        return fb

    def assert_correct(self, answer: Any) -> None:
        """For autograder test cells: raise AssertionError with the feedback unless correct.

        Returns None, so a test whose last line is ``ex.assert_correct(q)`` prints nothing
        (otter's doctest-style tests compare printed output).
        """
        fb = self.check(answer)
        if not fb.correct:
            raise AssertionError(fb.message)

    # display ------------------------------------------------------------------------------
    @property
    def solution(self) -> str:
        """The exact answer as text, for the instructor (student notebooks never print it)."""
        from ..exact.forms import unicode_of

        exprs = self.expected if isinstance(self.expected, tuple) else (self.expected,)
        parts = []
        for e in exprs:
            text = unicode_of(e)
            if not e.free_symbols:
                dec = f"{float(e):.6g}"
                if dec != text:
                    text += f" ≈ {dec}"
            parts.append(text)
        return ", ".join(parts) if len(parts) > 1 else parts[0]

    def example(self) -> str:
        """Neutral example syntax of the right kind (never this graph's answers)."""
        from .prompts import formula_example, number_example

        if self.run is None:  # a hand-made exercise: no graph whose answers to avoid
            v = self.variables[0] if self.variables else "t"
            return f"3*{v}**3 - 5/{v}" if self.formula else "1/3 + sqrt(2)"
        if self.formula:
            return formula_example(self.run, self.variables)
        one = number_example(self.run)
        return ", ".join([one] * len(self.expected)) if isinstance(self.expected, tuple) else one

    def _code_name(self) -> str:
        """The notebook variable holding this exercise (for the code hint), else ``ex``."""
        from .prompts import CODE_NAME

        try:
            from IPython import get_ipython

            shell = get_ipython()
            names = [k for k, v in (shell.user_ns.items() if shell is not None else ())
                     if v is self and not k.startswith("_")]
        except Exception:  # noqa: BLE001 - outside IPython the generic name will do
            names = []
        return names[0] if names else CODE_NAME

    def __repr__(self) -> str:
        return f"<Exercise {self.kind}: {self.prompt.splitlines()[0]}>"

    def _card(self, hint: bool = True) -> str:
        lines = self.prompt.split("\n")
        head, body = lines[0], "\n".join(lines[1:]).strip("\n")
        pre = (f"<pre style='margin:4px 0;white-space:pre-wrap'>{html.escape(body)}</pre>"
               if body else "")
        code = (f"<div style='color:#57606a'>Answer in the box below, or in a code cell: "
                f"<code>{html.escape(self._code_name())}.check(\"{html.escape(self.example())}"
                f"\")</code> (your own answer in place of the example)</div>" if hint else "")
        return f"<b>{html.escape(head)}</b>{pre}{code}"

    def _repr_html_(self) -> str:
        return ("<div class='adv-exercise' style='border:1px solid #d0d7de;padding:8px 12px;"
                f"border-radius:6px'>{self._card()}</div>")

    # the widget ----------------------------------------------------------------------------
    @property
    def widget(self) -> Any:
        """The answer box widget (built on first use; ipywidgets)."""
        if self._box is None:
            from .answer_box import AnswerBox

            self._box = AnswerBox(self)
        return self._box.box

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle: dict[str, Any] = {"text/plain": repr(self), "text/html": self._repr_html_()}
        try:
            view = self.widget._repr_mimebundle_(include=include, exclude=exclude) or {}
        except Exception:  # noqa: BLE001 - no widgets (static export, no ipywidgets): the card
            return bundle
        bundle.update({k: v for k, v in view.items() if k != "text/plain"})
        return bundle
