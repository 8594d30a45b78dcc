"""Graph builders: expression text, program text (a Wengert list) and traced Python functions.

Text is parsed with :mod:`ast` against a whitelist and turned into nodes directly; nothing a
user types is ever evaluated.

>>> g = from_text("sqrt(log(x)*y) + log(x)*y")
>>> [g.describe(n) for n in g.nodes if n.op != "input"]
['a = log(x)', 'b = a·y', 'c = √b', 'f = c + b']
>>> g = from_text("a = log(x)\\nb = a*y\\nc = sqrt(b)\\nf = c + b")
>>> [n.name for n in g.nodes]
['x', 'a', 'y', 'b', 'c', 'f']
>>> from_text("2x + 1")
Traceback (most recent call last):
...
autodiff_viz.core.build.ParseError: line 1, column 1: '2x' is not valid: did you mean 2*x? ...
"""

from __future__ import annotations

import ast
import builtins
import inspect
import keyword
import math
import re
import warnings
from collections.abc import Callable
from functools import partial
from itertools import chain
from typing import Any

import numpy as np

from .graph import Graph, GraphError, gc_paused
from .primitives import FUNCTIONS, PRIMITIVES, primitive, suggest

__all__ = ["ParseError", "TracingError", "from_text", "from_function", "Traced", "Builder",
           "apply", "MAX_TEXT", "MAX_LINE", "MAX_NAME", "MAX_DIGITS", "MAX_TOKENS",
           "name_problem"]

# Budgets, checked before any parsing in this order (length, line length, operator count;
# then, while reading, nesting, names and node count), so that a 5,000,000-character text is
# refused in milliseconds and nothing more than linear runs on text that will be refused.
MAX_TEXT = 5_000_000  # characters of program text (a 100,000-line program is ~2.5 MB)
MAX_LINE = 20_000     # characters in one line: longer expressions nest too deeply to read
MAX_TOKENS = 1_000_000  # operator, bracket and separator characters in the whole text
MAX_NAME = 200        # characters in one name
MAX_DIGITS = 40       # digits in one number (integers are limited to 10^15 anyway)
_TOKEN_BYTES = b"+-*/^(,=;\n"
_LONG_NUMBER = re.compile(rf"[\d.]{{{MAX_DIGITS + 1}}}")
_LONG_NAME = re.compile(rf"[^\W\d]\w{{{MAX_NAME}}}")
_CONSTANTS = {"pi": math.pi, "π": math.pi}
_BINOPS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow",
           ast.MatMult: "matmul"}


class ParseError(ValueError):
    """Text that is not a supported expression or program. The message says where and why."""

    def __init__(self, message: str, line: int | None = None, col: int | None = None,
                 token: str | None = None) -> None:
        where = f"line {line}, column {col}: " if line is not None and col is not None else ""
        super().__init__(where + message)
        self.line, self.col, self.token, self.reason = line, col, token, message


class TracingError(TypeError):
    """A traced function did something that cannot be recorded as a graph."""


# ----------------------------------------------------------------------------------------
# The builder shared by every front end
# ----------------------------------------------------------------------------------------

class Builder:
    """Collects nodes in evaluation order, sharing identical unnamed subexpressions.

    ``ops``, ``args`` and ``consts`` (a constant's value, else None) have one entry per
    node; ``names`` holds the names given (inputs, named lines), by index.
    """

    def __init__(self, reserved: set[str] | None = None) -> None:
        self.ops: list[str] = []
        self.args: list[tuple[int, ...]] = []
        self.consts: list[Any] = []
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
            self.consts.append(value)
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
        self.consts.append(None)
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
        self.consts.append(const)
        if name is not None:
            self.names[i] = name
        return i

    def finish(self, output: int, *, source: Any = None, kind: str = "ops",
               keep_inputs: list[str] | None = None) -> Graph:
        """Keep the output's ancestors (and the listed inputs), name the unnamed, build."""
        ops, all_args, consts, n = self.ops, self.args, self.consts, len(self.ops)
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
        if value == math.pi:
            base = "π"
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
# Text: expressions and programs
# ----------------------------------------------------------------------------------------

