"""The committed browser view (render/static/view.js) in a real Chromium, from file://.

The page is put together here from view data and the committed bundles (as export_html
does), with the network off: stepping, the mode and label toggles, text size, two views on
one page, the static-copy message and WASM Graphviz laying out a graph in the browser.
"""

from __future__ import annotations

import json
import pathlib
import shutil

import pytest

import autodiff_viz as adv
from autodiff_viz.core.notation import bars
from autodiff_viz.render.view import ints

pytestmark = pytest.mark.browser

view_mod = pytest.importorskip("autodiff_viz.render.view")
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-dev-shm-usage"]
ROOT = pathlib.Path(__file__).resolve().parents[2]
STATIC = ROOT / "autodiff_viz" / "render" / "static"
ARTIFACTS = ROOT / "test-artifacts"
EXPRESSION = "sqrt(log(x)*y) + log(x)*y"
_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
           "\u2029": "\\u2029"}


def script_json(value) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in _UNSAFE.items():
        text = text.replace(ch, esc)
    return text


def html_page(*datas: dict) -> str:
    """One page with a view per data (roots adv-t0, adv-t1, ...), WASM Graphviz once."""
    parts = []
    for i, data in enumerate(datas):
        parts.append(f'<div class="adv-page" id="adv-t{i}"></div>')
        parts.append(f'<script type="application/json" id="adv-t{i}-data">'
                     f"{script_json(data)}</script>")
    if any(v is None for d in datas for v in d["layouts"].values()):
        source = (STATIC / "graphviz.js").read_text(encoding="utf-8")
        parts.append('<script type="application/json" id="adv-graphviz-source">'
                     f"{script_json(source)}</script>")
    mounts = "".join(f'globalThis.AutodiffViz.mountPage("adv-t{i}");'
                     for i in range(len(datas)))
    parts.append(f'<script type="module">{(STATIC / "view.js").read_text(encoding="utf-8")}\n'
                 f"{mounts}</script>")
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>view</title>'
            '</head><body style="margin:16px">' + "\n".join(parts) + "</body></html>")


@pytest.fixture(scope="module")
def run():
    return adv.graph(EXPRESSION).evaluate(x=3, y=2)


@pytest.fixture(scope="module")
def data(run):
    return view_mod.view_data(run)


