"""The view's DOM contract (docs/view-data.md, end) as Python helpers for Playwright.

Every helper takes ``root``: a Playwright Locator of one ``.adv-view`` element (in a page,
a frame or a notebook output). State is read in one ``evaluate`` so that a check sees one
moment of the view.
"""

from __future__ import annotations

import re

#: Reads title, counter, step, nodes (classes, text lines, boxes), edges and toggles.
_SNAPSHOT = """el => {
  const q = s => el.querySelector(s);
  const txt = s => (q(s) ? q(s).textContent : null);
  const nodes = {};
  for (const g of el.querySelectorAll('.adv-viewport g.node[data-node]')) {
    nodes[g.dataset.node] = {
      cls: g.getAttribute('class'),
      text: [...g.querySelectorAll('text')].map(t => t.textContent),
      transform: g.getAttribute('transform'),
      box: [...g.querySelectorAll('rect, ellipse, polygon, path')].map(r =>
        ['x', 'y', 'width', 'height', 'cx', 'cy', 'rx', 'ry', 'points', 'd']
          .map(a => r.getAttribute(a)).join(' ')),
    };
  }
  const edges = [...el.querySelectorAll('.adv-viewport g.edge[data-edge]')].map(g => ({
    id: g.dataset.edge, cls: g.getAttribute('class'),
    text: [...g.querySelectorAll('text')].map(t => t.textContent).join('\\n'),
    path: [...g.querySelectorAll('path, polygon')].map(p =>
      p.getAttribute('d') || p.getAttribute('points')).join(' '),
  }));
  const pressed = s => [...el.querySelectorAll(s)]
    .filter(b => b.getAttribute('aria-pressed') === 'true');
  const api = el.__advView;
  const slider = q('input.adv-slider');
  return {
    title: txt('.adv-title'), counter: txt('.adv-counter'), text: txt('.adv-text'),
    message: txt('.adv-message'),
    step: api ? api.step() : null, count: api ? api.count() : null,
    layout: api ? api.layoutKey() : null,
    slider: slider ? slider.value : null, sliderMax: slider ? slider.max : null,
    modes: pressed('.adv-mode button[data-mode]').map(b => b.dataset.mode),
    labels: pressed('.adv-labels button[data-labels]').map(b => b.dataset.labels),
    legend: [...el.querySelectorAll('.adv-legend li[data-state]')].map(li => li.dataset.state),
    nodes, edges,
    disabled: Object.fromEntries(['.adv-reset', '.adv-prev', '.adv-next'].map(s =>
      [s, q(s) ? q(s).disabled : null])),
    focused: el.contains(document.activeElement),
  };
}"""

#: Node text sizes: the computed font-size (CSS px) and the size on screen (font-size times
#: the SVG's scale to CSS px), smallest of each over the non-empty node texts.
_FONT = """el => {
  const texts = [...el.querySelectorAll('.adv-viewport g.node text')]
    .filter(t => t.textContent.trim());
  const computed = texts.map(t => parseFloat(getComputedStyle(t).fontSize));
  const shown = texts.map(t => {
    const m = t.getScreenCTM();
    return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
  });
  return {n: texts.length, computed: Math.min(...computed), shown: Math.min(...shown)};
}"""

_READY = """el => !!el.__advView && el.__advView.count() > 0 &&
  el.querySelectorAll('.adv-viewport g.node[data-node] text').length > 0"""


def snapshot(root) -> dict:
    return root.evaluate(_SNAPSHOT)


def font_sizes(root) -> dict:
    return root.evaluate(_FONT)


def wait_ready(root, timeout_ms: int = 60_000) -> dict:
    """Waits until the view has data and a drawn layout; returns its snapshot."""
    root.wait_for(state="attached", timeout=timeout_ms)
    root.page.wait_for_function(_READY, arg=root.element_handle(timeout=timeout_ms),
                                timeout=timeout_ms)
    return snapshot(root)


def wait_step(root, k: int, timeout_ms: int = 10_000) -> dict:
    """Waits until the view shows step ``k`` (0-based) and the counter says so."""
    handle = root.element_handle(timeout=timeout_ms)
    try:
        root.page.wait_for_function(
            """([el, k]) => el.__advView && el.__advView.step() === k &&
                 (el.querySelector('.adv-counter') || {}).textContent
                   .replace(/\\s/g, '') === `${k + 1}/${el.__advView.count()}`""",
            arg=[handle, k], timeout=timeout_ms)
    except Exception as exc:  # noqa: BLE001 - say what is shown instead
        s = snapshot(root)
        raise AssertionError(f"the view did not reach step {k}: step()={s['step']}, "
                             f"counter={s['counter']!r}, title={s['title']!r}") from exc
    return snapshot(root)


