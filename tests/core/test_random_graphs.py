"""Hypothesis-generated random graphs: every way of computing the gradient agrees.

Random DAG programs over the scalar primitives (shared subexpressions, repeated arguments,
constants, unused inputs) are evaluated at random points inside their domains, then

    reverse mode == forward mode (one sweep per input) == sum over paths (when few)
                 == HIPS autograd on the same graph == central differences,

and, on fewer examples, == sympy.diff of the composed expression. The same structure written
as program text must give the same numbers (the text builder agrees with the graph).

CI runs a few thousand examples, deterministically; ``pytest --hypothesis-profile=thorough``
(or ``HYPOTHESIS_PROFILE=thorough``) runs twenty times more, randomly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import autograd
import autograd.numpy as anp
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

import autodiff_viz as adv
from autodiff_viz import DomainError
from autodiff_viz.core.graph import Graph, Node
from autodiff_viz.core.passes import count_paths
from autodiff_viz.core.primitives import FUNCTIONS, PRIMITIVES

pytestmark = pytest.mark.filterwarnings("ignore:Output seems independent of input")

THOROUGH = settings.get_current_profile_name() == "thorough"
SCALE = 20 if THOROUGH else 1
SETTINGS = dict(deadline=None, derandomize=not THOROUGH, database=None,
                suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])

SCALAR_OPS = sorted(name for name, row in PRIMITIVES.items() if row.vjp is None)

# Independent implementations, written from the definitions (not from our table).
AUTOGRAD = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b, "pow": lambda a, b: a ** b, "neg": lambda a: -a,
    "exp": anp.exp, "log": anp.log, "sqrt": anp.sqrt, "sin": anp.sin, "cos": anp.cos,
    "tan": anp.tan, "tanh": anp.tanh, "sigmoid": lambda a: 1 / (1 + anp.exp(-a)),
    "relu": lambda a: anp.maximum(a, 0.0), "abs": anp.abs, "square": lambda a: a * a,
    "reciprocal": lambda a: 1 / a, "atan": anp.arctan, "asin": anp.arcsin, "acos": anp.arccos,
    "sinh": anp.sinh, "cosh": anp.cosh, "softplus": lambda a: anp.logaddexp(0.0, a),
    "log1p": anp.log1p, "max": anp.maximum, "min": anp.minimum,
}
SYMPY = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b, "pow": lambda a, b: a ** b, "neg": lambda a: -a,
    "exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt, "sin": sp.sin, "cos": sp.cos,
    "tan": sp.tan, "tanh": sp.tanh, "sigmoid": lambda a: 1 / (1 + sp.exp(-a)),
    "relu": lambda a: sp.Max(a, 0), "abs": sp.Abs, "square": lambda a: a ** 2,
    "reciprocal": lambda a: 1 / a, "atan": sp.atan, "asin": sp.asin, "acos": sp.acos,
    "sinh": sp.sinh, "cosh": sp.cosh, "softplus": lambda a: sp.log(1 + sp.exp(a)),
    "log1p": lambda a: sp.log(1 + a), "max": sp.Max, "min": sp.Min,
}
INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**"}
CONSTANTS = [0.5, 2.0, 3.0, 1.5, -1.5, 0.25, 1.0, -2.0]


@dataclass
class Program:
    """A random DAG: inputs, then ``(op, args)`` rows whose args are node indices."""

    inputs: list[str]
    rows: list[tuple[str, tuple[int, ...], float | None]]  # (op, args, const)
    point: dict[str, float]

    def graph(self) -> Graph:
        nodes = [Node(k, name, "input") for k, name in enumerate(self.inputs)]
        for op, args, const in self.rows:
            k = len(nodes)
            nodes.append(Node(k, f"c{k}" if op == "const" else f"v{k}", op, args, const))
        return adv.graph(Graph(nodes))

    def text(self) -> str | None:
        """The same program as lecture-style text, one assignment per computed node."""
        names = list(self.inputs)
        lines = []
        for op, args, const in self.rows:
            k = len(names)
            if op == "const":
                names.append(f"({const!r})")
                continue
            a = [names[i] for i in args]
            if op in INFIX:
                rhs = f"{a[0]} {INFIX[op]} {a[1]}"
            elif op == "neg":
                rhs = f"-{a[0]}"
            elif op in FUNCTIONS:
                rhs = f"{op}({', '.join(a)})"
            else:
                return None
            names.append(f"v{k}")
            lines.append(f"v{k} = {rhs}")
        return "\n".join(lines)

    def replay(self, impl: dict, xs: list) -> object:
        vals = list(xs)
        for op, args, const in self.rows:
            vals.append(const if op == "const" else impl[op](*(vals[i] for i in args)))
        return vals[-1]


@st.composite
def programs(draw, max_ops: int = 10) -> Program:
    n_in = draw(st.integers(1, 3))
    inputs = ["x", "y", "z"][:n_in]
    rows: list[tuple[str, tuple[int, ...], float | None]] = []
    n_ops = draw(st.integers(1, max_ops))
    for _ in range(n_ops):
        op = draw(st.sampled_from(SCALAR_OPS))
        args: list[int] = []
        for _ in range(PRIMITIVES[op].arity):
            n = n_in + len(rows)
            choice = draw(st.sampled_from(["recent", "any", "repeat", "const"]))
            if choice == "const":
                rows.append(("const", (), draw(st.sampled_from(CONSTANTS))))
                args.append(n)
            elif choice == "repeat" and args:
                args.append(args[-1])                       # x*x, a+a
            elif choice == "recent":
                args.append(n - 1)                          # grow deep chains
            else:
                args.append(draw(st.integers(0, n - 1)))    # share earlier nodes
        rows.append((op, tuple(args), None))
    point = {name: draw(st.one_of(st.floats(0.2, 2.0), st.floats(-2.0, 2.0)))
             for name in inputs}
    return Program(inputs, rows, point)


def evaluate_or_reject(prog: Program):
    """Evaluate, rejecting points outside a domain, at a kink, or numerically wild."""
    g = prog.graph()
    note(prog.text() or repr(prog.rows))
    note(repr(prog.point))
    try:
        run = g.evaluate(prog.point)
    except DomainError:
        assume(False)
    assume(not run.flags)
    for i, node in enumerate(g.nodes):
        v = run.values[i]
        assume(abs(v) < 1e6)
        if node.op not in ("input", "const") and PRIMITIVES[node.op].kink is not None:
            assume(all(abs(run.values[a]) > 1e-3 for a in node.args))
        if node.op == "tan":
            assume(abs(math.cos(run.values[node.args[0]])) > 1e-2)
    assume(all(abs(d) < 1e6 for d in run.grad.values()))
    assume(all(abs(p) < 1e6 for p in run.partials if p is not None))
    return g, run


def central_difference(g: Graph, point: dict[str, float], name: str) -> float | None:
    """d output / d ``name`` from values alone: Richardson extrapolation of central
    differences at h and h/2. None when the two disagree (the function curves too fast at
    this scale for differences to be trusted) or a shifted point leaves the domain."""
    x = point[name]

    def diff(h: float) -> float:
        up = g.evaluate({**point, name: x + h}).value
        down = g.evaluate({**point, name: x - h}).value
        return (up - down) / (2 * h)

    h = 1e-4 * max(1.0, abs(x))
    try:
        coarse, fine = diff(h), diff(h / 2)
    except DomainError:
        return None
    if not close(coarse, fine, rel=1e-3, abs_=1e-6):
        return None
    return (4 * fine - coarse) / 3


def close(a: float, b: float, rel: float = 1e-9, abs_: float = 1e-9) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def test_every_scalar_op_has_independent_oracles():
    assert set(SCALAR_OPS) <= set(AUTOGRAD), "add an autograd oracle for the new primitive"
    assert set(SCALAR_OPS) <= set(SYMPY), "add a sympy oracle for the new primitive"


@settings(max_examples=3000 * SCALE, **SETTINGS)
@given(programs())
def test_reverse_forward_paths_autograd_and_differences_agree(prog):
    g, run = evaluate_or_reject(prog)
    grad = run.grad
    assert set(grad) == set(prog.inputs)
    # HIPS autograd on the same computation, op by op from its own definitions
    xs = [prog.point[name] for name in prog.inputs]
    assert close(run.value, float(prog.replay(AUTOGRAD, xs)), rel=1e-12, abs_=1e-12)
    for k, name in enumerate(prog.inputs):
        reference = float(autograd.grad(lambda *a: prog.replay(AUTOGRAD, list(a)), k)(*xs))
        assert close(grad[name], reference), (name, grad[name], reference)
        # forward mode: one sweep for this input
        assert close(run.forward_mode(name).value, grad[name], rel=1e-12, abs_=1e-12)
        # sum over all paths, each the product of its edge partials
        if count_paths(g, name) <= 2000:
            paths = run.paths(name)
            assert close(paths.total, grad[name], rel=1e-9, abs_=1e-12)
            assert paths.count == len(paths)
        # central differences on the values alone (Richardson-extrapolated)
        slope = central_difference(g, prog.point, name)
        if slope is not None:
            assert close(slope, grad[name], rel=1e-5, abs_=1e-6 * (1 + abs(run.value))), (
                name, slope, grad[name])
    # the adjoint of every node is the sum of its contributions
    for step in run.steps:
        if step.phase == "backward" and step.contributions:
            assert close(step.adjoint, math.fsum(c.value for c in step.contributions),
                         rel=1e-12, abs_=1e-12)
    # the same program written as text builds a graph with the same numbers
    text = prog.text()
    if text is not None:
        try:
            from_text = adv.graph(text)
        except adv.ParseError as exc:  # e.g. the output is an input or a constant
            assert "computes nothing" in str(exc)
            return
        # text graphs only have the inputs the text uses
        assert set(from_text.inputs) <= set(prog.inputs)
        again = from_text.evaluate({n: prog.point[n] for n in from_text.inputs})
        assert close(again.value, run.value, rel=1e-12, abs_=1e-12)
        for name in prog.inputs:
            d = again.grad.get(name, 0.0)
            assert close(d, grad[name], rel=1e-12, abs_=1e-12), (name, d, grad[name])


@settings(max_examples=300 * SCALE, **SETTINGS)
@given(programs(max_ops=7))
def test_gradient_equals_sympy_diff_of_the_composed_expression(prog):
    _, run = evaluate_or_reject(prog)
    symbols = [sp.Symbol(name, real=True) for name in prog.inputs]
    rows = [(op, args, None if const is None else sp.nsimplify(const))
            for op, args, const in prog.rows]
    expr = Program(prog.inputs, rows, prog.point).replay(SYMPY, symbols)
    at = {s: sp.Float(prog.point[s.name], 30) for s in symbols}
    assert close(run.value, float(sp.N(expr.subs(at), 30)), rel=1e-10, abs_=1e-10)
    for s in symbols:
        exact = complex(sp.N(sp.diff(expr, s).subs(at), 30))
        assert abs(exact.imag) < 1e-12
        assert close(run.grad[s.name], exact.real, rel=1e-9, abs_=1e-9), (s, exact)


def test_generator_covers_every_op_and_the_tricky_shapes():
    """The strategy really produces repeated arguments, sharing and every scalar op."""
    seen_ops: set[str] = set()
    repeated = shared = False

    @settings(max_examples=400, deadline=None, derandomize=True, database=None)
    @given(programs())
    def collect(prog):
        nonlocal repeated, shared
        uses: dict[int, int] = {}
        for op, args, _ in prog.rows:
            seen_ops.add(op)
            repeated |= len(args) == 2 and args[0] == args[1]
            for a in args:
                uses[a] = uses.get(a, 0) + 1
        shared |= any(n > 1 for n in uses.values())

    collect()
    assert seen_ops >= set(SCALAR_OPS)
    assert repeated and shared


@pytest.mark.parametrize("wrong", ["mul", "sin", "div"])
def test_the_comparison_catches_a_wrong_rule(wrong, monkeypatch):
    """Guard the guard: corrupt one partial and the oracles disagree with the engine."""
    from autodiff_viz.core.primitives import Primitive

    row = PRIMITIVES[wrong]
    bad = (lambda A, o: 1.234,) + row.partials[1:]
    monkeypatch.setitem(PRIMITIVES, wrong, Primitive(row.name, row.arity, row.value, bad,
                                                     row.sympy, row.unicode, row.latex))
    prog = Program(["x", "y"], [(wrong, (0, 1) if row.arity == 2 else (0,), None)],
                   {"x": 0.7, "y": 1.3})
    run = prog.graph().evaluate(prog.point)
    xs = [0.7, 1.3]
    reference = float(autograd.grad(lambda *a: prog.replay(AUTOGRAD, list(a)), 0)(*xs))
    assert not close(run.grad["x"], reference)
