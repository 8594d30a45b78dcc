"""The ``autodiff-viz`` console script, run for real in a subprocess.

``grad --json`` prints exactly ``{"value": ..., "grad": {...}}``; bad input prints a message on
stderr and exits with code 2, never a traceback.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SEED_DFDX, SEED_DFDY, SEED_EXPRESSION, SEED_PROGRAM, SEED_VALUE


def _exe() -> str:
    exe = Path(sys.executable).with_name("autodiff-viz")
    if exe.exists():
        return str(exe)
    found = shutil.which("autodiff-viz")
    if not found:
        pytest.skip("the autodiff-viz console script is not installed (pip install -e .)")
    return found


def cli(*args: str, stdin: str | None = None, cwd: Path | None = None):
    return subprocess.run([_exe(), *args], capture_output=True, text=True, input=stdin,
                          cwd=cwd, timeout=120)


@pytest.mark.parametrize("text", [SEED_EXPRESSION, SEED_PROGRAM, "√(log(x)·y) + log(x)·y"])
def test_grad_json_is_exactly_value_and_grad(text, tmp_path):
    proc = cli("grad", text, "--at", "x=3,y=2", "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert proc.stdout.endswith("\n") and proc.stdout.count("\n") == 1
    out = json.loads(proc.stdout)
    assert list(out) == ["value", "grad"]
    assert set(out["grad"]) == {"x", "y"}
    assert out["value"] == pytest.approx(SEED_VALUE, rel=1e-12)
    assert out["grad"]["x"] == pytest.approx(SEED_DFDX, rel=1e-12)
    assert out["grad"]["y"] == pytest.approx(SEED_DFDY, rel=1e-12)
    assert all(isinstance(v, float) for v in (out["value"], *out["grad"].values()))


def test_grad_reads_standard_input():
    proc = cli("grad", "-", "--at", "x=3, y=2", "--json", stdin=SEED_PROGRAM)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["grad"]["y"] == pytest.approx(SEED_DFDY, rel=1e-12)


def test_grad_includes_inputs_the_output_ignores():
    proc = cli("grad", "log(x)*y", "--at", "x=1,y=5", "--json")
    assert json.loads(proc.stdout) == {"value": 0.0, "grad": {"x": 5.0, "y": 0.0}}


def test_grad_text_output():
    proc = cli("grad", SEED_EXPRESSION, "--at", "x=3,y=2")
    assert proc.returncode == 0, proc.stderr
    numbers = [float(m) for m in re.findall(r"=\s*(-?\d+\.\d+(?:e-?\d+)?)", proc.stdout)]
    assert numbers == pytest.approx([SEED_VALUE, SEED_DFDX, SEED_DFDY], rel=1e-9)
    assert "x" in proc.stdout and "y" in proc.stdout


@pytest.mark.parametrize("args, words", [
    (["grad", "2x + y", "--at", "x=1,y=2"], ["2*x"]),
    (["grad", "lg(x)", "--at", "x=1"], ["log"]),
    (["grad", "foo(x, y)", "--at", "x=1,y=2"], ["foo", "sqrt"]),
    (["grad", "import os", "--at", "x=1"], ["import"]),
    (["grad", "__import__('os').system('echo pwned')", "--at", "x=1"], ["function call"]),
    (["grad", "", "--at", "x=1"], ["empty"]),
    (["grad", "log(x)", "--at", "x=-1"], ["'f'", "log(-1)"]),
    (["grad", "x/y", "--at", "x=1,y=0"], ["div", "nonzero"]),
    (["grad", "exp(x)", "--at", "x=1000"], ["exp", "709"]),
    (["grad", "log(x)*y", "--at", "x=1"], ["missing value for y", "--at x=1.0,y=1.0"]),
    (["steps", "log(x)*y", "--at", "y=1"], ["missing value for x", "--at x=1.0,y=1.0"]),
    (["render", "log(x)*y", "-o", "f.svg"], ["missing value for x, y", "--at x=1.0,y=1.0"]),
    (["html", "log(x)*y", "--at", "x=1", "-o", "w.html"], ["--at x=1.0,y=1.0"]),
    (["grad", "log(x)", "--at", "x=1,z=2"], ["z is not an input"]),
    (["render", "x*y", "--at", "x=1,y=2", "-o", "no/such/dir/f.svg"],
     ["no/such/dir/f.svg", "No such file", "folder exists"]),
    (["html", "x*y", "--at", "x=1,y=2", "-o", "no/such/dir/w.html"],
     ["no/such/dir/w.html", "folder exists"]),
    (["grad", "log(x)", "--at", "x3"], ["name=value", "x=3"]),
    (["grad", "log(x)", "--at", "x=three"], ["'three' is not a number"]),
    (["grad", "log(x)", "--at", "x=inf"], ["finite"]),
    (["grad", "a = log(x)\na = a*2", "--at", "x=1"], ["assigned twice"]),
    (["grad", "sqrt(" * 2000 + "x" + ")" * 2000, "--at", "x=1"], ["nested"]),
    (["grad"], ["expr"]),
    (["frobnicate", "x"], ["invalid choice"]),
    ([], ["command"]),
])
def test_bad_input_exit_code_2_message_on_stderr(args, words, tmp_path):
    proc = cli(*args, cwd=tmp_path)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(("autodiff-viz: error", "usage: autodiff-viz"))
    for w in words:
        assert w in proc.stderr, (w, proc.stderr)
    assert list(tmp_path.iterdir()) == []


def test_help():
    proc = cli("--help")
    assert proc.returncode == 0
    assert "grad" in proc.stdout and "steps" in proc.stdout


@pytest.mark.parametrize("extra", [[], ["--no-exact"]])
def test_steps_table(extra):
    proc = cli("steps", SEED_PROGRAM, "--at", "x=3,y=2", *extra)
    assert proc.returncode == 0, proc.stderr
    rows = [line.split() for line in proc.stdout.splitlines()
            if re.match(r"\s*\d+\s+(forward|backward)\s", line)]
    assert [(int(r[0]), r[1]) for r in rows] == (
        [(k, "forward") for k in range(4)] + [(k, "backward") for k in range(4, 10)])
    assert [r[2] for r in rows[:4]] == ["a", "b", "c", "f"]
    assert sorted(r[2] for r in rows[4:]) == ["a", "b", "c", "f", "x", "y"]
    by_node = {r[2]: r for r in rows[4:]}
    # the adjoint of b is the sum of two contributions, from c and from f
    assert "c̄" in " ".join(by_node["b"]) and "f̄" in " ".join(by_node["b"])
    # the backward rows carry the gradient entries, to the printed precision
    for node, expected in (("x", SEED_DFDX), ("y", SEED_DFDY)):
        values = [float(t) for t in by_node[node] if re.fullmatch(r"-?\d+\.\d+", t)]
        assert any(math.isclose(v, expected, rel_tol=1e-5) for v in values), by_node[node]
    if not extra:
        assert "log(3)" in proc.stdout


def test_steps_bad_input():
    proc = cli("steps", "2x", "--at", "x=1")
    assert proc.returncode == 2 and "2*x" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout == ""


# ----------------------------------------------------------------------------------------
# A reader that stops early (`autodiff-viz steps ... | head`): quiet exit 141, no message
# ----------------------------------------------------------------------------------------

_LONG_PROGRAM = "\n".join(["v1 = x*y"] + [f"v{k} = v{k - 1}*x + y" for k in range(2, 400)])


@pytest.mark.parametrize("args", [
    ["grad", SEED_PROGRAM, "--at", "x=3,y=2"],
    ["steps", SEED_PROGRAM, "--at", "x=3,y=2"],
])
def test_closed_stdout_exits_quietly_with_141(args):
    import os

    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will ever read: the first write gets EPIPE
    try:
        proc = subprocess.run([_exe(), *args], stdout=write_end, stderr=subprocess.PIPE,
                              text=True, timeout=120)
    finally:
        os.close(write_end)
    assert proc.stderr == ""
    assert proc.returncode == 141


def test_reader_that_stops_after_one_line_like_head():
    proc = subprocess.Popen([_exe(), "steps", "-", "--at", "x=0.5,y=0.25", "--no-exact"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    proc.stdin.write(_LONG_PROGRAM)
    proc.stdin.close()
    first = proc.stdout.readline()  # the output is far larger than a pipe's buffer
    proc.stdout.close()
    code = proc.wait(timeout=120)
    err = proc.stderr.read()
    proc.stderr.close()
    assert first.startswith("v399 = ")
    assert err == "" and code == 141, (code, err)


def test_main_returns_141_when_stdout_breaks_in_process(monkeypatch, capsys):
    from autodiff_viz.cli import EXIT_BROKEN_PIPE, main

    class Broken:
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self) -> None:
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", Broken())
    assert main(["grad", "log(x)*y", "--at", "x=3,y=2"]) == EXIT_BROKEN_PIPE == 141
    assert capsys.readouterr().err == ""
