"""Errors of the render layer and the size guard.

>>> check_size(10)
>>> check_size(151)
Traceback (most recent call last):
...
autodiff_viz.render.errors.RenderError: this graph has 151 nodes; ...
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["RenderError", "DotNotFound", "MAX_NODES", "INSTALL_HINT", "check_size",
           "check_choice"]

#: Graphs with more nodes than this are refused (unreadable, and slow to lay out).
MAX_NODES = 150

INSTALL_HINT = ("Install Graphviz with one of:\n"
                "  sudo apt-get install graphviz              (Debian/Ubuntu)\n"
                "  conda install -c conda-forge graphviz python-graphviz\n"
                "  brew install graphviz                      (macOS)\n"
                "The DOT source is still available without it: run.draw().source")


class RenderError(Exception):
    """A drawing that cannot be made (bad option, graph too big, Graphviz failure)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class DotNotFound(RenderError):
    """Graphviz's ``dot``/``neato`` programs are not installed (the message says how to)."""

    def __init__(self, program: str = "dot") -> None:
        super().__init__(f"Graphviz's {program!r} program was not found on PATH. "
                         + INSTALL_HINT)
        self.program = program


def check_choice(name: str, value: Any, allowed: Sequence[str],
                 error: type[Exception] = RenderError) -> Any:
    """``value`` when it is one of ``allowed``, else ``error`` naming the choices.

    >>> check_choice("labels", "fancy", ("numeric", "symbolic"))
    Traceback (most recent call last):
    ...
    autodiff_viz.render.errors.RenderError: labels must be one of 'numeric', 'symbolic'; \
got 'fancy'
    """
    if value not in allowed:
        raise error(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return value


def check_size(n_nodes: int, max_nodes: int = MAX_NODES) -> None:
    """Refuse graphs with more than ``max_nodes`` nodes, with a message saying what to do."""
    if n_nodes > max_nodes:
        raise RenderError(
            f"this graph has {n_nodes} nodes; drawings with more than {max_nodes} nodes are "
            "too big to read (and slow to lay out). Collapse it first: build it from array "
            "operations so one node holds a whole vector or matrix (e.g. "
            "adv.graph(lambda W, X: adv.tanh(X @ W))), or draw a smaller sub-expression. "
            f"To draw it anyway, pass max_nodes={n_nodes}.")
