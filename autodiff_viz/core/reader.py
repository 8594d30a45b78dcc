"""The one text reader: what may be typed, read the same way for graphs and for answers.

Both back ends (:mod:`.build` makes graph nodes, :mod:`autodiff_viz.grading.answers` makes a
sympy expression) use what is here: the substitutions (``^`` is ``**``, ``·`` ``×`` ``−``
``÷`` ``²`` ``√`` ``σ(…)``), the budgets, the hints for syntax errors, the names (one rule,
:func:`name_problem`), the constants (``e`` is Euler's number, ``pi``/``π``) and one whitelist
walk over the syntax tree (:class:`Walk`) whose callable functions and their arities come from
the primitives table. Nothing typed is ever evaluated: the text goes to :mod:`ast`, never to
``eval``. See docs/reading-text.md.

>>> normalise("√x·y² − e^x")
'sqrt(x)*y**2 - e**x'
>>> CALLS["ln"], CALLS["arctan"], CALLS["max"]
('log', 'atan', 'max')
>>> name_problem("e")
"e is Euler's number (2.71828…), not a variable: rename the variable, e.g. to e1 or ε"
"""

from __future__ import annotations

import ast
import builtins
import keyword
import math
import re
import warnings
from typing import Any

from .primitives import FUNCTIONS, PRIMITIVES, WORKAROUNDS, suggest

__all__ = ["ParseError", "MAX_TEXT", "MAX_LINE", "MAX_NAME", "MAX_DIGITS", "MAX_TOKENS",
           "CONSTANTS", "CALLS", "EULER", "normalise", "check_sizes", "parse_quietly",
           "syntax_problem", "name_problem", "check_lookalikes", "Walk"]

# Budgets, checked before any parsing in this order (length, line length, operator count;
# then, while reading, nesting, names and node count), so that a 5,000,000-character text is
# refused in milliseconds and nothing more than linear runs on text that will be refused.
# Answers have their own, smaller limits (grading.answers.Limits).
MAX_TEXT = 5_000_000  # characters of program text (a 100,000-line program is ~2.5 MB)
MAX_LINE = 20_000     # characters in one line: longer expressions nest too deeply to read
MAX_TOKENS = 1_000_000  # operator, bracket and separator characters in the whole text
MAX_NAME = 200        # characters in one name
MAX_DIGITS = 40       # digits in one number (integers are limited to 10^15 anyway)
_TOKEN_BYTES = b"+-*/^(,=;\n"
_LONG_NUMBER = re.compile(rf"[\d.]{{{MAX_DIGITS + 1}}}")
_LONG_NAME = re.compile(rf"[^\W\d]\w{{{MAX_NAME}}}")

#: Names that are numbers, with their values (the answer reader maps them to sympy's E, pi).
CONSTANTS = {"e": math.e, "pi": math.pi, "π": math.pi}
#: The one message for someone who meant ``e`` as a variable.
EULER = "e is Euler's number (2.71828…), not a variable: rename the variable, e.g. to e1 or ε"
#: Every name text may call, mapped to its row: the table's function rows and their aliases.
CALLS = {**{a: f for f in FUNCTIONS for a in PRIMITIVES[f].aliases}, **FUNCTIONS}
_BINOPS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}


class ParseError(ValueError):
    """Text that is not a supported expression or program. The message says where and why;
    ``hint`` is the text with the fix applied, when there is an obvious one."""

    def __init__(self, message: str, line: int | None = None, col: int | None = None,
                 token: str | None = None, hint: str | None = None) -> None:
        where = f"line {line}, column {col}: " if line is not None and col is not None else ""
        super().__init__(where + message)
        self.line, self.col, self.token, self.reason, self.hint = line, col, token, message, hint


_SUBST = [("^", "**"), ("·", "*"), ("⋅", "*"), ("×", "*"), ("−", "-"), ("–", "-"), ("÷", "/"),
          ("²", "**2"), ("³", "**3")]


