"""Rendering: runs to Graphviz figures and SVG frames on one layout that never moves.

- :func:`draw`: a ``graphviz.Digraph`` of the state after a step (numeric, symbolic or both
  labels; forward-mode and paths views on the same layout);
- :func:`frames`: one SVG per step, from one layout and one Graphviz process;
- :func:`draw_structure`: names and operations only;
- :func:`save` (``.svg``, ``.png``, ``.pdf``, ``.dot``) and :func:`export_html` (one
  self-contained page with every frame and a plain-JavaScript stepper);
- figures for slides: ``title``, ``caption``, ``legend``, ``hide``, ``pass_``, ``width``,
  ``height``, ``dpi`` on :func:`draw` and :func:`save` (``autodiff-viz render``/``slides``);
- one notation (``docs/notation.md``) and every word in English and Korean
  (:mod:`.i18n`, ``lang="ko"``).

Without Graphviz, :class:`DotNotFound` says how to install it; ``draw(...).source`` still
works. Graphs above :data:`MAX_NODES` nodes are refused with advice to collapse them.
"""

from ..core import display
from . import table
from .draw import Figure, draw, draw_structure, frames, layout
from .errors import MAX_NODES, DotNotFound, RenderError
from .export import export_html, save

__all__ = ["draw", "frames", "draw_structure", "save", "export_html", "layout", "Figure",
           "RenderError", "DotNotFound", "MAX_NODES"]


display.HOOKS.update(draw=draw, frames=frames, save=save, export_html=export_html,
                     draw_structure=draw_structure, report_table=table.report_table)
