"""Checking typed answers: safe parsing, numeric sampling, optional symbolic confirmation.

The order is fixed: read the answer safely (:mod:`.answers`; invalid input costs nothing and
gets a message saying how to fix it), then compare it with the expected answer numerically at
random points of the domain (>= 5 points where the expected answer is defined, plus points on
both sides of every kink of relu/abs/step/sign/max/min in either answer), then, when asked and
only when the numbers agree, confirm symbolically in a separate process that is killed after a
time limit. A timeout means "numerically verified", never "wrong".

Decimals follow the marking policy of ``docs/marking.md``: a typed decimal is right when it is
the exact value rounded to the figures given (half a unit in its last place), with at least 3
significant figures; an expression's tolerance is the sum of its decimals' half-units carried
through the expression (:func:`slack`), never more.

>>> check("1/(2*sqrt(b))", "1/(2*sqrt(b))", variables=("b",)).correct
True
>>> fb = check("1/2*sqrt(b)", "1/(2*sqrt(b))", variables=("b",))
>>> fb.correct, fb.mistake
(False, 'precedence')
>>> check("0.8915", "1/(3*sqrt(2*log(3))) + 2/3", variables=()).correct
True
>>> check("1.46", "1.469188").mistake
'rounding'
>>> check("x", "abs(x)", variables=("x",)).correct
False
>>> print(check("__import__('os')", "x").message)
Invalid answer (not marked): the character "'" is not allowed in an answer: ...
"""

from __future__ import annotations

import html
import math
import os
import random
import sys
import time
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from functools import reduce
from typing import Any

import sympy

from ..core.primitives import sympy_heads
from .answers import LIMITS, AnswerError, Limits, Parsed, parse, sig_figs

__all__ = ["check", "Feedback", "Mistake", "Undefined", "numeric", "confirm", "DEFAULT_DOMAIN",
           "MIN_SIG_FIGS", "close", "matches", "slack", "half_unit", "kinks"]

DEFAULT_DOMAIN = (0.5, 3.5)
MIN_SIG_FIGS = 3
MIN_POINTS = 5

_AUTHOR_LIMITS = Limits(length=20_000, nodes=20_000, depth=400, int_digits=60, exponent=10_000,
                        magnitude=300)


class Undefined(ArithmeticError):
    """An expression has no real, finite value at a point."""


@dataclass(frozen=True)
class Mistake:
    """A wrong answer a student might give, and what it means.

    Attributes:
        name: a short identifier, e.g. ``"missed-path"``.
        message: what the student did, in words ("you missed the path x → a → b → f").
        value: the wrong answer: a number, or a sympy expression in the answer's variables.
    """

    name: str
    message: str
    value: Any


@dataclass
class Feedback:
    """The result of checking one answer.

    Attributes:
        correct: whether the answer is right.
        message: what to tell the student.
        status: ``"correct"`` (confirmed symbolically or exact), ``"verified"`` (numerically
            equal at the sample points), ``"incorrect"``, ``"invalid"`` (could not be read,
            or too imprecise to judge; costs nothing) or ``"undecided"``.
        answer: the text as typed.
        read_as: how the answer was read (plain text), if it could be read.
        latex: the same in LaTeX.
        mistake: the name of the diagnosed mistake, if any.
        hint: a corrected version of the input, for invalid input with an obvious fix.
        notes: how ambiguous pieces were read.
    """

    correct: bool
    message: str
    status: str
    answer: str = ""
    read_as: str | None = None
    latex: str | None = None
    mistake: str | None = None
    hint: str | None = None
    notes: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        return self.message

    def _repr_html_(self) -> str:
        colour = {"correct": ("#1a7f37", "#dafbe1"), "verified": ("#1a7f37", "#dafbe1"),
                  "invalid": ("#9a6700", "#fff8c5")}.get(self.status, ("#cf222e", "#ffebe9"))
        mark = {"correct": "✔", "verified": "✔", "invalid": "✎"}.get(self.status, "✘")
        parts = [f"<b>{mark}</b> {html.escape(self.message)}"]
        if self.latex is not None:
            parts.append(f"<div style='margin-top:4px'>Read as: ${html.escape(self.latex)}$"
                         "</div>")
        if self.hint:
            parts.append(f"<div>Try: <code>{html.escape(self.hint)}</code></div>")
        return (f"<div class='adv-feedback adv-{self.status}' style='border-left:4px solid "
                f"{colour[0]};background:{colour[1]};padding:6px 10px;margin:4px 0'>"
                + "".join(parts) + "</div>")


# ----------------------------------------------------------------------------------------
# Numbers from sympy trees, without lambdify
# ----------------------------------------------------------------------------------------

_HEADS = sympy_heads(sympy)
#: One-argument functions by sympy name: the rows' own values, plus what simplification and the
#: rows' slopes bring in (sec …, sign, relu's step).
_F1 = {f.__name__: row.value for f, row in _HEADS.items() if row.arity == 1} | {
    "sec": lambda t: 1 / math.cos(t), "csc": lambda t: 1 / math.sin(t),
    "cot": lambda t: 1 / math.tan(t), "sign": lambda t: float((t > 0) - (t < 0)),
    "Heaviside": lambda t: float(t > 0)}
