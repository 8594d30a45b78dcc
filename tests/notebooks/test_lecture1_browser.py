"""Lecture 1 in a real browser: JupyterLab + Chromium, Run All, step its Stepper to the end.

This reuses the widgets browser test (``tests/widgets/test_browser.py``): its JupyterLab and
Chromium fixtures (both stopped by PID) and its stepping routine, pointed at
``notebooks/01_backprop_by_hand.ipynb`` instead of its own one-cell notebook. The routine
clicks Next until the backward pass is done, checks that ∂f/∂x ≈ 0.8915 is on the page,
and keeps a screenshot in test-artifacts/lecture1/.
"""

from __future__ import annotations

import importlib.util
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
LECTURE = ROOT / "notebooks" / "01_backprop_by_hand.ipynb"
SOURCE = ROOT / "tests" / "widgets" / "test_browser.py"

pytestmark = [pytest.mark.browser, pytest.mark.dot, pytest.mark.notebooks]


def _load_browser_test():
    if not SOURCE.exists():
        pytest.skip(f"{SOURCE.relative_to(ROOT)} (the widgets browser test) is missing",
                    allow_module_level=True)
    spec = importlib.util.spec_from_file_location("_adv_lecture1_browser", SOURCE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.NOTEBOOK = LECTURE          # the fixtures and the routine read this global
    return module


_shared = _load_browser_test()
lab = _shared.lab                      # fixtures, re-exported for this module
browser = _shared.browser
_run_all_cells = _shared._run_all_cells

_NO_CELL_RUNNING = """() => ![...document.querySelectorAll('.jp-InputArea-prompt')]
    .some(p => p.innerText.includes('*'))"""


def _run_all_then_show_stepper(page) -> None:
    """Run All, wait until every cell has run, then scroll the Stepper into view.

    Lecture 1 is long, and JupyterLab renders only the cells on screen: after Run All the
    view sits at the last cell, so the Stepper's text would read as empty.
    """
    _run_all_cells(page)
    stepper = page.locator(".adv-stepper").first
    stepper.wait_for(timeout=120_000)
    page.wait_for_function(_NO_CELL_RUNNING, timeout=120_000)
    stepper.scroll_into_view_if_needed()
    page.wait_for_function("el => el.innerText.trim().length > 0",
                           arg=stepper.locator(".adv-title").first.element_handle(),
                           timeout=30_000)


_shared._run_all_cells = _run_all_then_show_stepper


# JupyterLab 4 only: the widgets test also covers Notebook 7 on its one-cell notebook.
@pytest.mark.parametrize("lab", ["lab"], indirect=True)
def test_lecture_1_stepper_in_jupyterlab(lab, browser, monkeypatch):
    assert LECTURE.exists()
    # Keep this run's screenshots apart, and leave docs/stepper.png to the widgets test
    # (it shows the same Stepper call on the same graph): the routine copies its screenshot
    # to ROOT/docs only when that folder exists.
    artifacts = ROOT / "test-artifacts" / "lecture1"
    artifacts.mkdir(parents=True, exist_ok=True)
    monkeypatch.setattr(_shared, "ARTIFACTS", artifacts)
    monkeypatch.setattr(_shared, "ROOT", artifacts)
    _shared.test_stepper_in_jupyterlab(lab, browser)
    shots = sorted(artifacts.glob("stepper_backward*.png"), key=lambda p: p.stat().st_mtime)
    assert shots and shots[-1].stat().st_size > 10_000, "no screenshot of lecture 1's Stepper"
