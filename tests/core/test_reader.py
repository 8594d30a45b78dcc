"""One text reader, two back ends: graph text and typed answers read the same texts alike.

Each text goes to both back ends: the graph's value at a point (the engine) must equal the
answer's sympy expression evaluated there (sympy, an independent oracle); a text one refuses
the other refuses with the same message.
"""

from __future__ import annotations

import math

import pytest
import sympy as sp

import autodiff_viz as adv
from autodiff_viz.core import reader
from autodiff_viz.core.build import from_text
from autodiff_viz.core.primitives import FUNCTIONS, PRIMITIVES
from autodiff_viz.core.reader import CALLS, CONSTANTS, EULER, ParseError, name_problem
from autodiff_viz.grading.answers import ANSWER_FUNCTIONS, AnswerError, parse

AT = {"x": 0.7, "y": 0.4, "a_1": 1.3, "σ": 0.9, "α": 0.25, "z": -0.3}

SAME = [
    "sqrt(log(x+1)*y) + log(x+1)*y",
    "x^3 + x^2",
    "x**y",
    "√x·y − x² ÷ y",
    "x⋅y – 1",
    "x × y",
    "√log(x+1)*x",
    "σ(x)*y",
    "sigmoid(x) + sigma(y)",
    "e^x",
    "e**(x*y) + e",
    "exp(1)*x - e*x + y",
    "pi*x + π",
    "ln(x) + log(y)",
    "atan(x) + arctan(y)",
    "asin(y) + arcsin(x) + acos(y) + arccos(x)",
    "sinh(x)*cosh(y)",
    "tanh(x) - tan(y)",
    "sin(x)*cos(y)",
    "softplus(x) + log1p(y)",
    "max(x, y) + min(x, y)",
    "max(x, 2*y) - min(x*y, 0.5)",
    "maximum(x, y) + minimum(x, y)",
    "relu(z) + relu(x) + ReLU(y)",
    "abs(z) + fabs(x)",
    "square(x) + sq(y)",
    "reciprocal(x) + recip(y) + inv(x)",
    "a_1*x + α",
    "σ*x + a_1",
    "-x + +y",
    "-(x - y)/(x + y)",
    "1/(2*sqrt(x))",
    "x/y/2",
    "2**-x",
    "1e-3*x + 2.5e2*y",
    "exp(-x^2/2)/sqrt(2*pi)",
    "log(sigmoid(x)) + softplus(-x)",
    "sqrt(x^2 + y^2)",
    "(x + y)^(1/3)",
    "logistic(x)*x",
]


def _variables(text: str) -> tuple[str, ...]:
    return tuple(sorted(from_text(text).inputs))


@pytest.mark.parametrize("text", SAME)
def test_graph_and_answer_read_a_text_alike(text):
    g = adv.graph(text)
    names = _variables(text)
    want = g.evaluate(**{n: AT[n] for n in names}).value
    expr = parse(text, names).expr
    got = float(expr.subs({sp.Symbol(n): sp.Float(AT[n], 30) for n in names}).evalf(30))
    assert got == pytest.approx(want, rel=1e-12, abs=1e-15), (text, expr)


@pytest.mark.parametrize("text", [
    "2x + 1", "3.5y", "sqrt x", "ln x", "x y", "2 x", "sqrt(x", "log(x))", ")x(",
    "sqr(x)", "Sqrt(x)", "lg(x)", "log10(x)", "log(x, y)", "log()",
    "max(x)", "sqrt(*x)", "x // 2", "not x",
    "x and y", "x if y else 2", "x.real", "(x+1)(x-1)", "2(x+1)", "True*x", "1j*x",
    "1_000*x", "sin + x", "x.__class__", "x +",
])
def test_graph_and_answer_refuse_a_text_alike(text):
    # (answers refuse characters such as % ~ < = before reading, with their own hints)
    with pytest.raises(ParseError) as graph:
        from_text(text)
    with pytest.raises(AnswerError) as answer:
        parse(text, ("x", "y"))
    assert graph.value.reason.split(":")[0] == answer.value.message.split(":")[0]
    assert graph.value.token == answer.value.token


def test_e_is_eulers_number_everywhere():
    g = adv.graph("e^x")
    assert list(g.inputs) == ["x"] and g.evaluate(x=1).value == math.e
    assert any(n.name == "e" and n.op == "const" for n in g.nodes)
    assert parse("e^x", ("x",)).expr == sp.exp(sp.Symbol("x"))
    for make in (lambda: adv.graph("e = log(x)"), lambda: adv.graph(lambda e, x: e * x),
                 lambda: adv.graph("x^2").evaluate(e=2, x=1),
                 lambda: parse("x", ("e", "x"))):
        with pytest.raises(Exception, match="Euler's number") as info:
            make()
        assert "rename" in str(info.value)
    assert name_problem("e") == EULER


def test_capital_e_is_a_case_slip_in_an_answer():
    with pytest.raises(AnswerError, match="did you mean e"):
        parse("E^x", ("x",))


def test_every_table_function_and_alias_is_callable_in_both():
    assert set(FUNCTIONS) <= set(ANSWER_FUNCTIONS)
    for name, row in CALLS.items():
        args = ", ".join(["x", "y"][:PRIMITIVES[row].arity])
        assert from_text(f"{name}({args})").output.op == row
        parse(f"{name}({args})", ("x", "y"))


def test_names_are_one_rule():
    for name in ("a_1", "σ", "α", "x2", "ln", "sigma"):
        assert name_problem(name) is None
        assert name in from_text(f"{name}*x + 1").inputs
        parse(f"{name}*x", (name, "x"))
    for name in ("log", "pi", "π", "e", "_x"):
        assert name_problem(name) is not None


def test_constants_are_the_same_numbers():
    for name, value in CONSTANTS.items():
        assert float(parse(name, ()).expr) == value
        assert adv.graph(f"{name}*x").evaluate(x=1).value == value


def test_hints_carry_the_fixed_text():
    for text, fixed in (("2x + 1", "2*x + 1"), ("sqrt x", "sqrt(x)"), ("sqr(x)", "sqrt(x)"),
                        ("x(1+y)", "x*(1+y)"), ("(x+1", "(x+1)")):
        with pytest.raises(ParseError) as info:
            from_text(text)
        assert info.value.hint == fixed
        with pytest.raises(AnswerError) as answer:
            parse(text, ("x", "y"))
        assert answer.value.hint == fixed


def test_the_reader_never_imports_sympy():
    import subprocess
    import sys

    code = ("import sys, autodiff_viz.core.reader as r, autodiff_viz.core.build as b; "
            "b.from_text('atan(x)*e'); print('sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
    assert reader.__all__