#: n-argument functions (sympy's Max/Min take any number): the binary rows folded.
_FN = {f.__name__: (lambda *a, v=row.value: reduce(v, a)) for f, row in _HEADS.items()
       if row.arity == 2}


def _power(a: float, b: float) -> float:
    if a == 0.0 and b < 0:
        raise Undefined("division by zero")
    if a < 0 and not float(b).is_integer():
        raise Undefined("a negative number to a fractional power")
    return math.pow(a, b)


def numeric(expr: Any, point: Mapping[str, float] | None = None) -> float:
    """The real value of a sympy expression at ``point`` (by symbol name), walking its tree.

    Raises :class:`Undefined` where the expression has no real finite value (log of a
    negative, division by zero, overflow). Never calls ``lambdify``.

    >>> x = sympy.Symbol("x")
    >>> numeric(sympy.sqrt(x) + sympy.log(x), {"x": 4.0})
    3.386294361119891
    >>> numeric(sympy.log(x), {"x": -1.0})
    Traceback (most recent call last):
    ...
    autodiff_viz.grading.checker.Undefined: log is undefined at -1
    """
    point = point or {}
    results: dict[int, float] = {}
    stack: list[tuple[Any, bool]] = [(expr, False)]
    try:
        while stack:
            node, ready = stack.pop()
            key = id(node)
            if key in results:
                continue
            if not ready and node.args and not node.is_Number:
                stack.append((node, True))
                stack.extend((a, False) for a in node.args)
                continue
            results[key] = _node_value(node, results, point)
        out = results[id(expr)]
    except (ValueError, ZeroDivisionError, OverflowError, TypeError) as exc:
        raise Undefined(str(exc)) from None
    if not math.isfinite(out):
        raise Undefined("not finite")
    return out


def _node_value(node: Any, results: dict[int, float], point: Mapping[str, float]) -> float:
    if node.is_Symbol:
        try:
            return float(point[node.name])
        except KeyError:
            raise Undefined(f"no value for {node.name}") from None
    if node.is_Number:
        if node in (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
            raise Undefined("not finite")
        return float(node)
    if node.is_NumberSymbol:
        return float(node)
    if node is sympy.I:
        raise Undefined("not a real number")
    args = [results[id(a)] for a in node.args]
    if node.is_Add:
        return math.fsum(args)
    if node.is_Mul:
        return math.prod(args)
    if node.is_Pow:
        return _power(args[0], args[1])
    name = type(node).__name__
    if name == "Heaviside" and len(args) == 2:  # Heaviside(t, H0): relu's slope, H0 at 0
        return 1.0 if args[0] > 0 else 0.0 if args[0] < 0 else args[1]
    if name in _F1 and len(args) == 1:
        t = args[0]
        if name == "log" and t <= 0:
            raise Undefined(f"log is undefined at {t:g}")
        return float(_F1[name](t))
    if name in _FN:
        return float(_FN[name](*args))
    raise _Unsupported(name)


class _Unsupported(TypeError):
    pass


def _value_any(expr: Any, point: Mapping[str, float]) -> float:
    """:func:`numeric`, falling back to sympy's evalf for trusted (author) expressions."""
    try:
        return numeric(expr, point)
    except _Unsupported:
        subs = {s: sympy.Float(point[s.name]) for s in expr.free_symbols if s.name in point}
        v = sympy.N(expr.xreplace(subs), 17)
        if not v.is_real or not v.is_finite:
            raise Undefined("not a real number") from None
        return float(v)


def close(a: float, b: float, rtol: float = 1e-9, atol: float = 1e-12) -> bool:
    """Relative-and-absolute closeness.

    >>> close(1.0, 1.0 + 1e-12), close(1.0, 1.001)
    (True, False)
    """
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))


# ----------------------------------------------------------------------------------------
# Symbolic confirmation in a process that can be killed
# ----------------------------------------------------------------------------------------

#: Memory the proof child may add to what it starts with (RLIMIT_AS), in bytes.
CHILD_MEMORY = 1 << 30
#: In-process proofs (no child processes, as under Pyodide) only run on expressions this small.
INLINE_TERMS = 60
INLINE_BITS = 256
#: The last proof child's process id (for tests that check it is gone).
last_child: int | None = None


def _confirm_worker(a: Any, b: Any, positive: Sequence[str]) -> bool | None:
    """The proof itself: True when sympy simplifies ``a − b`` to 0, None when it cannot."""
    try:
        d = a - b
        subs = {s: sympy.Symbol(s.name, positive=True) if s.name in positive
                else sympy.Symbol(s.name, real=True) for s in d.free_symbols}
        d = d.xreplace(subs)
        d = d.xreplace({f: sympy.Rational(str(f)) for f in d.atoms(sympy.Float)})
        r = sympy.simplify(d)
        return True if r == 0 else (d.equals(0) or None)
    except Exception:  # noqa: BLE001 - MemoryError, RecursionError, sympy's own: "unknown"
        return None