_SUBST = [("^", "**"), ("·", "*"), ("⋅", "*"), ("×", "*"), ("−", "-"), ("–", "-"), ("÷", "/"),
          ("²", "**2"), ("³", "**3")]


def _normalise(text: str) -> str:
    for a, b in _SUBST:
        text = text.replace(a, b)
    text = re.sub(r"(?<!\w)σ(?=\s*\()", "sigmoid", text)  # σ(z), as the drawings write sigmoid
    return _root_sign(text)


_ROOT_ARG = re.compile(r"\s*((?>[^\W\d]\w*|\d+(?:\.\d*)?))(\s*\()?")


def _root_sign(text: str) -> str:
    """√ takes the next name, number or call: √x + 1 → sqrt(x) + 1, √log(x) → sqrt(log(x)).

    >>> _root_sign("√x + √2*√log(x*y) + √(x)")
    'sqrt(x) + sqrt(2)*sqrt(log(x*y)) + sqrt(x)'
    """
    out, k = [], 0
    closers: dict[int, int] | None = None  # "(" index -> index after its ")": one pass
    while (j := text.find("√", k)) >= 0:
        out.append(text[k:j] + "sqrt")
        k = j + 1
        m = _ROOT_ARG.match(text, k)
        if m is None:
            continue                       # √(...): already a call
        end = m.end()
        if m.group(2):                     # √f(...): wrap the whole call
            if closers is None:
                closers = _match_brackets(text)
            if end - 1 not in closers:
                continue                   # unbalanced: leave it to the parser's message
            end = closers[end - 1]
        out.append("(" + text[m.start(1):end] + ")")
        k = end
    return "".join(out) + text[k:]


def _match_brackets(text: str) -> dict[int, int]:
    """Index of each matched ``(`` -> the index just after its ``)`` (one linear pass).

    >>> _match_brackets("f((x)) + (")
    {2: 5, 1: 6}
    """
    stack: list[int] = []
    out: dict[int, int] = {}
    for m in re.finditer(r"[()]", text):
        if m.group() == "(":
            stack.append(m.start())
        elif stack:
            out[stack.pop()] = m.start() + 1
    return out


def _check_sizes(text: str) -> None:
    """Refuse text too big to read, before any work that is more than linear.

    Only ``len``, ``str.split`` and ``str.count`` run on the whole text (C speed, a few
    milliseconds for 5,000,000 characters); patterns run on one line of at most
    ``MAX_LINE`` characters, to say what made it long.

    >>> _check_sizes("1" * 100_000 + "*x")
    Traceback (most recent call last):
    ...
    autodiff_viz.core.build.ParseError: line 1, column 1: a number with more than 40 digits...
    """
    if len(text) > MAX_TEXT:
        raise ParseError(f"the text is {len(text)} characters long; the limit is {MAX_TEXT}")
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate (half of an emoji, pasted badly)
        line = text.count("\n", 0, exc.start) + 1
        col = exc.start - (text.rfind("\n", 0, exc.start) + 1) + 1
        raise ParseError(f"the text contains an invalid character (U+{ord(text[exc.start]):04X}, "
                         "half of a surrogate pair, usually from a bad copy and paste): "
                         "delete it and type the symbol again", line, col) from None
    if len(data) > MAX_LINE:
        lengths = list(map(len, data.split(b"\n")))
        longest = max(range(len(lengths)), key=lengths.__getitem__)
        if lengths[longest] > MAX_LINE:
            _long_line(text.split("\n")[longest], longest + 1)
    tokens = len(data) - len(data.translate(None, _TOKEN_BYTES))
    if tokens > MAX_TOKENS:
        raise ParseError(f"the text has {tokens} operators, brackets and lines; the limit is "
                         f"{MAX_TOKENS}: split the work into smaller graphs")


