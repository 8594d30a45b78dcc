"""autodiff_viz: computational graphs for teaching automatic differentiation.

>>> import autodiff_viz as adv
>>> run = adv.graph("sqrt(log(x)*y) + log(x)*y").evaluate(x=3, y=2)
>>> round(run.value, 6), {k: round(v, 6) for k, v in run.grad.items()}
(3.679528, {'x': 0.891542, 'y': 1.469188})
"""

from .api import Graph, Run, graph
from .core import (
    DomainError,
    GraphError,
    InputError,
    ParseError,
    Step,
    TracingError,
)
from .core import functions as _functions
from .core.arrays import one_hot
from .core.functions import *  # noqa: F403 - one traced function per row of the table

__version__ = "0.1.0"

__all__ = ["graph", "Graph", "Run", "Step", "ParseError", "TracingError", "GraphError",
           "DomainError", "InputError", "one_hot",
           *(n for n in _functions.__all__ if n != "PYTHON_NAMES")]

_LAZY = {
    "Stepper": ("autodiff_viz.widgets", "Stepper"),
    "Playground": ("autodiff_viz.widgets", "Playground"),
    "check": ("autodiff_viz.grading", "check"),
    "verify": ("autodiff_viz.exact", "verify"),
    "exercises": ("autodiff_viz.exercises", None),
    "mlp": ("autodiff_viz.training", "mlp"),
    "train": ("autodiff_viz.training", "train"),
}


def __getattr__(name: str):
    """Heavy parts (ipywidgets, sympy) load on first use, not at ``import autodiff_viz``."""
    if name not in _LAZY:
        raise AttributeError(f"module 'autodiff_viz' has no attribute {name!r}")
    import importlib

    module, attr = _LAZY[name]
    mod = importlib.import_module(module)
    value = mod if attr is None else getattr(mod, attr)
    globals()[name] = value
    return value
