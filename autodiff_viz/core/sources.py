"""One place that turns anything a user may hand us into a graph (``adv.graph``).

>>> as_graph("sqrt(log(x)*y) + log(x)*y").inputs
('x', 'y')
>>> as_graph(42, what="Stepper()")
Traceback (most recent call last):
...
TypeError: Stepper() takes expression or program text, a graph, a run, a sympy expression \
or a Python function; got int
"""

from __future__ import annotations

from typing import Any

from . import display
from .build import from_function, from_text
from .graph import Graph

__all__ = ["as_graph"]


def as_graph(source: Any, what: str = "adv.graph()") -> Graph:
    """A graph from text, a graph, a run, a sympy expression (through the ``from_sympy``
    hook, so sympy loads only for sympy input) or a Python function.

    ``what`` names the caller in the error message (e.g. ``"Stepper()"``).
    """
    if isinstance(source, Graph):
        return source
    if isinstance(getattr(source, "graph", None), Graph):
        return source.graph  # a Run
    if isinstance(source, str):
        return from_text(source)
    if type(source).__module__.startswith("sympy"):
        return display.call("from_sympy", source)
    if callable(source):
        return from_function(source)
    raise TypeError(f"{what} takes expression or program text, a graph, a run, a sympy "
                    f"expression or a Python function; got {type(source).__name__}")
