"""Exact (sympy) forms of a run: every value, local partial, adjoint and tangent.

The exact forms are rebuilt from the graph and the run's inputs alone, never from the run's
floats, so they are an independent check of the numbers: :func:`verify` compares the two.

>>> from autodiff_viz.core import evaluate, from_text
>>> run = evaluate(from_text("a = log(x)\\nb = a*y\\nc = sqrt(b)\\nf = c + b"), {"x": 3, "y": 2})
>>> ex = exact(run)
>>> ex.value("c"), ex.partial_formula(run.graph.in_edges[run.graph.index("c")][0])
(sqrt(2)*sqrt(log(3)), 1/(2*sqrt(b)))
>>> ex.adjoint("x")
sqrt(2)/(6*sqrt(log(3))) + 2/3
>>> unicode_of(ex.value("c")), unicode_of(ex.adjoint("x")), unicode_of(ex.adjoint("y"))
('√(2·log(3))', '1/(3·√(2·log(3))) + 2/3', '√(2·log(3))/4 + log(3)')
>>> verify(run).ok
True
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Sequence
from fractions import Fraction
from functools import cache
from typing import Any, NamedTuple

import mpmath
import sympy as sp

from ..core import display
from ..core.graph import Graph
from ..core.passes import Run
from ..core.primitives import PRIMITIVES, UnknownPrimitive, sympy_heads
from .printing import latex_of, longer_than, unicode_of

__all__ = ["Exact", "ExactTooLarge", "exact", "exact_tangents", "exact_number", "unicode_of",
           "longer_than", "latex_of", "verify", "Report", "Check", "tamper", "MAX_NODES",
           "MAX_SIZE", "MAX_DEPTH", "TIME_BUDGET", "approx"]

#: Exact forms are for teaching-sized graphs; beyond these limits a clear error is raised.
MAX_NODES = 2000
MAX_SIZE = 20_000   # terms in one exact expression (counted as a tree)
MAX_DEPTH = 32      # nesting depth of one exact expression: sympy's own simplification of
                    # nested transcendental numbers costs about 2x per level
TIME_BUDGET = 5.0   # seconds for all exact forms of one run
MAX_BITS = 40_000   # bits in the exact numbers of one form (about 12,000 digits): checked
                    # BEFORE sympy multiplies or raises numbers, so x**10000000 is refused
                    # at once instead of computing a 10^7-digit integer

_CACHE_ATTR = "_adv_exact_cache"


class ExactTooLarge(ValueError):
    """The graph is too big (or its exact forms too deep) for exact sympy forms."""


# ----------------------------------------------------------------------------------------
# Numbers and primitive rules
# ----------------------------------------------------------------------------------------

def exact_number(v: Any) -> sp.Expr:
    """The simplest exact number that rounds to the float ``v``.

    >>> exact_number(3.0), exact_number(2.5), exact_number(0.1), exact_number(1 / 3)
    (3, 5/2, 1/10, 1/3)
    >>> exact_number(math.pi), exact_number(-0.123456789)
    (pi, -123456789/1000000000)
    """
    if isinstance(v, sp.Basic):
        return v
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise NotImplementedError(f"exact forms are for scalar graphs; got {type(v).__name__} "
                                  "(array-valued graphs are checked numerically only)")
    if isinstance(v, int):
        return sp.Integer(v)
    if not math.isfinite(v):
        raise ValueError(f"{v!r} has no exact form")
    if v == math.pi:
        return sp.pi
    if v == math.e:
        return sp.E
    small = Fraction(v).limit_denominator(10 ** 6)
    if float(small) == v and (small.denominator != 1 or abs(v) < 2.0 ** 53):
        return sp.Rational(small.numerator, small.denominator)
    return sp.Rational(repr(v))  # the shortest decimal: 1e300 is 10**300, not 2**996·k


@cache
def _rule(op: str) -> tuple[tuple[sp.Dummy, ...], sp.Expr, tuple[sp.Expr, ...]]:
    """(dummy arguments, value, partial w.r.t. each argument) for primitive ``op``: sympy.diff
    of the row's sympy form, powers kept as b·a^(b−1) (b·a^b/a is nan at a = 0; the engine's
    is not) and unit steps taking the row's subgradient at their jump (relu 0, max/min ½)."""
    row = PRIMITIVES.get(op)
    if row is None:
        raise UnknownPrimitive(f"no primitive named {op!r}; exact forms need a row in "
                               "core/primitives.py")
    if row.sympy is None:
        raise NotImplementedError(f"primitive {op!r} has no sympy form (an array row): exact "
                                  "forms are for scalar graphs; array graphs are checked "
                                  "numerically")
    args = tuple(sp.Dummy(f"a{k}", real=True) for k in range(row.arity))
    value = row.sympy(sp, *args)
    at = sp.nsimplify(row.at_kink)
    parts = tuple(sp.powsimp(sp.diff(value, a)).replace(
        lambda t: isinstance(t, sp.Heaviside) and t.args[1:] != (at,),
        lambda t: sp.Heaviside(t.args[0], at)) for a in args)
    return args, value, parts


