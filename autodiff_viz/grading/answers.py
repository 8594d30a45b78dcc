"""Reading typed answers, back end 2 of :mod:`autodiff_viz.core.reader`: it builds sympy
objects directly.

Nothing a student types is passed to ``eval``, ``exec``, ``sympify``, ``parse_expr`` or
``lambdify``. The text goes through four gates, cheapest first: its length and characters,
its bracket depth, Python's parser (``ast``, which never runs code), then a walk of the tree
that accepts only numbers, the declared variables, ``+ - * / **`` (``^`` too), unary minus and
the supported functions. Limits on size, depth, integers and exponents are checked *before*
a sympy object is built, so ``9**9**9**9`` is refused at once instead of computed.

>>> parse("1/(2*sqrt(b))", variables=("b",)).expr
1/(2*sqrt(b))
>>> parse("__import__('os').system('ls')")
Traceback (most recent call last):
...
autodiff_viz.grading.answers.AnswerError: the character "'" is not allowed in an answer...
>>> parse("2x")
Traceback (most recent call last):
...
autodiff_viz.grading.answers.AnswerError: '2x' is not valid: did you mean 2*x? ...
"""

from __future__ import annotations

import ast
import difflib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy

from ..core.primitives import FUNCTIONS, PRIMITIVES
from ..core.reader import (
    _BINOPS,
    CALLS,
    CONSTANTS,
    ParseError,
    Walk,
    name_problem,
    normalise,
    parse_quietly,
    syntax_problem,
)

__all__ = ["AnswerError", "Limits", "LIMITS", "Parsed", "Validation", "parse", "parse_expression",
           "validate", "sig_figs", "ANSWER_FUNCTIONS"]


@dataclass(frozen=True)
class Limits:
    """Bounds checked before anything is built.

    Attributes:
        length: characters of typed text.
        nodes: nodes of the syntax tree.
        depth: nesting depth (brackets and operators).
        int_digits: digits of an integer literal.
        exponent: absolute value of a numeric exponent.
        magnitude: largest power of ten a numeric constant may reach (floats end at 1e308).
    """

    length: int = 1000
    nodes: int = 250
    depth: int = 40
    int_digits: int = 20
    exponent: int = 100
    magnitude: int = 300


LIMITS = Limits()

# Answers read what graph text reads (core.reader): every function of the table and its
# aliases, the same names and constants. Answers add the slopes of relu and abs as the
# drawings write them, and a note when an alias is read.
_EXTRA = {"step": lambda t: sympy.Heaviside(t, 0), "sgn": sympy.sign, "sign": sympy.sign}
ANSWER_FUNCTIONS: tuple[str, ...] = tuple(sorted({*FUNCTIONS, *_EXTRA}))
_NOTES = {"ln": "ln is read as log, the natural logarithm",
          "sigma": "σ is read as sigmoid(t) = 1/(1 + exp(-t))"}
_CONSTANTS = {n: sympy.E if v == math.e else sympy.pi for n, v in CONSTANTS.items()}
_UNDEFINED = {sympy.zoo: "a division by zero or log(0)", sympy.nan: "it is 0/0 or similar",
              sympy.oo: "it is infinite", -sympy.oo: "it is infinite"}
_NOT_NUMBERS = {"inf", "infinity", "oo", "nan", "Infinity", "NaN"}
# Letters, digits and _ are allowed as parts of names (core.reader.name_problem); these are
# the other characters an answer may contain.
_ALLOWED_CHARS = set("0123456789 +-*/().,=\t")
_CHAR_HINTS = {
    **dict.fromkeys("[]{}", "use round brackets ( ) for grouping"),
    **dict.fromkeys("'\"", "quotes are not allowed: type the expression itself"),
    **dict.fromkeys(";:", "type one expression only"),
    **dict.fromkeys("\\$", "type plain text such as sqrt(b)/2, not LaTeX"),
    **dict.fromkeys("<>", "comparisons are not allowed: type just the expression"),
    "|": "write abs(t) for |t|",
    "%": "% is not supported; write a fraction such as x/100",
    "!": "factorials are not supported",
    "\n": "type the answer on one line",
    "@": "@ is not supported; use * for products",
    "&": "& is not supported", "~": "~ is not supported", "#": "comments are not allowed",
    "≈": "type just the number, e.g. 0.8915 rather than ≈0.8915",
    "…": "type the digits you have, without the dots: e.g. 0.8915 rather than 0.8915…",
}


