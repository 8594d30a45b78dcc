"""export_html with node names that try to end the page's script (names can come from sympy
symbols): the embedded data stays inert in every HTML parser state and the page still runs."""

from __future__ import annotations

import re

import pytest
import sympy as sp
from browser_support.chromium import new_page, save_failure
from browser_support.offline import offline
from browser_support.view import node_text, wait_ready

import autodiff_viz as adv
from autodiff_viz.render.export import export_html

HOSTILE = ["<!--<script>", "</script><script>window.pwned=1</script>", "\u2028&amp;<x>"]


@pytest.fixture(scope="module")
def run():
    a, b, c = (sp.Symbol(n) for n in HOSTILE)
    g = adv.graph(sp.log(a) * b + c)
    assert set(g.inputs) == set(HOSTILE)
    return g.evaluate(dict(zip(HOSTILE, (3, 2, 1), strict=True)))


def test_page_text_has_no_raw_markup_from_names(run, tmp_path):
    text = open(export_html(run, tmp_path / "h.html", layout=False), encoding="utf-8").read()
    # only the page's own script elements open or close, and no comment opens
    assert text.count("<script") == text.count("</script") == 3   # data, graphviz, module
    assert "<!--" not in text
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", text, re.S)
    assert len(scripts) == 3 and not any("\u2028" in s or "\u2029" in s for s in scripts)


@pytest.mark.browser
@pytest.mark.dot
def test_page_with_hostile_names_still_runs(browser, run, tmp_path):
    page = new_page(browser, timeout_ms=10_000)
    page.adv_offline = offline(page)
    try:
        page.goto(f"file://{export_html(run, tmp_path / 'h.html', layout=True)}")
        s = wait_ready(page.locator(".adv-view").first)   # the page's own script ran
        assert s["count"] == len(run.steps)
        assert page.evaluate("window.pwned") is None
        assert "<!--<script>" in node_text(s, "<!--<script>")
        assert page.adv_errors == [], page.adv_errors
    except BaseException:
        save_failure(page, "hostile_names")
        raise
    finally:
        page.close()
