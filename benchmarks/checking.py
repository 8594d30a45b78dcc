"""Answer-checking benchmark: median times of a typical check, a rejection, the worst input.

- typical check: ``ex.check(answer)`` on the worked example's exercises (a local derivative
  typed as a formula, ∂f/∂x typed as a decimal and as an exact expression, and a wrong answer
  whose mistake is named), numeric sampling only (the default);
- rejection: every string of the hostile corpus in tests/grading/test_answers.py;
- pathological: every input of the pathological corpus, checked with symbolic confirmation
  on (1 s limit), the median of its repeats, and the worst of those medians.

Targets (issue 5): typical <= 20 ms, rejection <= 100 ms, worst pathological <= 2 s. The
ratio column is time / target (<= 1 meets the target).

Usage::

    .venv/bin/python benchmarks/checking.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import importlib.util
import pathlib
import statistics
import time
from collections.abc import Callable
from typing import Any

import autodiff_viz as adv

ROOT = pathlib.Path(__file__).resolve().parents[1]
TARGETS = {"typical": 0.020, "rejection": 0.100, "pathological": 2.0}


def _corpora() -> tuple[list[str], list[str]]:
    spec = importlib.util.spec_from_file_location(
        "_corpus", ROOT / "tests" / "symbolic" / "test_parse.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    hostile = [h.replace(mod.SENTINEL_TOKEN, "/tmp/adv-bench-sentinel") for h in mod.HOSTILE]
    return hostile, list(mod.PATHOLOGICAL)


def _time(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    hostile, pathological = _corpora()

    program = "a = log(x)\nb = a*y\nc = sqrt(b)\nf = c + b"
    local = adv.exercises.local_derivative(program)
    grad_x = adv.exercises.gradient(program, wrt="x")
    typical = [(local, "1/(2*sqrt(b))"), (local, "0.5*b^(-1/2)"), (grad_x, "0.8915"),
               (grad_x, "2/3 + 1/(3*sqrt(2*log(3)))"), (grad_x, "0.6667")]
    for ex, ans in typical:  # warm-up (sympy caches, first imports)
        ex.check(ans)

    rows = []
    t = [_time(lambda ex=ex, a=a: ex.check(a)) for _ in range(args.repeat * 20)
         for ex, a in typical]
    rows.append(("typical check", statistics.median(t), "typical"))
    t_sym = [_time(lambda: local.check("1/(2*sqrt(b))")) for _ in range(args.repeat)]
    sym = adv.check("log(x**2)/2", "log(x)", variables=("x",), symbolic=True)
    t_sym2 = [_time(lambda: adv.check("log(x**2)/2", "log(x)", variables=("x",),
                                      symbolic=True)) for _ in range(args.repeat)]
    t = [_time(lambda h=h: adv.check(h, "x")) for _ in range(args.repeat) for h in hostile]
    rows.append((f"rejection ({len(hostile)} hostile strings)", statistics.median(t),
                 "rejection"))
    worst_rej = max(t)
    worst, worst_text = 0.0, ""
    for p in pathological:
        med = statistics.median(
            _time(lambda p=p: adv.check(p, "x + y", symbolic=True, timeout=1.0))
            for _ in range(args.repeat))
        if med > worst:
            worst, worst_text = med, p
    # an equal answer whose symbolic proof is slow: the child is killed at the 1 s limit
    import sympy

    x = sympy.Symbol("x")
    heavy = sympy.expand((x + 1) ** 40 * (x - 2) ** 20)
    med = statistics.median(
        _time(lambda: adv.check("(x+1)**40*(x-2)**20", heavy, variables=("x",),
                                domain=(0.5, 1.5), symbolic=True, timeout=1.0))
        for _ in range(args.repeat))
    if med > worst:
        worst, worst_text = med, "(x+1)**40*(x-2)**20 (symbolic proof killed at 1 s)"
    rows.append((f"worst pathological ({len(pathological) + 1} inputs)", worst,
                 "pathological"))

    print(f"{'case':<42} {'median':>10} {'target':>9} {'ratio':>7}")
    for name, secs, key in rows:
        target = TARGETS[key]
        print(f"{name:<42} {secs * 1e3:>8.2f}ms {target * 1e3:>7.0f}ms {secs / target:>7.3f}")
    print(f"  slowest single rejection: {worst_rej * 1e3:.2f} ms")
    print(f"  worst pathological input: {worst_text[:50]!r}")
    print(f"  (info) check with symbolic confirmation, exact form equal: "
          f"{statistics.median(t_sym) * 1e3:.2f} ms; via sympy in a child process "
          f"({sym.status}): {statistics.median(t_sym2) * 1e3:.1f} ms")
    ok = all(secs <= TARGETS[key] for _, secs, key in rows)
    print("all targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
