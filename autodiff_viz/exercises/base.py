"""The exercise object: a question, its exact answer, and mistakes it can recognise.

Answers live in code cells (``ex.check("1/(2*sqrt(b))")``), so they are saved with the
notebook; feedback displays as HTML; ``ex.assert_correct(answer)`` raises AssertionError with
the feedback, for nbgrader/otter autograder cells.

>>> import sympy
>>> ex = Exercise("value", "What is 1 + 1?", sympy.Integer(2))
>>> ex.check("2").correct, ex.check("3").correct
(True, False)
>>> ex.assert_correct("3")
Traceback (most recent call last):
...
AssertionError: Not correct: your answer is 3, which is not the expected value.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from ..symbolic.checker import Feedback, Mistake, check
from ..symbolic.parse import AnswerError, Validation, parse, validate

__all__ = ["Exercise"]


class Exercise:
    """One auto-checked question.

    Attributes:
        kind: ``"value"``, ``"local_derivative"``, ``"adjoint"``, ``"gradient"`` or
            ``"full_gradient"``.
        prompt: the question in plain unicode text.
        expected: the exact answer (a sympy expression, or a tuple for a full gradient).
        variables: names the answer may use (node names for a local derivative).
        domain: sampling domain for symbolic answers (``{name: (low, high)}``).
        mistakes: recognisable wrong answers (see :mod:`.mistakes`).
        collisions: mistakes that could not be told apart at this point (author's notes).
        unavoidable: the collisions that come from the graph's structure and happen at every
            point (their mistakes are merged into one message naming both).
        graph, run, at, seed: where the question came from.
        exact_only: decimals are refused (the question asks for an exact form).
        history: every :class:`Feedback` given so far.
    """

    def __init__(self, kind: str, prompt: str, expected: Any, *,
                 variables: Sequence[str] = (), domain: Mapping[str, tuple] | None = None,
                 mistakes: Sequence[Mistake] = (), collisions: Sequence[str] = (),
                 graph: Any = None, run: Any = None, at: Mapping[str, float] | None = None,
                 seed: Any = None, exact_only: bool = False, symbolic: bool = False,
                 min_sig_figs: int = 3, what: str = "the answer",
                 unavoidable: Sequence[str] = ()) -> None:
        self.kind, self.prompt, self.expected = kind, prompt, expected
        self.variables = tuple(variables)
        self.domain = dict(domain) if domain else None
        self.mistakes = tuple(mistakes)
        self.collisions = tuple(collisions)
        self.unavoidable = frozenset(unavoidable)
        self.graph, self.run, self.at, self.seed = graph, run, dict(at or {}), seed
        self.exact_only, self.symbolic, self.min_sig_figs = exact_only, symbolic, min_sig_figs
        self.what = what
        self.history: list[Feedback] = []

    # answering ------------------------------------------------------------------------------
    def validate(self, answer: Any) -> Validation:
        """How an answer would be read (LaTeX) or what to fix; nothing is marked."""
        return validate(answer, self.variables, vector=isinstance(self.expected, tuple))

    def check(self, answer: Any) -> Feedback:
        """Mark an answer; the feedback names a recognised mistake. Never raises on input."""
        if self.exact_only:
            try:
                p = parse(answer, self.variables)
            except AnswerError:
                p = None
            if p is not None and p.decimals:
                fb = Feedback(False, "Invalid answer (not marked): this question asks for an "
                              "exact expression, e.g. 1/(3*sqrt(2*log(3))) + 2/3, not a "
                              "decimal", "invalid", answer=str(answer), read_as=p.read_as,
                              latex=p.latex)
                self.history.append(fb)
                return fb
        fb = check(answer, self.expected, self.variables, self.domain, symbolic=self.symbolic,
                   min_sig_figs=self.min_sig_figs, mistakes=self.mistakes)
        self.history.append(fb)
        return fb

    def assert_correct(self, answer: Any) -> Feedback:
        """For autograder cells: raise AssertionError with the feedback unless correct."""
        fb = self.check(answer)
        if not fb.correct:
            raise AssertionError(fb.message)
        return fb

    # display ------------------------------------------------------------------------------
    @property
    def solution(self) -> str:
        """The exact answer as text (with a decimal value when it is a number)."""
        from ..symbolic.exact_forms import unicode_of

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

    def __repr__(self) -> str:
        return f"<Exercise {self.kind}: {self.prompt.splitlines()[0]}>"

    def _repr_html_(self) -> str:
        lines = self.prompt.split("\n")
        head, body = lines[0], "\n".join(lines[1:]).strip("\n")
        pre = (f"<pre style='margin:4px 0'>{html.escape(body)}</pre>" if body else "")
        example = "0.892" if not self.variables else "1/(2*sqrt(b))"
        return (f"<div class='adv-exercise' style='border:1px solid #d0d7de;padding:8px 12px;"
                f"border-radius:6px'><b>{html.escape(head)}</b>{pre}<div style='color:#57606a'>"
                f"Answer in a code cell: <code>ex.check(\"{example}\")</code></div></div>")
