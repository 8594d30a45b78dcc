"""The public front door: ``adv.graph(...)``, ``Graph.evaluate`` and a ``Run`` that draws.

This is the top layer: it may use every other part (imported lazily, so ``import
autodiff_viz`` stays light).

>>> g = graph("a = log(x)\\nb = a*y\\nc = sqrt(b)\\nf = c + b")
>>> run = g.evaluate(x=3, y=2)
>>> round(run.adjoint_of("b"), 6)
1.337313
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .core import graph as _graph
from .core import passes as _passes
from .core.build import from_function, from_text

__all__ = ["graph", "Graph", "Run"]


class Run(_passes.Run):
    """A forward + reverse run that can also draw itself, export and check its numbers."""

    def draw(self, step: int | None = None, labels: str = "numeric", **options: Any):
        """A ``graphviz.Digraph`` of the state after step ``step`` (default: the last).

        Options for slides: ``title``, ``caption``, ``legend``, ``hide``, ``pass_``,
        ``width``, ``height``, ``dpi``, ``lang`` (see :func:`autodiff_viz.render.draw`).
        """
        from .render import draw, engine

        if not engine.have_graphviz():
            from . import widgets  # noqa: F401 - shows the figure in the browser view instead

        return draw(self, step=step, labels=labels, **options)

    def frames(self, **options: Any) -> list[str]:
        """One SVG string per step, all from one Graphviz layout."""
        from .render import frames

        return frames(self, **options)

    def save(self, path: str, step: int | None = None, **options: Any) -> str:
        """Write the figure after ``step`` to ``.svg``, ``.png``, ``.pdf`` or ``.dot``; takes
        :meth:`draw`'s options (``dpi``, ``width``, ``legend``, ``caption``, ...)."""
        from .render import save

        return save(self, path, step=step, **options)

    def export_html(self, path: str, **options: Any) -> str:
        """The Stepper's view as one self-contained page (no kernel, no network)."""
        from .render import export_html

        return export_html(self, path, **options)

    def exact(self):
        """Exact sympy forms of every value, partial and adjoint (see ``symbolic.exact``)."""
        from .symbolic import exact

        return exact(self)

    def verify(self, **options: Any):
        """Check every number of this run against its exact form; returns a report."""
        from .symbolic import verify

        return verify(self, **options)

    def _repr_mimebundle_(self, include=None, exclude=None):
        try:
            return self.draw()._repr_mimebundle_(include=include, exclude=exclude)
        except Exception:  # noqa: BLE001 - no dot binary: fall back to text
            return {"text/plain": repr(self)}


class Graph(_graph.Graph):
    """A computational graph (see :class:`autodiff_viz.core.graph.Graph`) you can evaluate."""

    __slots__ = ()

    @classmethod
    def adopt(cls, g: _graph.Graph) -> Graph:
        """View a core graph as a public one (no copy of nodes or edges)."""
        if isinstance(g, cls):
            return g
        new = cls.__new__(cls)
        for slot in _graph.Graph.__slots__:
            object.__setattr__(new, slot, getattr(g, slot))
        return new

    @property
    def text(self) -> str | None:
        """The expression or program text as typed (None for functions and sympy
        expressions); titles show it.

        >>> graph("sqrt(log(x)*y) + log(x)*y").text
        'sqrt(log(x)*y) + log(x)*y'
        """
        return self.source if isinstance(self.source, str) else None

    def evaluate(self, values: Mapping[str, Any] | None = None, /, **inputs: Any) -> Run:
        """Forward pass, then reverse pass, at the given input values.

        >>> graph("log(x)*y").evaluate(x=1, y=5).grad
        {'x': 5.0, 'y': 0.0}
        """
        merged = {**(values or {}), **inputs}
        return Run(self, merged)

    def draw(self, **options: Any):
        """The graph's structure only (no numbers), as a ``graphviz.Digraph`` (``title``,
        ``width``, ``height``, ``dpi``, ``lang`` as in :meth:`Run.draw`)."""
        from .render import draw_structure

        return draw_structure(self, **options)

    def _repr_mimebundle_(self, include=None, exclude=None):
        try:
            return self.draw()._repr_mimebundle_(include=include, exclude=exclude)
        except Exception:  # noqa: BLE001 - no dot binary: fall back to text
            return {"text/plain": repr(self)}


def graph(source: str | Callable[..., Any] | Any) -> Graph:
    """Build a graph from expression text, program text, a sympy expression or a function.

    >>> graph("sqrt(log(x)*y) + log(x)*y").inputs
    ('x', 'y')
    >>> graph(lambda x, y: x * x + y).edges[0].parent, graph(lambda x: x * x).edges[1].parent
    ('x', 'x')
    """
    if isinstance(source, Graph):
        return source
    if isinstance(source, _graph.Graph):
        return Graph.adopt(source)
    if isinstance(source, str):
        return Graph.adopt(from_text(source))
    if type(source).__module__.startswith("sympy"):
        from .symbolic import from_sympy

        return Graph.adopt(from_sympy(source))
    if callable(source):
        return Graph.adopt(from_function(source))
    raise TypeError(f"adv.graph() takes expression or program text, a sympy expression or a "
                    f"Python function; got {type(source).__name__}")