# ----------------------------------------------------------------------------------------
# Sizes (so nothing hangs or overflows sympy's recursive printers)
# ----------------------------------------------------------------------------------------

class _Meter:
    """Tree size and depth of sympy expressions (memoised by identity), and a time budget."""

    def __init__(self) -> None:
        self.memo: dict[int, tuple[sp.Basic, int, int]] = {}
        self.took: dict[str, float] = {}  # seconds sympy took for the last node of each op
        self.building: tuple[str, float] = ("", 0.0)
        self.restart()

    def restart(self) -> None:
        """Start a new time budget (one per computation: values, tangents, ...)."""
        self.budget = TIME_BUDGET
        self.deadline = time.perf_counter() + self.budget

    def measure(self, expr: sp.Basic) -> tuple[int, int]:
        memo = self.memo
        hit = memo.get(id(expr))
        if hit is not None:
            return hit[1], hit[2]
        stack: list[tuple[sp.Basic, bool]] = [(expr, False)]
        while stack:
            e, ready = stack.pop()
            if id(e) in memo:
                continue
            if not ready:
                stack.append((e, True))
                stack.extend((a, False) for a in e.args if id(a) not in memo)
                continue
            size, depth = 1, 1
            for a in e.args:
                _, s, d = memo[id(a)]
                size += s
                depth = max(depth, d + 1)
            memo[id(e)] = (e, size, depth)
        _, s, d = memo[id(expr)]
        return s, d

    def check(self, expr: sp.Basic, what: str, args: Sequence[sp.Basic] = (),
              op: str = "") -> sp.Basic:
        """``expr`` when within the time budget, ``MAX_SIZE`` and ``MAX_DEPTH``; with
        ``args``, the ``op`` node made from them is checked before sympy makes it (its
        automatic simplification of a deep form can take minutes, growing ~5× a level)."""
        now = time.perf_counter()
        if self.building[0]:
            self.took[self.building[0]] = now - self.building[1]
        self.building = (op, now)
        if now + 5 * self.took.get(op, 0.0) * bool(args) > self.deadline:
            raise ExactTooLarge(
                f"exact forms take longer than {self.budget:g} s (stopped at {what}); exact "
                "forms are for small teaching graphs: check this one numerically "
                "(run.forward_mode, run.paths, central differences).")
        parts = [self.measure(a) for a in args]
        size, depth = (1 + sum(s for s, _ in parts), 1 + max(d for _, d in parts)) if args \
            else self.measure(expr)
        if size > MAX_SIZE or depth > MAX_DEPTH:
            raise ExactTooLarge(
                f"the exact form of {what} is too large ({size} terms, nesting depth {depth}; "
                f"limits {MAX_SIZE} and {MAX_DEPTH}). Exact forms are for small teaching "
                "graphs; check large graphs numerically (run.forward_mode, run.paths).")
        return expr


