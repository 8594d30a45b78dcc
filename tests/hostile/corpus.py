"""A corpus of hostile and pathological inputs, one function per case, and a runner.

Each case does what a student or a batch job could do (graph text, evaluation, drawing,
widgets, exact forms, the command line) and returns the message the user would see. A case
fails (raises AssertionError) when the outcome is not a clear message or a correct, flagged
result: a raw exception, an exception class name in the message, an empty message.

Run as a script it runs every case in this one process and prints one JSON line per case
(id, seconds, message) and a last line with the peak memory and any child process left:

    .venv/bin/python tests/hostile/corpus.py

``tests/hostile/test_corpus.py`` runs it in a subprocess and checks the results;
``benchmarks/hostile.py`` prints the timings.
"""

from __future__ import annotations

import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

#: Peak resident memory allowed for the whole corpus run, in MB.
PEAK_MB = 1500
#: Exception names a user may see in a message (never a raw Python class).
_RAW = ("Traceback", "ValueError", "TypeError", "OverflowError", "UnicodeEncodeError",
        "UnicodeDecodeError", "AssertionError", "KeyError", "RecursionError", "MemoryError")

CASES: dict[str, Callable[[], str]] = {}


def case(fn: Callable[[], str]) -> Callable[[], str]:
    CASES[fn.__name__] = fn
    return fn


def _clear(msg: str) -> str:
    assert msg and msg.strip(), "empty message"
    assert not any(r in msg for r in _RAW), f"raw exception text in {msg[:200]!r}"
    return msg


def _refused(text: str, *words: str) -> str:
    """``adv.graph(text)`` must raise ParseError with a message containing ``words``."""
    import autodiff_viz as adv

    try:
        adv.graph(text)
    except adv.ParseError as exc:
        msg = str(exc)
        assert all(w in msg for w in words), (words, msg[:300])
        return _clear(msg)
    raise AssertionError("accepted")


# --- text --------------------------------------------------------------------------------
@case
def long_number():
    return _refused("1" * 100_000 + "*x", "digits")


@case
def long_name_then_plus():
    return _refused("x" * 100_000 + "+", "name")


@case
def five_million_digits():
    return _refused("1" * 4_999_990 + "*x", "digits")


@case
def five_million_sum_one_line():
    return _refused("x" + "+x" * 2_400_000, "one assignment per line")


@case
def two_million_brackets():
    return _refused("(" * 2_500_000, "one assignment per line")


@case
def million_root_calls():
    return _refused("√log(" * 1_000_000, "one assignment per line")


@case
def over_text_limit():
    return _refused("x" * 5_000_001, "limit")


@case
def many_operators():
    return _refused("\n".join(["a1 = x+x+x+x+x+x+x+x+x+x+x+x+x+x+x+x+x+x+x+x"] * 60_000),
                    "operators")


@case
def program_error_on_last_line():  # the worst case: Python's parser reads all of it first
    lines = [f"v{k} = v{k - 1}*2 + 1" for k in range(1, 100_000)]
    return _refused("v0 = x*1\n" + "\n".join(lines) + "\n2x", "2*x")


@case
def lone_surrogate():
    return _refused("x*\ud800", "surrogate")


@case
def cyrillic_lookalike():
    return _refused("x*\u0445 + x", "Latin", "Cyrillic")


@case
def code_injection():
    return _refused("__import__('os').system('touch pwned')", "only plain function calls")


# --- evaluation --------------------------------------------------------------------------
@case
def huge_int_input():
    import autodiff_viz as adv

    try:
        adv.graph("x*y").evaluate(x=10 ** 400, y=1)
    except adv.InputError as exc:
        return _clear(str(exc))
    raise AssertionError("accepted")


@case
def traced_round():
    import autodiff_viz as adv

    try:
        adv.graph(lambda x: round(x) * x)
    except adv.TracingError as exc:
        return _clear(str(exc))
    raise AssertionError("accepted")


@case
def infinite_slope_is_flagged():
    import autodiff_viz as adv

    run = adv.graph("1/x").evaluate(x=1e-200)
    assert run.grad["x"] == -math.inf
    flags = [f for fl in run.flags.values() for f in fl]
    assert any("−∞" in f for f in flags), flags
    return _clear(flags[-1])


@case
def array_kink_only_its_entry():
    import autodiff_viz as adv

    run = adv.graph(lambda x: adv.sum(adv.sqrt(x))).evaluate(x=np.array([0.0, 4.0]))
    assert run.grad["x"].tolist() == [math.inf, 0.25]
    return _clear(run.flags[run.graph.index("x")][0])


# --- exact forms ---------------------------------------------------------------------------
@case
def ten_million_power_exact():
    import autodiff_viz as adv
    from autodiff_viz.exact import ExactTooLarge

    try:
        adv.graph("x**10000000").evaluate(x=1.0000001).exact()
    except ExactTooLarge as exc:
        return _clear(str(exc))
    raise AssertionError("accepted")


@case
def ten_million_power_stepper_symbolic():
    import autodiff_viz as adv
    from autodiff_viz.render import RenderError

    try:
        adv.Stepper("x**10000000", x=1.0000001, labels="symbolic")
    except RenderError as exc:
        return _clear(str(exc))
    raise AssertionError("accepted")


@case
def five_thousand_digit_exact_value():
    import autodiff_viz as adv
    from autodiff_viz.render.table import steps_table

    table = steps_table(adv.graph("x**700").evaluate(x=1.0000001))
    assert "≈" in table
    return _clear(table.splitlines()[-1])


# --- drawing -------------------------------------------------------------------------------
def _view_refused(run, *words: str) -> str:
    from autodiff_viz.render import RenderError
    from autodiff_viz.render.view import view_data

    try:
        view_data(run)
    except RenderError as exc:
        assert all(w in str(exc) for w in words), str(exc)[:300]
        return _clear(str(exc))
    raise AssertionError("drawn")


