"""Student exercises with auto-checking: values, local derivatives, adjoints, gradients.

>>> import autodiff_viz as adv
>>> ex = adv.exercises.gradient("a = log(x)\\nb = a*y\\nc = sqrt(b)\\nf = c + b", wrt="x")
>>> ex.check("0.8915").correct
True
>>> ex.check("0.6667").message
'Not correct: you missed the path x → a → b → c → f (it contributes 0.2249).'

``fill_in`` (the fill-in-the-graph widget) loads ipywidgets on first use.
"""

from __future__ import annotations

from typing import Any

from .base import Exercise
from .identity import NoStudentId, student_id
from .kinds import SEED_PROGRAM, adjoint, as_graph, gradient, local_derivative, value
from .mistakes import Candidate, derivative_candidates, separate, value_candidates

__all__ = ["Exercise", "gradient", "adjoint", "value", "local_derivative", "fill_in", "FillIn",
           "SEED_PROGRAM", "as_graph", "Candidate", "derivative_candidates",
           "value_candidates", "separate", "student_id", "NoStudentId"]


def __getattr__(name: str) -> Any:
    if name in ("fill_in", "FillIn"):
        import importlib

        mod = importlib.import_module(f"{__name__}.fill_in_widget")
        value_ = getattr(mod, name)
        globals()[name] = value_
        return value_
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