def _small_enough(a: Any, b: Any) -> bool:
    """A size proof for proving in-process (no killable child): few terms, short numbers,
    small integer powers, so sympy's simplify cannot run long.

    >>> x = sympy.Symbol("x")
    >>> _small_enough(sympy.log(x**2), 2*sympy.log(x)), _small_enough((x + 1)**60, x)
    (True, False)
    """
    terms = 0
    for e in (a, b):
        for t in sympy.preorder_traversal(e):
            terms += 1
            if terms > INLINE_TERMS:
                return False
            if isinstance(t, sympy.Rational) and (
                    int(t.p).bit_length() + int(t.q).bit_length() > INLINE_BITS):
                return False
            if isinstance(t, sympy.Pow) and t.exp.is_Number and abs(t.exp) > 8:
                return False
    return True


def _proof_process() -> str:
    """How to run a proof here: ``"fork"`` (a child that dies with us), ``"spawn"``
    (multiprocessing, not inside a daemonic Pool worker) or ``"inline"`` (no processes:
    Pyodide/JupyterLite, or ``multiprocessing`` missing)."""
    if sys.platform == "emscripten":
        return "inline"
    if hasattr(os, "fork") and sys.platform.startswith("linux"):
        return "fork"
    try:
        import multiprocessing
    except ImportError:
        return "inline"
    if multiprocessing.current_process().daemon:  # daemonic processes may not have children
        return "inline"
    return "spawn"


def _child_limits(parent: int, cpu_seconds: float) -> None:
    """In the child: die with the parent, cap memory and CPU time (best effort per OS)."""
    import ctypes
    import resource
    import signal

    with suppress(OSError, AttributeError):  # PR_SET_PDEATHSIG: killed when the parent dies
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(3)
    try:
        with open("/proc/self/statm") as fh:
            now = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        now = 0
    for kind, value in ((resource.RLIMIT_AS, now + CHILD_MEMORY),
                        (resource.RLIMIT_CPU, int(cpu_seconds) + 1)):
        with suppress(ValueError, OSError):
            resource.setrlimit(kind, (value, value))