def normalise(text: str) -> str:
    """The typed text with the drawings' symbols written the Python way (see the module)."""
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


def check_sizes(text: str) -> None:
    """Refuse text too big to read, before any work that is more than linear.

    Only ``len``, ``str.split`` and ``str.count`` run on the whole text (C speed, a few
    milliseconds for 5,000,000 characters); patterns run on one line of at most
    ``MAX_LINE`` characters, to say what made it long.

    >>> check_sizes("1" * 100_000 + "*x")
    Traceback (most recent call last):
    ...
    autodiff_viz.core.reader.ParseError: line 1, column 1: a number with more than 40 digits...
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


def parse_quietly(src: str, mode: str = "eval") -> ast.AST:
    """``ast.parse`` without Python's SyntaxWarnings (``1if x``): user text gets our messages.

    >>> type(parse_quietly("1if x else 2")).__name__
    'Expression'
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        return ast.parse(src, mode=mode)


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a variable or node; None when it can (graphs and answers).

    >>> [name_problem(n) for n in ("a_1", "σ", "x2", "ln")]
    [None, None, None, None]
    >>> name_problem("_secret")
    "names may not start with '_' ('_secret')"
    >>> name_problem("log")
    "'log' is a function or constant name; pick another name for the variable"
    """
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        return (f"{name!r} is not a valid name: use letters, digits and _, starting with a "
                "letter")
    if name == "e":
        return EULER
    if name in FUNCTIONS or name in CONSTANTS:
        return f"{name!r} is a function or constant name; pick another name for the variable"
    if name.startswith("_"):
        return f"names may not start with '_' ({name[:40]!r})"
    if len(name) > MAX_NAME:
        return (f"the name {name[:20]}… has {len(name)} characters; the limit is {MAX_NAME}: "
                "use a shorter name")
    return None


# ----------------------------------------------------------------------------------------
# Hints for text Python cannot parse
# ----------------------------------------------------------------------------------------

_WINDOW = 200  # characters either side of a syntax error that the hints look at


def syntax_problem(src: str, exc: SyntaxError) -> ParseError:
    """What is wrong with ``src``, which Python could not parse, and the fix (``hint``).

    Looks only near the error, so it is linear in the text's size.

    >>> e = syntax_problem("2x + 1", SyntaxError("invalid decimal literal", ("", 1, 1, "")))
    >>> e.reason, e.hint
    ("'2x' is not valid: did you mean 2*x? Write * for every product.", '2*x + 1')
    """
    lines = src.splitlines() or [src]
    line = exc.lineno or 1
    full = lines[line - 1] if 0 < line <= len(lines) else src
    col = exc.offset or 1
    if "integer string conversion" in (exc.msg or ""):  # more than 4300 digits
        return ParseError(f"a number with more than {MAX_DIGITS} digits: numbers this long "
                          "cannot be represented; use a shorter one", line, col)
    start = max(0, col - 1 - _WINDOW)
    text = full[start:col - 1 + _WINDOW]

    def fix(m: re.Match, message: str, new: str) -> ParseError:
        hint = full[:start + m.start()] + new + full[start + m.end():]
        return ParseError(message, line, start + m.start() + 1, m.group(0),
                          hint if len(lines) == 1 else None)

    depth = 0
    for k, ch in enumerate(full):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return ParseError(f"unbalanced brackets: a ')' at column {k + 1} has no matching "
                              "'('", line, k + 1, ")")
    m = re.search(r"(?<![\w.])(\d+(?:\.\d*)?)\s*([^\W\d]\w*)", text)
    if m and not keyword.iskeyword(m.group(2)):
        return fix(m, f"{m.group(0)!r} is not valid: did you mean {m.group(1)}*{m.group(2)}? "
                   "Write * for every product.", f"{m.group(1)}*{m.group(2)}")
    m = re.search(r"\b([^\W\d]\w*)\s+([\w(][\w.]*)", text)
    fn = m and (CALLS.get(m.group(1)) or suggest(m.group(1)))
    if fn in FUNCTIONS:
        return fix(m, f"{m.group(1)!r} needs brackets: did you mean {fn}({m.group(2)})?",
                   f"{fn}({m.group(2)})")
    m = re.search(r"\)\s*[(\w]|\d\s*\(", text)
    if m:
        shown = f"{m.group(0)[0]}*{m.group(0)[-1]}"
        return fix(m, f"{m.group(0)!r}: a product needs *, e.g. {shown}", shown)
    m = re.search(r"([^\W\d]\w*|\d[\d.]*)\s+([^\W\d]\w*|\d[\d.]*)", text)
    if m and not (keyword.iskeyword(m.group(1)) or keyword.iskeyword(m.group(2))):
        return fix(m, f"{m.group(0)!r}: an operator is missing between {m.group(1)!r} and "
                   f"{m.group(2)!r}; did you mean {m.group(1)}*{m.group(2)}?",
                   f"{m.group(1)}*{m.group(2)}")
    if depth:
        return ParseError(f"unbalanced brackets: {full.count('(')} '(' but {full.count(')')} "
                          "')'", line, col, None,
                          src + ")" * depth if len(lines) == 1 else None)
    if re.search(r"[-+*/]\s*$", full):
        return ParseError("the text ends with an operator: something is missing after it",
                          line, col)
    token = full[col - 1:col + 9].split(" ")[0] if col - 1 < len(full) else ""
    reason = (exc.msg or "invalid syntax").replace("invalid syntax. Perhaps you forgot a comma?",
                                                    "invalid syntax (an operator is missing?)")
    shown = f" near {token!r}" if token else ""
    return ParseError(f"{reason}{shown}. Expressions use + - * / ^ and functions such as "
                      "log(x), sqrt(x).", line, col, token or None)


# ----------------------------------------------------------------------------------------
# Lookalike letters
# ----------------------------------------------------------------------------------------

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


def check_lookalikes(names: set[str]) -> None:
    """Refuse names that are drawn alike but differ (Cyrillic х and Latin x), naming both.

    >>> check_lookalikes({"x", "y"})
    >>> check_lookalikes({"x", "\u0445"})
    Traceback (most recent call last):
    ...
    autodiff_viz.core.reader.ParseError: the names 'x' (Latin) and 'х' (Cyrillic) look alike ...
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
                             "but are different characters, so they would be two different "
                             "inputs drawn identically: retype one of them with the same "
                             "keyboard layout as the other")
        seen[key] = name