@pytest.fixture(scope="module")
def wasm_data(run):
    return view_mod.view_data(run, layout=False)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM):
        pytest.skip("Chromium is not installed (make test installs it)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def open_page(browser, tmp_path):
    """open_page(*datas) -> a Playwright page showing them, offline; errors are checked."""
    pages, problems = [], []

    def route(r):
        if r.request.url.startswith(("file:", "data:", "about:", "blob:")):
            r.continue_()
        else:
            problems.append(f"network: {r.request.url}")
            r.abort()

    def opener(*datas):
        path = tmp_path / f"page{len(pages)}.html"
        path.write_text(html_page(*datas), encoding="utf-8")
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.route("**/*", route)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("console", lambda m: problems.append(f"console: {m.text}")
                if m.type == "error" else None)
        page.goto(path.as_uri())
        page.wait_for_selector(".adv-view svg g.node", timeout=30_000)
        pages.append(page)
        return page

    yield opener
    for page in pages:
        page.close()
    assert problems == []


def strings_of(data, key, field):
    view = data["views"][key]
    return [data["strings"][i] for i in ints(view[field])]


def unbarred(text: str) -> str:
    """``text`` as the page shows it: each adjoint's letter without its macron (drawn as an
    overline)."""
    return "".join(piece for piece, _ in bars(text))


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(350)  # CSS transitions (≤ 250 ms) end first
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_steps_with_buttons_keys_and_slider(open_page, data):
    page = open_page(data)
    view = page.locator(".adv-view").first
    # the view draws each adjoint's bar as an overline: the page's text is the letter
    titles = [unbarred(t) for t in strings_of(data, "reverse||numeric", "title")]
    texts = [unbarred(t) for t in strings_of(data, "reverse||numeric", "text")]
    n = len(titles)
    assert "b̄ = ∂f/∂b" in strings_of(data, "reverse||numeric", "title")[6]
    assert view.locator(".adv-title").inner_text() == titles[0]
    assert view.locator(".adv-counter").inner_text() == f"1 / {n}"
    for k in range(1, 4):
        view.locator(".adv-next").click()
        assert view.locator(".adv-title").inner_text() == titles[k]
        assert view.locator(".adv-counter").inner_text() == f"{k + 1} / {n}"
    assert view.locator(".adv-text").inner_text().strip() == texts[3].strip()
    view.locator(".adv-prev").click()
    assert view.locator(".adv-counter").inner_text() == f"3 / {n}"
    view.focus()
    page.keyboard.press("End")
    assert view.locator(".adv-counter").inner_text() == f"{n} / {n}"
    page.keyboard.press("ArrowLeft")
    assert view.locator(".adv-title").inner_text() == titles[n - 2]
    page.keyboard.press("Home")
    assert view.locator(".adv-counter").inner_text() == f"1 / {n}"
    view.locator(".adv-slider").fill("6")
    assert view.locator(".adv-title").inner_text() == titles[6]
    assert view.locator(".adv-title .adv-overline").inner_text() == "b"
    assert view.locator(".adv-title").get_attribute("aria-label") == \
        strings_of(data, "reverse||numeric", "title")[6]
    # the current node is emphasised and the edges it reads are marked
    assert view.locator("g.node.current").count() == 1
    assert view.locator("g.edge.read").count() >= 1
    shot(page, "view-course-step7")
    view.locator(".adv-reset").click()
    assert view.locator(".adv-counter").inner_text() == f"1 / {n}"


def test_mode_and_label_toggles(open_page, data):
    page = open_page(data)
    view = page.locator(".adv-view").first
    view.locator(".adv-mode button[data-mode=forward]").click()
    assert view.locator(".adv-title").inner_text() == strings_of(
        data, "forward|x|numeric", "title")[0]
    assert view.locator("select.adv-wrt").is_visible()
    view.locator("select.adv-wrt").select_option("y")
    view.locator(".adv-next").click()
    assert view.locator(".adv-title").inner_text() == strings_of(
        data, "forward|y|numeric", "title")[1]
    view.locator(".adv-labels button[data-labels=symbolic]").click()
    assert view.locator(".adv-labels button[data-labels=symbolic]").get_attribute(
        "aria-pressed") == "true"
    assert view.locator(".adv-counter").inner_text().startswith("2 / ")  # same step kept
    assert page.evaluate("document.querySelector('.adv-view').__advView.layoutKey()") \
        == "symbolic"
    states = view.locator(".adv-legend li").evaluate_all("ls => ls.map(l => l.dataset.state)")
    assert states == data["views"]["forward|y|symbolic"]["legend"]
    view.locator(".adv-mode button[data-mode=paths]").click()
    assert "paths" in view.locator(".adv-mode button[aria-pressed=true]").get_attribute(
        "data-mode")
    shot(page, "view-course-paths-symbolic")


def test_text_is_never_shrunk_and_stays_in_its_box(open_page, data):
    page = open_page(data)
    sizes = page.evaluate("""() => [...document.querySelectorAll('.adv-view g.node text')]
        .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)""")
    assert min(sizes) >= 12
    assert max(sizes) == pytest.approx(data["font"], abs=0.01)  # 12 pt = font px at 100 %
    page.evaluate("document.querySelector('.adv-view').__advView.show(9)")
    overflow = page.evaluate("""() => [...document.querySelectorAll('.adv-view g.node')]
        .flatMap(g => { const box = g.querySelector('.adv-box').getBBox();
          return [...g.querySelectorAll('text')].filter(t => t.textContent.trim())
            .map(t => t.getBBox()).filter(b => b.x < box.x || b.x + b.width > box.x + box.width)
            .map(() => g.dataset.node); })""")
    assert overflow == []
    # the viewport never overflows its container; the graph scrolls inside it
    widths = page.evaluate("""() => { const v = document.querySelector('.adv-viewport');
        return [v.getBoundingClientRect().right, document.documentElement.clientWidth]; }""")
    assert widths[0] <= widths[1]


def test_two_views_on_one_page_step_independently(open_page, data):
    page = open_page(data, data)
    first, second = page.locator(".adv-view").nth(0), page.locator(".adv-view").nth(1)
    first.locator(".adv-next").click()
    first.locator(".adv-next").click()
    assert first.locator(".adv-counter").inner_text().startswith("3 / ")
    assert second.locator(".adv-counter").inner_text().startswith("1 / ")
    second.focus()
    page.keyboard.press("ArrowRight")
    assert second.locator(".adv-counter").inner_text().startswith("2 / ")
    assert first.locator(".adv-counter").inner_text().startswith("3 / ")
    ids = page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids))


