"""The safe answer parser: whitelist, limits, hostile and pathological input, validation hints.

The hostile corpus is written so that evaluating any entry with eval/sympify/parse_expr would
create a sentinel file; the tests check it is never created. The corpora are module-level so
benchmarks/checking.py can time them too.
"""

from __future__ import annotations

import multiprocessing
import os
import time

import pytest
import sympy

import autodiff_viz as adv
from autodiff_viz.grading.answers import (
    LIMITS,
    AnswerError,
    parse,
    sig_figs,
    validate,
)

SENTINEL_TOKEN = "SENTINEL"

# Each entry, if executed, would create the file SENTINEL (the test substitutes a real path).
HOSTILE = [
    "__import__('os').system('touch SENTINEL')",
    "__import__(\"os\").system(\"touch SENTINEL\")",
    "open('SENTINEL', 'w').write('x')",
    "exec(\"open('SENTINEL','w')\")",
    "eval(\"open('SENTINEL','w')\")",
    "compile('open(\"SENTINEL\",\"w\")','','exec')",
    "().__class__.__bases__[0].__subclasses__()",
    "''.__class__.__mro__[1].__subclasses__()",
    "[c for c in ().__class__.__base__.__subclasses__() if c.__name__=='Popen'][0]"
    "('touch SENTINEL',shell=True)",
    "Symbol.__new__.__globals__['__builtins__']['__import__']('os').system('touch SENTINEL')",
    "Symbol('x').__class__.__init__.__globals__",
    "sympify(\"__import__('os').system('touch SENTINEL')\")",
    "parse_expr(\"open('SENTINEL','w')\")",
    "lambdify(x, x)",
    "Symbol('os.system(\"touch SENTINEL\")')",
    "Function('os.system')('touch SENTINEL')",
    "lambda: open('SENTINEL','w')",
    "(lambda f: f)(open)('SENTINEL','w')",
    "getattr(__builtins__, 'open')('SENTINEL', 'w')",
    "globals()['__builtins__']",
    "locals()",
    "vars()",
    "dir()",
    "breakpoint()",
    "input()",
    "help()",
    "exit()",
    "quit()",
    "x.__class__",
    "x.__dict__",
    "sqrt.__globals__",
    "log.__call__(x)",
    "sin(x).func",
    "x[0]",
    "x[::-1]",
    "{x}",
    "{'a': x}",
    "[x, y]",
    "f'{open(\"SENTINEL\",\"w\")}'",
    "'{0.__class__}'.format(x)",
    "'%s' % x",
    "b'\\x00'",
    "x if open('SENTINEL','w') else y",
    "x and open('SENTINEL','w')",
    "not open('SENTINEL','w')",
    "(y := open('SENTINEL','w'))",
    "x; import os",
    "import os",
    "from os import system",
    "x\nimport os; os.system('touch SENTINEL')",
    "# comment",
    "x @ y",
    "x // y",
    "x % y",
    "x << 2",
    "~x",
    "x < y",
    "x == y",
    "print(x)",
    "os.system('touch SENTINEL')",
    "system('touch SENTINEL')",
    "\\frac{1}{2}",
    "$x$",
    "x" * 5000,
    "sqrt(" * 600 + "x" + ")" * 600,
    "ｘ + __ｉｍｐｏｒｔ__('os')",
    "\u202ex",
    "x\x00",
    "*x",
    "**x",
    "await x",
    "yield x",
    "...",
    "None",
    "True",
]


@pytest.fixture
def sentinel(tmp_path):
    path = tmp_path / "pwned"
    yield path
    assert not path.exists(), "an attack created the sentinel file"


def test_corpus_sizes():
    assert len(HOSTILE) >= 50
    assert len(PATHOLOGICAL) >= 20