def _bits(e: sp.Basic) -> int:
    """Total size in bits of the exact numbers in ``e``: an upper bound on what sympy's
    automatic arithmetic can make of them without an explicit power.

    >>> _bits(sp.Rational(3, 4) * sp.sqrt(sp.Integer(2) ** 100 + 1))
    110
    """
    if isinstance(e, sp.Rational):
        return int(e.p).bit_length() + int(e.q).bit_length()
    return sum(int(r.p).bit_length() + int(r.q).bit_length() for r in e.atoms(sp.Rational))


def _size_proof(op: str, args: Sequence[sp.Basic], what: str) -> None:
    """Refuse, before sympy starts, an operation whose exact numbers would be too long.

    Sums, products and quotients of numbers of b₁ and b₂ bits have at most b₁ + b₂ bits;
    a power aᵖ/ᵠ has at most |p/q|·bits(a) (plus the exponent's own). Other primitives keep
    their argument unevaluated (log(3), exp(2)), so the sum bound holds for them too.

    >>> _size_proof("pow", [sp.Rational(10000001, 10000000), sp.Integer(10 ** 7)], "f")
    Traceback (most recent call last):
    ...
    autodiff_viz.exact.forms.ExactTooLarge: the exact value of f would have about ...
    """
    bits = [_bits(a) for a in args]
    total = sum(bits)
    if op == "pow" and isinstance(args[1], sp.Rational):
        total = int(min(abs(args[1]) + 1, 10 ** 12) * max(bits[0], 1)) + bits[1]
    if total > MAX_BITS:
        raise ExactTooLarge(
            f"the exact value of {what} would have about {int(total * 0.30103):,} digits "
            f"(limit {int(MAX_BITS * 0.30103):,}): exact forms are for small teaching numbers. "
            "Check this graph numerically (central differences), or choose inputs and "
            "exponents that keep the numbers short.")


def _tidy(e: sp.Expr, meter: _Meter) -> sp.Expr:
    """Multiply out sums (cheaply): (1 + √2/(4√log 3))·log 3 → √2·√log 3/4 + log 3."""
    if meter.measure(e)[0] > 400:
        return e
    return sp.expand(e, mul=True, multinomial=False, power_exp=False, power_base=False,
                     log=False, deep=False)


# ----------------------------------------------------------------------------------------
# Exact forms
# ----------------------------------------------------------------------------------------

