"""Fixtures of the browser tests, re-exported by tests/conftest.py: at most one server per
front end for the whole run (started when a test first asks), one Chromium per module.

Chromium is per module, not per session: Playwright's sync API allows one running instance
per thread, and other test modules (tests/render/test_view_js.py) start their own.
"""

from __future__ import annotations

import pytest

from .chromium import chromium
from .jupyter import JupyterServer


@pytest.fixture(scope="module")
def browser():
    """Debian Chromium (Playwright); killed by PID at the end of the module."""
    with chromium() as b:
        yield b


def _server(tmp_path_factory, front: str, kernels=None):
    if front == "notebook":
        pytest.importorskip("notebook", minversion="7",
                            reason="Notebook 7 is not installed (pip install 'notebook>=7')")
    server = JupyterServer(front, tmp_path_factory.mktemp(f"jupyter-{front}"), kernels)
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory):
    """JupyterLab 4 (with a ``python3-nodot`` kernel whose PATH has no Graphviz)."""
    from .nodot import kernel_env

    yield from _server(tmp_path_factory, "lab", {"python3-nodot": kernel_env()})


@pytest.fixture(scope="session")
def notebook_server(tmp_path_factory):
    """Notebook 7."""
    yield from _server(tmp_path_factory, "notebook")
