"""Build the sdist and the wheel once per test session (tests/test_packaging.py and
tests/test_lite.py both use them)."""

from __future__ import annotations

import fcntl
import hashlib
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
_BUILT: dict[str, pathlib.Path] = {}


def build_dists(out: pathlib.Path) -> dict[str, pathlib.Path]:
    """``python -m build``: the sdist, then the wheel from that sdist, into ``out``.

    No build isolation: the test environment has the build requirements (setuptools>=77,
    the ``lite`` extra), so nothing is downloaded. The first call's result is reused.
    """
    if not _BUILT:
        # setuptools stages the sdist and egg-info inside the checkout: two test workers
        # (pytest-xdist) building at once would pull files from under each other
        key = hashlib.sha1(str(ROOT).encode()).hexdigest()[:12]  # same in every worker
        lock = pathlib.Path(tempfile.gettempdir()) / f"adv-build-{key}.lock"
        with open(lock, "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            proc = subprocess.run([sys.executable, "-m", "build", "--no-isolation",
                                   "--outdir", str(out), str(ROOT)],
                                  capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            raise AssertionError((proc.stdout + proc.stderr)[-3000:])
        (wheel,), (sdist,) = out.glob("*.whl"), out.glob("*.tar.gz")
        _BUILT.update(wheel=wheel, sdist=sdist)
    return dict(_BUILT)