def _cpu_seconds(pid: int) -> float | None:
    """CPU time used so far by process ``pid`` (Linux /proc; None when unknown)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _run_forked(work: Any, args: tuple, timeout: float) -> tuple[str, Any]:
    """Run ``work(*args)`` in a forked child that dies with us; ("done", result) or
    ("timeout", None). The budget is the child's CPU time: a child starved by a busy
    machine gets up to 4× the wall-clock time before it is stopped."""
    import pickle
    import select
    import signal

    global last_child
    parent = os.getpid()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        code = 0
        try:
            os.close(read_end)
            _child_limits(parent, timeout * 4)
            data = pickle.dumps(work(*args))
            os.write(write_end, data)
        except BaseException:  # noqa: BLE001 - the parent only needs "no result"
            code = 1
        finally:
            os._exit(code)
    last_child = pid
    os.close(write_end)
    chunks: list[bytes] = []
    start = time.monotonic()
    try:
        while True:
            left = timeout - (time.monotonic() - start)
            if left <= 0:
                used = _cpu_seconds(pid)
                waited = time.monotonic() - start
                if used is None or waited >= 4 * timeout or used >= 0.8 * timeout:
                    return "timeout", None
                left = min(timeout - used, 4 * timeout - waited)
            ready, _, _ = select.select([read_end], [], [], max(left, 0.01))
            if ready:
                chunk = os.read(read_end, 1 << 16)
                if not chunk:  # the child finished (or died): whatever it wrote is all
                    break
                chunks.append(chunk)
        try:
            return "done", pickle.loads(b"".join(chunks)) if chunks else None
        except Exception:  # noqa: BLE001 - a truncated result: nothing proved
            return "done", None
    finally:
        os.close(read_end)
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def _spawn_worker(conn: Any, a: Any, b: Any, positive: Sequence[str]) -> None:
    try:
        conn.send(_confirm_worker(a, b, positive))
    except BaseException:  # noqa: BLE001 - the parent only needs "not confirmed"
        conn.send(None)
    finally:
        conn.close()


def _run_spawned(a: Any, b: Any, positive: tuple, timeout: float) -> tuple[str, Any]:
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_spawn_worker, args=(send, a, b, positive), daemon=True)
    try:
        proc.start()
        send.close()
        if recv.poll(timeout):
            try:
                return "done", recv.recv()
            except (EOFError, OSError):
                return "done", None
        return "timeout", None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(1.0)
        recv.close()


def confirm(a: Any, b: Any, positive: Sequence[str] = (), timeout: float = 2.0) -> str:
    """Try to prove ``a == b`` with sympy, under a limit that is enforced.

    The proof runs in a child process that dies with its parent (``PR_SET_PDEATHSIG`` on
    Linux), may use at most ``CHILD_MEMORY`` more bytes and is killed after ``timeout``
    seconds of its own CPU time (so a busy machine does not turn proofs into timeouts).
    It also works inside ``multiprocessing.Pool`` workers (a plain fork is allowed there).
    Where no child process can be made (Pyodide/JupyterLite, or no ``multiprocessing``),
    only expressions that pass a size proof are tried in-process; others are "unknown".

    Returns ``"equal"``, ``"unknown"`` (sympy could not decide) or ``"timeout"``.

    >>> x = sympy.Symbol("x")
    >>> confirm(sympy.log(x**2), 2*sympy.log(x), positive=["x"])
    'equal'
    """
    if a == b:
        return "equal"
    how = _proof_process()
    positive = tuple(positive)
    try:
        if how == "fork":
            status, ok = _run_forked(_confirm_worker, (a, b, positive), timeout)
        elif how == "spawn":
            status, ok = _run_spawned(a, b, positive, timeout)
        else:
            status, ok = "done", (_confirm_worker(a, b, positive) if _small_enough(a, b)
                                  else None)
    except OSError:  # no processes left (ulimit -u), no pipes: decide without a child
        status, ok = "done", _confirm_worker(a, b, positive) if _small_enough(a, b) else None
    return "timeout" if status == "timeout" else "equal" if ok is True else "unknown"


# ----------------------------------------------------------------------------------------
# check()
# ----------------------------------------------------------------------------------------

def _expected(expected: Any, variables: Sequence[str]) -> Any:
    if isinstance(expected, sympy.Basic):
        # symbols are matched by name: drop assumptions so equal forms compare equal
        plain = {s: sympy.Symbol(s.name) for s in expected.free_symbols
                 if isinstance(s, sympy.Symbol) and s != sympy.Symbol(s.name)}
        return expected.xreplace(plain) if plain else expected
    if isinstance(expected, bool):
        raise TypeError("expected must be text, a sympy expression or a number, not a bool")
    if isinstance(expected, (int, float)):
        if isinstance(expected, float):
            if not math.isfinite(expected):
                raise ValueError(f"expected value {expected!r} is not finite")
            return sympy.Float(expected, 17)
        return sympy.Integer(expected)
    if isinstance(expected, str):
        try:
            return parse(expected, variables, limits=_AUTHOR_LIMITS, any_names=True).expr
        except AnswerError as exc:
            raise ValueError(f"the expected answer {expected!r} cannot be read: "
                             f"{exc.message}") from None
    try:
        import numbers

        if isinstance(expected, numbers.Real):
            return sympy.Float(float(expected), 17)
    except (TypeError, ValueError):
        pass
    raise TypeError(f"expected must be text, a sympy expression or a number; got "
                    f"{type(expected).__name__}")


def _domain(domain: Any, names: Sequence[str]) -> dict[str, tuple[float, float]]:
    if domain is None:
        return {n: DEFAULT_DOMAIN for n in names}
    if isinstance(domain, Mapping):
        out = {n: DEFAULT_DOMAIN for n in names}
        for k, v in domain.items():
            lo, hi = (float(v[0]), float(v[1]))
            if not lo < hi:
                raise ValueError(f"domain for {k!r} must be (low, high) with low < high")
            out[str(k)] = (lo, hi)
        return out
    lo, hi = float(domain[0]), float(domain[1])
    if not lo < hi:
        raise ValueError("domain must be (low, high) with low < high")
    return {n: (lo, hi) for n in names}


def check(answer: Any, expected: Any, variables: Sequence[str] = ("x", "y"),
          domain: Any = None, *, symbolic: bool = False, timeout: float = 2.0,
          min_sig_figs: int = MIN_SIG_FIGS, points: int = 8, rtol: float = 1e-9,
          atol: float = 1e-12, mistakes: Sequence[Mistake] = (), seed: int = 0,
          limits: Limits = LIMITS, formula: bool = False,
          defined_on: Sequence[Any] = ()) -> Feedback:
    """Check a typed answer against the expected one. Student input never raises.

    Args:
        answer: the text as typed (``"1/(2*sqrt(b))"``, ``"0.8915"``; ``"0.89, 1.47"`` when
            ``expected`` is a tuple).
        expected: text (read with the same safe parser; its names count as variables), a
            sympy expression, a number, or a tuple of these for a vector answer.
        variables: names the answer may use.
        domain: where to sample: ``(low, high)`` for every variable, or a dict
            ``{name: (low, high)}``; default ``(0.5, 3.5)``.
        symbolic: also try to prove equality with sympy in a killable child process.
        timeout: seconds for the symbolic proof (a timeout still counts as correct when the
            numbers agree).
        min_sig_figs: fewest significant figures accepted for a decimal answer.
        points: sample points (at least 5 are used).
        rtol, atol: tolerance for exact (non-decimal) answers.
        mistakes: known wrong answers to recognise (see :class:`Mistake`).
        seed: seed for the sample points.
        limits: parser limits.
        formula: the answer is a formula in ``variables`` even when the expected one is a
            constant (a local derivative such as ∂f/∂c = 1): an answer ``c`` is then wrong,
            not "put in the values".
        defined_on: expressions (text or sympy) that must be defined at a sample point for it
            to count, e.g. the node's own formula ``log(b)`` (it lives on b > 0).

    Returns:
        A :class:`Feedback`: ``.correct``, ``.message``, ``.status`` and how it was read.

    Raises:
        ValueError, TypeError: only for a malformed ``expected`` or ``domain`` (author errors).
    """
    variables = tuple(variables)
    exps = (tuple(_expected(e, variables) for e in expected)
            if isinstance(expected, (tuple, list)) else (_expected(expected, variables),))
    names = list(variables)
    for e in exps:
        for s in sorted(e.free_symbols, key=lambda s: s.name):
            if s.name not in names:
                names.append(s.name)
    dom = _domain(domain, names)
    text = answer if isinstance(answer, str) else repr(answer)
    try:
        parsed = parse(answer, names, vector=isinstance(expected, (tuple, list)), limits=limits)
    except AnswerError as exc:
        return Feedback(False, f"Invalid answer (not marked): {exc.message}", "invalid",
                        answer=text, hint=exc.hint)
    try:
        guards = tuple(_expected(d, variables) for d in defined_on)
        opts = _Options(dom, symbolic, timeout, min_sig_figs, max(points, MIN_POINTS), rtol,
                        atol, tuple(mistakes), seed, formula, guards)
        if isinstance(expected, (tuple, list)):
            return _check_vector(parsed, exps, opts, text)
        return _check_scalar(parsed, exps[0], opts, text)
    except Exception as exc:  # noqa: BLE001 - student input must never raise
        return Feedback(False, f"Invalid answer (not marked): it could not be checked "
                        f"({type(exc).__name__}); simplify it and try again", "invalid",
                        answer=text, read_as=parsed.read_as)


@dataclass(frozen=True)
class _Options:
    domain: dict[str, tuple[float, float]]
    symbolic: bool
    timeout: float
    min_sig_figs: int
    points: int
    rtol: float
    atol: float
    mistakes: tuple[Mistake, ...]
    seed: int
    formula: bool = False
    guards: tuple[Any, ...] = ()


def _check_vector(parsed: Parsed, exps: tuple, opts: _Options, text: str) -> Feedback:
    got = parsed.expr
    if len(got) != len(exps):
        return Feedback(False, f"Invalid answer (not marked): give {len(exps)} values "
                        f"separated by commas; you gave {len(got)}", "invalid", answer=text,
                        read_as=parsed.read_as, latex=parsed.latex)
    results = []
    for k, e in enumerate(exps):
        sub = _component(parsed, k)
        mistakes = tuple(Mistake(m.name.split(":", 1)[1], m.message, m.value)
                         for m in opts.mistakes if m.name.startswith(f"{k}:"))
        results.append(_check_scalar(sub, e, replace(opts, mistakes=mistakes), text))
    ok = all(r.correct for r in results)
    if ok:
        status = "correct" if all(r.status == "correct" for r in results) else "verified"
        msg = "Correct: every component is right."
    elif any(r.status == "invalid" for r in results):
        status = "invalid"
        msg = "Invalid answer (not marked): " + "; ".join(
            f"component {k + 1}: {_bare(r.message)}" for k, r in enumerate(results)
            if r.status == "invalid")
    else:
        status = "incorrect"
        msg = "Not correct: " + "; ".join(
            f"component {k + 1}: {_bare(r.message)}" for k, r in enumerate(results)
            if not r.correct)
    mistake = ",".join(r.mistake for r in results if r.mistake) or None
    return Feedback(ok, msg, status, answer=text, read_as=parsed.read_as, latex=parsed.latex,
                    mistake=mistake, details={"components": results})


def _bare(message: str) -> str:
    for prefix in ("Invalid answer (not marked): ", "Not correct: ", "Not correct. "):
        if message.startswith(prefix):
            message = message[len(prefix):]
    return message.rstrip(".")


def _component(parsed: Parsed, k: int) -> Parsed:
    """Component ``k`` of a vector answer as a scalar answer of its own."""
    g = parsed.expr[k]
    template = parsed.template[k] if parsed.template is not None else None
    mine = template.free_symbols if template is not None else set()
    literals = tuple((sym, text) for sym, text in parsed.literals if sym in mine)
    single = template is not None and (template in mine or (-template) in mine)
    text = parsed.text
    if single:
        text = ("-" if template not in mine else "") + literals[0][1].strip()
    return Parsed(text, parsed.source, g, tuple(t for _, t in literals), (), (),
                  bool(single), template, literals)


def _fmt(v: float) -> str:
    return f"{v:.6g}"


def half_unit(text: str) -> float:
    """Half a unit in the last typed digit of a decimal: how far rounding can move it.

    >>> half_unit("1.47"), half_unit("0.8915"), half_unit("2.5e3")
    (0.005, 5e-05, 50.0)
    """
    return 0.5 * 10.0 ** sig_figs(text)[1]


def slack(parsed: Parsed, point: Mapping[str, float] | None = None) -> float:
    """How far the answer's value can move when every typed decimal moves by half a unit in
    its last digit (each decimal on its own, the moves added up): the answer's precision.

    0 without decimals; infinite where a moved decimal leaves the answer undefined.

    >>> from .answers import parse
    >>> round(slack(parse("1.47", ())), 12), round(slack(parse("0.6667 + 0.2249", ())), 12)
    (0.005, 0.0001)
    >>> round(slack(parse("2.0*x", ("x",)), {"x": 3.0}), 12)
    0.15
    """
    if parsed.template is None or not parsed.literals:
        return 0.0
    values = {sym.name: float(text) for sym, text in parsed.literals}
    base_point = {**(point or {}), **values}
    try:
        base = numeric(parsed.template, base_point)
    except Undefined:
        return math.inf
    total = 0.0
    for sym, text in parsed.literals:
        h = half_unit(text)
        worst = 0.0
        for step in (h, -h):
            moved = {**base_point, sym.name: values[sym.name] + step}
            try:
                worst = max(worst, abs(numeric(parsed.template, moved) - base))
            except Undefined:
                return math.inf
        total += worst
    return total


def _weak(parsed: Parsed, min_sig_figs: int) -> list[str]:
    """The typed decimals with fewer than ``min_sig_figs`` significant figures."""
    return [t for t in parsed.decimals if sig_figs(t)[0] < min_sig_figs]


def _too_few(parsed: Parsed, opts: _Options, base: dict) -> Feedback:
    weak = _weak(parsed, opts.min_sig_figs)
    n = sig_figs(weak[0])[0]
    figs = f"{n} significant figure{'s' if n > 1 else ''}"
    if parsed.single_decimal:
        msg = (f"{weak[0]} has only {figs}; give at least {opts.min_sig_figs} (or an exact "
               "expression)")
    else:
        msg = (f"the decimal {weak[0]} in your answer has only {figs}; give every decimal "
               f"with at least {opts.min_sig_figs}, or use exact numbers such as 1/3")
    return Feedback(False, f"Invalid answer (not marked): {msg}", "invalid", **base)


def _rounding(parsed: Parsed, got: float, want: float, room: float) -> Mistake | None:
    """A decimal that misses the exact value by a rounding slip (truncated or mis-rounded)."""
    # within one unit of the last digit(s): a rounding slip, not a wrong method
    if not parsed.decimals or not math.isfinite(room) or abs(got - want) >= 2 * room:
        return None
    if parsed.single_decimal:
        typed = parsed.text.strip()
        n, e10 = sig_figs(typed)
        unit = 10.0 ** e10
        cut = math.trunc(want / unit) * unit
        how = ("you cut the digits off (truncated)" if abs(cut - got) < unit / 1000
               else "the last digit is off")
        direction = "up" if abs(want) > abs(got) else "down"
        return Mistake("rounding", f"{typed} is not the exact value rounded to {n} "
                       f"significant figures: {how}; round the last digit {direction} (a "
                       "digit of 5 or more after it rounds up)", got)
    return _EARLY_ROUNDING


_EARLY_ROUNDING = Mistake("rounding", "your decimals were rounded too early: within half a "
                          "unit of their last digits they cannot give the exact value; keep "
                          "more digits in each decimal (or use exact numbers)", None)


def _near_integer(parsed: Parsed, got: float, want: float) -> Mistake | None:
    """A whole number typed for a value just off that whole number (e.g. -5 for -4.9999998)."""
    if parsed.decimals or not float(got).is_integer() or float(want).is_integer():
        return None
    if abs(got - want) >= 0.5 or abs(got - want) > 0.01 * max(1.0, abs(want)):
        return None
    return Mistake("rounding-integer", f"{_fmt(got)} is read as exactly {_fmt(got)}, but the "
                   f"exact value is not a whole number, only close to one; your method may "
                   "well be right: give a decimal with at least 3 significant figures (e.g. "
                   f"{got:.2f}) or the exact expression", got)


def _check_scalar(parsed: Parsed, expected: Any, opts: _Options, text: str) -> Feedback:
    expr = parsed.expr
    base = {"answer": text, "read_as": parsed.read_as, "latex": parsed.latex,
            "notes": parsed.notes}
    if not expected.free_symbols and not opts.formula:
        if expr.free_symbols:
            names = ", ".join(sorted(s.name for s in expr.free_symbols))
            return Feedback(False, f"Invalid answer (not marked): the answer should be a "
                            f"number, but yours still contains {names}; put in the values",
                            "invalid", **base)
        return _check_number(parsed, expected, opts, base)
    return _check_function(parsed, expected, opts, base)


def _check_number(parsed: Parsed, expected: Any, opts: _Options, base: dict) -> Feedback:
    want = _value_any(expected, {})
    try:
        got = numeric(parsed.expr)
    except Undefined as exc:
        return Feedback(False, f"Not correct: your answer has no real value ({exc}).",
                        "incorrect", **base)
    room = slack(parsed)

    def same(a: float, b: float) -> bool:
        return close(a, b, opts.rtol, opts.atol) or abs(a - b) <= room * (1 + 1e-9)

    if close(got, want, opts.rtol, opts.atol):
        status, msg = "correct", "Correct."
        if opts.symbolic and not parsed.decimals:
            result = confirm(parsed.expr, expected, (), opts.timeout)
            status = "correct" if result == "equal" else "verified"
            msg = ("Correct (confirmed symbolically)." if result == "equal" else
                   "Correct (numerically verified; "
                   + ("the symbolic check timed out)." if result == "timeout" else
                      "sympy could not simplify the difference to 0)."))
        return Feedback(True, msg, status, **base)
    if parsed.decimals and abs(got - want) <= room * (1 + 1e-9):
        if _weak(parsed, opts.min_sig_figs):
            return _too_few(parsed, opts, base)
        if parsed.single_decimal:
            n = sig_figs(parsed.decimals[0])[0]
            msg = (f"Correct: {parsed.text.strip()} is the exact value {want:.10g}… "
                   f"rounded to the {n} significant figures you gave.")
        else:
            msg = (f"Correct to the precision of your decimals: your answer is {_fmt(got)} "
                   f"± {room:.2g}, and the exact value is {want:.8g}….")
        return Feedback(True, msg, "verified", **base)
    hits = _precedence(parsed, lambda alt: _number_match(alt, want, same))
    hits = hits or [m for m in opts.mistakes if _number_match(m.value, got, same)]
    hits = hits or [m for m in (_rounding(parsed, got, want, room),
                                _near_integer(parsed, got, want)) if m is not None]
    hits = hits or [m for m in _generic_mistakes(parsed, expected)
                    if _number_match(m.value, got, same)]
    return _wrong(parsed, hits, base, f"your answer is {_fmt(got)}, which is not the "
                  "expected value")


def _number_match(value: Any, got: float, same) -> bool:
    try:
        v = _value_any(value, {}) if isinstance(value, sympy.Basic) else float(value)
    except (Undefined, TypeError, ValueError):
        return False
    return same(got, v)


def _precedence(parsed: Parsed, agrees_with_expected) -> list[Mistake]:
    """A precedence slip: another bracketing of what was typed gives the right answer."""
    for text, alt in parsed.alternatives:
        if agrees_with_expected(alt):
            return [Mistake("precedence", f"you typed {parsed.text.strip()}, which is read as "
                            f"{parsed.read_as}; did you mean {text}? Put the whole denominator "
                            "(or exponent) in brackets", alt)]
    return []


def _generic_mistakes(parsed: Parsed, expected: Any) -> list[Mistake]:
    return [Mistake("sign", "the sign is flipped", -expected),
            Mistake("factor-2", "your answer is twice the right value (a factor 2 too many)",
                    2 * expected),
            Mistake("factor-half", "your answer is half the right value (a factor 2 missing)",
                    expected / 2)]


def _wrong(parsed: Parsed, hits: list[Mistake], base: dict, fallback: str) -> Feedback:
    if len(hits) == 1:
        msg = f"Not correct: {hits[0].message}."
    elif hits:
        msg = "Not correct. Your answer matches more than one slip: " + "; or ".join(
            m.message for m in hits) + "."
    else:
        msg = f"Not correct: {fallback}."
    if parsed.notes and not msg.count("brackets"):
        msg += " (Note: " + "; ".join(parsed.notes) + ".)"
    return Feedback(False, msg, "incorrect", mistake=hits[0].name if hits else None,
                    details={"mistakes": [m.name for m in hits]}, **base)


# ----------------------------------------------------------------------------------------
# Sampling the whole domain: both sides of every kink
# ----------------------------------------------------------------------------------------

_KINK_FUNCTIONS = (sympy.Heaviside, sympy.sign, sympy.Abs)


def kinks(*exprs: Any) -> list[Any]:
    """Where piecewise pieces meet: ``t`` for every relu/abs/step/sign(t), and ``a - b`` for
    every max/min(a, b), in any of ``exprs``.

    >>> a, b = sympy.symbols("a b")
    >>> kinks(sympy.Heaviside(a, 0) + sympy.Max(a, b))
    [a, a - b]
    """
    found: list[Any] = []
    for e in exprs:
        if not isinstance(e, sympy.Basic):
            continue
        found += [f.args[0] for f in sorted(e.atoms(*_KINK_FUNCTIONS),
                                             key=sympy.default_sort_key)]
        for f in sorted(e.atoms(sympy.Max, sympy.Min), key=sympy.default_sort_key):
            args = list(f.args)
            found += [args[i] - args[j] for i in range(len(args)) for j in range(i + 1,
                                                                                  len(args))]
    out: list[Any] = []
    for t in found:
        if t.free_symbols and t not in out:
            out.append(t)
    return out


def _defined(expected: Any, guards: Sequence[Any], pt: Mapping[str, float]) -> float:
    for g in guards:
        _value_any(g, pt)
    return _value_any(expected, pt)


def _sample(expected: Any, opts: _Options, answer: Any = None,
            ) -> list[tuple[dict[str, float], float]]:
    """Points where the expected answer (and every guard) is defined: ``opts.points`` from the
    domain box, then, for every kink of either side, points on each side of it (searched in
    ever wider boxes around the domain) so piecewise answers are compared on every branch."""
    rng = random.Random(opts.seed)
    names = sorted(set(opts.domain) | {s.name for s in expected.free_symbols})
    box = {n: opts.domain.get(n, DEFAULT_DOMAIN) for n in names}
    pts: list[tuple[dict[str, float], float]] = []

    def draw(widen: float) -> dict[str, float]:
        pt = {}
        for n in names:
            lo, hi = box[n]
            mid, half = (lo + hi) / 2, (hi - lo) / 2
            span = max(half * widen, (abs(mid) + half + 1.0) * (widen - 1))
            pt[n] = rng.uniform(mid - span, mid + span)
        return pt

    tries = 0
    while len(pts) < opts.points and tries < 40 * opts.points:
        tries += 1
        pt = draw(1.0)
        try:
            pts.append((pt, _defined(expected, opts.guards, pt)))
        except Undefined:
            continue
    for t in kinks(expected, answer):
        for side in (1.0, -1.0):
            have = 0
            for pt, _ in pts:
                with suppress(Undefined, KeyError):
                    have += numeric(t, pt) * side > 0
            need = 2 - have
            for widen in (1.0, 2.0, 4.0, 16.0, 100.0):
                tries = 0
                while need > 0 and tries < 60:
                    tries += 1
                    pt = draw(widen)
                    try:
                        if numeric(t, pt) * side <= 0:
                            continue
                        pts.append((pt, _defined(expected, opts.guards, pt)))
                        need -= 1
                    except Undefined:
                        continue
                if need <= 0:
                    break
    return pts


def _check_function(parsed: Parsed, expected: Any, opts: _Options, base: dict) -> Feedback:
    pts = _sample(expected, opts, parsed.expr)
    if len(pts) < MIN_POINTS:
        return Feedback(False, "Could not check: the expected answer is undefined at most "
                        "points of the domain; the exercise needs a domain= where it is "
                        "defined.", "undecided", **base)
    got: list[float | None] = []
    rooms: list[float] = []
    for pt, _ in pts:
        try:
            got.append(numeric(parsed.expr, pt))
        except Undefined:
            got.append(None)
        rooms.append(slack(parsed, pt) if parsed.decimals else 0.0)
    rows = list(zip(got, pts, rooms, strict=True))
    tight = all(g is not None and close(g, w, opts.rtol, opts.atol) for g, (_, w), _ in rows)
    near = bool(parsed.decimals) and all(
        g is not None and (close(g, w, opts.rtol, opts.atol) or abs(g - w) <= r * (1 + 1e-9))
        for g, (_, w), r in rows)
    n = len(pts)
    if tight or near:
        if not tight and _weak(parsed, opts.min_sig_figs):
            return _too_few(parsed, opts, base)
        if not tight:
            return Feedback(True, f"Correct to the precision of your decimals (checked at {n} "
                            "points).", "verified", **base)
        if opts.symbolic and not parsed.decimals:
            positive = [k for k in opts.domain if all(pt.get(k, 0) > 0 for pt, _ in pts)]
            result = confirm(parsed.expr, expected, positive, opts.timeout)
            if result == "equal":
                return Feedback(True, "Correct (confirmed symbolically).", "correct", **base)
            why = ("the symbolic check timed out" if result == "timeout"
                   else "sympy could not simplify the difference to 0")
            return Feedback(True, f"Correct (numerically verified at {n} points; {why}).",
                            "verified", **base)
        if parsed.expr == expected:
            return Feedback(True, "Correct.", "correct", **base)
        return Feedback(True, f"Correct (equal at {n} sample points).", "verified", **base)
    undefined = [pt for g, (pt, _), _ in rows if g is None]

    def agrees(value: Any) -> bool:
        for g, (pt, _), r in rows:
            if g is None:
                return False
            try:
                v = _value_any(value, pt) if isinstance(value, sympy.Basic) else float(value)
            except Undefined:
                return False
            if not (close(g, v, opts.rtol, opts.atol) or abs(g - v) <= r * (1 + 1e-9)):
                return False
        return True

    def alt_agrees(alt: Any) -> bool:
        try:
            return all(close(numeric(alt, pt), w, opts.rtol, opts.atol) for pt, w in pts)
        except Undefined:
            return False

    hits = _precedence(parsed, alt_agrees)
    hits = hits or [m for m in opts.mistakes if agrees(m.value)]
    hits = hits or [m for m in _generic_mistakes(parsed, expected) if agrees(m.value)]
    if not hits and parsed.decimals and all(
            g is not None and abs(g - w) < 2 * r for g, (_, w), r in rows):
        hits = [_EARLY_ROUNDING]
    if undefined and not hits:
        where = ", ".join(f"{k} = {_fmt(v)}" for k, v in undefined[0].items())
        return _wrong(parsed, [], base, f"your answer is undefined at {where}, where the "
                      "expected answer has a value")
    if hits:
        return _wrong(parsed, hits, base, "")
    k = next(i for i, (g, (_, w), r) in enumerate(rows)
             if g is None or not (close(g, w, opts.rtol, opts.atol) or abs(g - w) <= r))
    where = ", ".join(f"{name} = {_fmt(v)}" for name, v in pts[k][0].items())
    side = ""
    for t in kinks(expected, parsed.expr):
        try:
            if numeric(t, pts[k][0]) < 0:
                side = f" (where {sympy.sstr(t)} < 0: check every branch of the piecewise rule)"
                break
        except Undefined:
            continue
    return _wrong(parsed, [], base, f"at {where} your answer {parsed.read_as} gives "
                  f"{_fmt(got[k])}, which is not the right value there{side}")


def matches(answer_value: float, mistakes: Sequence[Mistake], sig: int | None = None,
            rtol: float = 1e-9) -> list[Mistake]:
    """The mistakes whose numeric value equals ``answer_value`` (to ``sig`` figures if given).

    >>> [m.name for m in matches(0.5, [Mistake("half", "half", 0.5), Mistake("two", "", 2)])]
    ['half']
    """
    tol = 10.0 ** (1 - sig) if sig else rtol
    return [m for m in mistakes if _number_match(m.value, answer_value,
                                                 lambda a, b: close(a, b, tol))]
