"""Malformed and hostile input: clear messages, a position, a suggested fix, nothing executed.

Also the engine's runtime errors: DomainError names the node, its op and the bad value;
non-differentiable points are flagged on the step; Python control flow on a traced value
raises a TracingError that says why.
"""

from __future__ import annotations

import builtins
import math
import subprocess
import sys

import numpy as np
import pytest

import autodiff_viz as adv
from autodiff_viz import DomainError, InputError, ParseError, TracingError
from autodiff_viz.core.primitives import FUNCTIONS


def parse_error(text: str) -> ParseError:
    with pytest.raises(ParseError) as info:
        adv.graph(text)
    return info.value


# --------------------------------------------------------------------------------------------
# Typical mistakes: what is wrong, where, and the fix
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, token, fix", [
    ("2x + 1", "2x", "2*x"),
    ("3.5y", "3.5y", "3.5*y"),
    ("a = log(x)\nb = 2a", "2a", "2*a"),
    ("sqrt x", "sqrt x", "sqrt(x)"),
    ("ln x", "ln x", "log(x)"),
    ("x(1+y)", "x", "x*(1+y)"),
    ("(x+1)(x-1)", "(x+1)(x-1)", "(x+1)*(x-1)"),
    ("2(x+1)", "2(x+1)", "2*(x+1)"),
    ("2 x", "2 x", "2*x"),
    ("x y", "x y", "x*y"),
])
def test_missing_operator_or_brackets_suggests_the_fix(text, token, fix):
    err = parse_error(text)
    assert err.token == token
    assert fix in str(err)
    assert err.line is not None and err.col is not None
    assert str(err).startswith(f"line {err.line}, column {err.col}: ")


def test_position_points_at_the_offending_token():
    err = parse_error("a = log(x)\nb = a*y\nc = 2b")
    assert (err.line, err.col, err.token) == (3, 5, "2b")
    err = parse_error("x + foo(y)")
    assert (err.line, err.col, err.token) == (1, 5, "foo")


@pytest.mark.parametrize("name, meant", [("lg", "log"), ("sqr", "sqrt"), ("Sqrt", "sqrt"),
                                         ("Relu", "relu"), ("sigmod", "sigmoid")])
def test_misspelt_function_suggests_the_right_one(name, meant):
    err = parse_error(f"{name}(x) + 1")
    assert err.token == name
    assert f"did you mean {meant}(" in str(err)
    assert "Supported:" in str(err)


@pytest.mark.parametrize("text", ["frobnicate(x, y)", "foo(x)", "getattr(x, y)"])
def test_unknown_function_lists_the_supported_ones(text):
    err = parse_error(text)
    for name in FUNCTIONS:
        assert name in str(err)
    assert text.split("(")[0] in str(err)


@pytest.mark.parametrize("text", ["exec('x')", "eval(x)", "print(x)", "open('f')",
                                  "__import__('os')", "foo('x')"])
def test_no_product_suggestion_that_would_itself_be_rejected(text):
    err = parse_error(text)
    name = text.split("(")[0]
    assert f"{name}*(" not in str(err)
    assert name in str(err) and "sqrt" in str(err)  # names the call, lists what is allowed


def test_caret_is_a_power():
    run = adv.graph("x^3 + x^2").evaluate(x=2)
    assert run.value == 12.0
    assert run.grad["x"] == 3 * 4 + 2 * 2
    assert adv.graph("x^y").output.op == "pow"


def test_unicode_operators_are_accepted():
    run = adv.graph("√(x)·y − x² ÷ y").evaluate(x=4, y=2)
    assert run.value == pytest.approx(2 * 2 - 16 / 2)


@pytest.mark.parametrize("text, at, expect", [
    ("σ(x)*y", {"x": 0.0, "y": 3.0}, 0.5 * 3),        # the drawings write sigmoid as σ
    ("x⋅y – 1", {"x": 2.0, "y": 3.0}, 2 * 3 - 1),     # dot operator and en dash, as in answers
    ("π*x + pi", {"x": 2.0}, 3 * math.pi),
])
def test_symbols_the_drawings_use_can_be_typed_back(text, at, expect):
    g = adv.graph(text)
    assert sorted(g.inputs) == sorted(at)
    assert g.evaluate(**at).value == pytest.approx(expect)
    assert all("#" not in n.name for n in g.nodes)   # one π constant, not π#2


@pytest.mark.parametrize("text, at, expect", [
    ("x² + √x", 4.0, 16 + 2),
    ("√x + 1", 9.0, 3 + 1),
    ("√2*x", 3.0, math.sqrt(2) * 3),
    ("√x1*x1", 4.0, 2 * 4),
    ("√log(x)*x", math.e ** 4, 2 * math.e ** 4),
    ("√ log (x*x)", math.e, math.sqrt(2)),
])
def test_root_sign_without_brackets_takes_the_next_name(text, at, expect):
    g = adv.graph(text)
    assert list(g.inputs) == (["x1"] if "x1" in text else ["x"])   # no input named sqrtx
    assert g.evaluate(**{g.inputs[0]: at}).value == pytest.approx(expect)


