"""The export_html page in real Chromium, opened from file:// with every request aborted.

Every control of the view's DOM contract (docs/view-data.md) must work with no server and no
network: Prev, Next, Reset, the slider, ←/→/Home/End with the view focused, the mode and
label toggles. Two fragments pasted into one document step on their own, the page works
inside ``<iframe srcdoc>``, and a page laid out in the browser (``layout=False``: WASM
Graphviz) keeps every node in place at every step.
"""

from __future__ import annotations

import html
import math

import pytest
from browser_support.chromium import ARTIFACTS, new_page, save_failure
from browser_support.offline import offline
from browser_support.view import (
    check_font,
    exercise_controls,
    next_until_end,
    node_text,
    positions,
    snapshot,
    to_start,
    wait_current_visible,
    wait_ready,
    wait_step,
)

import autodiff_viz as adv
from autodiff_viz.render import engine
from autodiff_viz.render.export import export_html, fragment
from autodiff_viz.render.view import view_data

pytestmark = [pytest.mark.browser]

EXPRESSION = "sqrt(log(x)*y) + log(x)*y"
DFDX = 1 / (3 * math.sqrt(2 * math.log(3))) + 2 / 3          # published: ≈ 0.891542


@pytest.fixture(scope="module")
def run():
    return adv.graph(EXPRESSION).evaluate(x=3, y=2)


@pytest.fixture
def page(browser, request):
    p = new_page(browser, timeout_ms=10_000)
    p.adv_offline = offline(p)
    try:
        yield p
        assert p.adv_offline.blocked == [], f"the page asked the network: {p.adv_offline.blocked}"
        assert p.adv_errors == [], p.adv_errors
    except BaseException:
        save_failure(p, f"export_{request.node.name}")
        raise
    finally:
        p.close()


def _doc(body: str) -> str:
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>test</title></head><body>{body}</body></html>")


@pytest.mark.dot
def test_export_page_controls_offline(page, run, tmp_path):
    path = export_html(run, tmp_path / "walk.html", layout=True)
    page.goto(f"file://{path}")
    root = page.locator(".adv-view").first
    s = wait_ready(root)
    check_font(root)
    n = len(run.steps)
    assert s["count"] == n
    assert s["legend"], "no legend"
    exercise_controls(root, n=n)
    s = next_until_end(root)
    assert f"{DFDX:.4f}" in node_text(s, "x"), node_text(s, "x")
    assert f"({n}/{n})" in s["title"]
    wait_current_visible(root)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "export_page.png"))


def test_two_fragments_step_independently(page, run, tmp_path):
    other = adv.graph("x*y + sin(x)").evaluate(x=1, y=2)
    body = ("<h2>A</h2>" + fragment(view_data(run), "adv-a")
            + "<h2>B</h2>" + fragment(view_data(other), "adv-b"))
    path = tmp_path / "two.html"
    path.write_text(_doc(body), encoding="utf-8")
    page.goto(f"file://{path}")
    a = page.locator("#adv-a .adv-view, #adv-a.adv-view").first
    b = page.locator("#adv-b .adv-view, #adv-b.adv-view").first
    sa, sb = wait_ready(a), wait_ready(b)
    assert page.locator(".adv-view").count() == 2
    assert sa["count"] == len(run.steps) and sb["count"] == len(other.steps)
    assert sa["title"] != sb["title"]

    a.locator(".adv-next").click()
    wait_step(a, 1)
    assert snapshot(b)["step"] == 0, "Next in A moved B"
    b.locator(".adv-next").click()
    b.locator(".adv-next").click()
    wait_step(b, 2)
    assert snapshot(a)["step"] == 1, "Next in B moved A"

    a.focus()
    page.keyboard.press("ArrowRight")
    wait_step(a, 2)
    page.keyboard.press("End")
    wait_step(a, sa["count"] - 1)
    assert snapshot(b)["step"] == 2, "keys in A moved B"
    b.focus()
    page.keyboard.press("Home")
    wait_step(b, 0)
    assert snapshot(a)["step"] == sa["count"] - 1, "keys in B moved A"
    # the label toggle of one view leaves the other alone
    a.locator('.adv-labels button[data-labels="symbolic"]').click()
    page.wait_for_function("el => el.__advView.layoutKey() === 'symbolic'",
                           arg=a.element_handle())
    assert snapshot(b)["layout"] == "numeric"


def test_page_in_iframe_srcdoc(page, run, tmp_path):
    inner = tmp_path / "inner.html"
    export_html(run, inner)
    outer = tmp_path / "outer.html"
    outer.write_text(_doc('<iframe width="1300" height="720" srcdoc="'
                          + html.escape(inner.read_text(encoding="utf-8"), quote=True)
                          + '"></iframe>'), encoding="utf-8")
    page.goto(f"file://{outer}")
    root = page.frame_locator("iframe").locator(".adv-view").first
    wait_ready(root)
    check_font(root)
    exercise_controls(root, n=len(run.steps))


def test_browser_layout_keeps_nodes_in_place(page, run, tmp_path):
    """layout=False: no native Graphviz call; WASM Graphviz lays out each label style once."""
    before = dict(engine.STATS)
    path = export_html(run, tmp_path / "wasm.html", layout=False)
    assert dict(engine.STATS) == before, "layout=False ran native Graphviz"
    text = (tmp_path / "wasm.html").read_text(encoding="utf-8")
    assert 'id="adv-graphviz-source"' in text
    page.goto(f"file://{path}")
    root = page.locator(".adv-view").first
    s = wait_ready(root, timeout_ms=60_000)
    n = s["count"]
    for labels in ("numeric", "symbolic"):
        if labels != "numeric":
            root.locator(f'.adv-labels button[data-labels="{labels}"]').click()
            page.wait_for_function(f"el => el.__advView.layoutKey() === '{labels}' && "
                                   "el.querySelectorAll('g.node[data-node] text').length",
                                   arg=root.element_handle(), timeout=60_000)
        first = positions(to_start(root))
        assert first["nodes"] and all(box for _, box in first["nodes"].values())
        for k in range(1, n):
            root.locator(".adv-next").click()
            assert positions(wait_step(root, k)) == first, f"{labels}: a node moved at step {k}"
    root.locator('.adv-labels button[data-labels="numeric"]').click()
    page.wait_for_function("el => el.__advView.layoutKey() === 'numeric'",
                           arg=root.element_handle())
    check_font(root)
    exercise_controls(root, n=n)