def _long_line(line: str, number: int) -> None:
    """Raise the ParseError for a line over ``MAX_LINE`` characters, naming the cause."""
    head = line[:MAX_LINE + MAX_DIGITS + MAX_NAME]
    for pattern, what in ((_LONG_NUMBER, f"a number with more than {MAX_DIGITS} digits: "
                           "numbers this long cannot be represented; use a shorter one"),
                          (_LONG_NAME, f"a name longer than {MAX_NAME} characters: use a "
                           "shorter name")):
        m = pattern.search(head)
        if m:
            raise ParseError(what, number, m.start() + 1, m.group(0)[:20] + "…")
    raise ParseError(f"line {number} has {len(line)} characters, more than {MAX_LINE}: an "
                     "expression this long is nested too deeply to read and draw; split it "
                     "into a program with one assignment per line", number, 1)


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a variable or node in graph text; None when it can.

    The one rule for names: graph text and typed answers (:mod:`autodiff_viz.symbolic.parse`)
    both use it, so any name a graph accepts can be typed in an answer.

    >>> [name_problem(n) for n in ("a_1", "σ", "x2")]
    [None, None, None]
    >>> name_problem("_secret")
    "names may not start with '_' ('_secret')"
    >>> name_problem("log")
    "'log' is a function or constant name; pick another name for the variable"
    """
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        return (f"{name!r} is not a valid name: use letters, digits and _, starting with a "
                "letter")
    if name in FUNCTIONS or name in _CONSTANTS:
        return f"{name!r} is a function or constant name; pick another name for the variable"
    if name.startswith("_"):
        return f"names may not start with '_' ({name[:40]!r})"
    if len(name) > MAX_NAME:
        return (f"the name {name[:20]}… has {len(name)} characters; the limit is {MAX_NAME}: "
                "use a shorter name")
    return None


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
    _check_sizes(text)
    src = _normalise(text)
    program = _looks_like_program(src)
    try:
        tree = parse_quietly(src.strip() if not program else src, mode="exec")
    except SyntaxError as exc:
        raise _syntax_error(src, exc) from None
    except (RecursionError, MemoryError):
        raise ParseError("the expression is nested too deeply to read; split it into a "
                         "program with one assignment per line") from None
    return _Reader(src).program(tree, text)


def parse_quietly(src: str, mode: str = "eval") -> ast.AST:
    """``ast.parse`` without Python's SyntaxWarnings (``1if x``): user text gets our messages.

    >>> type(parse_quietly("1if x else 2")).__name__
    'Expression'
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        return ast.parse(src, mode=mode)


_WINDOW = 200  # characters either side of a syntax error that the hints look at


