"""Jupyter widgets that replay precomputed frames: :class:`Stepper` and :class:`Playground`.

No maths here: frames come from :mod:`autodiff_viz.render`, words from
:mod:`autodiff_viz.render.explain`.
"""

from .playground import Playground
from .stepper import MODES, Stepper

__all__ = ["Stepper", "Playground", "MODES"]
