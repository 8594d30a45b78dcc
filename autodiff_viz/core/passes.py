"""The passes over a graph, each an ordered script of :class:`Step` records.

- :func:`forward`: node values and the local partial on every in-edge, in topological order;
- :func:`reverse`: adjoints ∂f/∂node in reverse topological order, each the sum of its
  out-edges' contributions (child's adjoint × local partial);
- :func:`forward_mode`: tangents ∂node/∂x for one input in one sweep;
- :func:`paths`: every path from an input to the output with the product of its partials.

The loops store plain lists (values, partials, adjoints); a :class:`Step` is built from them
when it is read, so a 100,000-node graph costs no more than its arithmetic.

>>> from autodiff_viz.core.build import from_text
>>> run = evaluate(from_text("a = log(x)\\nb = a*y\\nc = sqrt(b)\\nf = c + b"), {"x": 3, "y": 2})
>>> round(run.value, 6), round(run.grad["x"], 6), round(run.grad["y"], 6)
(3.679528, 0.891542, 1.469188)
>>> [(s.phase, s.node) for s in run.steps][3:6]
[('forward', 'f'), ('backward', 'f'), ('backward', 'c')]
>>> step = run.step("backward", "b")
>>> [(c.child, round(c.value, 3)) for c in step.contributions]
[('c', 0.337), ('f', 1.0)]
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from . import display
from .graph import Graph
from .primitives import PRIMITIVES, primitive, unbroadcast
from .reader import EULER

__all__ = ["Step", "Contribution", "Run", "TangentRun", "Path", "Paths", "DomainError",
           "InputError", "evaluate", "forward", "reverse", "forward_mode", "count_paths",
           "bind_inputs", "step_index", "input_name"]

_ERRORS = (ValueError, ZeroDivisionError, OverflowError, FloatingPointError, TypeError)


class DomainError(ValueError):
    """A node's operation got an argument outside its domain (log of a negative, ...)."""

    def __init__(self, message: str, node: str = "", op: str = "", value: Any = None) -> None:
        super().__init__(message)
        self.node, self.op, self.value = node, op, value


class InputError(ValueError):
    """Missing, unknown or non-numeric input values.

    With ``inputs`` (the graph's inputs) the message ends with an example call in the
    caller's syntax, ``example`` (:func:`evaluate` sets it; ``{args}``: ``x=1.0, y=1.0``;
    ``{at}``: ``x=1.0,y=1.0``):

    >>> str(InputError("missing value for y.", ("x", "y"), "--at {at}"))
    'missing value for y. e.g. --at x=1.0,y=1.0'
    """

    def __init__(self, message: str, inputs: Sequence[str] | None = None,
                 example: str = "evaluate({args})") -> None:
        super().__init__(message)
        self.inputs, self.example = inputs, example

    def __str__(self) -> str:
        text = str(self.args[0]) if self.args else ""
        if self.inputs is None:
            return text
        pairs = [f"{n}=1.0" for n in self.inputs]
        return f"{text} e.g. " + self.example.format(args=", ".join(pairs), at=",".join(pairs))


class Contribution(NamedTuple):
    """One term of a sum: ``value = adjoint × partial`` (reverse) or ``partial × tangent``.

    ``other`` is the neighbour the term comes from (the child in reverse mode, the parent in
    forward mode), ``factor`` its adjoint or tangent.
    """

    other: str
    edge: int
    factor: Any
    partial: Any
    value: Any

    @property
    def child(self) -> str:
        return self.other

    @property
    def parent(self) -> str:
        return self.other


@dataclass(slots=True)
class Step:
    """One step of a pass: what one node learned, and from which edges.

    Attributes:
        index: position in the script (``run.steps[index] is self``).
        phase: ``"forward"``, ``"backward"``, ``"tangent"``, ``"path"`` or ``"sum"``.
        node: name of the node this step computes.
        op: the node's operation (``"input"``, ``"const"`` or a primitive name).
        value: the node's value.
        edges: indices of the edges this step reads (forward: in-edges; backward: out-edges;
            path: the path's edges, input first).
        partials: forward steps: the local partial on each of ``edges``.
        adjoint: backward steps: ∂f/∂node.
        tangent: tangent steps: ∂node/∂wrt.
        contributions: backward/tangent/path steps: the terms that were summed or multiplied.
        flags: warnings such as a non-differentiable point.
    """

    index: int
    phase: str
    node: str
    op: str
    value: Any
    edges: tuple[int, ...] = ()
    partials: tuple[Any, ...] = ()
    adjoint: Any = None
    tangent: Any = None
    contributions: tuple[Contribution, ...] = ()
    flags: tuple[str, ...] = ()
    wrt: str | None = None
    path: int | None = None