class Exact:
    """Exact forms for one run (build it with :func:`exact`, which caches it on the run).

    Attributes:
        graph: the graph.
        inputs: input name -> exact value (floats become the simplest rational, π stays π).
        values: exact value per node index.
        partials: exact local partial per edge index (at the evaluation point).
        formulas: symbolic local partial per edge index, in terms of node names.
        adjoints: exact ∂output/∂node per node index (None where no gradient flows).
    """

    def __init__(self, run: Run) -> None:
        g: Graph = run.graph
        if len(g.nodes) > MAX_NODES:
            raise ExactTooLarge(f"the graph has {len(g.nodes)} nodes; exact forms are for "
                                f"graphs of at most {MAX_NODES} nodes (check large graphs "
                                "numerically)")
        for i, v in enumerate(run.values):
            if v is not None and type(v) is not float:
                raise NotImplementedError(
                    f"exact forms are for scalar graphs; node {g.nodes[i].name!r} holds an "
                    f"array of shape {getattr(v, 'shape', '?')}. Check array graphs "
                    "numerically (central differences) instead.")
        self.graph = g
        self.meter = _Meter()
        self.inputs: dict[str, sp.Expr] = {k: exact_number(v) for k, v in run.inputs.items()}
        self.symbols: dict[str, sp.Symbol] = {n.name: sp.Symbol(n.name, real=True)
                                              for n in g.nodes if n.op != "const"}
        self.values: list[sp.Expr] = []
        self.partials: list[sp.Expr | None] = [None] * len(g.edges)
        self.formulas: list[sp.Expr | None] = [None] * len(g.edges)
        for node in g.nodes:
            if node.op == "input":
                self.values.append(self.inputs[node.name])
                continue
            if node.op == "const":
                self.values.append(exact_number(node.const))
                continue
            dummies, value, parts = _rule(node.op)
            args = [self.values[a] for a in node.args]
            _size_proof(node.op, args, f"node {node.name!r}")
            self.meter.check(None, f"node {node.name!r}", args, node.op)
            to_val = dict(zip(dummies, args, strict=True))
            self.values.append(self.meter.check(value.xreplace(to_val), f"node {node.name!r}"))
            to_sym = {d: (self.symbols[g.nodes[a].name] if g.nodes[a].op != "const"
                          else self.values[a]) for d, a in zip(dummies, node.args, strict=True)}
            for pos, e in enumerate(g.in_edges[node.index]):
                self.formulas[e] = parts[pos].xreplace(to_sym)
                part = parts[pos].xreplace(to_val)
                if node.op == "pow" and pos == 1 and args[0] == 0:
                    part = sp.Integer(0)  # a^b·log(a) → 0 as a → 0: 0^b is flat in b (engine)
                self.partials[e] = self.meter.check(
                    part, f"∂{node.name}/∂{g.nodes[node.args[pos]].name}")
        self.adjoints: list[sp.Expr | None] = self._reverse()
        self._tangents: dict[str, Any] = {}

    def _reverse(self) -> list[sp.Expr | None]:
        g = self.graph
        adj: list[sp.Expr | None] = [None] * len(g.nodes)
        out = g.output_index
        adj[out] = sp.Integer(1)
        for i in range(out - 1, -1, -1):
            if not g.needs_grad[i]:
                continue
            terms = []
            for e in g.out_edges[i]:
                a = adj[g.edges[e].dst]
                if a is not None:
                    _size_proof("mul", (a, self.partials[e]),
                                f"the adjoint of {g.nodes[i].name!r}")
                    terms.append(a * self.partials[e])
            if len(terms) > 1:
                _size_proof("add", terms, f"the adjoint of {g.nodes[i].name!r}")
            if terms:
                adj[i] = self.meter.check(_tidy(sp.Add(*terms), self.meter),
                                          f"the adjoint of {g.nodes[i].name!r}")
        return adj

    # lookups ---------------------------------------------------------------------------
    def value(self, name: str) -> sp.Expr:
        """Exact value of node ``name``."""
        return self.values[self.graph.index(name)]

    def partial(self, edge: int) -> sp.Expr | None:
        """Exact local partial on edge ``edge`` at the evaluation point."""
        return self.partials[edge]

    def partial_formula(self, edge: int) -> sp.Expr | None:
        """Local partial on edge ``edge`` in terms of node names, e.g. ``1/(2*sqrt(b))``."""
        return self.formulas[edge]

    def adjoint(self, name: str) -> sp.Expr | None:
        """Exact ∂output/∂``name`` (None where no gradient flows)."""
        return self.adjoints[self.graph.index(name)]

    @property
    def grad(self) -> dict[str, sp.Expr]:
        """Exact gradient: input name -> ∂output/∂input (0 when the output ignores it)."""
        return {n: (self.adjoint(n) if self.adjoint(n) is not None else sp.Integer(0))
                for n in self.graph.inputs}

    def tangents(self, wrt: str) -> list[sp.Expr | None]:
        """Exact forward-mode tangents ∂node/∂``wrt`` per node index."""
        if wrt not in self.graph.inputs:
            raise KeyError(f"{wrt!r} is not an input; inputs are {', '.join(self.graph.inputs)}")
        if wrt not in self._tangents:  # a failure is kept like a success: no retry
            try:
                self._tangents[wrt] = self._tangent_sweep(wrt)
            except ExactTooLarge as exc:
                self._tangents[wrt] = exc
        got = self._tangents[wrt]
        if isinstance(got, ExactTooLarge):
            raise ExactTooLarge(*got.args)
        return got

    def _tangent_sweep(self, wrt: str) -> list[sp.Expr | None]:
        g = self.graph
        self.meter.restart()
        tan: list[sp.Expr | None] = [None] * len(g.nodes)
        for i, node in enumerate(g.nodes):
            if not g.needs_grad[i]:
                continue
            if node.op == "input":
                tan[i] = sp.Integer(1 if node.name == wrt else 0)
                continue
            terms = [self.partials[e] * tan[g.edges[e].src] for e in g.in_edges[i]
                     if tan[g.edges[e].src] is not None]
            tan[i] = self.meter.check(_tidy(sp.Add(*terms), self.meter),
                                      f"the tangent of {node.name!r}")
        return tan

    def tangent(self, name: str, wrt: str) -> sp.Expr | None:
        """Exact ∂``name``/∂``wrt``."""
        return self.tangents(wrt)[self.graph.index(name)]

    def path_product(self, edges: Sequence[int]) -> sp.Expr:
        """Exact product of the local partials along a path (edge indices)."""
        return sp.Mul(*(self.partials[e] for e in edges))

    def text(self, kind: str, key: int | str, style: str = "unicode") -> str:
        """A label: ``kind`` is value/partial/formula/adjoint; ``style`` unicode or latex."""
        get = {"value": self.value, "partial": self.partial, "formula": self.partial_formula,
               "adjoint": self.adjoint}[kind]
        e = get(key)
        return "" if e is None else latex_of(e) if style == "latex" else unicode_of(e)

    def __repr__(self) -> str:
        grad = ", ".join(f"∂/∂{k} = {unicode_of(v)}" for k, v in self.grad.items())
        return (f"<Exact {self.graph.output.name} = "
                f"{unicode_of(self.values[self.graph.output_index])}; {grad}>")


