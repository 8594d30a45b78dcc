"""The public front door: ``adv.graph(...)`` (:func:`~autodiff_viz.core.sources.as_graph`);
its ``Graph`` and ``Run`` are the core ones.

This is the top layer: it tells ``core.display`` how to load the render layer (on first
use, so ``import autodiff_viz`` stays light) and may use every other part.

>>> run = graph("a = log(x)\\nb = a*y\\nc = sqrt(b)\\nf = c + b").evaluate(x=3, y=2)
>>> round(run.adjoint_of("b"), 6), type(run) is Run
(1.337313, True)
>>> graph(lambda x, y: x * x + y).edges[0].parent, graph(lambda x: x * x).edges[1].parent
('x', 'x')
"""

from __future__ import annotations

from typing import Any

from .core import display
from .core.graph import Graph
from .core.passes import Run
from .core.sources import as_graph as graph

__all__ = ["graph", "Graph", "Run"]


def _load_display() -> None:
    """Fill ``core.display.HOOKS``: rendering (exact forms and the browser view load when
    called)."""
    from . import render  # noqa: F401 - importing render fills the hooks

    display.HOOKS.setdefault("browser_view", _browser_view)


def _browser_view(figure: Any) -> dict:
    """A figure shown by the browser view (WASM Graphviz) when the kernel has no ``dot``."""
    from .widgets.view import figure_view

    return figure_view(figure)._repr_mimebundle_()


display.LOADERS.append(_load_display)