def _syntax_error(src: str, exc: SyntaxError) -> ParseError:
    """A ParseError with a hint, looking only near the error (linear in the text's size)."""
    lines = src.splitlines() or [src]
    line = exc.lineno or 1
    full = lines[line - 1] if 0 < line <= len(lines) else src
    col = exc.offset or 1
    if "integer string conversion" in (exc.msg or ""):  # more than 4300 digits
        return ParseError(f"a number with more than {MAX_DIGITS} digits: numbers this long "
                          "cannot be represented; use a shorter one", line, col)
    start = max(0, col - 1 - _WINDOW)
    text = full[start:col - 1 + _WINDOW]
    m = re.search(r"(?<![\w.])(\d+(?:\.\d*)?)([A-Za-z_]\w*)", text)
    if m:
        return ParseError(f"{m.group(0)!r} is not valid: did you mean "
                          f"{m.group(1)}*{m.group(2)}? Write * for every product.",
                          line, start + m.start() + 1, m.group(0))
    m = re.search(r"\b([A-Za-z_]\w*)\s+([A-Za-z_0-9(][\w.]*)", text)
    if m and (m.group(1) in FUNCTIONS or suggest(m.group(1))):
        fn = m.group(1) if m.group(1) in FUNCTIONS else suggest(m.group(1))
        return ParseError(f"{m.group(1)!r} needs brackets: did you mean "
                          f"{fn}({m.group(2)})?", line, start + m.start() + 1, m.group(0))
    m = re.search(r"\)\s*\(|\)\s*[A-Za-z_]\w*|\d\s*\(", text)
    if m:
        return ParseError(f"{m.group(0)!r}: a product needs *, e.g. "
                          f"{m.group(0)[0]}*{m.group(0)[-1]}", line, start + m.start() + 1,
                          m.group(0))
    m = re.search(r"([A-Za-z_]\w*|\d[\d.]*)\s+([A-Za-z_]\w*|\d[\d.]*)", text)
    if m and not (keyword.iskeyword(m.group(1)) or keyword.iskeyword(m.group(2))):
        return ParseError(f"{m.group(0)!r}: an operator is missing between {m.group(1)!r} and "
                          f"{m.group(2)!r}; did you mean {m.group(1)}*{m.group(2)}?",
                          line, start + m.start() + 1, m.group(0))
    if full.count("(") != full.count(")"):
        return ParseError(f"unbalanced brackets: {full.count('(')} '(' but "
                          f"{full.count(')')} ')'", line, col)
    token = full[col - 1:col + 9].split(" ")[0] if col - 1 < len(full) else ""
    reason = (exc.msg or "invalid syntax").replace("invalid syntax. Perhaps you forgot a comma?",
                                                    "invalid syntax (an operator is missing?)")
    shown = f" near {token!r}" if token else ""
    return ParseError(f"{reason}{shown}. Expressions use + - * / ** and functions such as "
                      "log(x), sqrt(x).", line, col, token or None)


def _where(node: ast.AST) -> tuple[int | None, int | None]:
    return getattr(node, "lineno", None), (getattr(node, "col_offset", -1) + 1) or None


def _could_be_a_variable(name: str) -> bool:
    """Whether ``name(...)`` may be a missing ``*`` (``k(x+1)``), not a Python call (``exec``)."""
    return not name.startswith("_") and name not in vars(builtins) and not keyword.iskeyword(name)


# Letters that look like Latin ones: Cyrillic and Greek lookalikes (names are NFKC-normalised
# by the parser already, so fullwidth ｘ is x).
_LOOKALIKE = str.maketrans(
    "аеорсухіјѕԁһԛԝАВЕКМНОРСТХУІЈЅοΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
    "aeopcyxijsdhqwABEKMHOPCTXYIJSoABEZHIKMNOPTYX")  # Greek α, ρ, ν… stay: math names


def _script(ch: str) -> str:
    import unicodedata

    name = unicodedata.name(ch, "")
    for script in ("LATIN", "CYRILLIC", "GREEK"):
        if name.startswith(script):
            return script.title()
    return ""


def _describe(name: str) -> str:
    scripts = sorted({_script(c) for c in name if c.isalpha()} - {""})
    return f"{name!r} ({', '.join(scripts) or 'other'})"


def _check_lookalikes(names: set[str]) -> None:
    """Refuse names that are drawn alike but differ (Cyrillic х and Latin x), naming both.

    >>> _check_lookalikes({"x", "y"})
    >>> _check_lookalikes({"x", "\u0445"})
    Traceback (most recent call last):
    ...
    autodiff_viz.core.build.ParseError: the names 'x' (Latin) and 'х' (Cyrillic) look alike ...
    """
    seen: dict[str, str] = {}
    for name in sorted(n for n in names if not n.isascii()) + sorted(n for n in names
                                                                      if n.isascii()):
        scripts = sorted({_script(c) for c in name if c.isalpha()} - {""})
        if len(scripts) > 1 and name.translate(_LOOKALIKE) != name:
            raise ParseError(f"the name {name!r} mixes {' and '.join(scripts)} letters, which "
                             "look alike but are different characters: retype it with one "
                             "keyboard layout")
        key = name.translate(_LOOKALIKE)
        other = seen.get(key)
        if other is not None and other != name:
            raise ParseError(f"the names {_describe(name)} and {_describe(other)} look alike "
                             "but are "
                             "different characters, so they would be two different inputs "
                             "drawn identically: retype one of them with the same keyboard "
                             "layout as the other")
        seen[key] = name


