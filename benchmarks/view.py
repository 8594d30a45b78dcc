"""Browser-view benchmark: what one Stepper sends and costs, today's view against the old
SVG frames, side by side in one run.

For graphs of about 6, 15, 60 and 150 nodes it prints:

- the state one Stepper sends (view data, every mode and label style it precomputes) against
  the old widget state (one compacted SVG per step + the explanations), and the ratio;
- the ``export_html`` page with a native layout and without ``dot`` (WASM Graphviz inlined);
- the warm build time (second build, layout cached) of the view data against the old frames,
  and the Graphviz processes one cold build starts;
- bytes(150 nodes) / bytes(15 nodes) (linear growth: target ≤ 12);
- with ``--browser``: the frame switch in Chromium (median of 50 ``show(k)`` calls, measured
  with performance.now() inside the page) at 150 and 400 nodes.

Targets (issue 10): state ≤ 30 kB for the course example and ≤ 0.5 MB at 150 nodes; page
≤ 1 MB at 150 nodes; warm build ≤ 0.5 s at 150 nodes; frame switch ≤ 2 ms at 150 nodes and
≤ 5 ms at 400.

    .venv/bin/python benchmarks/view.py [--browser] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import pathlib
import tempfile
import time

import autodiff_viz as adv
from autodiff_viz.render import engine, frames
from autodiff_viz.render.explain import explain
from autodiff_viz.render.export import page
from autodiff_viz.render.view import bundle, view_data

COURSE = "sqrt(log(x)*y) + log(x)*y"


def program(lines: int) -> str:
    """A chain whose every line uses the line above twice: about 2.5 nodes per line."""
    out = ["a0 = x*y"]
    for i in range(1, lines):
        out.append(f"a{i} = sin(a{i - 1}) + a{i - 1}*0.5" if i % 2
                   else f"a{i} = cos(a{i - 1})*a{i - 1}")
    return "\n".join(out)


def graph_of(nodes: int):
    """The program graph with about ``nodes`` nodes."""
    if nodes <= 6:
        return adv.graph(COURSE), {"x": 3, "y": 2}
    lines = max(1, int(nodes / 2.6))
    while len(adv.graph(program(lines + 1)).nodes) <= nodes:
        lines += 1
    return adv.graph(program(lines)), {"x": 0.3, "y": 0.7}


def size(obj) -> int:
    return len(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode())


def old_state(run) -> tuple[int, float]:
    """Bytes and seconds of the old Stepper's state: one SVG per step + explanations."""
    t = time.perf_counter()
    svgs = frames(run)
    words = [explain(run, k, exact=len(run.graph.nodes) <= 30) for k in range(len(run.steps))]
    elapsed = time.perf_counter() - t
    return sum(len(s.encode()) for s in svgs) + sum(len(e.latex.encode()) for e in words), elapsed


def best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def frame_switch(nodes_list: list[int]) -> dict[int, float]:
    """Median milliseconds of one frame switch in Chromium, per graph size."""
    from playwright.sync_api import sync_playwright

    out = {}
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            for n in nodes_list:
                g, at = graph_of(n)
                data = view_data(g.evaluate(**at), labels=("numeric",), max_nodes=max(n, 150))
                path = pathlib.Path(tmp) / f"g{n}.html"
                path.write_text(page(data), encoding="utf-8")
                tab = browser.new_page(viewport={"width": 1366, "height": 768})
                tab.goto(path.as_uri())
                tab.wait_for_selector(".adv-view svg g.node")
                out[len(g.nodes)] = tab.evaluate("""() => {
                    const api = document.querySelector('.adv-view').__advView;
                    const n = api.count(), times = [];
                    for (let i = 0; i < 50; i++) {
                        const k = (i * 7) % n, t = performance.now();
                        api.show(k);
                        times.push(performance.now() - t);
                    }
                    times.sort((a, b) => a - b);
                    return times[25];
                }""")
                tab.close()
        finally:
            browser.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--browser", action="store_true", help="also time frame switches")
    args = ap.parse_args()
    print(f"shared bundle (once per page or notebook): view.js {len(bundle('view')):,} B; "
          f"graphviz.js (WASM, only without dot) {len(bundle('graphviz')):,} B\n")
    print(f"{'nodes':>5} {'steps':>5} | {'state':>9} {'old state':>10} {'ratio':>6} | "
          f"{'page':>9} {'no-dot page':>11} | {'build':>7} {'old build':>9} {'speed-up':>8} | "
          "graphviz calls (cold)")
    sizes = {}
    for n in (6, 15, 60, 150):
        g, at = graph_of(n)
        run = g.evaluate(**at)
        engine.clear_cache()
        engine.STATS.clear()
        data = view_data(run)
        calls = dict(engine.STATS)
        build, data = best(lambda run=run: view_data(run), args.repeat)
        state = size(data)
        sizes[len(g.nodes)] = state
        old_bytes, _ = old_state(run)
        old_build = min(old_state(run)[1] for _ in range(args.repeat))
        page_bytes = len(page(data).encode())
        nodot = len(page(view_data(run, layout=False)).encode())
        print(f"{len(g.nodes):>5} {len(run.steps):>5} | {state:>9,} {old_bytes:>10,} "
              f"{old_bytes / state:>5.1f}× | {page_bytes:>9,} {nodot:>11,} | "
              f"{build:>6.3f}s {old_build:>8.3f}s {old_build / build:>7.1f}× | {calls}")
    small = min(sizes, key=lambda k: abs(k - 15))
    large = max(sizes)
    print(f"\nbytes({large} nodes) / bytes({small} nodes) = {sizes[large] / sizes[small]:.2f} "
          "(target ≤ 12)")
    if args.browser:
        for nodes, ms in frame_switch([150, 400]).items():
            print(f"frame switch in Chromium, {nodes} nodes: {ms:.3f} ms (median of 50)")


if __name__ == "__main__":
    main()
