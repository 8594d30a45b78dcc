"""Graph builders: expression text, program text (a Wengert list) and traced Python functions.

Text is read by :mod:`.reader` (the whitelist walk shared with typed answers) and turned into
nodes directly; nothing a user types is ever evaluated.

>>> g = from_text("sqrt(log(x)*y) + log(x)*y")
>>> [g.describe(n) for n in g.nodes if n.op != "input"]
['a = log(x)', 'b = a·y', 'c = √b', 'f = c + b']
>>> g = from_text("a = log(x)\\nb = a*y\\nc = sqrt(b)\\nf = c + b")
>>> [n.name for n in g.nodes]
['x', 'a', 'y', 'b', 'c', 'f']
>>> from_text("2x + 1")
Traceback (most recent call last):
...
autodiff_viz.core.reader.ParseError: line 1, column 1: '2x' is not valid: did you mean 2*x? ...
"""

from __future__ import annotations

import ast
import inspect
import math
import re
from collections.abc import Callable
from functools import partial
from itertools import chain
from typing import Any, NoReturn

import numpy as np

from .graph import Graph, GraphError, gc_paused
from .primitives import PRIMITIVES, primitive
from .reader import (
    _BINOPS,
    CONSTANTS,
    EULER,
    MAX_DIGITS,
    MAX_LINE,
    MAX_NAME,
    MAX_TEXT,
    MAX_TOKENS,
    ParseError,
    Walk,
    check_lookalikes,
    check_sizes,
    name_problem,
    normalise,
    parse_quietly,
    syntax_problem,
)

__all__ = ["ParseError", "TracingError", "from_text", "from_function", "Traced", "Builder",
           "apply", "MAX_TEXT", "MAX_LINE", "MAX_NAME", "MAX_DIGITS", "MAX_TOKENS",
           "name_problem"]


class TracingError(TypeError):
    """A traced function did something that cannot be recorded as a graph."""


# ----------------------------------------------------------------------------------------
# The builder shared by every front end
# ----------------------------------------------------------------------------------------