class AnswerError(ValueError):
    """Typed text that cannot be read as an answer. ``str(err)`` says what and how to fix it.

    Attributes:
        message: the explanation (also ``str(err)``).
        hint: a corrected version of the answer when one is obvious (``"2*x"`` for ``2x``).
        col: 1-based column of the problem, when known.
        token: the offending piece of text, when known.
    """

    def __init__(self, message: str, hint: str | None = None, col: int | None = None,
                 token: str | None = None) -> None:
        super().__init__(message)
        self.message, self.hint, self.col, self.token = message, hint, col, token


@dataclass(frozen=True)
class Parsed:
    """How an answer was read.

    Attributes:
        text: the answer as typed.
        source: the text after normalising unicode (``^`` → ``**``, ``√`` → ``sqrt``, ...).
        expr: the sympy expression (a tuple of them for a vector answer).
        decimals: decimal literals exactly as typed (their digits set the precision).
        notes: how ambiguous pieces were read (``ln`` as ``log``, ``1/2*b`` as ``(1/2)·b``).
        alternatives: other readings of precedence slips, ``(text, expr)`` pairs.
        single_decimal: the answer is one decimal number (possibly negative), e.g. ``0.8915``.
        template: ``expr`` with every typed decimal replaced by its own symbol (None without
            decimals): the checker moves each by half a unit in its last digit to find how
            precise the answer is.
        literals: ``(symbol, typed text)`` for each decimal of ``template``.
    """

    text: str
    source: str
    expr: Any
    decimals: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    alternatives: tuple[tuple[str, Any], ...] = ()
    single_decimal: bool = False
    template: Any = None
    literals: tuple[tuple[Any, str], ...] = ()

    @property
    def latex(self) -> str:
        """LaTeX of the expression as read (a vector is shown as a tuple)."""
        if isinstance(self.expr, tuple):
            return r"\left(" + ", ".join(sympy.latex(e) for e in self.expr) + r"\right)"
        return sympy.latex(self.expr)

    @property
    def read_as(self) -> str:
        """Plain-text form of the expression as read."""
        if isinstance(self.expr, tuple):
            return "(" + ", ".join(sympy.sstr(e, full_prec=False) for e in self.expr) + ")"
        return sympy.sstr(self.expr, full_prec=False)

    @property
    def sig_figs(self) -> int | None:
        """Fewest significant figures among the typed decimals (None without decimals)."""
        return min((sig_figs(d)[0] for d in self.decimals), default=None)

    @property
    def is_number(self) -> bool:
        exprs = self.expr if isinstance(self.expr, tuple) else (self.expr,)
        return all(not e.free_symbols for e in exprs)


@dataclass(frozen=True)
class Validation:
    """Result of :func:`validate`: ``ok`` with how the answer was read, or what to fix."""

    ok: bool
    message: str
    parsed: Parsed | None = None
    hint: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def latex(self) -> str | None:
        return self.parsed.latex if self.parsed is not None else None

    def _repr_html_(self) -> str:
        import html

        if self.ok:
            return (f"<div>Read as: ${html.escape(self.latex or '')}$"
                    + "".join(f"<br><i>{html.escape(n)}</i>" for n in self.notes) + "</div>")
        return f"<div style='color:#9a6700'>{html.escape(self.message)}</div>"


def sig_figs(token: str) -> tuple[int, int]:
    """Significant figures of a typed decimal and the power of ten of its last digit.

    >>> sig_figs("0.8915"), sig_figs("3.60"), sig_figs("8.915e-1"), sig_figs("1500.")
    ((4, -4), (3, -2), (4, -4), (4, 0))
    """
    t = token.strip().lstrip("+-").lower()
    exp = 0
    if "e" in t:
        t, e = t.split("e", 1)
        exp = int(e)
    whole, _, frac = t.partition(".")
    digits = (whole + frac).lstrip("0")
    n = len(digits) if digits else max(1, len(frac))
    return max(n, 1), exp - len(frac)


def validate(text: Any, variables: Sequence[str] = ("x", "y"), *, vector: bool = False,
             limits: Limits = LIMITS) -> Validation:
    """Read an answer without grading it: how it was read, or what to fix (never raises).

    >>> v = validate("1/2*sqrt(b)", variables=("b",))
    >>> v.ok, v.latex, v.notes[0]
    (True, '\\\\frac{\\\\sqrt{b}}{2}', '1/2*sqrt(b) is read as (1/2)*sqrt(b); ...')
    >>> validate("B", variables=("b",)).message
    "unknown name 'B': names are case-sensitive; did you mean b?"
    """
    try:
        p = parse(text, variables, vector=vector, limits=limits)
    except AnswerError as exc:
        return Validation(False, exc.message, None, exc.hint)
    read = f"read as {p.read_as}"
    return Validation(True, read + ("; " + "; ".join(p.notes) if p.notes else ""), p,
                      notes=p.notes)