@case
def node_feeding_a_long_chain():
    import autodiff_viz as adv

    prog = "a1 = x*x\n" + "\n".join(f"a{k} = a{k - 1}*x" for k in range(2, 149))
    return _view_refused(adv.graph(prog).evaluate(x=1.0001), "'x'", "tangled")


@case
def too_many_nodes():
    import autodiff_viz as adv

    run = adv.graph(" + ".join(f"sin(x*{k})" for k in range(1, 80))).evaluate(x=0.5)
    return _view_refused(run, "max_nodes=")


@case
def ten_thousand_character_name():
    import sympy as sp

    import autodiff_viz as adv

    name = "a" * 10_000
    return _view_refused(adv.graph(sp.log(sp.Symbol(name))).evaluate({name: 2}), "16,000")


@case
def paths_exponential():
    import autodiff_viz as adv
    from autodiff_viz.render.view import view_data

    prog = "a1 = x*x\n" + "\n".join(f"a{k} = a{k - 1}*a{k - 1}" for k in range(2, 14))
    data = view_data(adv.graph(prog).evaluate(x=1.0))
    assert "paths|x|numeric" not in data["missing"]
    view = data["views"]["paths|x|numeric"]
    assert view["n"] == 65                       # 64 paths listed, then the sum over all 8,192
    msg = data["strings"][int(view["text"].split(",")[-1])]
    assert "8,192 paths" in msg and "exponentially" in msg and "= 8192" in msg, msg
    return _clear(msg)


# --- widgets -------------------------------------------------------------------------------
@case
def playground_keeps_the_graph():
    from autodiff_viz.widgets import Playground

    pg = Playground("x*y", at="x=3, y=2")
    before = pg.stepper
    shown = []
    for text in ("1" * 100_000 + "*x", "x*\ud800", " + ".join(f"sin(x*{k})" for k in
                                                               range(1, 80)),
                 "a1 = x*x\n" + "\n".join(f"a{k} = a{k - 1}*x" for k in range(2, 149)),
                 "x**10000000"):
        built = pg.build(text, at="x=1.0000001")
        assert pg.stepper is not None
        if text == "x**10000000":  # fine in floating point; exact forms are refused later
            assert built and pg.stepper.run.value == 1.0000001 ** 10_000_000
            continue
        assert built is False, text[:40]
        shown.append(_clear(pg.message))
    assert before is not None
    pg.close()
    return " | ".join(m[:60] for m in shown)


@case
def stepper_input_box():
    from autodiff_viz.widgets import Stepper

    st = Stepper("log(x)*y", x=3, y=2)
    out = []
    for values in ({"x": "abc"}, {"x": 10 ** 400}, {"x": -1}, {"q": 1}, {"x": "1e400"}):
        st._on_message(st, {"kind": "inputs", "values": values}, [])
        out.append(_clear(st.message))
        assert st.run.inputs["x"] == 3.0
    st.close()
    return " | ".join(m[:60] for m in out)


# --- command line --------------------------------------------------------------------------
def _cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autodiff_viz.cli", *args], input=stdin,
                          capture_output=True, timeout=120)


@case
def cli_json_infinity():
    proc = _cli("grad", "1/x", "--at", "x=1e-200", "--json")
    out = json.loads(proc.stdout, parse_constant=lambda c: (_ for _ in ()).throw(
        AssertionError(f"non-JSON constant {c}")))
    assert out["grad"]["x"] is None and out["warnings"], out
    return _clear(out["warnings"][0])


@case
def cli_duplicate_at():
    proc = _cli("grad", "x*y", "--at", "x=3,x=4,y=1")
    assert proc.returncode == 2
    return _clear(proc.stderr.decode())


@case
def cli_not_utf8_stdin():
    proc = _cli("grad", "-", "--at", "x=1", stdin=b"log(x)\xff\xfe")
    assert proc.returncode == 2 and b"UTF-8" in proc.stderr
    return _clear(proc.stderr.decode())


@case
def cli_output_exists_and_symlink():
    folder = Path(tempfile.mkdtemp())
    target = folder / "keep.txt"
    target.write_text("precious")
    link = folder / "fig.dot"
    link.symlink_to(target)
    proc = _cli("render", "x*y", "--at", "x=1,y=2", "-o", str(link))
    assert proc.returncode == 2 and target.read_text() == "precious"
    forced = _cli("render", "x*y", "--at", "x=1,y=2", "-o", str(link), "--force")
    assert forced.returncode == 0 and target.read_text() == "precious", forced.stderr
    assert not link.is_symlink() and link.read_text().startswith("digraph")
    return _clear(proc.stderr.decode())


def children() -> list[str]:
    """Processes whose parent is this one (Linux /proc), as "pid command"."""
    me, out = str(os.getpid()), []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as fh:
                    stat = fh.read()
            except OSError:
                continue
            comm, rest = stat.split(") ", 1)
            if rest.split()[1] == me and rest.split()[0] != "Z":
                out.append(f"{d} {comm.split('(', 1)[1]}")
    return out


def main() -> None:
    only = sys.argv[1:]
    for name, fn in CASES.items():
        if only and name not in only:
            continue
        t = time.perf_counter()
        try:
            msg, ok = fn(), True
        except BaseException as exc:  # noqa: BLE001 - reported, not raised
            msg, ok = f"{type(exc).__name__}: {exc}"[:500], False
        print(json.dumps({"case": name, "seconds": round(time.perf_counter() - t, 4),
                          "ok": ok, "message": msg[:300]}), flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peak_mb": round(peak, 1), "children": children()}), flush=True)


if __name__ == "__main__":
    main()
