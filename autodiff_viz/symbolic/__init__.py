"""The symbolic layer (sympy): exact forms, verification, the sympy builder, answer checking.

``exact(run)`` returns the exact forms (module :mod:`.exact_forms`; their printers, such as
the CLI's table, are in ``render.table``). ``check`` (the answer checker, module
:mod:`.checker`) is loaded on first use.

>>> from autodiff_viz.core import evaluate, from_text
>>> run = evaluate(from_text("log(x)*y"), {"x": 3, "y": 2})
>>> exact(run).grad
{'x': 2/3, 'y': log(3)}
"""

from __future__ import annotations

import importlib
from typing import Any

from .exact_forms import (
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
           "from_sympy", "check"]

#: Loaded on first use: exact forms do not need the answer checker.
_LAZY = {"check": ("checker", "check"), "Feedback": ("checker", "Feedback"),
         "Mistake": ("checker", "Mistake"), "parse_expression": ("parse", "parse_expression"),
         "validate": ("parse", "validate"), "AnswerError": ("parse", "AnswerError")}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attr = _LAZY[name]
    value = globals()[name] = getattr(importlib.import_module(f"{__name__}.{module}"), attr)
    return value