class Builder:
    """Collects nodes in evaluation order, sharing identical unnamed subexpressions.

    ``ops`` and ``args`` have one entry per node; ``consts`` (the constants' values) and
    ``names`` (the names given: inputs, named lines) are keyed by index.
    """

    def __init__(self, reserved: set[str] | None = None) -> None:
        self.ops: list[str] = []
        self.args: list[tuple[int, ...]] = []
        self.consts: dict[int, Any] = {}  # index -> a constant's value
        self.names: dict[int, str] = {}
        self.inert: set[int] = set()  # operations that carry no gradient (log(2)), by index
        self._shared: dict[tuple, int] = {}  # (op, args) -> index of the unnamed operations
        self._indexed = 0  # … among the first _indexed nodes
        self._numbers: dict[Any, int] = {}  # constant (arrays: (id,)) -> index
        self._inputs: dict[str, int] = {}
        self.reserved: set[str] = set(reserved or ())

    def input(self, name: str) -> int:
        if name not in self._inputs:
            self._inputs[name] = self._add(name, "input", (), None)
            self.reserved.add(name)
        return self._inputs[name]

    def const(self, value: Any) -> int:
        """A constant node: equal numbers share one, arrays are shared by identity."""
        if type(value) is float:
            key = value
        elif isinstance(value, (int, float)):
            key = value = float(value)
        else:
            key = (id(value),)  # an array, shared by identity (a tuple equals no float)
        i = self._numbers.setdefault(key, len(self.ops))
        if i == len(self.ops):  # a new constant
            self.ops.append("const")
            self.args.append(())
            self.consts[i] = value
        return i

    def apply(self, op: str, args: tuple[int, ...], name: str | None = None) -> int:
        """Index of the node ``op(*args)``: an existing identical unnamed node, or a new one."""
        row = PRIMITIVES.get(op) or primitive(op)  # an unknown op raises, naming it
        if len(args) != row.arity:
            raise GraphError(f"{op} takes {row.arity} argument(s), got {len(args)}")
        i = len(self.ops)
        # An identical unnamed node may exist, unless this one reads the newest node (nothing
        # read it yet): chains and sums, built node after node, never need to look.
        if name is None and i - 1 not in args and (found := self._existing(op, args)) is not None:
            return found
        self.ops.append(op)
        self.args.append(args)
        if name is not None:
            self.names[i] = name
        if all(self.ops[a] == "const" or a in self.inert for a in args):
            self.inert.add(i)
        return i

    def _existing(self, op: str, args: tuple[int, ...]) -> int | None:
        """The unnamed node ``op(*args)``, if any (indexing the operations added since the
        last call first)."""
        for j in range(self._indexed, len(self.ops)):
            if self.args[j] and j not in self.names:
                self._shared.setdefault((self.ops[j], self.args[j]), j)
        self._indexed = len(self.ops)
        return self._shared.get((op, args))

    def _add(self, name, op, args, const) -> int:
        i = len(self.ops)
        self.ops.append(op)
        self.args.append(args)
        if const is not None:
            self.consts[i] = const
        if name is not None:
            self.names[i] = name
        return i

    def finish(self, output: int, *, source: Any = None, kind: str = "ops",
               keep_inputs: list[str] | None = None) -> Graph:
        """Keep the output's ancestors (and the listed inputs), name the unnamed, build."""
        ops, all_args, n = self.ops, self.args, len(self.ops)
        consts = [None] * n
        for i, value in self.consts.items():
            consts[i] = value
        if ops[output] in ("input", "const"):
            raise GraphError("the function computes nothing: its result is "
                             f"{'the input' if ops[output] == 'input' else 'a constant'} "
                             "itself. Write an expression that uses at least one operation, "
                             "e.g. log(x)*y.")
        names = [None] * n
        for i, name in self.names.items():
            names[i] = name
        inputs, inert = sorted(self._inputs.values()), self.inert
        # When every node but the last is read by a later one, all lead to the output.
        if output != n - 1 or len(set(chain.from_iterable(all_args))) != n - 1:
            keep = [False] * n
            keep[output] = True
            for i in range(output, -1, -1):  # reverse sweep: no recursion
                if keep[i]:
                    for a in all_args[i]:
                        keep[a] = True
            for name in keep_inputs or ():
                if name in self._inputs:
                    keep[self._inputs[name]] = True
            kept = [i for i in range(n) if keep[i]]  # drop what the output does not use
            new_index = [-1] * n
            for j, i in enumerate(kept):
                new_index[i] = j
            names = [names[i] for i in kept]
            ops = [ops[i] for i in kept]
            all_args = [tuple([new_index[a] for a in all_args[i]]) for i in kept]
            consts = [consts[i] for i in kept]
            inputs = [new_index[i] for i in inputs if keep[i]]
            inert = [new_index[i] for i in inert if keep[i]]
            output, n = new_index[output], len(kept)
        needs = [op != "const" for op in ops]  # inputs and operations, but not log(2)
        for i in inert:
            needs[i] = False
        taken = self.reserved | set(self.names.values())
        if names[output] is None:
            names[output] = _output_name(taken)
            taken.add(names[output])
        namer = partial(_name_nodes, ops=ops, consts=consts, taken=taken)
        return Graph.from_columns(names, ops, all_args, consts, output, source=source,
                                  kind=kind, namer=namer, needs_grad=needs, input_ids=inputs)


def _output_name(taken: set[str]) -> str:
    """f, or out, output, result, f2, f3, … when f is taken."""
    for name in ("f", "out", "output", "result"):
        if name not in taken:
            return name
    k = 2
    while f"f{k}" in taken:
        k += 1
    return f"f{k}"


#: Letters for intermediates, in the course's order; e (Euler's number) and f (the usual
#: output) are left out, and so are l and o (they read as 1 and 0).
_LETTERS = "abcdghijkmnpqrstuvwz"


def _fresh_names(taken: set[str]):
    """a, b, c, d, g, …, then a1, b1, …: every name not in ``taken`` (lazily)."""
    k = 0
    while True:
        suffix = str(k) if k else ""
        for letter in _LETTERS:
            name = letter + suffix
            if name not in taken:
                yield name
        k += 1


def _name_nodes(names: list, *, ops: list[str], consts: list, taken: set[str]) -> list[str]:
    """Fill in generated names: constants by value (``2``, ``π``), others a, b, c, … in
    evaluation order, skipping every name already used (inputs and names the user wrote).

    >>> _name_nodes(["x", None, None, "f"], ops=["input", "const", "log", "mul"],
    ...             consts=[None, 2.0, None, None], taken={"x", "f"})
    ['x', '2', 'a', 'f']
    >>> _name_nodes(["a", None, None], ops=["input", "log", "exp"], consts=[None] * 3,
    ...             taken={"a"})
    ['a', 'b', 'c']
    """
    names = list(names)
    taken = set(taken)
    suffixes: dict[str, int] = {}
    fresh = _fresh_names(taken)
    for i, name in enumerate(names):
        if name is not None:
            continue
        if ops[i] == "const":
            names[i] = _const_name(consts[i], taken, suffixes)
            continue
        name = next(fresh)
        while name in taken:  # a constant took it meanwhile
            name = next(fresh)
        taken.add(name)
        names[i] = name
    return names