@pytest.mark.parametrize("text, words", [
    ("sqrt(x", ["unbalanced", "1 '('", "0 ')'"]),
    ("log(x))", ["unbalanced"]),
    ("log(x, y)", ["takes 1 argument", "got 2"]),
    ("log()", ["takes 1 argument", "got 0"]),
    ("log(x=1)", ["keyword"]),
    ("sqrt(*x)", ["starred"]),
    ("x % 2", ["'%'", "not supported"]),
    ("x // 2", ["'//'", "not supported"]),
    ("~x", ["'~'"]),
    ("not x", ["'not'"]),
    ("x < y", ["comparison"]),
    ("x and y", ["and/or"]),
    ("x if y else 2", ["if-else"]),
    ("x == 1", ["a comparison is not allowed"]),
    ("sum(x)", ["array operation", "Python function"]),
    ("mean(x)", ["array operation", "Python function"]),
    ("[x, y]", ["lists"]),
    ("x, y", ["tuples"]),
    ("{x: 1}", ["dictionaries"]),
    ("x[0]", ["indexing"]),
    ("'a'*x", ["'a' is not a number"]),
    ("True*x", ["True is not a number"]),
    ("x * 1e999", ["too large"]),
    ("_x + 1", ["'_'"]),
    ("sin + 1", ["sin is a function", "sin(...)"]),
    ("", ["empty"]),
    ("   \n  ", ["empty"]),
    ("x", ["computes nothing"]),
    ("3", ["computes nothing"]),
])
def test_malformed_expressions(text, words):
    message = str(parse_error(text))
    for w in words:
        assert w in message, (w, message)


@pytest.mark.parametrize("text, words", [
    ("a = log(x)\na = a*y", ["'a' is assigned twice", "line 1 and line 2", "a2"]),
    ("b = a*y\na = log(x)", ["'a' is used on line 1 before it is assigned on line 2",
                             "move the assignment up"]),
    ("x = x + 1", ["used on the right of its own assignment", "x2"]),
    ("a = log(x)\na += 1", ["updates such as b += 1"]),
    ("a = log(x)\nlog(y)\nb = a*2", ["must be an assignment"]),
    ("a, b = x, y", ["one plain name"]),
    ("a = b = log(x)", ["one plain name"]),
    ("log = x*2", ["'log' is a function or constant name"]),
    ("pi = 3\nf = pi*x", ["'pi' is a function or constant name"]),
    ("a = log(x)\nb = a", ["only renames a", "use a directly"]),
    ("a = log(x)\n  b = a*2", ["unexpected indent"]),
    ("a = log(x)\nif a:\n  b = a", ["if statements are not allowed"]),
    ("for i in x:\n  y = i", ["for statements are not allowed"]),
    ("def f(x):\n  return x", ["functiondef statements are not allowed"]),
])
def test_malformed_programs(text, words):
    err = parse_error(text)
    for w in words:
        assert w in str(err), (w, str(err))
    if "indent" not in words[0]:
        assert err.line is not None


