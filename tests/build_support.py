"""Build the sdist and the wheel once per test session (tests/test_packaging.py and
tests/test_lite.py both use them)."""

from __future__ import annotations

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
_BUILT: dict[str, pathlib.Path] = {}


def build_dists(out: pathlib.Path) -> dict[str, pathlib.Path]:
    """``python -m build``: the sdist, then the wheel from that sdist, into ``out``.

    No build isolation: the test environment has the build requirements (setuptools>=77,
    the ``lite`` extra), so nothing is downloaded. The first call's result is reused.
    """
    if not _BUILT:
        proc = subprocess.run([sys.executable, "-m", "build", "--no-isolation",
                               "--outdir", str(out), str(ROOT)],
                              capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            raise AssertionError((proc.stdout + proc.stderr)[-3000:])
        (wheel,), (sdist,) = out.glob("*.whl"), out.glob("*.tar.gz")
        _BUILT.update(wheel=wheel, sdist=sdist)
    return dict(_BUILT)