def test_a_static_copy_says_inputs_need_the_kernel(open_page, data):
    page = open_page(data)
    view = page.locator(".adv-view").first
    box = view.locator("input.adv-input[data-name=x]")
    box.fill("5")
    box.press("Enter")
    message = view.locator(".adv-message")
    message.wait_for(state="visible")
    assert "Changing x needs a running Python kernel; this is a static copy." in \
        message.inner_text()
    assert box.input_value() == "3"


def test_wasm_graphviz_lays_out_in_the_browser(open_page, data, wasm_data):
    assert not any(wasm_data["layouts"].values())
    page = open_page(data, wasm_data)
    wasm = page.locator(".adv-view").nth(1)
    wasm.locator("svg g.node").first.wait_for()

    def boxes():
        return wasm.locator("g.node > .adv-box").evaluate_all(
            "rs => rs.map(r => [r.getAttribute('x'), r.getAttribute('y'), "
            "r.getAttribute('width'), r.getAttribute('height')])")

    first = boxes()
    assert len(first) == len(wasm_data["nodes"])
    n = wasm_data["views"]["reverse||numeric"]["n"]
    for _ in range(n - 1):
        wasm.locator(".adv-next").click()
        assert boxes() == first
    assert wasm.locator(".adv-counter").inner_text() == f"{n} / {n}"
    wasm.locator(".adv-labels button[data-labels=both]").click()
    page.wait_for_function("document.querySelectorAll('.adv-view')[1].__advView.layoutKey()"
                           " === 'both'")
    assert boxes() != first  # another label style has its own layout
    shot(page, "view-native-and-wasm")


def test_a_frame_switch_is_fast(open_page, data):
    page = open_page(data)
    median = page.evaluate("""() => {
        const api = document.querySelector('.adv-view').__advView, n = api.count(), t = [];
        for (let i = 0; i < 50; i++) {
          const s = performance.now(); api.show((i * 7) % n); t.push(performance.now() - s);
        }
        return t.sort((a, b) => a - b)[25];
    }""")
    assert median <= 2


def test_korean_view_words_and_hangul_glyphs(open_page, run):
    ko = view_mod.view_data(run, lang="ko")
    page = open_page(ko)
    view = page.locator(".adv-view").first
    assert view.locator(".adv-next").inner_text() == "다음 ▶"
    assert view.locator(".adv-title").inner_text() == "순전파 4단계 중 1단계 (1/10): a = log(x)"
    assert "수반값" in view.locator(".adv-legend").inner_text()
    for _ in range(6):
        view.locator(".adv-next").click()
    assert view.locator(".adv-title").inner_text().startswith("역전파 6단계 중 3단계 (7/10)")
    assert "x (입력)" in view.locator("g.node").first.text_content()
    # Hangul is drawn by a font that has it: a missing glyph is the same box for every
    # character, so two different syllables would measure alike
    widths = page.evaluate("""() => {
        const ctx = document.createElement("canvas").getContext("2d");
        ctx.font = getComputedStyle(document.querySelector(".adv-title")).font;
        return ["역", "\\uffff", "i"].map((c) => ctx.measureText(c).width);
    }""")
    if widths[0] == widths[1]:
        pytest.skip("no Korean font here (apt-get install fonts-noto-cjk): Hangul is boxes")
    assert widths[0] > 1.5 * widths[2]  # a full-width syllable, wider than a Latin "i"
    shot(page, "view-korean-step7")