def test_too_long_and_not_text():
    from autodiff_viz.core.build import MAX_TEXT, from_text

    with pytest.raises(ParseError, match="characters long; the limit is"):
        adv.graph("x" + "+x" * (MAX_TEXT // 2))
    with pytest.raises(ParseError, match="expected text"):
        from_text(b"log(x)")
    with pytest.raises(TypeError, match="expression or program text"):
        adv.graph(42)


# --------------------------------------------------------------------------------------------
# Hostile input: rejected before anything runs
# --------------------------------------------------------------------------------------------

SENTINEL = "adv_sentinel.txt"


def payloads(path: str) -> list[str]:
    """Texts that create ``path`` if anything evaluates them."""
    p = repr(path)
    return [
        f"__import__('os').system('touch {path}')",
        f"__import__('pathlib').Path({p}).touch() * x",
        f"open({p}, 'w')",
        f"exec(\"open({p}, 'w')\")",
        f"eval(\"open({p}, 'w')\")",
        f"x + [open({p}, 'w') for _ in 'a'][0]",
        f"(lambda: open({p}, 'w'))()",
        f"f\"{{open({p}, 'w')}}\"",
        f"getattr(__builtins__, 'open')({p}, 'w')",
        f"__builtins__.open({p}, 'w') * x",
        f"import os\nos.system('touch {path}')",
        f"from pathlib import Path\nPath({p}).touch()",
        f"a = open({p}, 'w')\nb = a*2",
        f"a = log(x)\nb = a*y\nc = __import__('os').system('touch {path}')",
        f"(y := open({p}, 'w'))",
        f"x if open({p}, 'w') else y",
        f"{{k: open({p}, 'w') for k in 'a'}}",
        f"with open({p}, 'w') as h: pass",
        f"def f():\n    open({p}, 'w')\nf()",
        f"class A:\n    open({p}, 'w')",
        f"globals()['__builtins__'].open({p}, 'w')",
        f"sqrt(x) + open({p}, 'w')",
        f"log(x)\nopen({p}, 'w')",
    ]


def test_payloads_are_live(tmp_path):
    """Guard the guard: run as Python, every payload really creates its sentinel file."""
    sentinel = tmp_path / SENTINEL
    for text in payloads(str(sentinel)):
        code = ("import os\nfrom math import log, sqrt\nx = y = 2.0\n"
                f"try:\n    exec(compile({text!r}, 'payload', 'exec'))\n"
                "except Exception:\n    pass")
        subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path, timeout=30)
        assert sentinel.exists(), text
        sentinel.unlink()


def test_hostile_text_is_rejected_and_never_executed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def forbidden(*args, **kwargs):
        raise AssertionError("eval/exec called while parsing user text")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    monkeypatch.setattr(builtins, "__import__", _guarded_import(builtins.__import__))
    for text in payloads(str(tmp_path / SENTINEL)):
        with pytest.raises(ParseError) as info:
            adv.graph(text)
        assert str(info.value), text
    assert list(tmp_path.iterdir()) == []


def _guarded_import(real):
    def guarded(name, *args, **kwargs):
        if name.split(".")[0] in ("os", "subprocess", "pathlib", "shutil"):
            raise AssertionError(f"user text imported {name}")
        return real(name, *args, **kwargs)
    return guarded


def test_hostile_text_through_the_cli(tmp_path):
    exe = _console_script()
    for text in payloads(str(tmp_path / SENTINEL))[:6]:
        proc = subprocess.run([exe, "grad", text, "--at", "x=1,y=2"], capture_output=True,
                              text=True, cwd=tmp_path, timeout=60)
        assert proc.returncode == 2, (text, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []


def _console_script() -> str:
    import shutil
    from pathlib import Path

    exe = Path(sys.executable).with_name("autodiff-viz")
    if exe.exists():
        return str(exe)
    found = shutil.which("autodiff-viz")
    if not found:
        pytest.skip("the autodiff-viz console script is not installed (pip install -e .)")
    return found


# --------------------------------------------------------------------------------------------
# Domain errors name the node, its operation and the value
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, at, node, op, value, words", [
    ("a = x - 3\nb = log(a)\nf = b*y", {"x": 3, "y": 1}, "b", "log", 0.0,
     ["'b'", "log(0)", "positive"]),
    ("a = log(x)\nb = a*y\nc = sqrt(b)\nf = c + b", {"x": 0.5, "y": 2}, "c", "sqrt",
     2 * math.log(0.5), ["'c'", "sqrt(", ">= 0"]),
    ("sqrt(x)", {"x": -1}, "f", "sqrt", -1.0, ["sqrt(-1)"]),
    ("q = x/y", {"x": 1, "y": 0}, "q", "div", (1.0, 0.0), ["'q'", "div(1, 0)", "nonzero"]),
    ("u = exp(x)", {"x": 1000}, "u", "exp", 1000.0, ["'u'", "exp(1000)", "709"]),
    ("u = cosh(x)", {"x": -1000}, "u", "cosh", -1000.0, ["'u'", "cosh(-1000)", "710"]),
    ("p = a*b", {"a": 1e200, "b": 1e200}, "p", "mul", math.inf, ["'p'", "overflow"]),
    ("p = x**y", {"x": 10, "y": 400}, "p", "pow", (10.0, 400.0), ["'p'", "overflow"]),
    ("p = x**y", {"x": -2, "y": 0.5}, "p", "pow", (-2.0, 0.5), ["'p'", "positive base"]),
    ("r = reciprocal(x)", {"x": 0}, "r", "reciprocal", 0.0, ["'r'", "nonzero"]),
])
def test_domain_errors_name_node_op_and_value(text, at, node, op, value, words):
    g = adv.graph(text)
    with pytest.raises(DomainError) as info:
        g.evaluate(**at)
    err = info.value
    assert (err.node, err.op) == (node, op)
    assert err.value == pytest.approx(value)
    for w in words:
        assert w in str(err), (w, str(err))


def test_domain_error_from_traced_function_names_the_generated_node():
    g = adv.graph(lambda x: adv.log(x - 1) * 2)
    with pytest.raises(DomainError) as info:
        g.evaluate(x=1)
    assert info.value.op == "log"
    assert f"'{info.value.node}'" in str(info.value)
    assert g.node(info.value.node).op == "log"