# ----------------------------------------------------------------------------------------
# The whitelist walk
# ----------------------------------------------------------------------------------------

_FORBIDDEN = {ast.Attribute: "attribute access (a.b)", ast.Subscript: "indexing (a[i])",
              ast.Lambda: "lambda", ast.Compare: "a comparison", ast.BoolOp: "and/or",
              ast.IfExp: "an if-else expression", ast.List: "lists", ast.Tuple: "tuples",
              ast.Dict: "dictionaries", ast.Set: "sets", ast.JoinedStr: "f-strings",
              ast.ListComp: "comprehensions", ast.GeneratorExp: "generators",
              ast.Starred: "starred expressions", ast.NamedExpr: "the := operator",
              ast.Await: "await", ast.Yield: "yield"}
_SYMBOLS = {ast.Mod: "%", ast.FloorDiv: "//", ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^",
            ast.LShift: "<<", ast.RShift: ">>", ast.Invert: "~", ast.Not: "not",
            ast.MatMult: "@"}


class Walk:
    """A post-order walk (explicit stack: no recursion) that accepts only numbers, names,
    ``+ - * / **``, unary ``-``/``+`` and calls of :data:`CALLS` with the row's arity.

    A back end fills in :meth:`make` (a node from its checked children's results) and may
    add ``extra`` functions (name -> arity) and :meth:`is_variable`.
    """

    extra: dict[str, int] = {}
    guess_variables = True  # an unknown name(...) may be a variable missing its *

    def __init__(self, src: str) -> None:
        self.src, self._lines, self._grouped = src, None, None

    def functions(self) -> str:
        return ", ".join(sorted({*FUNCTIONS, *self.extra}))

    def seg(self, node: ast.AST) -> str:
        """The node's text (one line at a time: ast.get_source_segment splits all of src)."""
        try:
            if self._lines is None:  # \r also ends a line for ast
                self._lines = [] if "\r" in self.src else [
                    line.encode() for line in self.src.split("\n")]
            if node.lineno == node.end_lineno and self._lines:
                line = self._lines[node.lineno - 1]
                return line[node.col_offset:node.end_col_offset].decode()
            return ast.get_source_segment(self.src, node) or ""
        except Exception:  # noqa: BLE001 - a best-effort excerpt only
            return ""

    def err(self, node: ast.AST, message: str, new: str | None = None,
            span: ast.AST | None = None) -> ParseError:
        """The error at ``node``; the hint is the text with ``new`` for ``span`` (the node)."""
        seg, old = self.seg(node), self.seg(span or node)
        col = getattr(node, "col_offset", None)
        hint = self.src.replace(old, new, 1) if old and new is not None else None
        return ParseError(message, getattr(node, "lineno", None),
                          None if col is None else col + 1, seg or None, hint)

    def expr(self, root: ast.AST) -> Any:
        results: dict[int, Any] = {}
        stack: list[tuple[ast.AST, bool]] = [(root, False)]
        while stack:
            node, ready = stack.pop()
            if not ready:
                kids = self.children(node)
                stack.append((node, True))
                stack.extend((k, False) for k in reversed(kids))
                continue
            results[id(node)] = self.make(node, results)
        return results[id(root)]

    def make(self, node: ast.AST, results: dict[int, Any]) -> Any:
        raise NotImplementedError

    def children(self, node: ast.AST) -> list[ast.AST]:
        if isinstance(node, ast.BinOp):
            if type(node.op) not in _BINOPS:
                raise self.err(node, f"the operator {_SYMBOLS.get(type(node.op), '?')!r} is "
                               "not supported; use + - * / and ^ (or **) for powers")
            return [node.left, node.right]
        if isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise self.err(node, f"the operator {_SYMBOLS.get(type(node.op), '?')!r} is "
                               "not supported: only - and + may stand before a value")
            return [node.operand]
        if isinstance(node, ast.Call):
            self.check_call(node)
            return list(node.args)
        if isinstance(node, (ast.Name, ast.Constant)):
            return []
        what = _FORBIDDEN.get(type(node), type(node).__name__)
        raise self.err(node, f"{what} is not allowed here; use numbers, names, + - * / ^ and "
                       "functions such as log(x)")

    def is_variable(self, name: str) -> bool:
        """Whether ``name(...)`` is surely a missing ``*`` (a known variable)."""
        return False

    def function(self, node: ast.Call) -> str:
        """The row (or extra function) a checked call applies."""
        return CALLS.get(node.func.id, node.func.id)

    def check_call(self, node: ast.Call) -> None:
        f = node.func
        if isinstance(f, ast.Name) and f.id in CALLS and not node.keywords and all(
                type(a) is not ast.Starred for a in node.args):  # the usual case, fast
            self._arity(node, f.id)
            return
        inner = ", ".join(self.seg(a) for a in node.args) or "..."
        if isinstance(f, (ast.Constant, ast.BinOp, ast.UnaryOp, ast.Call)):  # 2(x+1)
            left = f"({self.seg(f)})" if isinstance(f, ast.BinOp) else self.seg(f)
            raise self.err(node, f"{self.seg(node)}: a product needs *, did you mean "
                           f"{left}*({inner})?", f"{left}*({inner})")
        if not isinstance(f, ast.Name):
            raise self.err(node, "only plain function calls such as log(x) are allowed "
                           "(no attributes, methods or indexing)")
        name = f.id
        if node.keywords:
            raise self.err(node, f"{name}() takes no keyword arguments")
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise self.err(node, "starred arguments are not allowed")
        if name not in CALLS and name not in self.extra:
            self._unknown(node, name, inner)
        self._arity(node, name)

    def _arity(self, node: ast.Call, name: str) -> None:
        arity = self.extra.get(name) or PRIMITIVES[CALLS[name]].arity
        if len(node.args) != arity:
            log = " (log is the natural logarithm; for log base 10 write log(x)/log(10))"
            raise self.err(node, f"{name}() takes {arity} argument(s), got {len(node.args)}"
                           + (log if CALLS.get(name) == "log" and len(node.args) == 2 else ""))

    def _unknown(self, node: ast.Call, name: str, inner: str) -> None:
        f, supported = node.func, self.functions()
        if self.is_variable(name):
            raise self.err(node, f"{name!r} is a variable, not a function: did you mean "
                           f"{name}*({inner})?", f"{name}*({inner})")
        hint = suggest(name)
        if hint in FUNCTIONS:  # not an array-only primitive such as sum (no text form)
            case = "names are case-sensitive; " if hint == name.lower() else ""
            raise self.err(f, f"unknown function {name!r}: {case}did you mean {hint}({inner})? "
                           f"Supported: {supported}", f"{hint}")
        if name in PRIMITIVES and name not in _BINOPS.values():
            raise self.err(f, f"{name}() is an array operation with no text form: build the "
                           "graph from a Python function instead, e.g. adv.graph(lambda X: "
                           f"adv.mean(adv.square(X))). Supported in text: {supported}")
        if name in WORKAROUNDS:
            raise self.err(f, f"{name}() is not a primitive; write {WORKAROUNDS[name]}. "
                           f"Supported: {supported}")
        arg = node.args[0] if len(node.args) == 1 else None
        if (arg is not None and self.guess_variables and not name.startswith("_")
                and name not in vars(builtins) and not keyword.iskeyword(name)
                and not (isinstance(arg, ast.Constant) and isinstance(arg.value, str))):
            raise self.err(f, f"{name!r} is a variable, not a function: did you mean "
                           f"{name}*({inner})? Supported functions: {supported}",
                           f"{name}*({inner})", node)
        raise self.err(f, f"unknown function {name!r}; supported: {supported}")

    def number(self, node: ast.Constant) -> int | float:
        """A literal's value once it is surely a plain number."""
        v = node.value
        if isinstance(v, complex):
            raise self.err(node, "complex numbers are not supported (j is not a variable)")
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise self.err(node, f"{self.seg(node) or repr(v)} is not a number; only numbers, "
                           "names, operators and functions are allowed")
        if self._grouped is None:  # 1_000: one search, not one excerpt per number
            self._grouped = re.search(r"\d_\d", self.src) is not None
        if self._grouped and "_" in (seg := self.seg(node)):
            raise self.err(node, f"write the number {seg} without _", seg.replace("_", ""))
        return v

    def bare(self, node: ast.Name) -> str | None:
        """The constant a name stands for (None for a variable); a function without its
        brackets is an error."""
        if node.id in CONSTANTS:
            return node.id
        if node.id in FUNCTIONS or node.id in self.extra:
            m = re.match(r"\s*(\*\*|\*)?\s*(\w+)", self.src[node.end_col_offset or 0:]
                         if node.lineno == 1 else "")
            arg = m.group(2) if m and not m.group(1) else "..."
            raise self.err(node, f"{node.id} is a function: write {node.id}({arg}) with "
                           "brackets")
        return None
