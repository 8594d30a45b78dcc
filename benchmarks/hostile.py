"""Hostile-input benchmark: time to a clear message for every case of the hostile corpus.

- refusal of huge text: the best of ``--repeat`` runs of ``adv.graph(text)`` for texts of
  2.5-5 million characters that are refused before parsing (target 50 ms each);
- the corpus (``tests/hostile/corpus.py``): every case once, in one process, its time, the
  worst time, the peak memory of the process and the child processes left (none expected).

The ratio column is time / target (<= 1 meets the target).

Usage::

    .venv/bin/python benchmarks/hostile.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import importlib.util
import pathlib
import resource
import time

import autodiff_viz as adv

ROOT = pathlib.Path(__file__).resolve().parents[1]
REFUSAL_TARGET = 0.050

HUGE = {
    "5M digits": "1" * 4_999_990 + "*x",
    "5M-character name": "x" * 4_999_999 + "+",
    "x+x+… 4.8M characters": "x" + "+x" * 2_400_000,
    "2.5M open brackets": "(" * 2_500_000,
    "1M √log(": "√log(" * 1_000_000,
    "60,000 lines of 20 operators": "a1 = x+x+x+x+x+x+x+x+x+x+x+x+x+x+x+x+x+x+x+x\n" * 60_000,
    "100,000 × '1' then *x": "1" * 100_000 + "*x",
    "100,000 × 'x' then +": "x" * 100_000 + "+",
}


def _corpus():
    spec = importlib.util.spec_from_file_location("_corpus", ROOT / "tests" / "hostile" /
                                                  "corpus.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    print(f"{'refusal of huge text':<34} {'chars':>9} {'best s':>9} {'ratio':>7}")
    worst_refusal = 0.0
    for name, text in HUGE.items():
        best = float("inf")
        for _ in range(args.repeat):
            t = time.perf_counter()
            try:
                adv.graph(text)
            except adv.ParseError:
                pass
            else:
                raise SystemExit(f"{name}: accepted")
            best = min(best, time.perf_counter() - t)
        worst_refusal = max(worst_refusal, best)
        print(f"{name:<34} {len(text):>9,} {best:>9.4f} {best / REFUSAL_TARGET:>7.2f}")
    corpus = _corpus()
    print(f"\n{'corpus case':<38} {'seconds':>9}  outcome")
    times = {}
    failed = 0
    for name, fn in corpus.CASES.items():
        t = time.perf_counter()
        try:
            fn()
            outcome = "clear message"
        except BaseException as exc:  # noqa: BLE001 - reported
            outcome = f"FAILED: {type(exc).__name__}: {str(exc)[:80]}"
            failed += 1
        times[name] = time.perf_counter() - t
        print(f"{name:<38} {times[name]:>9.3f}  {outcome}")
    worst = max(times, key=times.get)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\ncases: {len(times)}, failed: {failed}; worst: {worst} {times[worst]:.3f} s; "
          f"worst huge-text refusal: {worst_refusal * 1000:.1f} ms "
          f"(target {REFUSAL_TARGET * 1000:.0f} ms); peak memory {peak:.0f} MB "
          f"(cap {corpus.PEAK_MB} MB); child processes left: {len(corpus.children())}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