@pytest.mark.parametrize("at, words", [
    ({"x": math.inf}, ["'x'", "finite", "inf"]),
    ({"x": math.nan}, ["'x'", "finite", "nan"]),
    ({"x": "three"}, ["'x'", "number", "'three'"]),
    ({"x": None}, ["'x'", "number"]),
    ({"x": True}, ["'x'", "number"]),
    ({}, ["missing value for x"]),
    ({"x": 1, "z": 2}, ["z is not an input"]),
])
def test_bad_input_values(at, words):
    with pytest.raises(InputError) as info:
        adv.graph("log(x) + 1").evaluate(**at)
    for w in words:
        assert w in str(info.value), (w, str(info.value))


# --------------------------------------------------------------------------------------------
# Non-differentiable points are flagged on the step, not silently drawn
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, at, node", [
    ("r = relu(x)\nf = r*y", {"x": 0, "y": 2}, "r"),
    ("r = abs(x)\nf = r*y", {"x": 0, "y": 2}, "r"),
    ("r = sqrt(x)\nf = r*y", {"x": 0, "y": 2}, "r"),
    ("r = x**y\nf = r + y", {"x": 0, "y": 0.5}, "r"),
])
def test_kinks_are_flagged_on_the_step(text, at, node):
    run = adv.graph(text).evaluate(**at)
    step = run.step("forward", node)
    assert step.flags
    assert any(w in " ".join(step.flags) for w in ("not differentiable", "no finite derivative"))
    assert run.flags[run.graph.index(node)] == step.flags
    assert run.step("backward", node).flags == step.flags
    # the other steps are not flagged
    assert not run.step("forward", "f").flags


@pytest.mark.parametrize("text, at", [("relu(x)*y", {"x": 0.5, "y": 2}),
                                      ("abs(x)*y", {"x": -0.5, "y": 2}),
                                      ("sqrt(x)*y", {"x": 1e-300, "y": 2})])
def test_no_flag_away_from_the_kink(text, at):
    run = adv.graph(text).evaluate(**at)
    assert not any(s.flags for s in run.steps)
    assert run.flags == {}


def test_kink_messages_say_what_is_used():
    run = adv.graph("relu(x)").evaluate(x=0)
    assert "subgradient 0" in run.steps[0].flags[0]
    assert run.grad["x"] == 0.0
    run = adv.graph("sqrt(x)").evaluate(x=0)
    assert "infinite" in run.steps[0].flags[0]
    assert run.grad["x"] == math.inf


# --------------------------------------------------------------------------------------------
# Tracing: Python control flow cannot be recorded
# --------------------------------------------------------------------------------------------

def _branchy(x):
    if x > 0:
        return x * 2
    return -x


def _loop_until(x):
    while x < 10:
        x = x * 2
    return x


@pytest.mark.parametrize("fn, what", [
    (_branchy, ">"),
    (_loop_until, "<"),
    (lambda x: x * 2 if x else x, "if/while/and/or"),
    (lambda x, y: x * 2 if x == y else y, "=="),
    (lambda x: max(x, 1.0) * 2, "<"),
    (lambda x: [1.0, 2.0][x] * x, "index"),
    (lambda x: x and x * 2, "if/while/and/or"),
])
def test_control_flow_raises_a_clear_tracing_error(fn, what):
    with pytest.raises(TracingError) as info:
        adv.graph(fn)
    message = str(info.value)
    assert what in message
    assert "control flow" in message and "adv.relu" in message


@pytest.mark.parametrize("fn, words", [
    (lambda x: 3.0, ["returned float", "adv.log"]),
    (lambda x: math.log(x) * x, ["math.log", "adv.log"]),
    (lambda x: float(x) + x, ["float()", "adv.log"]),
    (lambda x: np.exp(x) * x, ["np.exp", "adv.exp"]),
    (lambda *xs: xs[0] * 2, ["*xs", "named parameter"]),
    (lambda: 2.0, ["no parameters"]),
    (lambda x: x, ["computes nothing"]),
    (lambda x: x * "a", ["str"]),
])
def test_untraceable_functions(fn, words):
    with pytest.raises(TracingError) as info:
        adv.graph(fn)
    for w in words:
        assert w in str(info.value), (w, str(info.value))


def test_mixing_two_traces_is_an_error():
    saved = []
    adv.graph(lambda x: saved.append(x) or adv.log(x))
    with pytest.raises(TracingError, match="another adv.graph"):
        adv.graph(lambda y: y * saved[0])


@pytest.mark.parametrize("program", ["a = x\nf = a*y", "a = log(x)\nb = a\nf = b*y"])
def test_a_line_that_only_renames_is_refused(program):
    err = parse_error(program)
    assert "only renames" in str(err) and "directly" in str(err)
