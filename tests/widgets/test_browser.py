"""The Stepper in real JupyterLab 4 and Notebook 7, driven in Debian Chromium by Playwright.

One server per front end for the whole run (``browser_support.fixtures``: 127.0.0.1, free
port, random token, stopped and its kernels killed by PID). The seed notebook
(``stepper_seed.ipynb``: the worked example at x = 3, y = 2) is run with Run All; the test
then checks the view: readable node text (≥ 12 CSS px), the legend, nine Next clicks to
∂f/∂x ≈ 0.8915 (the published value) in the x node with the title at "(10/10)", the kernel
seeing the step, mode and label toggles; then it shuts the kernel down and every control
must still work (no kernel round trip). A second test runs the Stepper in a kernel whose
PATH has no Graphviz: the view lays out with WASM Graphviz and no node moves at any step.
Screenshots go to test-artifacts/ (the JupyterLab one also to docs/stepper.png when that is
missing, or with ADV_UPDATE_SCREENSHOT=1, so an ordinary run leaves the work tree clean).
"""

from __future__ import annotations

import contextlib
import math
import os
import pathlib
import re
import shutil

import nbformat
import pytest
from browser_support import view as bv
from browser_support.chromium import ARTIFACTS, ROOT, new_page, save_failure
from browser_support.jupyter import code_cell, run_all_cells, run_cell, wait_all_run

pytestmark = [pytest.mark.browser]

NOTEBOOK = pathlib.Path(__file__).with_name("stepper_seed.ipynb")
DFDX = 1 / (3 * math.sqrt(2 * math.log(3))) + 2 / 3          # published: ≈ 0.891542
STEPS = 10


@pytest.fixture(params=["lab", "notebook"])
def jupyter(request):
    """The session's JupyterLab 4 or Notebook 7 server."""
    return request.getfixturevalue(f"{request.param}_server")


def _expect_output(page, index: int, pattern: str, timeout_ms: int = 30_000) -> str:
    from playwright.sync_api import expect

    out = code_cell(page, index).locator(".jp-OutputArea")
    expect(out).to_contain_text(re.compile(pattern), timeout=timeout_ms)
    return out.inner_text()


def _dismiss_dialogs(page) -> None:
    """JupyterLab may ask what to do about the dead kernel: say no / close."""
    for _ in range(3):
        dialog = page.locator(".jp-Dialog")
        if not dialog.count():
            return
        with contextlib.suppress(Exception):
            page.locator(".jp-Dialog .jp-mod-reject, .jp-Dialog .jp-Dialog-close").first.click(
                timeout=1_000)
        page.wait_for_timeout(200)


def _view(page):
    return page.locator(".jp-OutputArea .adv-view").first


@pytest.mark.dot
def test_stepper_in_jupyter(jupyter, browser):
    front = jupyter.front
    name = f"stepper_seed_{front}.ipynb"
    shutil.copy(NOTEBOOK, jupyter.work / name)
    page = new_page(browser, timeout_ms=30_000)
    shot = ARTIFACTS / f"stepper_{front}.png"
    try:
        jupyter.open(page, name)
        run_all_cells(page)
        root = _view(page)
        s = bv.wait_ready(root, timeout_ms=120_000)
        wait_all_run(page)
        _expect_output(page, 1, r"STEP 0 reverse numeric")
        assert s["count"] == STEPS, s
        assert f"(1/{STEPS})" in s["title"], s["title"]
        bv.check_font(root)
        assert s["legend"] and root.locator(".adv-legend li[data-state]").first.is_visible()

        for k in range(1, STEPS):                      # Next nine times
            root.locator(".adv-next").click()
            s = bv.wait_step(root, k)
        assert f"{DFDX:.4f}" in bv.node_text(s, "x"), bv.node_text(s, "x")
        assert f"({STEPS}/{STEPS})" in s["title"], s["title"]
        assert bv.counter(s) == (STEPS, STEPS)
        bv.wait_current_visible(root)
        ARTIFACTS.mkdir(exist_ok=True)
        root.scroll_into_view_if_needed()
        root.screenshot(path=str(shot))
        page.screenshot(path=str(ARTIFACTS / f"stepper_{front}_page.png"))

        # the kernel sees the step the page shows
        run_cell(page, 1)
        _expect_output(page, 1, rf"STEP {STEPS - 1} reverse numeric")

        # the toggles change what is drawn, and the kernel follows them
        last = bv.drawn(s)
        root.locator('.adv-mode button[data-mode="forward"]').click()
        s = bv.wait_for(root, """el => el.querySelector('.adv-mode button[data-mode="forward"]')
            .getAttribute('aria-pressed') === 'true'""", "forward mode pressed")
        assert "tangent" in s["legend"] and bv.drawn(s) != last
        root.locator(".adv-next").click()
        root.locator(".adv-next").click()
        s = bv.wait_step(root, 2)
        forward = bv.drawn(s)
        root.locator('.adv-labels button[data-labels="symbolic"]').click()
        s = bv.wait_for(root, "el => el.__advView.layoutKey() === 'symbolic'",
                        "symbolic labels shown")
        assert s["step"] == 2 and s["labels"] == ["symbolic"]
        assert bv.drawn(s) != forward, "symbolic labels draw the same as numeric ones"
        run_cell(page, 1)
        _expect_output(page, 1, r"STEP 2 forward symbolic")
        root.locator('.adv-mode button[data-mode="reverse"]').click()
        root.locator('.adv-labels button[data-labels="numeric"]').click()
        bv.wait_for(root, """el => el.__advView.layoutKey() === 'numeric' &&
            el.querySelector('.adv-mode button[data-mode="reverse"]')
              .getAttribute('aria-pressed') === 'true'""", "back to reverse, numeric")

        # no kernel: every control still works in the page
        assert jupyter.shut_down_kernels() >= 1, "no kernel was running"
        page.wait_for_timeout(1_000)
        _dismiss_dialogs(page)
        bv.exercise_controls(root, n=STEPS)
        s = bv.next_until_end(root)
        assert f"{DFDX:.4f}" in bv.node_text(s, "x")
    except BaseException:
        save_failure(page, f"stepper_{front}", {"server.log": jupyter.log.read_text()})
        raise
    finally:
        (ARTIFACTS / f"stepper_{front}_console.txt").write_text(
            "\n".join([*page.adv_errors, *page.adv_console]))
        page.close()
        with contextlib.suppress(Exception):
            jupyter.shut_down_kernels()
    # the README's picture: written when missing, or refreshed with ADV_UPDATE_SCREENSHOT=1
    docs = ROOT / "docs" / "stepper.png"
    if front == "lab" and docs.parent.is_dir() and (
            not docs.exists() or os.environ.get("ADV_UPDATE_SCREENSHOT") == "1"):
        shutil.copy(shot, docs)


