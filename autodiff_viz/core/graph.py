"""The computational graph: an immutable DAG whose nodes are stored in topological order.

>>> g = Graph.from_ops([("x", "input", ()), ("y", "input", ()),
...                     ("a", "log", ("x",)), ("f", "mul", ("a", "y"))])
>>> [n.name for n in g.nodes], g.inputs, g.output.name
(['x', 'y', 'a', 'f'], ('x', 'y'), 'f')
>>> [(e.parent, e.child) for e in g.edges]
[('x', 'a'), ('a', 'f'), ('y', 'f')]
"""

from __future__ import annotations

import gc
import graphlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import accumulate
from typing import Any, NamedTuple

from . import display
from .primitives import primitive

__all__ = ["Node", "Edge", "Graph", "GraphError", "toposort", "gc_paused", "validate"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while building or sweeping a big graph.

    Graphs are acyclic tuples and lists, so the collector finds nothing in them, but with
    10^5 nodes alive its repeated scans cost more than the passes. Also a decorator.

    >>> with gc_paused():
    ...     gc.isenabled()
    False
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class GraphError(ValueError):
    """A graph that cannot be built (cycle, unknown name, bad arity, ...)."""


class Node(NamedTuple):
    """One value in the graph.

    ``op`` is ``"input"``, ``"const"`` or a primitive name; ``args`` are parent node indices
    (one per argument, so ``x*x`` has ``args == (i, i)``).
    """

    index: int
    name: str
    op: str
    args: tuple[int, ...] = ()
    const: Any = None


class Edge(NamedTuple):
    """Argument ``pos`` of node ``child`` is node ``parent``. One edge per argument."""

    index: int
    parent: str
    child: str
    src: int
    dst: int
    pos: int


class Graph:
    """An immutable DAG in topological order with one output (the last node by default).

    Build one with :func:`autodiff_viz.graph` (text, program, sympy or a traced function) or
    :meth:`from_ops`.

    The graph is stored as columns (``ops``, ``args``, ``needs_grad``, ``edge_offset``): the
    passes read only those, so a 100,000-node graph costs little more than its arithmetic.
    ``nodes``, ``edges``, ``in_edges``, ``out_edges`` and generated names are made on first
    use. Edge ``edge_offset[i] + pos`` is argument ``pos`` of node ``i``.
    """

    __slots__ = ("ops", "args", "consts", "needs_grad", "edge_offset", "n_edges", "inputs",
                 "output_index", "source", "kind", "_names", "_namer", "_input_index",
                 "_nodes", "_edges", "_in_edges", "_out_edges", "_index")

    def __init__(self, nodes: Sequence[Node], output: int | None = None, *,
                 source: Any = None, kind: str = "ops", checked: bool = False) -> None:
        """Index the nodes (checked with :func:`validate` unless ``checked=True``)."""
        nodes = tuple(nodes)
        if not nodes:
            raise GraphError("the graph is empty")
        if not checked:
            validate(nodes)
        self._setup([n[1] for n in nodes], [n[2] for n in nodes], [n[3] for n in nodes],
                    [n[4] for n in nodes], output, source, kind, None)
        self._nodes = nodes

    @classmethod
    def from_columns(cls, names: list, ops: list[str], args: list[tuple[int, ...]],
                     consts: list, output: int | None = None, *, source: Any = None,
                     kind: str = "ops", namer: Any = None, needs_grad: list[bool] | None = None,
                     input_ids: list[int] | None = None) -> Graph:
        """Build from columns that are valid by construction (the builders' fast path).

        ``names`` may hold ``None`` for nodes that ``namer(names)`` names on first use;
        inputs must be named. A builder that knows them passes ``needs_grad`` and the input
        positions (``input_ids``); otherwise they are worked out.
        """
        g = cls.__new__(cls)
        g._setup(names, ops, args, consts, output, source, kind, namer, needs_grad, input_ids)
        g._nodes = None
        return g

    def _setup(self, names, ops, args, consts, output, source, kind, namer, needs=None,
               input_ids=None) -> None:
        n = len(ops)
        if n == 0:
            raise GraphError("the graph is empty")
        out = n - 1 if output is None else output
        if not 0 <= out < n:
            raise GraphError(f"output index {out} is out of range (0 to {n - 1})")
        offsets = list(accumulate(map(len, args), initial=0))  # node i's edges start here
        self.n_edges: int = offsets.pop()
        self.edge_offset: list[int] = offsets
        if input_ids is None:
            input_ids = [i for i, op in enumerate(ops) if op == "input"]
        if needs is None:  # a node carries a gradient when it is an input or reads one that does
            needs = [op == "input" for op in ops]
            for i, a in enumerate(args):
                for p in a:
                    if needs[p]:
                        needs[i] = True
                        break
        self.ops, self.args, self.consts = ops, args, consts
        self.needs_grad: list[bool] = needs
        self.inputs: tuple[str, ...] = tuple(names[i] for i in input_ids)
        self._input_index = dict(zip(self.inputs, input_ids, strict=True))
        if len(self._input_index) != len(input_ids):
            raise GraphError("two inputs have the same name")
        self.output_index: int = out
        self.source, self.kind = source, kind
        self._names, self._namer = names, namer
        self._edges = self._in_edges = self._out_edges = self._index = None

    # --- columns made on first use --------------------------------------------------------
    @property
    def names(self) -> list[str]:
        """Node names in topological order."""
        if self._namer is not None:
            self._names = self._namer(self._names)
            self._namer = None
        return self._names

    @property
    def nodes(self) -> tuple[Node, ...]:
        """Every node, in topological order."""
        if self._nodes is None:
            make = tuple.__new__
            columns = zip(self.names, self.ops, self.args, self.consts, strict=True)
            self._nodes = tuple(make(Node, (i, name, op, a, c))
                                for i, (name, op, a, c) in enumerate(columns))
        return self._nodes

    @property
    def edges(self) -> tuple[Edge, ...]:
        """One edge per argument of every node."""
        if self._edges is None:
            names, make = self.names, tuple.__new__
            columns = zip(self.edge_offset, self.args, strict=True)
            self._edges = tuple(make(Edge, (off + pos, names[a], names[i], a, i, pos))
                                for i, (off, args) in enumerate(columns)
                                for pos, a in enumerate(args))
        return self._edges

    @property
    def in_edges(self) -> tuple[tuple[int, ...], ...]:
        """Edge indices into each node, in argument order."""
        if self._in_edges is None:
            self._in_edges = tuple(tuple(range(off, off + len(a)))
                                   for off, a in zip(self.edge_offset, self.args, strict=True))
        return self._in_edges

    @property
    def out_edges(self) -> tuple[tuple[int, ...], ...]:
        """Edge indices out of each node, in edge order."""
        if self._out_edges is None:
            lists: list[list[int]] = [[] for _ in self.ops]
            for off, args in zip(self.edge_offset, self.args, strict=True):
                for pos, a in enumerate(args):
                    lists[a].append(off + pos)
            self._out_edges = tuple(map(tuple, lists))
        return self._out_edges

    # --- construction -------------------------------------------------------------------
    @classmethod
    def from_ops(cls, ops: Iterable[tuple[str, str, tuple[str, ...]]], output: str | None = None,
                 consts: dict[str, Any] | None = None, **kw: Any) -> Graph:
        """Build from ``(name, op, arg_names)`` triples in any order (sorted with graphlib)."""
        ops = list(ops)
        consts = consts or {}
        by_name = {}
        for name, op, args in ops:
            if name in by_name:
                raise GraphError(f"{name!r} is defined twice")
            by_name[name] = (op, tuple(args))
        for name, (_, args) in by_name.items():
            for a in args:
                if a not in by_name:
                    raise GraphError(f"node {name!r} reads {a!r}, which is not defined")
        order = toposort({name: args for name, (_, args) in by_name.items()})
        pos = {name: i for i, name in enumerate(order)}
        nodes = [Node(i, name, by_name[name][0], tuple(pos[a] for a in by_name[name][1]),
                      consts.get(name)) for i, name in enumerate(order)]
        return cls(nodes, None if output is None else pos[output], **kw)

    # --- queries ------------------------------------------------------------------------
    @property
    def output(self) -> Node:
        return self.nodes[self.output_index]

    def node(self, name: str) -> Node:
        """The node called ``name`` (a clear error lists the names when it does not exist)."""
        return self.nodes[self.index(name)]

    def index(self, name: str) -> int:
        """Position of the node called ``name``."""
        i = self._input_index.get(name)
        if i is not None:
            return i
        if self._index is None:
            names = self.names
            self._index = dict(zip(names, range(len(names)), strict=True))
            if len(self._index) != len(names):
                validate(self.nodes)  # names the duplicate
        try:
            return self._index[name]
        except KeyError:
            shown = ", ".join(self.names[:40]) + (", …" if len(self.names) > 40 else "")
            raise KeyError(f"no node named {name!r}; nodes are: {shown}") from None

    def __len__(self) -> int:
        return len(self.ops)

    def __contains__(self, name: object) -> bool:
        try:
            self.index(name)  # type: ignore[arg-type]
        except (KeyError, TypeError):
            return False
        return True

    def __repr__(self) -> str:
        if len(self.ops) <= 12:
            body = "; ".join(self.describe(n) for n in self.nodes if n.op not in ("input",))
            return f"<Graph inputs={list(self.inputs)} {body}>"
        return (f"<Graph {len(self.ops)} nodes, {self.n_edges} edges, "
                f"inputs={list(self.inputs)}>")

    def describe(self, node: Node | str, style: str = "unicode") -> str:
        """The node's defining equation, e.g. ``'b = a·y'``."""
        n = node if isinstance(node, Node) else self.node(node)
        return f"{n.name} = {self.formula(n, style)}"

    def formula(self, node: Node | str, style: str = "unicode") -> str:
        """The right-hand side of a node's equation in terms of its parents' names.

        >>> g = Graph.from_ops([("b", "input", ()), ("c", "sqrt", ("b",))])
        >>> g.formula("c"), g.formula("c", "latex")
        ('√b', '\\\\sqrt{b}')
        """
        n = node if isinstance(node, Node) else self.node(node)
        if n.op == "input":
            return "input"
        if n.op == "const":
            return _num(n.const)
        row = primitive(n.op)
        names = [self.nodes[a].name for a in n.args]
        if style == "latex":
            names = [_latex_name(s) for s in names]
        fmt = row.latex if style == "latex" else row.unicode
        return fmt.format(*names)

    # the front door's methods (drawing goes through core.display) -----------------------
    @property
    def text(self) -> str | None:
        """The expression or program text as typed (None for functions and sympy
        expressions); titles show it."""
        return self.source if isinstance(self.source, str) else None

    def evaluate(self, values: Mapping[str, Any] | None = None, /, **inputs: Any) -> Any:
        """Forward pass, then reverse pass, at the given input values (a ``Run``).

        >>> Graph.from_ops([("x", "input", ()), ("f", "exp", ("x",))]).evaluate(x=0).grad
        {'x': 1.0}
        """
        from .passes import Run

        return Run(self, {**(values or {}), **inputs})

    def draw(self, **options: Any) -> Any:
        """The graph's structure only (no numbers), as a ``graphviz.Digraph`` (``title``,
        ``width``, ``height``, ``dpi``, ``lang`` as in ``Run.draw``)."""
        return display.call("draw_structure", self, **options)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        return display.figure_bundle(self, include, exclude)


def validate(nodes: Sequence[Node]) -> None:
    """Check indices, unique names, topological order and arities; a clear GraphError if not.

    >>> validate([Node(0, "x", "input"), Node(1, "f", "log", (2,))])
    Traceback (most recent call last):
    ...
    autodiff_viz.core.graph.GraphError: node 'f' reads a node that comes after it; nodes must \
be in topological order (see toposort)
    """
    seen: set[str] = set()
    arity: dict[str, int] = {}
    for i, n in enumerate(nodes):
        name, op, args = n[1], n[2], n[3]
        if n[0] != i:
            raise GraphError(f"node {name!r} has index {n[0]}, expected {i}")
        if name in seen:
            raise GraphError(f"two nodes are named {name!r}")
        seen.add(name)
        if op != "input" and op != "const":
            k = arity.get(op)
            if k is None:
                k = arity[op] = primitive(op).arity
            if len(args) != k:
                raise GraphError(f"{op} takes {k} argument(s), node {name!r} gives {len(args)}")
        for a in args:
            if not 0 <= a < i:
                raise GraphError(f"node {name!r} reads a node that comes after it; "
                                 "nodes must be in topological order (see toposort)")


def _num(v: Any) -> str:
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(v) if not hasattr(v, "shape") else f"array{tuple(v.shape)}"


def _latex_name(name: str) -> str:
    if len(name) > 1 and name[0].isalpha() and name[1:].isdigit():
        return f"{name[0]}_{{{name[1:]}}}"
    if len(name) > 1 and not name.replace(".", "").replace("-", "").isdigit():
        return r"\mathrm{" + name.replace("_", r"\_") + "}"
    return name


def toposort(deps: dict[str, tuple[str, ...]]) -> list[str]:
    """Topological order with stdlib ``graphlib`` (iterative: no recursion limit).

    Ties keep the order in which names were given, so the result is deterministic.

    >>> toposort({"f": ("c", "b"), "c": ("b",), "b": ()})
    ['b', 'c', 'f']
    >>> toposort({"a": ("b",), "b": ("a",)})
    Traceback (most recent call last):
    ...
    autodiff_viz.core.graph.GraphError: the graph has a cycle through: a, b
    """
    rank = {name: i for i, name in enumerate(deps)}
    ts = graphlib.TopologicalSorter(deps)
    try:
        ts.prepare()
    except graphlib.CycleError as exc:
        cycle = sorted(set(exc.args[1]), key=lambda s: rank.get(s, 0))
        raise GraphError(f"the graph has a cycle through: {', '.join(cycle)}") from None
    order: list[str] = []
    while ts.is_active():
        ready = sorted(ts.get_ready(), key=lambda s: rank.get(s, -1))
        order.extend(ready)
        ts.done(*ready)
    return order