@pytest.mark.parametrize("attack", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_is_rejected_quickly_and_runs_nothing(attack, sentinel):
    text = attack.replace(SENTINEL_TOKEN, str(sentinel))
    t0 = time.perf_counter()
    with pytest.raises(AnswerError) as err:
        parse(text, variables=("x", "y"))
    fb = adv.check(text, "x", variables=("x", "y"))
    elapsed = time.perf_counter() - t0
    assert fb.correct is False and fb.status == "invalid"
    assert len(str(err.value)) > 15 and fb.message.startswith("Invalid answer")
    # generous on a shared machine: catches a blow-up (seconds to minutes), not a slow CPU;
    # the speed target itself is measured by benchmarks/checking.py
    assert elapsed <= 2.0, f"took {elapsed:.3f} s"
    assert not sentinel.exists()


def test_attack_would_work_if_evaluated(sentinel):
    """The corpus is meaningful: eval of the first entry really creates the file (in a child
    process, so the sentinel fixture's check is about our code only)."""
    text = HOSTILE[0].replace(SENTINEL_TOKEN, str(sentinel) + ".probe")
    ctx = multiprocessing.get_context("fork")
    p = ctx.Process(target=eval, args=(text,))
    p.start()
    p.join(10)
    probe = sentinel.with_name(sentinel.name + ".probe")
    assert probe.exists()
    probe.unlink()


def test_hostile_variable_names_are_refused(sentinel):
    bad = f"__import__('os').system('touch {sentinel}')"
    with pytest.raises(AnswerError, match="variable .* cannot be used"):
        parse("x", variables=(bad,))
    with pytest.raises(ValueError):
        adv.check("x", "x", variables=(bad,))


# --------------------------------------------------------------------------------------------
# Pathological input: answered (not necessarily accepted) within 2 s, process alive
# --------------------------------------------------------------------------------------------

PATHOLOGICAL = [
    "9**9**9**9",
    "9^9^9^9",
    "2^2^2^2^2^2",
    "10^10^10",
    "(10**15)**(10**15)",
    "x**x**x**x**x",
    "exp(exp(exp(exp(exp(x)))))",
    "x+" * 5000 + "x",
    "(" * 1000 + "x" + ")" * 1000,
    "-" * 1000 + "x",
    "9" * 5000,
    "1" * 400 + "*x",
    "0/0",
    "1/0",
    "x/0",
    "log(0)",
    "sqrt(-1)",
    "(-8)**(1/3)",
    "1/(x-x)",
    "1e308*10",
    "1e999",
    "sin(10**15)",
    "2**-1000",
    "(1+1/10**15)**(10**15)",
    "exp(1000)",
    "e^1000",
    "(x+y+1)**100",
    "sqrt(" * 40 + "2" + ")" * 40,
    "((((((((((x+1)**2+1)**2+1)**2+1)**2+1)**2+1)**2+1)**2+1)**2+1)**2+1)**2",
    "x*" * 120 + "x",
    "10**15*10**15*10**15*10**15*10**15*10**15*10**15*10**15*10**15*10**15*10**15",
    "0.1**100",
    "log(log(log(log(log(x)))))",
    "tan(pi/2)",
]


@pytest.mark.parametrize("text", PATHOLOGICAL, ids=range(len(PATHOLOGICAL)))
def test_pathological_input_is_answered_within_two_seconds(text):
    t0 = time.perf_counter()
    fb = adv.check(text, "x + y", variables=("x", "y"), symbolic=True, timeout=1.0)
    elapsed = time.perf_counter() - t0
    assert isinstance(fb.correct, bool) and fb.message
    assert fb.correct is False
    assert elapsed <= 2.0, f"{text[:40]!r} took {elapsed:.2f} s"
    assert multiprocessing.active_children() == []
    assert os.getpid()  # still here


def test_power_towers_are_refused_before_computing():
    t0 = time.perf_counter()
    with pytest.raises(AnswerError, match="too large"):
        parse("9**9**9**9")
    assert time.perf_counter() - t0 < 2.0   # a blow-up would take minutes


# --------------------------------------------------------------------------------------------
# The whitelist accepts what students write
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, oracle", [
    ("1/(2*sqrt(b))", lambda b: 1 / (2 * sympy.sqrt(b))),
    ("b^(-1/2)/2", lambda b: b ** sympy.Rational(-1, 2) / 2),
    ("√b", sympy.sqrt),
    ("b²", lambda b: b ** 2),
    ("2·b − 1", lambda b: 2 * b - 1),
    ("exp(-b) + tanh(b)", lambda b: sympy.exp(-b) + sympy.tanh(b)),
    ("sigmoid(b)", lambda b: 1 / (1 + sympy.exp(-b))),
    ("-b", lambda b: -b),
    ("pi*b", lambda b: sympy.pi * b),
    ("cosh(b)**-2", lambda b: sympy.cosh(b) ** -2),
])
def test_accepted_forms_build_the_right_sympy_expression(text, oracle):
    b = sympy.Symbol("b")
    assert sympy.simplify(parse(text, ("b",)).expr - oracle(b)) == 0


def test_numbers_and_precision():
    assert parse("0.8915", ()).single_decimal
    assert parse("-0.8915", ()).single_decimal
    assert not parse("2/3", ()).single_decimal
    assert parse("0.6667 + 0.2249", ()).decimals == ("0.6667", "0.2249")
    assert sig_figs("0.8915") == (4, -4)
    assert sig_figs("0.0030") == (2, -4)
    assert sig_figs("1.50e2") == (3, 0)


def test_vector_answers():
    assert parse("0.89, 1.47", (), vector=True).expr == (sympy.Float("0.89"),
                                                          sympy.Float("1.47"))
    with pytest.raises(AnswerError, match="one value"):
        parse("1, 2", ())