def exact(run: Run) -> Exact:
    """Exact forms of every value, partial and adjoint of ``run`` (cached on the run).

    Raises NotImplementedError for array-valued graphs and :class:`ExactTooLarge` for graphs
    too big for exact forms.
    """
    cached = getattr(run, _CACHE_ATTR, None)
    if cached is not None and cached.graph is run.graph:
        return cached
    key = _failure_key(run)
    failed = _FAILED.get(key)
    if failed is not None:  # a failure is cached like a success: no retry per rebuild
        raise type(failed)(*failed.args)
    try:
        ex = Exact(run)
    except (ExactTooLarge, RecursionError, MemoryError) as exc:
        if len(_FAILED) >= 256:
            _FAILED.pop(next(iter(_FAILED)))
        _FAILED[key] = (exc if isinstance(exc, ExactTooLarge) else
                        ExactTooLarge(f"exact forms of this graph are too deep for sympy "
                                      f"({type(exc).__name__}); check it numerically"))
        if isinstance(exc, ExactTooLarge):
            raise
        raise _FAILED[key] from None
    setattr(run, _CACHE_ATTR, ex)
    return ex


#: Graphs (and inputs) whose exact forms failed: the same failure, without redoing the work.
_FAILED: dict[tuple, ExactTooLarge] = {}


def _failure_key(run: Run) -> tuple:
    g = run.graph
    limits = (MAX_NODES, MAX_SIZE, MAX_DEPTH, MAX_BITS, TIME_BUDGET)  # a failure under
    # other limits (a test's, a lecturer's) says nothing about these
    return (limits, tuple(g.ops), tuple(g.args), tuple(map(repr, g.consts)), tuple(g.names),
            tuple((k, repr(v)) for k, v in run.inputs.items()))


def exact_tangents(run: Run, wrt: str) -> list[sp.Expr | None]:
    """Exact forward-mode tangents ∂node/∂``wrt`` per node index (None: no dependence).

    >>> from autodiff_viz.core import evaluate, from_text
    >>> exact_tangents(evaluate(from_text("log(x)*y"), {"x": 3, "y": 2}), "x")
    [1, 1/3, 0, 2/3]
    """
    return exact(run).tangents(wrt)


# ----------------------------------------------------------------------------------------
# Verification
# ----------------------------------------------------------------------------------------

class Check(NamedTuple):
    """One row of a :class:`Report`."""

    kind: str          # "value", "partial", "adjoint", "tangent", "path", "path sum"
    item: str          # e.g. "c", "∂c/∂b", "∂f/∂b"
    numeric: Any
    exact: sp.Expr
    approx: complex | float
    error: float       # relative error (absolute when the exact value is 0)
    ok: bool


