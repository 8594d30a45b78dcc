"""A PATH with no Graphviz: every folder holding ``dot`` or ``neato`` is left out."""

from __future__ import annotations

import os
import pathlib


def path_without_graphviz(path: str | None = None) -> str:
    keep = []
    for folder in (path if path is not None else os.environ.get("PATH", "")).split(os.pathsep):
        if folder and not any((pathlib.Path(folder) / exe).exists() for exe in ("dot", "neato")):
            keep.append(folder)
    return os.pathsep.join(keep)


def kernel_env() -> dict[str, str]:
    """The environment overrides of a kernel spec that hides Graphviz."""
    return {"PATH": path_without_graphviz()}