def parse_expression(text: Any, variables: Sequence[str] = ("x", "y"), **options: Any) -> Any:
    """Just the sympy expression of :func:`parse` (raises :class:`AnswerError`).

    >>> parse_expression("sqrt(b)/2", ("b",))
    sqrt(b)/2
    """
    return parse(text, variables, **options).expr


def parse(text: Any, variables: Sequence[str] = ("x", "y"), *, vector: bool = False,
          limits: Limits = LIMITS, any_names: bool = False) -> Parsed:
    """Parse typed text into a sympy expression, or raise :class:`AnswerError` saying why.

    Args:
        text: the answer as typed (a number is accepted too).
        variables: names the answer may use.
        vector: accept a comma-separated list such as ``0.89, 1.47`` (gives a tuple).
        limits: size bounds, see :class:`Limits`.
        any_names: accept any plain name as a variable (for trusted, author-written text).

    >>> parse("ln(x) + x^2").expr
    x**2 + log(x)
    >>> parse("0.89, 1.47", vector=True).expr
    (0.890000000000000, 1.47000000000000)
    """
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise AnswerError(f"an answer must be text such as '1/(2*sqrt(b))', got "
                          f"{type(text).__name__}")
    if not isinstance(text, str):
        text = repr(text)
    raw = text
    if len(raw) > limits.length:
        raise AnswerError(f"the answer is {len(raw)} characters long; the limit is "
                          f"{limits.length}. Simplify it before typing it in.")
    src = raw.strip()
    if not src:
        raise AnswerError("the answer is empty: type an expression such as 1/(2*sqrt(b)) "
                          "or a number such as 0.8915")
    src = normalise(src)   # the graph text's reading of ^ · × − ² √ σ(...)
    _check_chars(src)
    if "..." in src:
        raise AnswerError("type the digits you have, without the dots: e.g. 0.8915 rather "
                          "than 0.8915...", hint=src.replace("...", "") or None)
    src = _check_equals(src)
    variables = tuple(variables)
    if not vector and re.search(r"\d,\d", src) and not re.search(r"[A-Za-z]\w*\(", src):
        fixed = re.sub(r"(\d),(\d)", r"\1.\2", src)
        raise AnswerError(f"{src!r} has a comma: write decimals with a point, e.g. {fixed}",
                          hint=fixed)
    try:
        try:
            tree = parse_quietly(src, mode="eval")
        except SyntaxError as exc:
            raise syntax_problem(src, exc) from None
        except (RecursionError, MemoryError, ValueError, OverflowError):
            raise AnswerError("the answer is too complex to read; simplify it") from None
        return _Builder(raw, src, variables, limits, any_names).build(tree, vector)
    except ParseError as exc:  # the reader's message, without a line number (one line)
        raise AnswerError(exc.reason, exc.hint, exc.col, exc.token) from None


# ----------------------------------------------------------------------------------------
# Gates before the parser
# ----------------------------------------------------------------------------------------

def _check_chars(src: str) -> None:
    for i, ch in enumerate(src):
        if ch not in _ALLOWED_CHARS and not ("a" + ch).isidentifier():
            hint = _CHAR_HINTS.get(ch)
            if hint is None:
                what = repr(ch) if ch.isprintable() else f"U+{ord(ch):04X}"
                raise AnswerError(f"the character {what} is not allowed in an answer; use "
                                  "numbers, letters, + - * / ^ ( ) and functions such as "
                                  "sqrt(b)", col=i + 1, token=ch)
            raise AnswerError(f"the character {ch!r} is not allowed in an answer: {hint}",
                              col=i + 1, token=ch)


def _check_equals(src: str) -> str:
    if "=" not in src:
        return src
    if "==" in src:
        raise AnswerError("comparisons are not allowed: type just the expression")
    rhs = src.rsplit("=", 1)[1].strip()
    raise AnswerError(f"type only the answer, without '{src.split('=', 1)[0].strip()} ='"
                      + (f": e.g. {rhs}" if rhs else ""), hint=rhs or None)


# ----------------------------------------------------------------------------------------
# The tree walk (core.reader.Walk) building sympy
# ----------------------------------------------------------------------------------------

