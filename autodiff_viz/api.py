"""The public front door: ``adv.graph(...)`` (:func:`~autodiff_viz.core.sources.as_graph`);
its ``Graph`` and ``Run`` are the core ones.

This is the top layer: it wires ``core.display``'s hooks to the layers that do the work,
each imported on first use (render for figures, exact for exact forms and sympy input,
widgets for the browser view), so ``import autodiff_viz`` stays light.

>>> run = graph("a = log(x)\\nb = a*y\\nc = sqrt(b)\\nf = c + b").evaluate(x=3, y=2)
>>> round(run.adjoint_of("b"), 6), type(run) is Run
(1.337313, True)
>>> graph(lambda x, y: x * x + y).edges[0].parent, graph(lambda x: x * x).edges[1].parent
('x', 'x')
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from .core import display
from .core.graph import Graph
from .core.passes import Run
from .core.sources import as_graph as graph

__all__ = ["graph", "Graph", "Run"]


def _load_render() -> None:
    """Fill the render layer's hooks (``draw``, ``frames``, ...) on first use."""
    from . import render  # noqa: F401 - importing render fills them


def _lazy(module: str, name: str) -> Callable[..., Any]:
    """A hook that imports ``autodiff_viz.<module>`` (sympy) only when called."""

    def hook(*args: Any, **options: Any) -> Any:
        return getattr(importlib.import_module(f"{__package__}.{module}"), name)(*args, **options)

    return hook


def _browser_view(figure: Any) -> dict:
    """A figure shown by the browser view (WASM Graphviz) when the kernel has no ``dot``."""
    from .widgets.view import figure_view

    return figure_view(figure)._repr_mimebundle_()


display.HOOKS.update(exact=_lazy("exact", "exact"), verify=_lazy("exact", "verify"),
                     from_sympy=_lazy("exact", "from_sympy"), browser_view=_browser_view)
display.LOADERS.append(_load_render)
