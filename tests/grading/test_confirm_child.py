"""The symbolic-check child: dies with its parent, has a memory limit, works in Pool workers,
and falls back to an in-process proof (with a size proof) where no process can be made."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
import sympy

from autodiff_viz.grading import checker
from autodiff_viz.grading.checker import check, confirm

X = sympy.Symbol("x")
linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork + /proc")


def _gone(pid: int) -> bool:
    """True when ``pid`` no longer runs (a zombie waiting for init counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def _graded(_: int) -> tuple[str, bool]:
    fb = check("1/(2*sqrt(b))", "(1/2)/sqrt(b)", variables=("b",), symbolic=True)
    return fb.status, fb.correct


def test_symbolic_check_works_inside_a_pool_worker():
    # batch grading: Pool workers are daemonic, and multiprocessing forbids them children
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.map(_graded, [0]) == [("correct", True)]


@linux
def test_the_child_dies_with_its_parent(tmp_path):
    pidfile = tmp_path / "child.pid"
    script = textwrap.dedent(f"""
        import os
        from autodiff_viz.grading.checker import _run_forked

        def busy(path):
            with open(path + ".tmp", "w") as fh:
                fh.write(str(os.getpid()))
            os.replace(path + ".tmp", path)
            while True:
                pass

        _run_forked(busy, ({str(pidfile)!r},), 60.0)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 30
        while not pidfile.exists():
            assert time.monotonic() < deadline, "the child never started"
            assert parent.poll() is None, "the parent died early"
            time.sleep(0.05)
        child = int(pidfile.read_text())
        assert not _gone(child)
        parent.send_signal(signal.SIGKILL)  # SIGKILL: no cleanup code runs in the parent
        parent.wait(10)
        deadline = time.monotonic() + 5
        while not _gone(child):
            assert time.monotonic() < deadline, f"child {child} still runs after its parent died"
            time.sleep(0.05)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


@linux
def test_the_child_has_a_memory_limit():
    t = time.monotonic()
    status, result = checker._run_forked(lambda: len(bytearray(4 * checker.CHILD_MEMORY)), (),
                                         20.0)
    assert (status, result) == ("done", None)   # MemoryError in the child: no result
    assert time.monotonic() - t < 10
    assert _gone(checker.last_child)


@linux
def test_a_timeout_kills_the_child_and_leaves_no_process():
    status, _ = checker._run_forked(lambda: [0 for _ in iter(int, 1)], (), 0.3)
    assert status == "timeout"
    assert _gone(checker.last_child)


def test_without_processes_small_proofs_run_in_process(monkeypatch):
    # as under Pyodide/JupyterLite: no fork, and importing multiprocessing fails
    monkeypatch.delattr(os, "fork")
    monkeypatch.setitem(sys.modules, "multiprocessing", None)
    assert checker._proof_process() == "inline"
    assert confirm(sympy.log(X ** 2), 2 * sympy.log(X), positive=["x"]) == "equal"
    t = time.monotonic()
    big = (X + 1) ** 60
    assert confirm(big, sympy.expand(big) + 0) == "unknown"  # no size proof: not tried
    assert time.monotonic() - t < 1.0
    fb = check("1/(2*sqrt(b))", "(1/2)/sqrt(b)", variables=("b",), symbolic=True)
    assert fb.correct and fb.status == "correct"


def test_daemonic_process_without_fork_uses_the_inline_path(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")   # not Linux: no plain fork here
    monkeypatch.setattr(multiprocessing.current_process(), "daemon", True, raising=False)
    assert checker._proof_process() == "inline"


@linux
def test_the_budget_is_cpu_time_so_a_starved_child_may_finish(monkeypatch):
    # a child that gets little CPU (a busy machine) is not cut off at the wall-clock budget…
    def slow():
        time.sleep(0.6)
        return True

    assert checker._run_forked(slow, (), 0.3) == ("done", True)   # sleeping uses no CPU
    # …but one that burns its CPU budget is stopped, and so is one we cannot measure
    assert checker._run_forked(lambda: [0 for _ in iter(int, 1)], (), 0.3)[0] == "timeout"
    monkeypatch.setattr(checker, "_cpu_seconds", lambda pid: None)
    assert checker._run_forked(slow, (), 0.3)[0] == "timeout"