class _Reader:
    """Turns a parsed, whitelisted AST into graph nodes (iteratively: no recursion)."""

    def __init__(self, src: str) -> None:
        self.src = src

    def _err(self, node: ast.AST, message: str) -> ParseError:
        line, col = _where(node)
        try:
            token = ast.get_source_segment(self.src, node)
        except Exception:  # noqa: BLE001 - a best-effort excerpt only
            token = None
        return ParseError(message, line, col, token)

    def program(self, tree: ast.Module, original: str) -> Graph:
        body = tree.body
        if not body:
            raise ParseError("the text has no expression: type e.g. log(x)*y")
        reserved = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - set(_CONSTANTS)
        if not all(n.isascii() for n in reserved):
            _check_lookalikes(reserved)
        b = Builder(reserved)
        env: dict[str, int] = {}
        assigned_at: dict[str, int] = {}
        used_as_input: dict[str, int] = {}
        out = None
        is_expression = len(body) == 1 and isinstance(body[0], ast.Expr)
        for k, stmt in enumerate(body):
            if isinstance(stmt, ast.Assign):
                if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
                    raise self._err(stmt, "assign to one plain name per line, e.g. b = a*y")
                name = stmt.targets[0].id
                self._check_name(stmt.targets[0], name)
                if name in assigned_at:
                    raise self._err(stmt, f"{name!r} is assigned twice (line "
                                    f"{assigned_at[name]} and line {stmt.lineno}); each node "
                                    f"has one value, so give the second one a new name such "
                                    f"as {name}2")
                if name in used_as_input:
                    raise self._err(stmt, f"{name!r} is used on line {used_as_input[name]} "
                                    f"before it is assigned on line {stmt.lineno}; move the "
                                    "assignment up")
                if isinstance(stmt.value, ast.Name) and stmt.value.id not in _CONSTANTS:
                    # a node is an operation: `a = x` would silently be the same node as x
                    raise self._err(stmt, f"{name} = {stmt.value.id} only renames "
                                    f"{stmt.value.id}; use {stmt.value.id} directly")
                idx = self.expr(stmt.value, b, env, used_as_input, name)
                if name in used_as_input:  # x = x + 1
                    raise self._err(stmt, f"{name!r} is used on the right of its own "
                                    f"assignment; each node has one value, so name the result "
                                    f"differently, e.g. {name}2 = ...")
                env[name] = idx
                assigned_at[name] = stmt.lineno
                out = idx
            elif isinstance(stmt, ast.Expr) and (is_expression or k == len(body) - 1):
                out = self.expr(stmt.value, b, env, used_as_input, None)
            elif isinstance(stmt, ast.AugAssign):
                raise self._err(stmt, "updates such as b += 1 are not allowed: each node has "
                                "one value, so write b2 = b + 1")
            elif isinstance(stmt, ast.Expr):
                raise self._err(stmt, "each line before the last must be an assignment "
                                "such as a = log(x)")
            else:
                raise self._err(stmt, f"{type(stmt).__name__.lower()} statements are not "
                                "allowed: write one assignment per line, such as b = a*y")
        kind = "expression" if is_expression else "program"
        try:
            return b.finish(out, source=original, kind=kind)
        except GraphError as exc:
            raise ParseError(str(exc)) from None

    def _check_name(self, node: ast.AST, name: str) -> None:
        problem = name_problem(name)
        if problem is not None:
            raise self._err(node, problem)

    def expr(self, root: ast.AST, b: Builder, env: dict[str, int],
             used_as_input: dict[str, int], name: str | None) -> int:
        """Post-order walk with an explicit stack; returns the node index of ``root``."""
        results: dict[int, int] = {}
        stack: list[tuple[ast.AST, bool]] = [(root, False)]
        while stack:
            node, ready = stack.pop()
            if not ready:
                kids = self._children(node)
                stack.append((node, True))
                stack.extend((k, False) for k in reversed(kids))
                continue
            results[id(node)] = self._make(node, results, b, env, used_as_input,
                                           name if node is root else None)
        return results[id(root)]

    def _children(self, node: ast.AST) -> list[ast.AST]:
        if isinstance(node, ast.BinOp):
            if type(node.op) not in _BINOPS:
                raise self._err(node, f"the operator {_op_symbol(node.op)!r} is not "
                                "supported; use + - * / and ** (or ^) for powers")
            return [node.left, node.right]
        if isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise self._err(node, f"the operator {_op_symbol(node.op)!r} is not supported")
            return [node.operand]
        if isinstance(node, ast.Call):
            self._check_call(node)
            return list(node.args)
        if isinstance(node, (ast.Name, ast.Constant)):
            return []
        raise self._err(node, _not_allowed(node))

    def _check_call(self, node: ast.Call) -> None:
        f = node.func
        if not isinstance(f, (ast.Name, ast.Attribute, ast.Subscript)):  # (x+1)(x-1), 2(x+1)
            left, right = _split_call(ast.get_source_segment(self.src, node) or "")
            raise self._err(node, f"{left}{right}: a product needs *, did you mean "
                            f"{left}*{right}?")
        if not isinstance(f, ast.Name):
            raise self._err(node, "only plain function calls such as log(x) are allowed "
                            "(no attributes, methods or indexing)")
        if node.keywords:
            raise self._err(node, f"{f.id}() takes no keyword arguments")
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise self._err(node, "starred arguments are not allowed")
        if f.id not in FUNCTIONS:
            hint = suggest(f.id)
            if hint in FUNCTIONS:  # not an array-only primitive such as sum (no text form)
                raise self._err(f, f"unknown function {f.id!r}: did you mean {hint}(...)? "
                                f"Supported: {', '.join(sorted(FUNCTIONS))}")
            if f.id in PRIMITIVES and f.id not in ("add", "sub", "mul", "div", "neg", "pow"):
                raise self._err(f, f"{f.id}() is an array operation with no text form: build "
                                "the graph from a Python function instead, e.g. adv.graph("
                                "lambda X: adv.mean(adv.square(X))). Supported in text: "
                                f"{', '.join(sorted(FUNCTIONS))}")
            arg = node.args[0] if len(node.args) == 1 else None
            if (arg is not None and _could_be_a_variable(f.id)
                    and not (isinstance(arg, ast.Constant) and isinstance(arg.value, str))):
                inner = ast.get_source_segment(self.src, arg) or "..."
                raise self._err(f, f"{f.id!r} is a variable, not a function: did you mean "
                                f"{f.id}*({inner})? Supported functions: "
                                f"{', '.join(sorted(FUNCTIONS))}")
            raise self._err(f, f"unknown function {f.id!r}; supported: "
                            f"{', '.join(sorted(FUNCTIONS))}")
        arity = PRIMITIVES[FUNCTIONS[f.id]].arity
        if len(node.args) != arity:
            raise self._err(node, f"{f.id}() takes {arity} argument(s), got {len(node.args)}")

    def _make(self, node, results, b: Builder, env, used_as_input, name) -> int:
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise self._err(node, f"{v!r} is not a number; only numbers, names, "
                                "operators and functions are allowed")
            if isinstance(v, int) and abs(v) > 10 ** 15:
                raise self._err(node, "integer too large (limit 10^15)")
            if not math.isfinite(float(v)):
                raise self._err(node, "number too large")
            if name:  # a named constant, e.g. the line `k = 2`
                return b._add(name, "const", (), float(v))
            return b.const(float(v))
        if isinstance(node, ast.Name):
            if node.id in env:
                return env[node.id]
            if node.id in _CONSTANTS:
                return b.const(_CONSTANTS[node.id])
            if node.id in FUNCTIONS:
                raise self._err(node, f"{node.id} is a function: write {node.id}(...) with "
                                "brackets")
            self._check_name(node, node.id)
            used_as_input.setdefault(node.id, getattr(node, "lineno", 0))
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
        if isinstance(node, ast.Call):
            args = tuple(results[id(a)] for a in node.args)
            return b.apply(FUNCTIONS[node.func.id], args, name)
        raise self._err(node, _not_allowed(node))  # pragma: no cover - _children rejects first