NODOT_CELLS = [
    'import shutil\nfrom autodiff_viz.render import engine\n'
    'print("DOT", shutil.which("dot"), shutil.which("neato"), engine.have_graphviz())',
    'import autodiff_viz as adv\n\ng = adv.graph("sqrt(log(x)*y) + log(x)*y")\n'
    's = adv.Stepper(g, x=3, y=2)\n'
    'print("LAYOUTS", sorted(k for k, v in s.data["layouts"].items() if v is not None))\ns',
]


def test_stepper_without_graphviz_in_jupyterlab(lab_server, browser):
    """A kernel with no ``dot`` on its PATH (kernel spec ``python3-nodot``): the view lays out
    with WASM Graphviz in Chromium, and every node keeps its place at every step."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in NODOT_CELLS])
    nb.metadata["kernelspec"] = {"name": "python3-nodot", "display_name": "Python 3 (nodot)",
                                 "language": "python"}
    name = "stepper_nodot.ipynb"
    nbformat.write(nb, lab_server.work / name)
    page = new_page(browser, timeout_ms=30_000)
    try:
        lab_server.open(page, name)
        run_all_cells(page)
        root = _view(page)
        s = bv.wait_ready(root, timeout_ms=120_000)
        wait_all_run(page)
        _expect_output(page, 0, r"DOT None None False")
        _expect_output(page, 1, r"LAYOUTS \[\]")        # nothing laid out in the kernel
        assert s["count"] == STEPS
        bv.check_font(root)
        for labels in ("numeric", "symbolic"):
            if labels != "numeric":
                root.locator(f'.adv-labels button[data-labels="{labels}"]').click()
                bv.wait_for(root, f"""el => el.__advView.layoutKey() === '{labels}' &&
                    el.querySelectorAll('g.node[data-node] text').length > 0""",
                            f"the {labels} layout", timeout_ms=60_000)
            first = bv.positions(bv.to_start(root))
            assert len(first["nodes"]) == 6 and all(b for _, b in first["nodes"].values())
            for k in range(1, STEPS):
                root.locator(".adv-next").click()
                s = bv.wait_step(root, k)
                assert bv.positions(s) == first, f"{labels}: a node moved at step {k}"
            if labels == "numeric":
                assert f"{DFDX:.4f}" in bv.node_text(s, "x"), bv.node_text(s, "x")
                bv.wait_current_visible(root)
                ARTIFACTS.mkdir(exist_ok=True)
                root.scroll_into_view_if_needed()
                root.screenshot(path=str(ARTIFACTS / "stepper_nodot_lab.png"))
    except BaseException:
        save_failure(page, "stepper_nodot", {"server.log": lab_server.log.read_text()})
        raise
    finally:
        page.close()
        with contextlib.suppress(Exception):
            lab_server.shut_down_kernels()
