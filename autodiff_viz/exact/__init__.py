"""Exact forms (sympy) of a run's values, partials and adjoints; verification; the sympy builder.

``exact(run)`` returns the exact forms (module :mod:`.forms`; their printers, such as the
CLI's table, are in ``render.table``); ``verify(run)`` compares every number with them;
``from_sympy`` builds a graph from a sympy expression. Reading and grading typed answers is
:mod:`autodiff_viz.grading`.

>>> from autodiff_viz.core import evaluate, from_text
>>> run = evaluate(from_text("log(x)*y"), {"x": 3, "y": 2})
>>> exact(run).grad
{'x': 2/3, 'y': log(3)}
"""

from __future__ import annotations

from .forms import (
    Check,
    Exact,
    ExactTooLarge,
    Report,
    approx,
    exact,
    exact_number,
    exact_tangents,
    latex_of,
    longer_than,
    tamper,
    unicode_of,
    verify,
)
from .from_sympy import from_sympy

__all__ = ["exact", "Exact", "ExactTooLarge", "exact_tangents", "exact_number", "verify",
           "Report", "Check", "approx", "tamper", "latex_of", "unicode_of", "longer_than",
           "from_sympy"]
