"""Stepper benchmark: kernel-side time per step change, and time to build all frames.

- per step: ``stepper.next()`` / ``stepper.step = k`` / a slider move arriving from the
  browser (``set_state``), with every outgoing widget message JSON-encoded as the kernel
  would (a comm that serializes instead of the no-op one used without a kernel). Median
  over all steps, repeated ``--repeat`` times (fastest run kept: the machine is shared).
- frames: ``render.frames(run)`` (one SVG per step, one layout), the explanations, and the
  whole ``Stepper(...)`` construction, for the worked example and a ~60-node graph.

Target (issue 4): <= 5 ms per step kernel-side. The ratio column is time / target
(<= 1 meets it). Frame-build times are reported (their target is the rendering issue's).

Usage::

    .venv/bin/python benchmarks/stepping.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

import comm

SEED = "a = log(x)\nb = a*y\nc = sqrt(b)\nf = c + b"
STEP_TARGET_MS = 5.0


class _SerializingComm(comm.DummyComm):
    """Like the kernel's comm: every message is JSON-encoded (then dropped)."""

    sent = 0

    def publish_msg(self, msg_type: str, data: Any = None, metadata: Any = None,
                    buffers: Any = None, **keys: Any) -> None:
        json.dumps({"msg_type": msg_type, "data": data, "metadata": metadata})
        _SerializingComm.sent += 1


def _install_comm() -> None:
    comm.create_comm = lambda *a, **k: _SerializingComm(*a, **k)
    import ipywidgets.widgets.widget as widget_module

    widget_module.comm.create_comm = comm.create_comm


def program_60() -> str:
    """A 60-node program: two inputs and 58 one-operation lines (add, mul, sin, tanh)."""
    lines = ["v1 = x*y", "v2 = sin(x)", "v3 = v1 + v2"]
    ops = ["{a} + {b}", "{a}*{b}", "sin({a})", "tanh({a})"]
    for k in range(4, 58):
        lines.append(f"v{k} = " + ops[k % len(ops)].format(a=f"v{k - 1}", b=f"v{k - 3}"))
    lines.append("f = v57 + v56")
    return "\n".join(lines)


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def bench(name: str, text: str, inputs: dict[str, float], repeat: int) -> list[list[str]]:
    from autodiff_viz.core import evaluate, from_text
    from autodiff_viz.render import frames
    from autodiff_viz.render.explain import explain_all
    from autodiff_viz.widgets import Stepper

    g = from_text(text)
    run = evaluate(g, inputs)
    rows = []
    n_steps = len(run.steps)
    frames(run)  # warm the layout cache once: the first call also lays the graph out
    t_frames = _best(lambda: frames(evaluate(g, inputs)), repeat)
    t_expl = _best(lambda: explain_all(evaluate(g, inputs), exact=len(g.nodes) <= 30), repeat)
    t_build = _best(lambda: Stepper(g, inputs).close(), repeat)
    s = Stepper(g, inputs)
    per_step: list[list[float]] = []
    for _ in range(repeat):
        s.reset()
        times = []
        for _ in range(1, s.n_steps):
            t = time.perf_counter()
            s.next()
            times.append(time.perf_counter() - t)
        for k in range(s.n_steps - 1, -1, -1):
            t = time.perf_counter()
            s._slider.set_state({"value": k})    # a slider move sent by the browser
            times.append(time.perf_counter() - t)
        per_step.append(times)
    best = min(per_step, key=statistics.median)  # the least disturbed repeat
    step_ms = statistics.median(best) * 1e3
    worst_ms = max(best) * 1e3
    s.close()
    label = f"{name} ({len(g.nodes)} nodes, {n_steps} steps)"
    rows.append([label, "step change (median)", f"{step_ms:.3f} ms", f"{STEP_TARGET_MS} ms",
                 f"{step_ms / STEP_TARGET_MS:.3f}"])
    rows.append([label, "step change (worst)", f"{worst_ms:.3f} ms", f"{STEP_TARGET_MS} ms",
                 f"{worst_ms / STEP_TARGET_MS:.3f}"])
    rows.append([label, "render.frames (all steps)", f"{t_frames * 1e3:.1f} ms",
                 "rendering issue", "-"])
    rows.append([label, "explanations (all steps)", f"{t_expl * 1e3:.1f} ms", "-", "-"])
    rows.append([label, "Stepper(...) total", f"{t_build * 1e3:.1f} ms", "-", "-"])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    _install_comm()
    rows = bench("worked example", SEED, {"x": 3.0, "y": 2.0}, args.repeat)
    rows += bench("60-node graph", program_60(), {"x": 0.7, "y": 0.3}, args.repeat)
    head = ["graph", "what", "time", "target", "ratio"]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for r in [head, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    print(f"(widget messages JSON-encoded: {_SerializingComm.sent})")


if __name__ == "__main__":
    main()