def _const_name(value: Any, taken: set[str], suffixes: dict[str, int]) -> str:
    """A readable name for a constant: ``2``, ``π``, ``0.5``; repeats get ``#2``, ``#3``, ….

    ``suffixes`` remembers the last suffix per base, so 100,000 constants that print alike
    cost linear time.

    >>> taken, suffixes = {"x"}, {}
    >>> [_const_name(v, taken, suffixes) for v in (2.0, 1.0000001, 1.0000002)]
    ['2', '1', '1#2']
    """
    if isinstance(value, float):
        if value == math.pi or value == math.e:
            base = "π" if value == math.pi else "e"
        elif value.is_integer() and abs(value) < 1e15:
            base = str(int(value))
        else:
            base = f"{value:.6g}"
    else:
        base = "C"
    name, k = base, suffixes.get(base, 1)
    while name in taken:
        k += 1
        name = f"{base}#{k}"
    suffixes[base] = k
    taken.add(name)
    return name


# ----------------------------------------------------------------------------------------
# Text: expressions and programs (the graph back end of the reader)
# ----------------------------------------------------------------------------------------

def _looks_like_program(text: str) -> bool:
    return "\n" in text.strip() or ";" in text or re.search(r"(?<![=<>!])=(?!=)", text) is not None


@gc_paused()
def from_text(text: str) -> Graph:
    """Build a graph from an expression (``"sqrt(log(x)*y) + log(x)*y"``) or a program.

    A program has one assignment per line (``b = a*y``); names are kept, and the last
    assigned name is the output. In an expression, identical subexpressions share a node and
    intermediates are named a, b, c, … in evaluation order (skipping the inputs' names), as
    in the course.
    """
    if not isinstance(text, str):
        raise ParseError(f"expected text, got {type(text).__name__}")
    if not text.strip():
        raise ParseError("the text is empty: type an expression such as log(x)*y")
    check_sizes(text)
    src = normalise(text)
    program = _looks_like_program(src)
    try:
        tree = parse_quietly(src.strip() if not program else src, mode="exec")
    except SyntaxError as exc:
        raise syntax_problem(src, exc) from None
    except (RecursionError, MemoryError):
        raise ParseError("the expression is nested too deeply to read; split it into a "
                         "program with one assignment per line") from None
    return _Reader(src).program(tree, text)