def step_index(k: Any, n: int, final: bool = False, from_end: bool = True) -> Any:
    """``k`` as an index into ``n`` steps (negative ``k`` counts from the end unless
    ``from_end`` is False; with ``final``, None stays None: the final state). Not a whole
    number: TypeError; outside the steps: IndexError, saying the range.

    >>> step_index(-1, 10), step_index(None, 10, final=True)
    (9, None)
    >>> step_index(10, 10)
    Traceback (most recent call last):
    ...
    IndexError: step 10 is out of range: there are 10 steps (0 to 9)
    """
    if k is None and final:
        return None
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"step must be a whole number{' or None' if final else ''}; got {k!r}")
    if not (-n if from_end else 0) <= k < n:
        raise IndexError(f"step {k} is out of range: there are {n} steps (0 to {n - 1}"
                         + (", or None for the final state)" if final else ")"))
    return int(k) + n if k < 0 else int(k)


def input_name(graph: Graph, name: Any, error: type[Exception] = InputError,
               what: str = "", optional: bool = False) -> Any:
    """``name`` when it is an input of ``graph`` (or None when ``optional``), else ``error``
    naming the inputs; ``what`` starts the message (``"wrt="``, ``"--view paths:z: "``)."""
    if not (optional and name is None) and name not in graph.inputs:
        raise error(f"{what}{name!r} is not an input; inputs are {', '.join(graph.inputs)}")
    return name


class _Steps(Sequence):
    """A read-only list of steps built on first access from the pass's arrays."""

    def __init__(self, parts: list[tuple[str, Sequence[int]]], make) -> None:
        self._parts = parts
        self._make = make
        self._len = sum(len(ids) for _, ids in parts)
        self._cache: dict[int, Step] = {}

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(self._len))]
        k = step_index(k, self._len)
        step = self._cache.get(k)
        if step is None:
            offset = k
            for phase, ids in self._parts:
                if offset < len(ids):
                    step = self._make(k, phase, ids[offset])
                    break
                offset -= len(ids)
            self._cache[k] = step
        return step

    def __iter__(self) -> Iterator[Step]:
        return (self[k] for k in range(self._len))

    def __repr__(self) -> str:
        return f"<{self._len} steps: " + ", ".join(
            f"{p} {len(ids)}" for p, ids in self._parts) + ">"


# ----------------------------------------------------------------------------------------
# Forward pass
# ----------------------------------------------------------------------------------------

def _as_value(name: str, v: Any) -> Any:
    if isinstance(v, bool) or v is None:
        raise InputError(f"input {name!r} must be a number, got {v!r}")
    if isinstance(v, (int, float, np.floating, np.integer)):
        try:
            return float(v)
        except OverflowError:
            raise InputError(f"input {name!r} is too large for floating point (about "
                             f"10^{len(str(abs(v))) - 1 if abs(v) < 10 ** 4000 else '4000+'}; "
                             "the largest float is about 1.8·10^308): choose a smaller "
                             "value") from None
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            raise InputError(f"input {name!r} must be a number, got the text {v!r}") from None
    try:
        arr = np.asarray(v, dtype=float)
    except OverflowError:
        raise InputError(f"input {name!r} holds a number too large for floating point (the "
                         "largest float is about 1.8·10^308): choose smaller values") from None
    except (TypeError, ValueError):
        raise InputError(f"input {name!r} must be a number or an array of numbers, "
                         f"got {type(v).__name__}") from None
    return float(arr) if arr.ndim == 0 else arr


