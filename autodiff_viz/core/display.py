"""How core graphs and runs draw themselves without core importing the layers above:
``HOOKS`` maps a name (``draw``, ``frames``, ``exact``, ``from_sympy``, ...) to the function
that does it. ``api.py`` wires them: the render layer fills its own when imported (``LOADERS``
import it on first use); exact forms, sympy input and the browser view are imported when
their hook is called.

>>> HOOKS["double"] = lambda v: 2 * v
>>> call("double", 21)
42
>>> del HOOKS["double"]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["HOOKS", "LOADERS", "call", "figure_bundle"]

HOOKS: dict[str, Callable[..., Any]] = {}
#: Called in turn until the wanted hook exists (each imports the layer that fills it in).
LOADERS: list[Callable[[], None]] = []


def call(name: str, *args: Any, **options: Any) -> Any:
    """Call hook ``name``, loading the layers above on first use."""
    for load in LOADERS:
        if name in HOOKS:
            break
        load()
    if name not in HOOKS:
        raise RuntimeError(f"{name} needs autodiff_viz's render layer: import autodiff_viz "
                           "(not only autodiff_viz.core)")
    return HOOKS[name](*args, **options)


def figure_bundle(obj: Any, include: Any = None, exclude: Any = None) -> dict:
    """Jupyter's rich display of a graph or run: its figure (text when it cannot be drawn)."""
    try:
        return obj.draw()._repr_mimebundle_(include=include, exclude=exclude)
    except Exception:  # noqa: BLE001 - no dot binary, too big: fall back to text
        return {"text/plain": repr(obj)}
