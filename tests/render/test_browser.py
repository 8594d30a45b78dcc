"""The exported HTML page steps through every frame in a real browser with the network off."""

from __future__ import annotations

import shutil

import pytest

import autodiff_viz as adv
from autodiff_viz.render import export_html
from autodiff_viz.render.explain import explain

pytestmark = [pytest.mark.browser, pytest.mark.dot]

PROGRAM = "a = log(x)\nb = a*y\nc = sqrt(b)\nf = c + b"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def page():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM):
        pytest.skip("Chromium is not installed (make test installs it)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield browser.new_page()
        finally:
            browser.close()


def test_page_steps_through_every_frame_offline(page, tmp_path):
    run = adv.graph(PROGRAM).evaluate(x=3, y=2)
    path = export_html(run, tmp_path / "walk.html", interval_ms=40)
    blocked, errors = [], []

    def route(r):
        if r.request.url.startswith(("file:", "data:", "about:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()
    page.route("**/*", route)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"file://{path}")

    def shown() -> list[str]:
        return page.eval_on_selector_all(".frame", "fs => fs.filter(f => !f.hidden)"
                                                   ".map(f => f.id)")

    n = len(run.steps)
    for k in range(n):
        assert shown() == [f"frame-{k}"]
        assert page.inner_text("#step-title") == explain(run, k).title
        assert page.inner_text("#counter") == f"{k + 1} / {n}"
        assert page.is_visible(f"#frame-{k} svg")
        page.click("#next")
    assert shown() == [f"frame-{n - 1}"]  # stays on the last frame
    page.click("#prev")
    assert shown() == [f"frame-{n - 2}"]
    page.fill("#slider", "2")
    page.dispatch_event("#slider", "input")
    assert shown() == ["frame-2"]
    page.click("#play")
    page.wait_for_function(f"document.body.dataset.step === '{n - 1}'", timeout=5000)
    page.keyboard.press("ArrowLeft")
    assert shown() == [f"frame-{n - 2}"]
    assert blocked == [] and errors == []
