"""Render benchmark: all frames of the seed graph and of a ~60-node graph.

Ours (one ``dot`` layout per graph, every frame drawn by one ``neato -n2`` process) against
the naive way (a fresh ``dot -Tsvg`` layout per step). Prints times, ratios, the number of
Graphviz processes per kind, how many naive frames moved a node, and the total bytes of the
frames as Graphviz writes them and compacted (what a notebook stores). Target: seed graph
frames <= 0.5 s.

    .venv/bin/python benchmarks/render.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import time

import autodiff_viz as adv
from autodiff_viz.render import engine, frames
from autodiff_viz.render.dot import GRAPH_NAME, scene_lines
from autodiff_viz.render.scene import Texts, scene

SEED = "a = log(x)\nb = a*y\nc = sqrt(b)\nf = c + b"
BIG = " + ".join(f"sin(x*{k})*y" for k in range(1, 13))
_NODE = re.compile(r'<g id="(n\d+)" class="node[^"]*">\s*<title>[^<]*</title>\s*<(?:path|polygon)'
                   r'[^>]*(?:d|points)="([^"]+)"')


def naive_frames(run) -> list[str]:
    """A fresh ``dot`` layout for every step (what redrawing from scratch costs)."""
    texts = Texts(run)
    out = []
    for k in range(len(run.steps)):
        body = scene_lines(scene(run, k, texts=texts))
        source = f"digraph {GRAPH_NAME} {{\n" + "".join(body) + "}\n"
        out.append(subprocess.run(["dot", "-Tsvg"], input=source.encode(), capture_output=True,
                                  check=True).stdout.decode())
    return out


def moved(svgs: list[str]) -> int:
    """How many frames place some node differently from the first frame."""
    first = dict(_NODE.findall(svgs[0]))
    return sum(dict(_NODE.findall(s)) != first for s in svgs[1:])


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        engine.clear_cache()
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    for label, text, at in (("seed", SEED, {"x": 3, "y": 2}),
                            ("60-node", BIG, {"x": 0.3, "y": 2})):
        run = adv.graph(text).evaluate(**at)
        n = len(run.steps)
        before = engine.STATS.copy()
        ours, svgs = timed(lambda run=run: frames(run), args.repeat)
        layouts = (engine.STATS["layout"] - before["layout"]) / args.repeat
        renders = (engine.STATS["render"] - before["render"]) / args.repeat
        t = time.perf_counter()
        frames(run)  # layout cached: only the neato -n2 batch
        warm = time.perf_counter() - t
        naive, naive_svgs = timed(lambda run=run: naive_frames(run), args.repeat)
        print(f"{label}: {len(run.graph.nodes)} nodes, {n} frames")
        print(f"  ours (cold)  {ours:7.3f} s   dot layouts per call: {layouts:g}, "
              f"neato -n2 processes: {renders:g}, frames with a moved node: {moved(svgs)}")
        print(f"  ours (warm)  {warm:7.3f} s   (layout cached)")
        print(f"  fresh dot    {naive:7.3f} s   dot processes: {n}, "
              f"frames with a moved node: {moved(naive_svgs)}")
        raw = sum(len(s.encode()) for s in frames(run, compact=False))
        small = sum(len(s.encode()) for s in svgs)
        print(f"  frame bytes  Graphviz {raw:,}  compact {small:,}  ratio {raw / small:.2f}x  "
              f"({small / n / 1000:.1f} kB per frame)")
        print(f"  ratio fresh/ours: {naive / ours:.1f}x" +
              (f"   target seed <= 0.5 s: {'OK' if ours <= 0.5 else 'MISSED'}"
               if label == "seed" else ""))


if __name__ == "__main__":
    main()