def wait_for(root, condition_js: str, what: str, timeout_ms: int = 10_000) -> dict:
    """Waits until ``condition_js`` (a function of the root element) is true."""
    try:
        root.page.wait_for_function(condition_js, arg=root.element_handle(), timeout=timeout_ms)
    except Exception as exc:  # noqa: BLE001
        s = snapshot(root)
        raise AssertionError(f"{what}: not seen within {timeout_ms} ms; the view shows "
                             f"step {s['step']}, title {s['title']!r}, message "
                             f"{s['message']!r}") from exc
    return snapshot(root)


_CURRENT_VISIBLE = """el => {
  const vp = el.querySelector('.adv-viewport').getBoundingClientRect();
  const cur = el.querySelector('.adv-viewport g.node.current');
  if (!cur) return false;
  const c = cur.getBoundingClientRect();
  return c.left >= vp.left - 1 && c.right <= vp.right + 1 && c.top >= vp.top - 1 &&
         c.bottom <= vp.bottom + 1;
}"""


def wait_current_visible(root, timeout_ms: int = 3_000) -> dict:
    """Waits until the current step's node lies inside the viewport (scrolled into view)."""
    return wait_for(root, _CURRENT_VISIBLE, "the current node inside the viewport",
                    timeout_ms=timeout_ms)


def counter(s: dict) -> tuple[int, int]:
    """``(k, n)`` of the counter text ``"k / n"`` (1-based k)."""
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", s["counter"] or "")
    assert m, f"counter {s['counter']!r} is not 'k / n'"
    return int(m.group(1)), int(m.group(2))


def positions(s: dict) -> dict:
    """Each node's geometry (transform and shapes) and each edge's path, from a snapshot."""
    return {"nodes": {k: (v["transform"], v["box"]) for k, v in s["nodes"].items()},
            "edges": [(e["id"], e["path"]) for e in s["edges"]]}


def drawn(s: dict) -> dict:
    """What is drawn: node classes and texts, edge classes and labels."""
    return {"nodes": {k: (v["cls"], v["text"]) for k, v in s["nodes"].items()},
            "edges": [(e["cls"], e["text"]) for e in s["edges"]]}


def node_text(s: dict, name: str) -> str:
    assert name in s["nodes"], f"no node data-node={name!r}; nodes: {sorted(s['nodes'])}"
    return "\n".join(s["nodes"][name]["text"])


def check_font(root, minimum: float = 12.0) -> dict:
    sizes = font_sizes(root)
    assert sizes["n"] > 0, "no node text is drawn"
    assert sizes["computed"] >= minimum, f"node text computed font-size {sizes}"
    assert sizes["shown"] >= minimum - 0.01, f"node text is drawn smaller on screen: {sizes}"
    return sizes


def click(root, selector: str) -> None:
    root.locator(selector).first.click()


def next_until_end(root) -> dict:
    """Clicks Next until the last step (each click checked); returns the last snapshot."""
    s = snapshot(root)
    k, n = s["step"], s["count"]
    for j in range(k + 1, n):
        click(root, ".adv-next")
        s = wait_step(root, j)
    return s


def to_start(root) -> dict:
    """Back to step 0 with Reset (which is disabled on step 0)."""
    if snapshot(root)["step"] != 0:
        click(root, ".adv-reset")
    return wait_step(root, 0)


def set_slider(root, k: int) -> dict:
    root.locator("input.adv-slider").first.fill(str(k))
    return wait_step(root, k)