class _Reader(Walk):
    """Turns a parsed, whitelisted AST into graph nodes."""

    def program(self, tree: ast.Module, original: str) -> Graph:
        body = tree.body
        if not body:
            raise ParseError("the text has no expression: type e.g. log(x)*y")
        reserved = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - set(CONSTANTS)
        if not all(n.isascii() for n in reserved):
            check_lookalikes(reserved)
        self.b = b = Builder(reserved)
        self.env: dict[str, int] = {}
        assigned_at: dict[str, int] = {}
        self.used_as_input: dict[str, int] = {}
        out = None
        is_expression = len(body) == 1 and isinstance(body[0], ast.Expr)
        for k, stmt in enumerate(body):
            self.target = None
            if isinstance(stmt, ast.Assign):
                if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
                    raise self.err(stmt, "assign to one plain name per line, e.g. b = a*y")
                name = stmt.targets[0].id
                self._check_name(stmt.targets[0], name)
                if name in assigned_at:
                    raise self.err(stmt, f"{name!r} is assigned twice (line "
                                   f"{assigned_at[name]} and line {stmt.lineno}); each node "
                                   f"has one value, so give the second one a new name such "
                                   f"as {name}2")
                if name in self.used_as_input:
                    raise self.err(stmt, f"{name!r} is used on line {self.used_as_input[name]} "
                                   f"before it is assigned on line {stmt.lineno}; move the "
                                   "assignment up")
                if isinstance(stmt.value, ast.Name) and stmt.value.id not in CONSTANTS:
                    # a node is an operation: `a = x` would silently be the same node as x
                    raise self.err(stmt, f"{name} = {stmt.value.id} only renames "
                                   f"{stmt.value.id}; use {stmt.value.id} directly")
                self.target = stmt.value, name
                idx = self.expr(stmt.value)
                if name in self.used_as_input:  # x = x + 1
                    raise self.err(stmt, f"{name!r} is used on the right of its own "
                                   f"assignment; each node has one value, so name the result "
                                   f"differently, e.g. {name}2 = ...")
                self.env[name] = idx
                assigned_at[name] = stmt.lineno
                out = idx
            elif isinstance(stmt, ast.Expr) and (is_expression or k == len(body) - 1):
                out = self.expr(stmt.value)
            elif isinstance(stmt, ast.AugAssign):
                raise self.err(stmt, "updates such as b += 1 are not allowed: each node has "
                               "one value, so write b2 = b + 1")
            elif isinstance(stmt, ast.Expr):
                raise self.err(stmt, "each line before the last must be an assignment "
                               "such as a = log(x)")
            else:
                raise self.err(stmt, f"{type(stmt).__name__.lower()} statements are not "
                               "allowed: write one assignment per line, such as b = a*y")
        kind = "expression" if is_expression else "program"
        try:
            return b.finish(out, source=original, kind=kind)
        except GraphError as exc:
            raise ParseError(str(exc)) from None

    def _check_name(self, node: ast.AST, name: str) -> None:
        problem = name_problem(name)
        if problem is not None:
            raise self.err(node, problem)

    def make(self, node, results) -> int:
        b = self.b
        name = self.target[1] if self.target and node is self.target[0] else None
        if isinstance(node, ast.Constant):
            v = self.number(node)
            if isinstance(v, int) and abs(v) > 10 ** 15:
                raise self.err(node, "integer too large (limit 10^15)")
            if not math.isfinite(float(v)):
                raise self.err(node, "number too large")
            if name:  # a named constant, e.g. the line `k = 2`
                return b._add(name, "const", (), float(v))
            return b.const(float(v))
        if isinstance(node, ast.Name):
            if node.id in self.env:
                return self.env[node.id]
            constant = self.bare(node)
            if constant is not None:
                return b.const(CONSTANTS[constant])
            self._check_name(node, node.id)
            self.used_as_input.setdefault(node.id, getattr(node, "lineno", 0))
            return b.input(node.id)
        if isinstance(node, ast.BinOp):
            args = (results[id(node.left)], results[id(node.right)])
            return b.apply(_BINOPS[type(node.op)], args, name)
        if isinstance(node, ast.UnaryOp):
            inner = results[id(node.operand)]
            if isinstance(node.op, ast.UAdd):
                return inner
            if isinstance(node.operand, ast.Constant) and b.ops[inner] == "const":
                return b.const(-b.consts[inner])
            return b.apply("neg", (inner,), name)
        args = tuple(results[id(a)] for a in node.args)  # a call: the walk checked it
        return b.apply(self.function(node), args, name)


# ----------------------------------------------------------------------------------------
# Tracing Python functions
# ----------------------------------------------------------------------------------------

_CONTROL_FLOW = ("cannot use a traced value in Python control flow or comparisons "
                 "({what}): adv.graph(fn) records the operations once, with placeholder "
                 "inputs, so `if x > 0:` and friends have no value to test. Express the "
                 "choice with a primitive instead (e.g. adv.relu(x), adv.abs(x)), or build "
                 "one graph per branch.")


_new = object.__new__


def _binary(op: str, reflected: bool = False) -> Callable[[Traced, Any], Traced]:
    """The method ``Traced.__<op>__`` (or ``__r<op>__``): records ``op`` on the builder."""

    def method(self: Traced, other: Any) -> Traced:
        b = self.builder
        ops, cols = b.ops, b.args
        if type(other) is Traced and other.builder is b:
            o = other.index
        elif type(other) is float:  # b.const(other), inlined: the hot path of tracing
            o = b._numbers.setdefault(other, len(ops))
            if o == len(ops):
                ops.append("const")
                cols.append(())
                b.consts[o] = other
        else:
            o = _lift(b, other)
        args = (o, self.index) if reflected else (self.index, o)
        i = len(ops)  # b.apply(op, args), inlined
        if i - 1 in args or (found := b._existing(op, args)) is None:
            ops.append(op)
            cols.append(args)
        else:
            i = found
        t = _new(Traced)  # Traced(b, i) without the cost of calling __init__
        t.builder, t.index = b, i
        return t

    method.__name__ = f"__{'r' if reflected else ''}{op}__"
    return method


def _refusal(what: str) -> Callable[..., NoReturn]:
    """A ``Traced`` method that raises the control-flow error, naming ``what`` was tried."""

    def method(self: Traced, *args: Any) -> NoReturn:
        raise TracingError(_CONTROL_FLOW.format(what=what))

    return method


