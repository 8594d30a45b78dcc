"""Grading typed answers: read them safely (:mod:`.answers`), compare and name the mistake
(:mod:`.checker`). The marking rules are ``docs/marking.md``.

>>> check("1/(2*sqrt(b))", "1/(2*sqrt(b))", variables=("b",)).correct
True
"""

from __future__ import annotations

from .answers import AnswerError, parse, parse_expression, validate
from .checker import Feedback, Mistake, check

__all__ = ["check", "Feedback", "Mistake", "parse", "parse_expression", "validate",
           "AnswerError"]