class _Builder(Walk):
    extra, guess_variables = {name: 1 for name in _EXTRA}, False

    def __init__(self, raw: str, src: str, variables: tuple[str, ...], limits: Limits,
                 any_names: bool) -> None:
        super().__init__(src)
        self.raw, self.limits, self.any_names = raw, limits, any_names
        for v in variables:
            problem = name_problem(v) if isinstance(v, str) else f"{v!r} is not a name"
            if problem is not None:
                raise AnswerError(f"the exercise's variable {v!r} cannot be used: {problem}")
        self.variables = variables
        self.symbols: dict[str, sympy.Symbol] = {v: sympy.Symbol(v) for v in variables}
        self.decimals: list[str] = []
        self.notes: list[str] = []
        self.literal_symbols = False
        self.literals: list[tuple[Any, str]] = []

    # sizes -------------------------------------------------------------------------------
    def _measure(self, root: ast.AST) -> None:
        count, deepest = 0, 0
        stack = [(root, 1)]
        while stack:
            node, d = stack.pop()
            count += 1
            deepest = max(deepest, d)
            if count > self.limits.nodes:
                raise AnswerError(f"the answer has more than {self.limits.nodes} parts; "
                                  "simplify it before typing it in")
            if deepest > self.limits.depth:
                raise AnswerError(f"the answer is nested more than {self.limits.depth} levels "
                                  "deep; simplify it")
            stack.extend((c, d + 1) for c in ast.iter_child_nodes(node)
                         if not isinstance(c, (ast.expr_context, ast.operator, ast.unaryop)))

    # main ----------------------------------------------------------------------------------
    def build(self, tree: ast.Expression, vector: bool) -> Parsed:
        self._measure(tree)
        body = tree.body
        if isinstance(body, ast.Tuple):
            if not vector:
                raise self.err(body, "a comma separates values, but one value is expected "
                               "here; for decimals write a point (0.89, not 0,89)")
            if not body.elts:
                raise AnswerError("the answer is empty")
            exprs = tuple(self.expr(e) for e in body.elts)
            template, literals = self._template(body.elts)
            return Parsed(self.raw, self.src, exprs, tuple(self.decimals), tuple(self.notes),
                          (), False, template, literals)
        expr = self.expr(body)
        if vector:
            expr = (expr,)
        single = (isinstance(body, ast.Constant) and isinstance(body.value, float)) or (
            isinstance(body, ast.UnaryOp) and isinstance(body.op, (ast.USub, ast.UAdd))
            and isinstance(body.operand, ast.Constant)
            and isinstance(body.operand.value, float))
        alternatives = () if vector else self._alternatives(tree)
        template, literals = self._template([body])
        if template is not None:
            template = template if vector else template[0]
        return Parsed(self.raw, self.src, expr, tuple(self.decimals), tuple(self.notes),
                      alternatives, single, template, literals)

    def _template(self, bodies: Sequence[ast.AST]) -> tuple[Any, tuple[tuple[Any, str], ...]]:
        """The expressions again, each typed decimal a symbol of its own (see Parsed)."""
        if not self.decimals:
            return None, ()
        t = _Builder(self.raw, self.src, self.variables, self.limits, self.any_names)
        t.symbols, t.literal_symbols = self.symbols, True
        try:
            return tuple(t.expr(b) for b in bodies), tuple(t.literals)
        except (AnswerError, ArithmeticError, ValueError, TypeError):
            return None, ()

    def _names(self) -> str:
        return ", ".join(self.variables) if self.variables else "no variables"

    def is_variable(self, name: str) -> bool:
        return name in self.symbols or (self.any_names and name not in CALLS
                                        and name not in self.extra)

    def _show(self, text: str) -> str:
        """Text for a message: no spaces around operators, ``^`` if the student typed it."""
        text = re.sub(r"\s*([-+*/])\s*", r"\1", text).replace("* *", "**")
        return re.sub(r"\*\*", "^", text) if "^" in self.raw else text

    # building ------------------------------------------------------------------------------
    def make(self, node: ast.AST, results: dict[int, Any]) -> Any:
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp):
            inner = results[id(node.operand)]
            return -inner if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.Call):
            note = _NOTES.get(node.func.id)
            if note and note not in self.notes:
                self.notes.append(note)
            name, args = self.function(node), [results[id(a)] for a in node.args]
            out = _EXTRA[name](*args) if name in _EXTRA else PRIMITIVES[name].sympy(sympy, *args)
            return self.bounded(node, out)
        left, right = results[id(node.left)], results[id(node.right)]
        if isinstance(node.op, ast.Pow):
            self.check_power(node, left, right)
        return self.bounded(node, PRIMITIVES[_BINOPS[type(node.op)]].sympy(sympy, left, right))

    def constant(self, node: ast.Constant) -> Any:
        v = self.number(node)
        if isinstance(v, int):
            digits = len(str(abs(v))) if v < 10 ** 400 else 401
            if digits > self.limits.int_digits:
                raise self.err(node, f"an integer with {digits} digits is too large; the limit "
                               f"is {self.limits.int_digits} digits")
            return sympy.Integer(v)
        if isinstance(v, float):
            text = self.seg(node) or repr(v)
            if not math.isfinite(v) or (v != 0 and abs(math.log10(abs(v)))
                                        > self.limits.magnitude):
                raise self.err(node, f"the number {text} is too large or too small; use "
                               f"numbers between 1e-{self.limits.magnitude} and "
                               f"1e{self.limits.magnitude}")
            self.decimals.append(text)
            if self.literal_symbols:
                symbol = sympy.Dummy(f"_dec{len(self.decimals)}")  # no typed name starts with _
                self.literals.append((symbol, text))
                return symbol
            return sympy.Float(text, max(15, len(text)))

    def name(self, node: ast.Name) -> Any:
        n = node.id
        if n in self.symbols:
            return self.symbols[n]
        if n.startswith("_"):
            raise self.err(node, f"names may not start with '_' ({n!r})")
        if self.bare(node) is not None:  # a constant (a function without brackets raises)
            note = "e is read as Euler's number e ≈ 2.71828"
            if n == "e" and note not in self.notes:
                self.notes.append(note)
            return _CONSTANTS[n]
        if n in _NOT_NUMBERS:
            raise self.err(node, f"{n} is not allowed: type a finite number or expression")
        if self.any_names and not n.startswith("_"):
            self.symbols[n] = sympy.Symbol(n)
            return self.symbols[n]
        raise self.err(node, self._unknown_name(n), self._name_fix(n))

    def _unknown_name(self, n: str) -> str:
        low = {v.lower(): v for v in (*self.variables, *CONSTANTS)}
        if n.lower() in low and n != low[n.lower()]:
            return (f"unknown name {n!r}: names are case-sensitive; did you mean "
                    f"{low[n.lower()]}?")
        if len(n) > 1 and all(ch in self.symbols for ch in n):
            return f"unknown name {n!r}: did you mean {'*'.join(n)}? Write * for every product."
        if n.lower() in CALLS or n.lower() in self.extra:
            return f"{n} is a function name; write it with brackets, e.g. {n.lower()}(x)"
        close = difflib.get_close_matches(n, self.variables, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close else ""
        return (f"unknown name {n!r}{hint}; this answer may use "
                f"{self._names()} and the functions {', '.join(ANSWER_FUNCTIONS)}")

    def _name_fix(self, n: str) -> str | None:
        low = {v.lower(): v for v in (*self.variables, *CONSTANTS)}
        if n.lower() in low:
            return low[n.lower()]
        return "*".join(n) if len(n) > 1 and all(ch in self.symbols for ch in n) else None

    # limits on numbers -------------------------------------------------------------------
    def check_power(self, node: ast.BinOp, base: Any, exp: Any) -> None:
        if not isinstance(exp, sympy.Basic) or exp.free_symbols:
            return  # a symbolic exponent: evaluated only at sample points, never expanded
        if exp.is_Number:
            if abs(exp) > self.limits.exponent:
                raise self.err(node, f"the exponent {_short(exp)} is too large; the limit is "
                               f"{self.limits.exponent}")
            if exp.is_Rational and exp.q > 1000:
                raise self.err(node, "the exponent's denominator is too large (limit 1000)")
            if isinstance(base, sympy.Basic) and base.is_Number and base != 0:
                size = abs(float(exp)) * abs(_log10(base))
                if size > self.limits.magnitude:
                    raise self.err(node, f"{self.seg(node) or 'this power'} is about 10^"
                                   f"{size:.0f}: too large to be an answer (limit 10^"
                                   f"{self.limits.magnitude})")

    def bounded(self, node: ast.AST, out: Any) -> Any:
        if out in _UNDEFINED:
            what = self.seg(node) or "part of the answer"
            raise self.err(node, f"{what} is undefined ({_UNDEFINED[out]}); check the "
                           "denominators and logarithms")
        if isinstance(out, sympy.Basic) and not out.is_Atom and out.has(sympy.zoo, sympy.nan):
            raise self.err(node, f"{self.seg(node) or 'part of the answer'} is undefined (a "
                           "division by zero?); check the denominators")
        if isinstance(out, sympy.Basic) and out.is_Number and out != 0:
            if out.is_Float and not math.isfinite(float(out)):
                raise self.err(node, "a number in the answer overflows")
            size = _log10(out)
            if abs(size) > self.limits.magnitude:
                raise self.err(node, f"{self.seg(node) or 'a number'} is about 10^{size:.0f}: "
                               f"too large to be an answer (limit 10^{self.limits.magnitude})")
        return out

    # precedence slips ---------------------------------------------------------------------
    def _alternatives(self, tree: ast.Expression) -> tuple[tuple[str, Any], ...]:
        """Other readings of ``a/b*c`` (as a/(b*c)), ``x^1/2`` (as x^(1/2)), ``1/x+1``."""
        found: list[tuple[str, Any]] = []
        parents = [(node, child) for node in ast.walk(tree)
                   for child in ast.iter_child_nodes(node)]
        for parent, child in parents:
            if not (isinstance(parent, ast.BinOp) and isinstance(child, ast.BinOp)):
                continue
            new = None
            if (isinstance(parent.op, ast.Mult) and parent.left is child
                    and isinstance(child.op, ast.Div)):
                new = ast.BinOp(child.left, ast.Div(),
                                ast.BinOp(child.right, ast.Mult(), parent.right))
                note = (f"{self.seg(parent)} is read as ({self.seg(child)})*"
                        f"{self.seg(parent.right)}")
            elif (isinstance(parent.op, ast.Div) and parent.left is child
                  and isinstance(child.op, ast.Pow)):
                new = ast.BinOp(child.left, ast.Pow(),
                                ast.BinOp(child.right, ast.Div(), parent.right))
                note = (f"{self.seg(parent)} is read as ({self.seg(child)})/"
                        f"{self.seg(parent.right)}")
            elif (isinstance(parent.op, (ast.Add, ast.Sub)) and parent.left is child
                  and isinstance(child.op, ast.Div)):
                new = ast.BinOp(child.left, ast.Div(),
                                ast.BinOp(child.right, parent.op, parent.right))
                note = ""
            if new is None:
                continue
            alt_tree = _swap(tree, parent, new)
            try:
                text = ast.unparse(alt_tree)
                sub = _Builder(self.raw, text, self.variables, self.limits, self.any_names)
                sub.symbols = self.symbols
                expr = sub.expr(parse_quietly(text, mode="eval").body)
            except (AnswerError, SyntaxError, ValueError):
                continue
            found.append((self._show(text), expr))
            if note:
                note = self._show(note) + f"; if you meant {self._show(ast.unparse(new))}, " \
                    "add brackets"
                if note not in self.notes:
                    self.notes.append(note)
        return tuple(found)


def _swap(tree: ast.Expression, old: ast.AST, new: ast.AST) -> ast.Expression:
    """A copy of ``tree`` with node ``old`` replaced by ``new`` (the original is untouched)."""
    return ast.fix_missing_locations(ast.Expression(_copy_replace(tree.body, old, new)))


def _copy_replace(node: ast.AST, old: ast.AST, new: ast.AST) -> ast.AST:
    if node is old:
        return new
    if isinstance(node, ast.BinOp):
        return ast.BinOp(_copy_replace(node.left, old, new), node.op,
                         _copy_replace(node.right, old, new))
    if isinstance(node, ast.UnaryOp):
        return ast.UnaryOp(node.op, _copy_replace(node.operand, old, new))
    if isinstance(node, ast.Call):
        return ast.Call(node.func, [_copy_replace(a, old, new) for a in node.args], [])
    return node


def _log10(number: Any) -> float:
    """log10 of |a sympy Number| without converting a huge one to float."""
    if number.is_Float:
        return math.log10(abs(float(number))) if number != 0 else 0.0
    return _ilog10(abs(int(number.p))) - _ilog10(int(number.q))


def _ilog10(n: int) -> float:
    if n == 0:
        return 0.0
    bits = n.bit_length()
    return math.log10(n) if bits < 1000 else (bits - 1) * math.log10(2)


def _short(number: Any) -> str:
    s = sympy.sstr(number)
    return s if len(s) <= 20 else s[:17] + "..."

