"""A notebook with a Stepper, executed headless and exported to HTML with its widget state,
works in Chromium from file:// with no network and no kernel.

nbclient runs ``stepper_seed.ipynb`` (``store_widget_state=True``) and nbconvert's
``HTMLExporter`` writes the page with its usual CDN URLs: require.js (cdnjs),
@jupyter-widgets/html-manager (unpkg) and, loaded by html-manager, anywidget's front end
(jsdelivr). The page is opened with every request aborted except those three, which are
served from the npm packages (``npm pack``, cached in test-artifacts/widget-js/; see
``browser_support.widget_js``). Every control must work; changing an input must say that a
kernel is needed. Also: the saved widget state of one Stepper stays small.
"""

from __future__ import annotations

import copy
import json
import math
import pathlib
import re

import nbformat
import pytest
from browser_support import view as bv
from browser_support import widget_js
from browser_support.chromium import ARTIFACTS, new_page, save_failure
from browser_support.offline import offline

from autodiff_viz.render.view import bundle

pytestmark = [pytest.mark.browser, pytest.mark.dot]

NOTEBOOK = pathlib.Path(__file__).with_name("stepper_seed.ipynb")
DFDX = 1 / (3 * math.sqrt(2 * math.log(3))) + 2 / 3          # published: ≈ 0.891542
STATE_LIMIT = 30_000     # bytes of one Stepper's widget state, its _esm bundle excluded
STATE_MIME = "application/vnd.jupyter.widget-state+json"
#: Requests the export may make that the page does not need (MathJax: no formulas here).
OPTIONAL = re.compile(r"/mathjax/|MathJax", re.IGNORECASE)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The seed notebook after nbclient ran it, with its widget state stored."""
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK, as_version=4)
    work = tmp_path_factory.mktemp("static-export")
    NotebookClient(nb, kernel_name="python3", store_widget_state=True, timeout=120,
                   resources={"metadata": {"path": str(work)}}).execute()
    path = work / "executed.ipynb"
    nbformat.write(nb, path)
    return nb, path


@pytest.fixture(scope="module")
def exported(executed):
    from nbconvert import HTMLExporter

    nb, path = executed
    body, _ = HTMLExporter().from_notebook_node(nb)
    html = path.with_suffix(".html")
    html.write_text(body, encoding="utf-8")
    return html


def _stepper_model(nb) -> tuple[str, dict]:
    state = nb.metadata["widgets"][STATE_MIME]["state"]
    ids = [k for k, m in state.items() if "data" in m["state"] and "_esm" in m["state"]]
    assert len(ids) == 1, f"expected one Stepper model in the widget state; found {ids}"
    return ids[0], state[ids[0]]


def test_widget_state_of_one_stepper_is_small(executed):
    """The Stepper's model state (JSON, ``_esm`` excluded) is at most 30 kB; the shared
    bundle it carries is the committed view.js."""
    nb, _path = executed
    _id, model = _stepper_model(nb)
    assert model["state"]["_esm"] == bundle("view"), "_esm is not the committed view bundle"
    lean = copy.deepcopy(model)
    del lean["state"]["_esm"]
    size = len(json.dumps(lean, separators=(",", ":"), ensure_ascii=False).encode())
    assert size <= STATE_LIMIT, f"one Stepper's widget state is {size} bytes (> {STATE_LIMIT})"
    models = nb.metadata["widgets"][STATE_MIME]["state"]
    assert len(models) <= 3, f"{len(models)} widget models for one Stepper: " + \
        ", ".join(m["model_name"] for m in models.values())


def test_saved_notebook_bytes_of_one_stepper(executed):
    """The bytes one Stepper adds to the saved .ipynb (as nbformat and Jupyter write it,
    indented), ``_esm`` excluded, are at most 30 kB."""
    nb, _path = executed
    model_id, _model = _stepper_model(nb)
    lean = copy.deepcopy(nb)
    del lean.metadata["widgets"][STATE_MIME]["state"][model_id]["state"]["_esm"]
    without = copy.deepcopy(nb)
    del without.metadata["widgets"][STATE_MIME]["state"][model_id]
    size = len(nbformat.writes(lean).encode()) - len(nbformat.writes(without).encode())
    assert size <= STATE_LIMIT, (
        f"one Stepper adds {size} bytes to the saved notebook besides its _esm (> "
        f"{STATE_LIMIT}); nbformat writes its nested 'data' lists one number per line")


def test_exported_notebook_works_offline(exported, browser, request):
    rules = widget_js.rules()
    page = new_page(browser, timeout_ms=15_000)
    net = offline(page, rules)
    try:
        page.goto(f"file://{exported}")
        root = page.locator(".adv-view").first
        try:
            s = bv.wait_ready(root, timeout_ms=30_000)
        except Exception as exc:
            raise AssertionError(
                "the exported notebook shows no view: served "
                f"{net.served}, blocked {net.blocked}, errors {page.adv_errors}, "
                f"console {page.adv_console[-15:]}") from exc
        needed = [u for u in net.blocked if not OPTIONAL.search(u)]
        assert needed == [], f"the export asked for more than the local copies: {needed}"
        assert any("anywidget" in u for u in net.served), net.served
        n = s["count"]
        assert n == 10, s
        bv.check_font(root)
        assert s["legend"], "no legend"
        bv.exercise_controls(root, n=n, kernel=False)  # other label styles need the kernel
        s = bv.next_until_end(root)
        assert f"{DFDX:.4f}" in bv.node_text(s, "x"), bv.node_text(s, "x")
        assert f"({n}/{n})" in s["title"], s["title"]
        bv.wait_current_visible(root)
        ARTIFACTS.mkdir(exist_ok=True)
        root.screenshot(path=str(ARTIFACTS / "stepper_static_export.png"))

        # an input change needs the kernel: the view says so, and keeps what it drew
        before = bv.drawn(s)
        box = root.locator('input.adv-input[data-name="x"]')
        box.fill("4")
        box.press("Enter")
        s = bv.wait_for(root, """el => /Changing x .*kernel/i.test(
                            el.querySelector('.adv-message').textContent)""",
                        "a message that editing an input needs a kernel", timeout_ms=5_000)
        assert root.locator(".adv-message").is_visible(), "the kernel message is hidden"
        assert bv.drawn(s) == before, "the drawing changed without a kernel"
        assert page.adv_errors == [], page.adv_errors
    except BaseException:
        save_failure(page, "static_export", {"blocked.txt": "\n".join(net.blocked)})
        raise
    finally:
        page.close()
