"""Frames and explanations for the widgets, from the render layer (no maths here).

>>> from autodiff_viz.core import evaluate, from_text
>>> run = evaluate(from_text("log(x)*y"), {"x": 3, "y": 2})
>>> len(explanations(run)) == len(run.steps)
True
>>> clean_svg('<?xml version="1.0"?>\\n<!DOCTYPE svg>\\n<svg width="8pt"></svg>')
'<svg width="8pt"></svg>'
"""

from __future__ import annotations

import re
from typing import Any

from ..render.explain import Explanation, explain

__all__ = ["frames", "explanations", "clean_svg", "LABELS"]

LABELS = ("numeric", "symbolic", "both")
_PROLOGUE = re.compile(r"\A\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?(<!--.*?-->\s*)*", re.S)


def clean_svg(svg: str) -> str:
    """Drop the XML prologue and comments before ``<svg>`` so the SVG can sit inside HTML."""
    return _PROLOGUE.sub("", svg, count=1)


def frames(run: Any, labels: str = "numeric", view: Any = None,
           layout_run: Any = None) -> list[str]:
    """One SVG per step of ``(view or run).steps``, drawn by :func:`autodiff_viz.render.frames`.

    Args:
        run: the run to draw.
        labels: ``"numeric"``, ``"symbolic"`` or ``"both"``.
        view: optional ``run.forward_mode(x)`` or ``run.paths(x)``.
        layout_run: a run of the same graph whose layout to keep (after an input change).

    Returns:
        A list of SVG strings without XML prologue, ready to put inside HTML.
    """
    if labels not in LABELS:
        raise ValueError(f"labels must be one of {', '.join(LABELS)}; got {labels!r}")
    from ..render import frames as render_frames

    extra = {} if layout_run is None or layout_run is run else {"layout_run": layout_run}
    return [clean_svg(s) for s in render_frames(run, labels=labels, view=view, **extra)]


def explanations(run: Any, view: Any = None) -> list[Explanation]:
    """:func:`autodiff_viz.render.explain.explain` for every step (exact forms on small
    graphs only, where sympy is quick)."""
    exact = len(run.graph.nodes) <= 30
    n = len((run if view is None else view).steps)
    return [explain(run, k, view, exact=exact) for k in range(n)]