def bind_inputs(graph: Graph, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Check and convert input values (ints become floats, lists become arrays)."""
    missing = [n for n in graph.inputs if n not in inputs]
    known = set(graph.inputs)  # a set: graphs may have 100,000 inputs
    extra = [n for n in inputs if n not in known]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing value for {', '.join(missing)}")
        if extra:
            parts.append(f"{', '.join(extra)} is not an input of this graph"
                         + (f" ({EULER})" if "e" in extra else ""))
        raise InputError("; ".join(parts) + f". This graph's inputs are: "
                         f"{', '.join(graph.inputs) or '(none)'};", graph.inputs)
    bound = {n: _as_value(n, inputs[n]) for n in graph.inputs}
    for n, v in bound.items():
        if not (math.isfinite(v) if type(v) is float else np.all(np.isfinite(v))):
            raise InputError(f"input {n!r} must be a finite number, got {_short(v)}"
                             + ("" if type(v) is float else " (an array with inf or nan)"))
    return bound


class Forward(NamedTuple):
    values: list
    partials: list
    flags: dict


def forward(graph: Graph, inputs: Mapping[str, Any]) -> Forward:
    """Values of every node and the local partial on every edge that carries a gradient."""
    bound = bind_inputs(graph, inputs)
    values: list = [None] * len(graph.ops)
    partials: list = [None] * graph.n_edges
    flags: dict[int, tuple[str, ...]] = {}
    undefined = set()  # nodes whose local partial raised (√ at 0): recorded and flagged
    # One iterator for all the calls: each goes on after the node where the last one stopped.
    nodes = zip(itertools.count(), graph.ops, graph.args, graph.edge_offset)
    with np.errstate(all="raise", under="ignore"):  # underflow to 0 is fine (exp(-800))
        while (i := _forward_from(nodes, graph, values, partials, flags, bound)) >= 0:
            _undefined_partials(graph, i, values, partials, flags)
            undefined.add(i)
    # Float arithmetic such as a*b overflows to inf without raising. One check at C speed;
    # entry by entry only when it fails or the graph holds arrays.
    if not _finite_floats(values, nones=False):
        for i, v in enumerate(values):
            if not (math.isfinite(v) if type(v) is float else np.all(np.isfinite(v))):
                _raise_nonfinite(graph, i, values)
    if not _finite_floats(partials):
        for i, (ia, e) in enumerate(zip(graph.args, graph.edge_offset, strict=True)):
            for pos in range(len(ia) if i not in undefined else 0):
                _flag_partial(graph, i, pos, partials[e + pos], flags)
    return Forward(values, partials, flags)


def _forward_from(nodes: Iterator, graph: Graph, values: list, partials: list, flags: dict,
                  bound: dict) -> int:
    """The forward loop over ``nodes`` (index, op, argument indices, first edge). Returns
    -1 when done, or the node whose local partial raised (its value is set)."""
    needs, consts, table = graph.needs_grad, graph.consts, PRIMITIVES
    input_names = graph._names  # inputs are always named
    i = op = None
    try:
        for i, op, ia, e in nodes:
            if not ia:  # an input or a constant
                if op == "input":
                    values[i] = bound[input_names[i]]
                else:
                    v = consts[i]
                    values[i] = v if type(v) is float else _as_value(graph.names[i], v)
                continue
            row = table[op]
            rules = row.partials
            if row.arity == 2:  # binary ops (most nodes), unrolled
                a, b = ia
                args = (values[a], values[b])
                out = values[i] = row.value(*args)
                if needs[a]:
                    partials[e] = rules[0](args, out)
                if needs[b]:
                    partials[e + 1] = rules[1](args, out)
            else:
                args = tuple([values[a] for a in ia])
                out = values[i] = row.value(*args)
                for pos, a in enumerate(ia):
                    if needs[a]:
                        partials[e + pos] = rules[pos](args, out)
            if row.kink is not None and (msg := row.kink(args)):
                flags[i] = (*flags.get(i, ()), msg)
    except KeyError:
        primitive(op)  # a missing rule: raises UnknownPrimitive naming it
        raise
    except _ERRORS as exc:
        if values[i] is None:  # the value itself is undefined (log of a negative, …)
            _raise_domain(graph.nodes[i], values, exc)
        return i
    return -1


def _undefined_partials(graph: Graph, i: int, values: list, partials: list,
                        flags: dict) -> None:
    """A local partial of node ``i`` raised (e.g. √ at 0): record ±inf/nan, entry by entry
    for arrays (numpy arithmetic keeps the sign and spoils only the kink's own entries)."""
    node = graph.nodes[i]
    row = PRIMITIVES[node.op]
    args = tuple(values[a] for a in node.args)
    soft = tuple(np.float64(a) if type(a) is float else a for a in args)
    out = values[i]
    soft_out = np.float64(out) if type(out) is float else out
    msg = row.kink(args) if row.kink else None
    flags[i] = (*flags.get(i, ()), msg or f"{node.op} has no finite derivative at "
                f"{', '.join(_short(a) for a in args)}")
    for pos, a in enumerate(node.args):
        if graph.needs_grad[a]:
            with np.errstate(all="ignore"):
                try:
                    p = row.partials[pos](soft, soft_out)
                except _ERRORS:
                    p = math.nan
            if p is not None:  # None: an array rule (vjp/jvp) does the work
                p = float(p) if np.ndim(p) == 0 else np.asarray(p, dtype=float)
            partials[graph.edge_offset[i] + pos] = p
            _flag_partial(graph, i, pos, p, flags, known=msg is not None)


def _finite_floats(xs: list, nones: bool = True) -> bool:
    """Whether ``xs`` holds only finite floats (and None, unless ``nones=False``), at C
    speed: one sum, which is ±inf or nan when an entry is, and no float when an entry is an
    array. (Finite floats may overflow the sum: False only sends the caller entry by entry.)
    """
    try:
        with np.errstate(all="ignore"):
            total = sum(filter(None, xs) if nones else xs, 0.0)
    except (TypeError, ValueError):  # None, or arrays of several entries or shapes
        return False
    return type(total) is float and total - total == 0.0


def _kind(v: Any) -> str:
    """How a non-finite number (or the worst entry of an array) reads: ``∞``, ``−∞``, ``nan``."""
    a = np.asarray(v, dtype=float)
    if np.isnan(a).any():
        return "nan (undefined)"
    if (a == np.inf).any() and (a == -np.inf).any():
        return "±∞"
    return "∞" if (a == np.inf).any() else "−∞"


def _where_bad(v: Any) -> str:
    if type(v) is float or np.ndim(v) == 0:
        return ""
    bad = np.argwhere(~np.isfinite(np.asarray(v, dtype=float)))
    shown = ", ".join(str(tuple(int(k) for k in b)) if len(b) > 1 else str(int(b[0]))
                      for b in bad[:5])
    more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
    return f" at entr{'y' if len(bad) == 1 else 'ies'} {shown}{more}"


def _flag_partial(graph: Graph, i: int, pos: int, p: Any, flags: dict,
                  known: bool = False) -> None:
    """Flag a non-finite local partial on node ``i`` (sign kept: ``−∞`` is not ``∞``)."""
    if p is None or (math.isfinite(p) if type(p) is float else bool(np.all(np.isfinite(p)))):
        return
    parent = graph.names[graph.args[i][pos]]
    msg = (f"the local partial ∂{graph.names[i]}/∂{parent} is {_kind(p)}{_where_bad(p)}: "
           "too large for floating point, or no finite slope at this point")
    if msg not in flags.get(i, ()) and not (known and _kind(p) != "nan (undefined)"
                                              and type(p) is float):
        flags[i] = (*flags.get(i, ()), msg)


def _flag_nonfinite(graph: Graph, values: list, what: str, flags: dict) -> None:
    """Flag every node whose adjoint (or tangent) is ±∞ or nan, naming it and its sign."""
    if _finite_floats(values):
        return
    for i, v in enumerate(values):
        if v is None or ((v - v == 0.0) if type(v) is float else bool(np.all(np.isfinite(v)))):
            continue
        name = graph.names[i]
        msg = (f"{what.format(name=name)} is {_kind(v)}{_where_bad(v)}: an infinite or "
               "undefined local partial on the way (see the flagged steps); the true "
               "derivative may still be finite (check with a central difference)")
        flags[i] = (*flags.get(i, ()), msg)


def _short(v: Any) -> str:
    return f"{v:.6g}" if type(v) is float else f"array{np.shape(v)}"


def _raise_domain(node, values, exc) -> None:
    row = primitive(node.op)
    args = [values[a] for a in node.args]
    head = f"node {node.name!r} = {node.op}({', '.join(_short(a) for a in args)})"
    if isinstance(exc, OverflowError) and "overflows" not in row.domain:  # else the row says where
        msg = (f"{head} overflowed: the result is too large for floating point. Choose smaller "
               "input values.")
    else:
        msg = (f"{head} is undefined: {node.op} needs {row.domain} ({exc}). Choose input "
               "values inside the domain.")
    raise DomainError(msg, node=node.name, op=node.op,
                      value=args[0] if len(args) == 1 else tuple(args)) from None


def _raise_nonfinite(graph: Graph, i: int, values: list) -> None:
    node = graph.nodes[i]
    args = ", ".join(_short(values[a]) for a in node.args)
    raise DomainError(f"node {node.name!r} = {node.op}({args}) overflowed to "
                      f"{_short(values[i])}: the numbers are too large for floating point. "
                      "Choose smaller input values.", node=node.name, op=node.op,
                      value=values[i])


# ----------------------------------------------------------------------------------------
# Reverse pass
# ----------------------------------------------------------------------------------------

def reverse(graph: Graph, fwd: Forward) -> list:
    """Adjoints ∂output/∂node for every node (``None`` where no gradient flows).

    Nodes are visited in reverse topological order; when a node's adjoint is final it is
    pushed along its in-edges (child adjoint × local partial) into its parents' sums. Each
    parent's sum is therefore the sum over its out-edges, as the backward steps show it.
    """
    values, partials = fwd.values, fwd.partials
    adj: list = [None] * len(values)
    out = graph.output_index
    adj[out] = 1.0 if type(values[out]) is float else np.ones_like(values[out])
    # the nodes from the output down, each with its argument indices and first edge
    nodes = zip(range(out, -1, -1), reversed(graph.args[:out + 1]),
                reversed(graph.edge_offset[:out + 1]), strict=True)
    with np.errstate(all="ignore"):  # ∞·0 is nan; it is flagged on its node, not raised
        if _finite_floats(values, nones=False):
            _reverse_floats(nodes, partials, adj)
            return adj
        for i, ia, _ in nodes:  # arrays: each contribution from _vjp_at
            g = adj[i]
            for pos, a in enumerate(ia if g is not None else ()):
                if graph.needs_grad[a]:
                    c = _vjp_at(graph, fwd, i, pos, g)
                    adj[a] = c if adj[a] is None else adj[a] + c
    return adj


def _reverse_floats(nodes: Iterator, partials: list, adj: list) -> None:
    """The reverse loop when every value is a float (a partial is None where the argument
    carries no gradient): adj[a] += adjoint × partial, along each in-edge."""
    for i, ia, e in nodes:
        g = adj[i]
        if g is None:
            continue
        if len(ia) == 2:  # binary ops (most nodes), unrolled
            a, b = ia
            p, q = partials[e], partials[e + 1]
            if p is not None:
                prev = adj[a]
                adj[a] = g * p if prev is None else prev + g * p
            if q is not None:
                prev = adj[b]
                adj[b] = g * q if prev is None else prev + g * q
            continue
        for a in ia:
            p = partials[e]
            e += 1
            if p is not None:
                prev = adj[a]
                adj[a] = g * p if prev is None else prev + g * p


def _vjp(graph: Graph, fwd: Forward, e: int, g: Any) -> Any:
    """Contribution of edge ``e`` to its parent's adjoint, given the child's adjoint ``g``."""
    if g is None:
        return None
    edge = graph.edges[e]
    return _vjp_at(graph, fwd, edge.dst, edge.pos, g)


def _vjp_at(graph: Graph, fwd: Forward, i: int, pos: int, g: Any) -> Any:
    """Contribution of argument ``pos`` of node ``i`` to that argument's adjoint."""
    row = PRIMITIVES[graph.ops[i]]
    child_args = graph.args[i]
    if row.vjp is not None:
        args = tuple(fwd.values[a] for a in child_args)
        return row.vjp(pos, g, args, fwd.values[i])
    partial = fwd.partials[graph.edge_offset[i] + pos]
    if type(g) is float and type(partial) is float:
        return g * partial
    return unbroadcast(g * partial, np.shape(fwd.values[child_args[pos]]))


def _jvp(graph: Graph, fwd: Forward, e: int, t: Any) -> Any:
    """Contribution of edge ``e`` to its child's tangent, given the parent's tangent ``t``."""
    edge = graph.edges[e]
    child = graph.nodes[edge.dst]
    row = PRIMITIVES[child.op]
    if row.jvp is not None:
        args = tuple(fwd.values[a] for a in child.args)
        return row.jvp(edge.pos, t, args, fwd.values[edge.dst])
    out = fwd.partials[e] * t
    shape = np.shape(fwd.values[edge.dst])
    return out if np.shape(out) == shape else np.broadcast_to(out, shape).copy()


# ----------------------------------------------------------------------------------------
# Runs
# ----------------------------------------------------------------------------------------

class Run:
    """The result of :func:`evaluate`: values, partials, adjoints and the step script.

    ``steps`` holds the forward steps (one per computed node, topological order) followed by
    the backward steps (one per node that carries a gradient, reverse topological order).
    """

    def __init__(self, graph: Graph, inputs: Mapping[str, Any]) -> None:
        self.graph = graph
        fwd = forward(graph, inputs)
        self._fwd = fwd
        self.inputs: dict[str, Any] = {n: fwd.values[graph.index(n)] for n in graph.inputs}
        self.values: list = fwd.values
        self.partials: list = fwd.partials
        self.flags: dict[int, tuple[str, ...]] = fwd.flags
        self.adjoints: list = reverse(graph, fwd)
        _flag_nonfinite(graph, self.adjoints, "the adjoint {name}\u0304 = ∂f/∂{name}",
                        self.flags)
        self._steps: Sequence[Step] | None = None
        self._tangent_runs: dict[str, TangentRun] = {}

    @property
    def steps(self) -> Sequence[Step]:
        """The step script (made on first access: a big run that only wants ``grad`` never
        lists its steps)."""
        if self._steps is None:
            ops, needs, out = self.graph.ops, self.graph.needs_grad, self.graph.output_index
            fw_ids = [i for i in range(out + 1) if ops[i] != "input" and ops[i] != "const"]
            bw_ids = [i for i in range(out, -1, -1) if needs[i]]
            self._steps = _Steps([("forward", fw_ids), ("backward", bw_ids)], self._make_step)
        return self._steps

    # results ---------------------------------------------------------------------------
    @property
    def value(self) -> Any:
        """The output's value."""
        return self.values[self.graph.output_index]

    @property
    def grad(self) -> dict[str, Any]:
        """∂output/∂input for every input (0.0 when the output does not depend on it)."""
        out = {}
        for name in self.graph.inputs:
            i = self.graph.index(name)
            a = self.adjoints[i]
            out[name] = (0.0 if type(self.values[i]) is float else
                         np.zeros_like(self.values[i])) if a is None else a
        return out

    def value_of(self, name: str) -> Any:
        return self.values[self.graph.index(name)]

    def adjoint_of(self, name: str) -> Any:
        return self.adjoints[self.graph.index(name)]

    def partial_of(self, parent: str, child: str, pos: int | None = None) -> Any:
        """Local partial ∂child/∂parent on the edge parent → child (``pos`` picks one of
        several edges, as in ``x*x``)."""
        es = [e for e in self.graph.in_edges[self.graph.index(child)]
              if self.graph.edges[e].parent == parent and (pos is None or
                                                           self.graph.edges[e].pos == pos)]
        if not es:
            raise KeyError(f"no edge {parent} → {child}")
        return self.partials[es[0]]

    def step(self, phase: str, node: str) -> Step:
        """The step of ``phase`` that computes ``node``."""
        for s in self.steps:
            if s.phase == phase and s.node == node:
                return s
        raise KeyError(f"no {phase} step for node {node!r}")

    # steps -----------------------------------------------------------------------------
    def _make_step(self, k: int, phase: str, i: int) -> Step:
        g = self.graph
        node = g.nodes[i]
        flags = self.flags.get(i, ())
        if phase == "forward":
            es = g.in_edges[i]
            return Step(k, phase, node.name, node.op, self.values[i], es,
                        tuple(self.partials[e] for e in es), flags=flags)
        es = tuple(e for e in g.out_edges[i] if self.adjoints[g.edges[e].dst] is not None)
        contributions = tuple(
            Contribution(g.edges[e].child, e, self.adjoints[g.edges[e].dst], self.partials[e],
                         _vjp(g, self._fwd, e, self.adjoints[g.edges[e].dst]))
            for e in es)
        return Step(k, phase, node.name, node.op, self.values[i], es, adjoint=self.adjoints[i],
                    contributions=contributions, flags=flags)

    # other passes on the same values -----------------------------------------------------
    def forward_mode(self, wrt: str, direction: Any = None) -> TangentRun:
        """Forward-mode sweep: ∂node/∂wrt for every node (one sweep per input)."""
        key = wrt if direction is None else f"{wrt}@{id(direction)}"
        if key not in self._tangent_runs:
            self._tangent_runs[key] = TangentRun(self, wrt, direction)
        return self._tangent_runs[key]

    def paths(self, wrt: str, limit: int = 10_000, list_at_most: int | None = None) -> Paths:
        """Every path from input ``wrt`` to the output and the product of its partials
        (beyond ``limit`` paths: an error, or the first ``list_at_most`` and the total)."""
        return Paths(self, wrt, limit, list_at_most)

    # display: the render and exact layers, through core.display -----------------------
    def draw(self, step: int | None = None, labels: str = "numeric", **options: Any) -> Any:
        """A ``graphviz.Digraph`` of the state after step ``step`` (default: the last).

        Options for slides: ``title``, ``caption``, ``legend``, ``hide``, ``pass_``,
        ``width``, ``height``, ``dpi``, ``lang`` (see :func:`autodiff_viz.render.draw`).
        """
        return display.call("draw", self, step=step, labels=labels, **options)

    def frames(self, **options: Any) -> list[str]:
        """One SVG string per step, all from one Graphviz layout."""
        return display.call("frames", self, **options)

    def save(self, path: str, step: int | None = None, **options: Any) -> str:
        """Write the figure after ``step`` to ``.svg``, ``.png``, ``.pdf`` or ``.dot``."""
        return display.call("save", self, path, step=step, **options)

    def export_html(self, path: str, **options: Any) -> str:
        """The Stepper's view as one self-contained page (no kernel, no network)."""
        return display.call("export_html", self, path, **options)

    def exact(self) -> Any:
        """Exact sympy forms of every value, partial and adjoint (``exact.exact``)."""
        return display.call("exact", self)

    def verify(self, **options: Any) -> Any:
        """Check every number against its exact form; returns a report."""
        return display.call("verify", self, **options)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        return display.figure_bundle(self, include, exclude)

    def __repr__(self) -> str:
        return (f"<Run value={_short(self.value)} grad={{"
                + ", ".join(f"{k}: {_short(v)}" for k, v in self.grad.items())
                + f"}} {len(self.steps)} steps>")


class TangentRun:
    """Forward-mode tangents ∂node/∂wrt, one step per node in topological order."""

    def __init__(self, run: Run, wrt: str, direction: Any = None) -> None:
        g = run.graph
        input_name(g, wrt)
        self.run, self.graph, self.wrt = run, g, wrt
        with np.errstate(all="ignore"):
            self.tangents = forward_mode(g, run._fwd, wrt, direction)
        self.flags: dict[int, tuple[str, ...]] = {}
        _flag_nonfinite(g, self.tangents, f"the tangent {{name}}\u0307 = ∂{{name}}/∂{wrt}",
                        self.flags)
        out = g.output_index
        ids = [i for i in range(out + 1) if g.needs_grad[i]]
        self.steps: Sequence[Step] = _Steps([("tangent", ids)], self._make_step)

    @property
    def value(self) -> Any:
        """∂output/∂wrt (0 when the output does not depend on any input, as in ``grad``)."""
        t = self.tangents[self.graph.output_index]
        if t is None:
            y = self.run.value
            return 0.0 if type(y) is float else np.zeros_like(y)
        return t

    def _make_step(self, k: int, phase: str, i: int) -> Step:
        g, run = self.graph, self.run
        node = g.nodes[i]
        es = tuple(e for e in g.in_edges[i] if g.needs_grad[g.edges[e].src])
        contributions = tuple(
            Contribution(g.edges[e].parent, e, self.tangents[g.edges[e].src], run.partials[e],
                         _jvp(g, run._fwd, e, self.tangents[g.edges[e].src]))
            for e in es)
        return Step(k, phase, node.name, node.op, run.values[i], es,
                    tuple(run.partials[e] for e in es), tangent=self.tangents[i],
                    contributions=contributions,
                    flags=tuple(f for f in run.flags.get(i, ()) if "adjoint" not in f)
                    + self.flags.get(i, ()), wrt=self.wrt)


def forward_mode(graph: Graph, fwd: Forward, wrt: str, direction: Any = None) -> list:
    """Tangent of every node with respect to input ``wrt`` (seed 1, or ``direction``)."""
    ops, all_args, needs, offsets = graph.ops, graph.args, graph.needs_grad, graph.edge_offset
    values, partials = fwd.values, fwd.partials
    w = graph.index(wrt)
    tan: list = [None] * len(ops)
    scalar = _finite_floats(values)
    for i in range(len(ops)):
        if not needs[i]:
            continue
        if ops[i] == "input":
            if i == w:
                tan[i] = (1.0 if type(values[i]) is float else np.ones_like(values[i])) \
                    if direction is None else _as_value(wrt, direction)
            else:
                tan[i] = 0.0 if type(values[i]) is float else np.zeros_like(values[i])
            continue
        total = None
        e = offsets[i]
        for pos, a in enumerate(all_args[i]):
            t = tan[a]
            if t is None:
                continue
            c = partials[e + pos] * t if scalar else _jvp(graph, fwd, e + pos, t)
            total = c if total is None else total + c
        tan[i] = total
    return tan


class Path(NamedTuple):
    """A path input → … → output: its node names, edge indices and the product of partials."""

    nodes: tuple[str, ...]
    edges: tuple[int, ...]
    product: Any

    def __str__(self) -> str:
        return " → ".join(self.nodes)


def paths_refusal(run: Run) -> str | None:
    """Why ``run`` has no sum-over-paths view (array mode), or None when it has one."""
    if any(type(v) is not float for v in run.values if v is not None):
        return ("the sum-over-paths view is for scalar graphs: in array mode each edge carries "
                "a Jacobian and a path's product is a matrix chain. Use reverse mode (run.grad, "
                "run.steps) or run.forward_mode(wrt) instead.")
    return None


class Paths(Sequence):
    """All paths from one input to the output ("sum over all paths").

    With ``list_at_most=n``, a graph with more than ``limit`` paths lists its first ``n``
    and ``truncated`` says how many more there are; ``total`` is then the sum over ALL
    paths, ∂f/∂wrt from the linear pass (the sum step shows the rest as one term).
    """

    def __init__(self, run: Run, wrt: str, limit: int = 10_000,
                 list_at_most: int | None = None) -> None:
        g = run.graph
        input_name(g, wrt)
        refusal = paths_refusal(run)
        if refusal:
            raise ValueError(refusal)
        self.run, self.graph, self.wrt = run, g, wrt
        self.count = count_paths(g, wrt)
        self.truncated = 0
        if self.count > limit and list_at_most is not None:
            self.paths: list[Path] = list(itertools.islice(_enumerate_paths(run, wrt),
                                                           max(int(list_at_most), 0)))
            self.truncated = self.count - len(self.paths)
            self.total = run.grad[wrt]  # dynamic programming: every path, in linear time
        elif self.count > limit:
            raise ValueError(f"{self.count} paths lead from {wrt} to the output, more than the "
                             f"limit of {limit} to list one by one: paths multiply at every "
                             "node used twice, so they grow exponentially with depth. Their "
                             f"sum, ∂f/∂{wrt} = {_short(run.grad[wrt])}, is what the passes get "
                             "in linear time by summing at each node (that is the point of "
                             "reverse mode). Use count_paths() to count them, or pass a larger "
                             "limit=.")
        else:
            self.paths = list(_enumerate_paths(run, wrt))
            self.total = sum((p.product for p in self.paths), 0.0)
        ids = list(range(len(self.paths)))
        self.steps: Sequence[Step] = _Steps([("path", ids), ("sum", [len(ids)])],
                                            self._make_step)

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, k):
        return self.paths[k]

    def _make_step(self, k: int, phase: str, j: int) -> Step:
        g = self.graph
        out = g.output.name
        if phase == "sum":
            contributions = tuple(Contribution(str(p), -1, None, p.product, p.product)
                                  for p in self.paths)
            if self.truncated:  # the paths not listed, as one term: total − listed
                rest = self.total - sum((p.product for p in self.paths), 0.0)
                contributions += (Contribution(
                    f"the other {self.truncated:,} paths (of {self.count:,}: paths grow "
                    "exponentially; the sum comes from the linear pass)", -1, None, rest,
                    rest),)
            return Step(k, phase, self.wrt, "input", self.run.value_of(self.wrt),
                        tuple(sorted({e for p in self.paths for e in p.edges})),
                        adjoint=self.total, contributions=contributions, wrt=self.wrt)
        p = self.paths[j]
        contributions = tuple(Contribution(g.edges[e].child, e, None, self.run.partials[e],
                                           self.run.partials[e]) for e in p.edges)
        return Step(k, phase, out, g.output.op, self.run.value, p.edges,
                    tuple(self.run.partials[e] for e in p.edges), adjoint=p.product,
                    contributions=contributions, wrt=self.wrt, path=j)


def count_paths(graph: Graph, wrt: str) -> int:
    """Number of paths from input ``wrt`` to the output (dynamic programming, linear time).

    >>> from autodiff_viz.core.build import from_text
    >>> count_paths(from_text("sqrt(log(x)*y) + log(x)*y"), "x")
    2
    """
    w = graph.index(wrt)
    count = [0] * len(graph.nodes)
    count[w] = 1
    for i in range(w + 1, graph.output_index + 1):
        count[i] = sum(count[graph.edges[e].src] for e in graph.in_edges[i])
    return count[graph.output_index]


def _enumerate_paths(run: Run, wrt: str) -> Iterator[Path]:
    """Depth-first from the output back to ``wrt`` with an explicit stack (no recursion)."""
    g = run.graph
    w = g.index(wrt)
    reach = [False] * len(g.nodes)  # can node reach the output? nodes between wrt and out
    reach[w] = True
    for i in range(w + 1, len(g.nodes)):
        reach[i] = any(reach[g.edges[e].src] for e in g.in_edges[i])
    # Each stack entry shares its suffix as a linked list (edge, rest): copying tuples would
    # make a 100,000-edge path cost O(n²).
    stack: list[tuple[int, tuple | None]] = [(g.output_index, None)]
    while stack:  # yields each path when found, so listing the first n costs O(n · length)
        i, suffix = stack.pop()
        if i == w:
            yield _path(run, wrt, suffix)
            continue
        for e in reversed(g.in_edges[i]):
            src = g.edges[e].src
            if reach[src]:
                stack.append((src, (e, suffix)))


def _path(run: Run, wrt: str, link: tuple | None) -> Path:
    g = run.graph
    chain = []
    while link is not None:
        chain.append(link[0])
        link = link[1]
    es = tuple(chain)
    product = math.prod((run.partials[e] for e in es), start=1.0)
    names = (g.edges[es[0]].parent, *(g.edges[e].child for e in es)) if es else (wrt,)
    return Path(names, es, product)


def evaluate(graph: Graph, inputs: Mapping[str, Any], example: str | None = None) -> Run:
    """Forward pass then reverse pass; see :class:`Run`. ``example`` writes the hint of an
    :class:`InputError` in the caller's syntax (e.g. ``"--at {at}"``, see there)."""
    try:
        return Run(graph, inputs)
    except InputError as exc:
        if example is not None:
            exc.example = example
        raise
