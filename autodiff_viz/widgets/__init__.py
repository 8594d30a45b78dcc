"""Jupyter widgets: :class:`Stepper` (an anywidget showing the browser view) and
:class:`Playground` (a text box and a Stepper).

No maths here: the view data comes from :func:`autodiff_viz.render.view.view_data`, words
from :mod:`autodiff_viz.render.explain`, the drawing from the bundled browser view.
"""

from .playground import Playground
from .stepper import MODES, Stepper

__all__ = ["Stepper", "Playground", "MODES"]