def test_limits_are_configurable():
    assert LIMITS.length == 1000
    with pytest.raises(AnswerError, match="characters long"):
        parse("x+" * 600 + "x")


# --------------------------------------------------------------------------------------------
# Validation: show back how it was read, suggest fixes (in the manner of STACK)
# --------------------------------------------------------------------------------------------

def _err(text, variables=("b",)):
    v = validate(text, variables)
    assert not v.ok
    return v


def test_implicit_product_suggests_star():
    v = _err("2b")
    assert "did you mean 2*b?" in v.message and v.hint == "2*b"
    assert "did you mean 2*x?" in _err("2x", ("x",)).message
    assert "did you mean x*y?" in _err("xy", ("x", "y")).message
    assert "2*(b+1)" in _err("2(b+1)").message


def test_wrong_case_suggests_the_declared_name():
    v = _err("B")
    assert "case-sensitive" in v.message and "did you mean b?" in v.message
    assert v.hint == "b"
    assert "did you mean sqrt(b)?" in _err("Sqrt(b)").message


def test_function_without_brackets():
    v = _err("sqrt b")
    assert "did you mean sqrt(b)?" in v.message and v.hint == "sqrt(b)"
    assert "with brackets" in _err("sqrt").message


def test_ln_is_read_as_log_with_a_note():
    v = validate("ln(b)", ("b",))
    assert v.ok and v.parsed.expr == sympy.log(sympy.Symbol("b"))
    assert any("natural logarithm" in n for n in v.notes)
    assert "natural logarithm" in _err("log(b, 10)").message


def test_variable_used_as_function():
    v = _err("b(1+b)")
    assert "'b' is a variable, not a function: did you mean b*(1+b)?" in v.message
    assert v.hint == "b*(1+b)"


def test_precedence_slip_is_shown_when_read():
    v = validate("1/2*sqrt(b)", ("b",))
    assert v.ok
    assert v.latex == r"\frac{\sqrt{b}}{2}"
    assert "read as (1/2)*sqrt(b)" in v.notes[0] and "1/(2*sqrt(b))" in v.notes[0]
    v = validate("x^1/2", ("x",))
    assert "x^(1/2)" in v.notes[0]


def test_read_back_latex():
    assert validate("1/(2*sqrt(b))", ("b",)).latex == r"\frac{1}{2 \sqrt{b}}"
    assert "read as" in validate("b^2", ("b",)).message


@pytest.mark.parametrize("text, words", [
    ("", "empty"),
    ("dc/db = 1/(2*sqrt(b))", "without 'dc/db ='"),
    ("0,5", "decimals with a point"),
    ("(b+1", "unbalanced"),
    ("b+1)", "no matching"),
    ("b +", "ends with an operator"),
    ("[b]", "round brackets"),
    ("|b|", "abs(t)"),
    ("_b", "may not start with"),
    ("sqr(b)", "did you mean sqrt(b)"),
    ("foo(b)", "unknown function 'foo'"),
    ("q", "unknown name 'q'"),
    ("1j", "complex"),
    ("inf", "not allowed"),
    ("b!", "factorials"),
    ("2^1000", "exponent"),
    ("12345678901234567890123", "too large"),
    (")b(", "no matching"),
    ("log()", "takes 1 argument"),
])
def test_every_message_says_what_to_fix(text, words):
    assert words in _err(text).message


def test_validate_never_raises_on_odd_types():
    assert not validate(None).ok
    assert not validate(["x"]).ok
    assert validate(0.5, ()).ok


@pytest.mark.parametrize("text", ["0.3373", "0.5", "123456.789"])
def test_read_as_shows_decimals_as_typed_without_padding_zeros(text):
    assert parse(text, ("b",)).read_as == text
    fb = adv.check(text, "1/(2*sqrt(b))", variables=("b",))
    assert f"your answer {text} gives" in fb.message


@pytest.mark.parametrize("text", ["√log(b)", "√ log (b)", "√(log(b))"])
def test_root_sign_takes_a_whole_call(text):
    assert parse(text, ("b",)).expr == sympy.sqrt(sympy.log(sympy.Symbol("b")))


@pytest.mark.parametrize("text", ["0.8915...", "0.8915…", "≈0.8915"])
def test_dots_and_approx_sign_get_a_specific_hint(text):
    fb = adv.check(text, "1/(3*sqrt(2*log(3))) + 2/3", variables=())
    assert not fb.correct and "0.8915 rather than" in fb.message


def test_python_syntax_warnings_do_not_leak_to_the_student():
    import warnings

    import autodiff_viz as adv

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        fb = adv.check("1if b else 2", "1/(2*sqrt(b))", variables=("b",))
        assert fb.correct is False and fb.message
        try:
            adv.graph("1if x else 2")
        except adv.ParseError as exc:
            assert str(exc)
    assert not [w for w in seen if issubclass(w.category, SyntaxWarning)]