class Report:
    """The result of :func:`verify`: one :class:`Check` per number, and the mismatches."""

    def __init__(self, checks: list[Check], rtol: float, atol: float) -> None:
        self.checks = checks
        self.rtol, self.atol = rtol, atol

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def mismatches(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    def __bool__(self) -> bool:
        return self.ok

    def __len__(self) -> int:
        return len(self.checks)

    def __str__(self) -> str:
        """The checks as a table and a verdict (printed by ``render.table``)."""
        return display.call("report_table", self)

    def __repr__(self) -> str:
        return (f"<Report {'ok' if self.ok else 'MISMATCH'}: {len(self.checks)} checks, "
                f"{len(self.mismatches)} mismatches>")

    def _repr_html_(self) -> str:
        return display.call("report_table", self, html=True)


def _mp_function(f: Any) -> Any:
    name = f.__name__.lower()
    return getattr(mpmath, name, None) or getattr(mpmath, "f" + name)  # Abs: fabs


#: mpmath for each one-argument sympy function of the rows (and sign, the slope of Abs).
_MP_FUNCS: dict[type, Any] = {f: _mp_function(f) for f, row in sympy_heads(sp).items()
                              if row.arity == 1} | {sp.sign: mpmath.sign}


def _mp_node(e: sp.Basic, args: list[Any], digits: int) -> Any:
    if e.is_Rational:
        return mpmath.mpf(int(e.p)) / int(e.q)
    if e.is_Float:
        return mpmath.mpf(e)
    if e is sp.pi:
        return +mpmath.pi
    if e is sp.E:
        return +mpmath.e
    if e in (sp.zoo, sp.oo):
        return mpmath.inf
    if e is sp.nan:
        return mpmath.nan
    if e == -sp.oo:
        return -mpmath.inf
    if e.is_Add:
        return mpmath.fsum(args)
    if e.is_Mul:
        return mpmath.fprod(args)
    if e.is_Pow:
        return mpmath.power(args[0], args[1])
    if e.func in _MP_FUNCS:
        return _MP_FUNCS[e.func](args[0])
    if isinstance(e, sp.Heaviside):
        a = args[0]
        return mpmath.mpf(1) if a > 0 else mpmath.mpf(0) if a < 0 else args[1]
    if isinstance(e, (sp.Max, sp.Min)):
        return (max if isinstance(e, sp.Max) else min)(args)
    z = complex(e.evalf(digits))  # anything else: sympy's own evaluation of this subtree
    return mpmath.mpc(z.real, z.imag) if z.imag else mpmath.mpf(z.real)


def approx(e: sp.Expr, digits: int = 40) -> complex | float:
    """Evaluate an exact form with ``digits`` significant digits (mpmath, memoised per
    subexpression, so nested forms cost linear time where ``evalf`` can take exponential).

    >>> approx(sp.sqrt(2) * sp.log(3))
    1.5536723984241865
    >>> approx(1 / sp.Integer(0))
    inf
    """
    memo: dict[int, Any] = {}
    keep: list[sp.Basic] = []
    stack: list[tuple[sp.Basic, bool]] = [(e, False)]
    with mpmath.workdps(digits):
        while stack:
            node, ready = stack.pop()
            if id(node) in memo:
                continue
            if not ready:
                keep.append(node)
                stack.append((node, True))
                stack.extend((a, False) for a in node.args if id(a) not in memo)
                continue
            args = [memo[id(a)] for a in node.args]
            try:
                memo[id(node)] = _mp_node(node, args, digits)
            except (ZeroDivisionError, ValueError):
                memo[id(node)] = mpmath.inf
        v = memo[id(e)]
        if isinstance(v, mpmath.mpc):
            return complex(v) if v.imag else float(v.real)
        return float(v)


def _compare(kind: str, item: str, numeric: Any, e: sp.Expr, rtol: float,
             atol: float) -> Check:
    value = approx(e)
    num = float(numeric)
    if not isinstance(value, complex) and math.isnan(num) and math.isnan(value):
        return Check(kind, item, numeric, e, value, 0.0, True)  # both undefined, e.g. 0·∞
    if isinstance(value, complex) or math.isnan(num) or math.isnan(value):
        return Check(kind, item, numeric, e, value, math.inf, False)
    if math.isinf(value) or math.isinf(num):   # e.g. the slope of √ at 0 (exact: zoo)
        both = math.isinf(value) and math.isinf(num)
        return Check(kind, item, numeric, e, value, 0.0 if both else math.inf, both)
    diff = abs(num - value)
    error = diff / abs(value) if value != 0 else diff
    return Check(kind, item, numeric, e, value, error, diff <= atol + rtol * abs(value))


def verify(run: Run, rtol: float = 1e-9, atol: float = 1e-12, *, tangents: bool = False,
           paths: bool = False, path_limit: int = 1000) -> Report:
    """Check every value, local partial and adjoint of ``run`` against its exact form.

    ``tangents=True`` also checks forward-mode tangents for every input, ``paths=True`` every
    path product and each path sum. A number passes when
    ``|numeric - exact| <= atol + rtol·|exact|``.

    >>> from autodiff_viz.core import evaluate, from_text
    >>> run = evaluate(from_text("a = log(x)\\nb = a*y\\nc = sqrt(b)\\nf = c + b"),
    ...                {"x": 3, "y": 2})
    >>> slip = tamper(run, values={"c": math.sqrt(math.log(3))})   # the course note's slip
    >>> [c.item for c in verify(slip).mismatches]
    ['c']
    """
    ex = exact(run)
    g = run.graph
    checks = [_compare("value", node.name, run.values[i], ex.values[i], rtol, atol)
              for i, node in enumerate(g.nodes)
              if run.values[i] is not None and node.op != "const"]
    checks += [_compare("partial", f"∂{edge.child}/∂{edge.parent}", run.partials[e],
                        ex.partials[e], rtol, atol)
               for e, edge in enumerate(g.edges) if run.partials[e] is not None]
    out = g.output.name
    for i, node in enumerate(g.nodes):
        a = run.adjoints[i]
        if a is None and ex.adjoints[i] is None:
            continue
        item = f"∂{out}/∂{node.name}"
        if a is None or ex.adjoints[i] is None:
            checks.append(Check("adjoint", item, a, ex.adjoints[i] or sp.Integer(0),
                                math.nan, math.inf, False))
            continue
        checks.append(_compare("adjoint", item, a, ex.adjoints[i], rtol, atol))
    if tangents:
        for wrt in g.inputs:
            tr = run.forward_mode(wrt)
            etan = ex.tangents(wrt)
            checks += [_compare("tangent", f"∂{node.name}/∂{wrt}", tr.tangents[i], etan[i],
                                rtol, atol) for i, node in enumerate(g.nodes)
                       if tr.tangents[i] is not None and etan[i] is not None]
    if paths:
        for wrt in g.inputs:
            ps = run.paths(wrt, limit=path_limit)
            checks += [_compare("path", str(p), p.product, ex.path_product(p.edges), rtol,
                                atol) for p in ps.paths]
            checks.append(_compare("path sum", f"Σ paths {wrt} → {out}", ps.total,
                                   ex.grad[wrt], rtol, atol))
    return Report(checks, rtol, atol)


def tamper(run: Run, values: dict[str, float] | None = None,
           partials: dict[int, float] | None = None,
           adjoints: dict[str, float] | None = None) -> Run:
    """A copy of ``run`` with some numbers replaced (to show that :func:`verify` catches it).

    ``values`` and ``adjoints`` are keyed by node name, ``partials`` by edge index.
    """
    new = copy.copy(run)
    new.values = list(run.values)
    new.partials = list(run.partials)
    new.adjoints = list(run.adjoints)
    for name, v in (values or {}).items():
        new.values[run.graph.index(name)] = float(v)
    for e, v in (partials or {}).items():
        new.partials[e] = float(v)
    for name, v in (adjoints or {}).items():
        new.adjoints[run.graph.index(name)] = float(v)
    return new
