"""Lecture 1 in a real browser: JupyterLab 4 + Chromium, Run All, step its Stepper to the end.

Uses the session's JupyterLab server and Chromium (``browser_support.fixtures``, stopped by
PID) on a copy of ``notebooks/01_backprop_by_hand.ipynb``. After Run All every cell must
finish without an error output; the Stepper's view (the output of the ``adv.Stepper(...)``
cell) must reach ∂f/∂x ≈ 0.8915 in the x node after nine Next clicks, with the title at
"(10/10)". The screenshot goes to test-artifacts/lecture1/ (docs/stepper.png is left to the
widgets test, which shows the same Stepper call).
"""

from __future__ import annotations

import contextlib
import math
import shutil

import pytest
from browser_support import view as bv
from browser_support.chromium import ARTIFACTS, ROOT, new_page, save_failure
from browser_support.jupyter import run_all_cells, wait_all_run

LECTURE = ROOT / "notebooks" / "01_backprop_by_hand.ipynb"
DFDX = 1 / (3 * math.sqrt(2 * math.log(3))) + 2 / 3          # published: ≈ 0.891542

pytestmark = [pytest.mark.browser, pytest.mark.dot, pytest.mark.notebooks]


def test_lecture_1_stepper_in_jupyterlab(lab_server, browser):
    assert LECTURE.exists()
    shutil.copy(LECTURE, lab_server.work / LECTURE.name)
    page = new_page(browser, timeout_ms=30_000)
    try:
        lab_server.open(page, LECTURE.name)
        run_all_cells(page)   # clicks again when no cell started (a loaded machine)
        cell = page.locator(".jp-CodeCell").filter(
            has=page.locator(".jp-InputArea-editor", has_text="adv.Stepper("))
        assert cell.count() == 1, f"{cell.count()} cells call adv.Stepper("
        root = cell.locator(".jp-OutputArea .adv-view").first
        s = bv.wait_ready(root, timeout_ms=120_000)
        wait_all_run(page, timeout_ms=180_000)
        errors = page.locator(".jp-OutputArea-output[data-mime-type*='stderr'], "
                              ".jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']")
        tracebacks = [t for t in errors.all_inner_texts() if "Error" in t]
        assert tracebacks == [], f"cells failed: {tracebacks[:3]}"
        root.scroll_into_view_if_needed()
        assert s["count"] == 10, s
        bv.check_font(root)
        for k in range(1, s["count"]):
            root.locator(".adv-next").click()
            s = bv.wait_step(root, k)
        assert f"{DFDX:.4f}" in bv.node_text(s, "x"), bv.node_text(s, "x")
        assert "(10/10)" in s["title"], s["title"]
        bv.wait_current_visible(root)
        artifacts = ARTIFACTS / "lecture1"
        artifacts.mkdir(parents=True, exist_ok=True)
        root.screenshot(path=str(artifacts / "stepper_backward_lab.png"))
    except BaseException:
        save_failure(page, "lecture1", {"server.log": lab_server.log.read_text()})
        raise
    finally:
        page.close()
        with contextlib.suppress(Exception):
            lab_server.shut_down_kernels()