class Traced:
    """A placeholder value recorded while tracing; arithmetic on it adds graph nodes."""

    __slots__ = ("builder", "index")
    __array_ufunc__ = None  # make numpy defer to our reflected operators

    def __init__(self, builder: Builder, index: int) -> None:
        self.builder, self.index = builder, index

    # + - * / ** @ and their reflected forms (2 + x calls x.__radd__(2))
    __add__, __radd__ = _binary("add"), _binary("add", True)
    __sub__, __rsub__ = _binary("sub"), _binary("sub", True)
    __mul__, __rmul__ = _binary("mul"), _binary("mul", True)
    __truediv__, __rtruediv__ = _binary("div"), _binary("div", True)
    __pow__, __rpow__ = _binary("pow"), _binary("pow", True)
    __matmul__, __rmatmul__ = _binary("matmul"), _binary("matmul", True)

    def __neg__(self):
        return Traced(self.builder, self.builder.apply("neg", (self.index,)))

    def __pos__(self):
        return self

    def __abs__(self):
        return Traced(self.builder, self.builder.apply("abs", (self.index,)))

    # control flow and conversions: a placeholder has no value to test (see _CONTROL_FLOW)
    __bool__ = _refusal("if/while/and/or on a traced value")
    __lt__, __le__, __gt__, __ge__ = _refusal("<"), _refusal("<="), _refusal(">"), _refusal(">=")
    __eq__, __ne__ = _refusal("=="), _refusal("!=")
    __hash__ = object.__hash__

    def __float__(self):
        raise TracingError("float() of a traced value: math.log, math.exp, math.sqrt, ... and "
                           "float(x) need a number, but adv.graph(fn) runs fn on placeholders. "
                           "Use adv.log, adv.exp, adv.sqrt, ... instead")

    __int__, __round__, __complex__ = _refusal("int()"), _refusal("round()"), _refusal("complex()")
    __trunc__, __floor__ = _refusal("math.trunc()"), _refusal("math.floor()")
    __ceil__, __index__ = _refusal("math.ceil()"), _refusal("use as an index")
    __iter__, __len__ = _refusal("iteration"), _refusal("len()")

    def __repr__(self) -> str:
        return f"<traced node #{self.index} ({self.builder.ops[self.index]})>"


def _lift(builder: Builder, value: Any) -> int:
    if isinstance(value, Traced):
        if value.builder is not builder:
            raise TracingError("a traced value from another adv.graph() call was mixed in")
        return value.index
    if isinstance(value, bool):
        raise TracingError(f"{value!r} is not a number")
    if isinstance(value, (int, float, np.integer, np.floating)):
        return builder.const(float(value))
    if isinstance(value, (np.ndarray, list, tuple)):
        return builder.const(np.asarray(value, dtype=float))
    raise TracingError(f"cannot use a {type(value).__name__} in a traced computation; "
                       "use numbers, numpy arrays or traced values")


def apply(op: str, *args: Any) -> Any:
    """Apply primitive ``op``: records a node when an argument is traced, else computes.

    >>> apply("log", 1.0)
    0.0
    """
    for a in args:
        if isinstance(a, Traced):
            b = a.builder
            return Traced(b, b.apply(op, tuple(_lift(b, x) for x in args)))
    row = PRIMITIVES[op]
    vals = [float(a) if isinstance(a, (int, np.integer)) and not isinstance(a, bool) else
            (a if isinstance(a, float) else np.asarray(a, dtype=float)) for a in args]
    return row.value(*vals)


def from_function(fn: Callable[..., Any]) -> Graph:
    """Trace ``fn`` once with placeholder inputs (one per parameter) and record the graph."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        raise TracingError("cannot read the parameters of this callable; pass a function "
                           "such as lambda x, y: adv.log(x)*y") from None
    names = []
    for p in sig.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            raise TracingError(f"*{p.name}/**{p.name} parameters cannot be traced; give each "
                               "input its own named parameter")
        names.append(p.name)
    if "e" in names:
        raise TracingError(f"the parameter e: {EULER}")
    if not names:
        raise TracingError("the function has no parameters, so the graph has no inputs")
    b = Builder(set(names))
    placeholders = [Traced(b, b.input(n)) for n in names]
    try:
        result = fn(*placeholders)
    except TypeError as exc:
        if "ufunc" not in str(exc):
            raise
        raise TracingError("numpy functions such as np.exp or np.log cannot be traced: use "
                           "adv.exp, adv.log, adv.sqrt, ... instead") from None
    if not isinstance(result, Traced):
        raise TracingError(f"the function returned {type(result).__name__}, not a traced "
                           "value: it must compute its result from its inputs with "
                           "adv.log, adv.sqrt, + - * / … (math.log and np.log cannot be traced)")
    try:
        return b.finish(result.index, source=fn, kind="traced", keep_inputs=names)
    except GraphError as exc:
        raise TracingError(str(exc)) from None
