"""One build step pyproject.toml cannot express: ship the lectures as package data.

The notebooks stay in ``notebooks/`` (where the course edits them); building a wheel copies
every ``notebooks/**/*.ipynb`` to ``autodiff_viz/lectures/`` inside it, for
``autodiff-viz notebooks DIR``. An editable install needs no copy: ``autodiff_viz.lectures``
reads ``notebooks/`` of the checkout. Everything else is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"


class BuildPyWithLectures(build_py):
    """``build_py`` that also copies the lecture notebooks into the built package."""

    def run(self) -> None:
        super().run()
        self._lectures: list[str] = []
        if self.editable_mode:
            return
        found = [p for p in sorted(NOTEBOOKS.rglob("*.ipynb"))
                 if ".ipynb_checkpoints" not in p.parts]
        if not found:
            raise SystemExit(f"no lecture notebooks in {NOTEBOOKS}: build from a checkout or "
                             "an sdist (both have notebooks/)")
        dest = Path(self.build_lib) / "autodiff_viz" / "lectures"
        for nb in found:
            target = dest / nb.relative_to(NOTEBOOKS)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(nb, target)
            self._lectures.append(str(target))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        return super().get_outputs(include_bytecode) + getattr(self, "_lectures", [])


setup(cmdclass={"build_py": BuildPyWithLectures})