def exercise_controls(root, *, n: int, check_positions: bool = True,
                      kernel: bool = True) -> dict:
    """Prev, Next, Reset, the slider, ←/→/Home/End with the view focused (and no key while
    it is not), the mode and label toggles: each must change the view as the contract says.
    A Stepper prepares only the label style it shows: without a ``kernel`` (a saved copy)
    the other styles must say they need one and leave the view as it was.

    Returns what was seen (snapshots by name), for further checks by the caller.
    """
    page = root.page
    seen: dict = {}
    s = to_start(root)
    assert s["disabled"][".adv-reset"] and s["disabled"][".adv-prev"], \
        f"Reset/Prev are enabled on the first step: {s['disabled']}"
    assert s["count"] == n, f"count() = {s['count']}, expected {n} steps"
    assert counter(s) == (1, n)
    assert s["modes"] == ["reverse"] and s["labels"] == ["numeric"], (s["modes"], s["labels"])
    assert s["layout"] == "numeric"
    assert s["sliderMax"] == str(n - 1), s["sliderMax"]
    assert f"(1/{n})" in s["title"], s["title"]
    first = seen["first"] = s
    geometry = positions(s)

    # Next, one step at a time, to the end; positions never change
    titles = [s["title"]]
    for k in range(1, n):
        click(root, ".adv-next")
        s = wait_step(root, k)
        assert s["slider"] == str(k), f"slider {s['slider']} at step {k}"
        assert f"({k + 1}/{n})" in s["title"], s["title"]
        titles.append(s["title"])
        if check_positions:
            assert positions(s) == geometry, f"the layout moved at step {k}"
    assert len(set(titles)) == n, f"titles repeat: {titles}"
    seen["last"] = s
    assert drawn(s) != drawn(first), "the last step draws the same as the first"
    # Next on the last step stays there (or is disabled)
    if not s["disabled"][".adv-next"]:
        click(root, ".adv-next")
        page.wait_for_timeout(100)
    assert snapshot(root)["step"] == n - 1

    click(root, ".adv-prev")
    s = wait_step(root, n - 2)
    assert s["title"] == titles[n - 2]
    click(root, ".adv-reset")
    s = wait_step(root, 0)
    assert s["title"] == titles[0] and drawn(s) == drawn(first)

    # slider
    mid = min(5, n - 1)
    s = set_slider(root, mid)
    assert s["title"] == titles[mid]

    # keyboard, with the focus in the view
    root.focus()
    assert snapshot(root)["focused"], "the view cannot take the focus (tabindex)"
    page.keyboard.press("ArrowRight")
    wait_step(root, mid + 1)
    page.keyboard.press("ArrowLeft")
    wait_step(root, mid)
    page.keyboard.press("End")
    wait_step(root, n - 1)
    page.keyboard.press("Home")
    s = wait_step(root, 0)
    # ... and no key acts while the focus is elsewhere
    root.evaluate("el => { document.activeElement && document.activeElement.blur(); }")
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(150)
    assert snapshot(root)["step"] == 0, "a key moved the view while it had no focus"

    # mode toggle: forward mode draws tangents
    set_slider(root, mid)
    before = snapshot(root)
    click(root, '.adv-mode button[data-mode="forward"]')
    s = wait_for(root, """el => [...el.querySelectorAll('.adv-mode button[data-mode]')]
        .some(b => b.dataset.mode === 'forward' && b.getAttribute('aria-pressed') === 'true')""",
                 "forward mode pressed")
    assert s["modes"] == ["forward"], s["modes"]
    assert s["title"] != before["title"]
    assert "tangent" in s["legend"], s["legend"]
    fwd = s
    s = next_until_end(root)
    assert any("tangent" in v["cls"].split() for v in s["nodes"].values()), \
        f"forward mode draws no tangent node at its last step: {drawn(s)}"
    assert drawn(s) != drawn(before)
    seen["forward_last"] = s
    seen["forward_first"] = fwd
    click(root, '.adv-mode button[data-mode="reverse"]')
    s = wait_for(root, """el => el.querySelector('.adv-mode button[data-mode="reverse"]')
        .getAttribute('aria-pressed') === 'true'""", "reverse mode pressed")
    s = to_start(root)
    assert drawn(s) == drawn(first), "back in reverse mode, step 0 draws differently"

    # label toggle: symbolic labels draw other text
    set_slider(root, mid)
    numeric = snapshot(root)
    click(root, '.adv-labels button[data-labels="symbolic"]')
    if not kernel:
        s = wait_for(root, "el => /kernel/i.test(el.querySelector('.adv-message').textContent)",
                     "a message that symbolic labels need the kernel")
        assert s["layout"] == "numeric" and drawn(s) == drawn(numeric), "the view changed"
        return seen
    s = wait_for(root, """el => el.querySelector('.adv-labels button[data-labels="symbolic"]')
        .getAttribute('aria-pressed') === 'true' && el.__advView.layoutKey() === 'symbolic'""",
                 "symbolic labels pressed")
    assert s["labels"] == ["symbolic"] and s["layout"] == "symbolic"
    assert s["step"] == mid, "changing the label style moved the step"
    assert [v["text"] for v in s["nodes"].values()] != \
        [v["text"] for v in numeric["nodes"].values()], "symbolic labels draw the same text"
    seen["symbolic"] = s
    if check_positions:
        sym = positions(s)
        click(root, ".adv-next")
        assert positions(wait_step(root, mid + 1)) == sym, "the symbolic layout moved"
    click(root, '.adv-labels button[data-labels="numeric"]')
    s = wait_for(root, "el => el.__advView.layoutKey() === 'numeric'", "numeric labels back")
    s = to_start(root)
    assert drawn(s) == drawn(first)
    return seen