def _split_call(text: str) -> tuple[str, str]:
    """Split call text into the callee and its bracketed arguments.

    >>> _split_call("(x+1)(x-1)")
    ('(x+1)', '(x-1)')
    """
    depth = 0
    for k in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[k], 0)
        if depth == 0:
            return text[:k].rstrip(), text[k:]
    return text, ""


def _op_symbol(op: ast.AST) -> str:
    return {ast.Mod: "%", ast.FloorDiv: "//", ast.BitAnd: "&", ast.BitOr: "|",
            ast.BitXor: "^", ast.LShift: "<<", ast.RShift: ">>", ast.Invert: "~",
            ast.Not: "not", ast.MatMult: "@"}.get(type(op), type(op).__name__)


def _not_allowed(node: ast.AST) -> str:
    what = {ast.Attribute: "attribute access (a.b)", ast.Subscript: "indexing (a[i])",
            ast.Lambda: "lambda", ast.Compare: "a comparison", ast.BoolOp: "and/or",
            ast.IfExp: "an if-else expression", ast.List: "lists", ast.Tuple: "tuples",
            ast.Dict: "dictionaries", ast.Set: "sets", ast.JoinedStr: "f-strings",
            ast.ListComp: "comprehensions", ast.GeneratorExp: "generators",
            ast.Starred: "starred expressions", ast.NamedExpr: "the := operator",
            ast.Await: "await", ast.Yield: "yield"}.get(type(node), type(node).__name__)
    return (f"{what} is not allowed here; an expression may use numbers, variable names, "
            "+ - * / ** and functions such as log(x)")


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
        if type(other) is Traced and other.builder is b:
            o = other.index
        elif type(other) is float:
            o = b.const(other)
        else:
            o = _lift(b, other)
        args = (o, self.index) if reflected else (self.index, o)
        i = len(b.ops)  # b.apply(op, args), inlined: the hot path of tracing
        if i - 1 in args or (found := b._existing(op, args)) is None:
            b.ops.append(op)
            b.args.append(args)
            b.consts.append(None)
        else:
            i = found
        t = _new(Traced)  # Traced(b, i) without the cost of calling __init__
        t.builder, t.index = b, i
        return t

    method.__name__ = f"__{'r' if reflected else ''}{op}__"
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

    def _refuse(self, what: str):
        raise TracingError(_CONTROL_FLOW.format(what=what))

    def __bool__(self):
        self._refuse("if/while/and/or on a traced value")

    def __lt__(self, o):
        self._refuse("<")

    def __le__(self, o):
        self._refuse("<=")

    def __gt__(self, o):
        self._refuse(">")

    def __ge__(self, o):
        self._refuse(">=")

    def __eq__(self, o):
        self._refuse("==")

    def __ne__(self, o):
        self._refuse("!=")

    __hash__ = object.__hash__

    def __float__(self):
        raise TracingError("float() of a traced value: math.log, math.exp, math.sqrt, ... and "
                           "float(x) need a number, but adv.graph(fn) runs fn on placeholders. "
                           "Use adv.log, adv.exp, adv.sqrt, ... instead")

    def __int__(self):
        self._refuse("int()")

    def __round__(self, ndigits=None):
        self._refuse("round()")

    def __trunc__(self):
        self._refuse("math.trunc()")

    def __floor__(self):
        self._refuse("math.floor()")

    def __ceil__(self):
        self._refuse("math.ceil()")

    def __complex__(self):
        self._refuse("complex()")

    def __index__(self):
        self._refuse("use as an index")

    def __iter__(self):
        self._refuse("iteration")

    def __len__(self):
        self._refuse("len()")

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
