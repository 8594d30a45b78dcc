"""sympy expressions as text: a compact one-line unicode form and LaTeX, square roots gathered,
long numbers shortened (``1/(2·√b)``, ``7.0551·10^190``). Both printers are cached.

>>> b = sp.Symbol("b")
>>> unicode_of(1 / (2 * sp.sqrt(b)) + sp.Integer(3) ** 400)
'7.0551·10^190 + 1/(2·√b)'
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

__all__ = ["unicode_of", "latex_of", "longer_than"]

_SHOW_DIGITS = 60   # longer exact integers print as 1.234…·10^5000 (and never hit Python's
                    # 4300-digit limit on int → str)

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _gather_roots(expr: sp.Mul) -> tuple | None:
    """Split a product with two or more square roots for printing as one root per side.

    Returns (negative, p, q, numerator factors, denominator factors, radicands up, radicands
    down), or None when there is nothing to gather. √k/√m with whole k becomes k/√(k·m).
    """
    coeff, factors = expr.as_coeff_mul()
    up = [f.base for f in factors if f.is_Pow and f.exp == sp.S.Half]
    down = [f.base for f in factors if f.is_Pow and f.exp == -sp.S.Half]
    if len(up) + len(down) < 2 or not coeff.is_Rational:
        return None
    if up and down and all(b.is_Integer and b > 0 for b in up):
        coeff, down, up = coeff * sp.Mul(*up), [*up, *down], []
    rest = [f for f in factors if not (f.is_Pow and f.exp in (sp.S.Half, -sp.S.Half))]
    num = [f for f in rest if not (f.is_Pow and f.exp.is_negative)]
    den = [f.base if f.exp == -1 else sp.Pow(f.base, -f.exp, evaluate=False)
           for f in rest if f.is_Pow and f.exp.is_negative]
    return bool(coeff < 0), abs(int(coeff.p)), int(coeff.q), num, den, up, down


class _LatexPrinter(LatexPrinter):
    """sympy's LaTeX, with square roots gathered as in the unicode form."""

    def _print_Integer(self, expr: Any) -> str:
        long = _long_number(int(expr.p), 1)
        return _latex_sci(long) if long else str(int(expr.p))

    def _print_Rational(self, expr: Any) -> str:
        long = _long_number(int(expr.p), int(expr.q))
        return _latex_sci(long) if long else super()._print_Rational(expr)

    def _print_Mul(self, expr: sp.Mul) -> str:
        parts = _gather_roots(expr)
        if parts is None:
            return super()._print_Mul(expr)
        negative, p, q, num, den, up, down = parts

        def side(k: int, factors: list, roots: list) -> str:
            items = ([str(k)] if k != 1 else []) + [
                rf"\left({self._print(f)}\right)" if f.is_Add else self._print(f)
                for f in factors]
            if roots:
                items.append(rf"\sqrt{{{self._print(sp.Mul(*roots))}}}")
            return " ".join(items)

        top, bottom = side(p, num, up) or "1", side(q, den, down)
        text = rf"\frac{{{top}}}{{{bottom}}}" if bottom else top
        return ("- " if negative else "") + text

    def _print_Heaviside(self, expr: Any, exp: Any = None) -> str:
        return rf"\operatorname{{step}}\left({self._print(expr.args[0])}\right)"


def _power_of_ten(p: int, q: int) -> str | None:
    """``1.5*10³⁰⁰`` for a huge or tiny p/q that is a short decimal, else None.

    >>> _power_of_ten(15 * 10 ** 299, 1), _power_of_ten(1, 10 ** 300), _power_of_ten(0, 1)
    ('1.5*10³⁰⁰', '10⁻³⁰⁰', None)
    >>> _power_of_ten(-10 ** 400, 1)
    '-10⁴⁰⁰'
    """
    if p == 0 or q < abs(p) * 10 ** 15 and abs(p) < q * 10 ** 15:  # exact: no overflow
        return None
    k = 0
    while q % 10 == 0:
        q //= 10
        k -= 1
    for f in (2, 5):  # q = 2^a·5^b: a terminating decimal
        while q % f == 0:
            q //= f
            p *= 10 // f
            k -= 1
    if q != 1:
        return None
    while p % 10 == 0:
        p //= 10
        k += 1
    digits = str(abs(p))
    if len(digits) > 17:  # more digits than a float holds: not a typed decimal
        return None
    k += len(digits) - 1
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    sign = "-" if p < 0 else ""
    head = "" if mantissa == "1" else mantissa + "*"
    return f"{sign}{head}10{str(k).translate(_SUPERSCRIPT)}"


def _short_number(p: int, q: int) -> str | None:
    """A huge or tiny p/q as a power of ten (``10³⁰⁰``) or, when long, ``1.234·10^5000``."""
    small = max(p.bit_length(), q.bit_length()) < 14_000  # str() works below 4300 digits
    return (_power_of_ten(p, q) if small else None) or _long_number(p, q)


def _latex_sci(text: str) -> str:
    return re.sub(r"·10\^(\d+)", r" \\cdot 10^{\1}", text).replace("≈", "\\approx ")


def _long_number(p: int, q: int) -> str | None:
    """``1.234…·10^5000`` for a number with more than ``_SHOW_DIGITS`` digits, else None.

    Python refuses to turn an int of over 4300 digits into text; the mantissa comes from
    the leading bits instead, so any size prints in constant time.

    >>> _long_number(3 ** 20000, 1), _long_number(1, 7 ** 100), _long_number(12, 1)
    ('2.6613·10^9542', '≈3.09169e-85', None)
    >>> _long_number(-(10 ** 5000 + 1), 10 ** 5000)
    '≈-1'
    """
    if max(p.bit_length(), q.bit_length()) * 0.30103 < _SHOW_DIGITS:
        return None

    def sci(n: int) -> str:
        shift = max(n.bit_length() - 64, 0)
        lg = math.log10(n >> shift) + shift * math.log10(2)
        k = int(lg)
        return f"{10 ** (lg - k):.4f}·10^{k}"

    sign = "-" if p < 0 else ""
    if q == 1:
        return sign + sci(abs(p))
    try:  # int / int is correctly rounded for any size: show the fraction's value
        v = abs(p) / q
    except OverflowError:
        v = 0.0
    if v != 0.0 and math.isfinite(v):
        return f"≈{sign}{v:.6g}"
    return f"{sign}({sci(abs(p)) if abs(p) >= 10 ** 4 else abs(p)}/{sci(q)})"


class _UnicodePrinter(StrPrinter):
    """One-line unicode: √, ·, superscript powers, π."""

    def _wrap(self, e: sp.Basic) -> str:
        s = self._print(e)
        if e.is_Atom and not (e.is_Number and (e.is_negative or not e.is_Integer)):
            return s
        if isinstance(e, sp.Function) or e.is_Function:
            return s
        if e.is_Pow and (e.exp is sp.S.Half or (e.exp.is_Integer and e.exp > 1)):
            return s
        return f"({s})"

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        b, x = expr.base, expr.exp
        if x is sp.S.Half:
            return "√" + self._wrap(b)
        if x.is_Rational and x.is_negative:
            return "1/" + self._wrap(b if x == -1 else sp.Pow(b, -x, evaluate=False))
        base = self._wrap(b)
        if b.is_Pow and not base.startswith("("):
            base = f"({base})"
        if x.is_Integer and x > 1:
            return base + str(x).translate(_SUPERSCRIPT)
        return base + "^" + self._wrap(x)

    def _print_Mul(self, expr: sp.Mul) -> str:
        """Gather square roots: √2·√log(3) → √(2·log(3)); √2/(6·√log(3)) → 1/(3·√(2·log(3)))."""
        parts = _gather_roots(expr)
        if parts is None:
            return super()._print_Mul(expr)
        negative, p, q, num, den, up, down = parts
        top = ([str(p)] if p != 1 else []) + [self._factor(f) for f in num]
        if up:
            top.append("√" + self._wrap(sp.Mul(*up)))
        bottom = ([str(q)] if q != 1 else []) + [self._factor(f) for f in den]
        if down:
            bottom.append("√" + self._wrap(sp.Mul(*down)))
        text = "*".join(top) or "1"
        if bottom:
            text += "/" + (bottom[0] if len(bottom) == 1 else "(" + "*".join(bottom) + ")")
        return ("-" if negative else "") + text

    def _factor(self, e: sp.Basic) -> str:
        return f"({self._print(e)})" if e.is_Add else self._print(e)

    def _print_Integer(self, expr: Any) -> str:
        return _short_number(int(expr.p), 1) or super()._print_Integer(expr)

    def _print_Rational(self, expr: Any) -> str:
        return _short_number(int(expr.p), int(expr.q)) or super()._print_Rational(expr)

    def _print_Pi(self, expr: Any) -> str:
        return "π"

    def _print_Exp1(self, expr: Any) -> str:
        return "e"

    def _print_Heaviside(self, expr: Any) -> str:
        return f"step({self._print(expr.args[0])})"

    def _print_sign(self, expr: Any) -> str:
        return f"sgn({self._print(expr.args[0])})"

    def _print_Infinity(self, expr: Any) -> str:
        return "∞"

    _print_ComplexInfinity = _print_Infinity

    def _print_Abs(self, expr: Any) -> str:
        return f"|{self._print(expr.args[0])}|"


_PRINTER = _UnicodePrinter()
_LATEX = _LatexPrinter()


def longer_than(expr: sp.Basic, terms: int) -> bool:
    """Whether ``expr`` has more than ``terms`` nodes (stops counting there, so it is cheap
    where printing a long form, which sorts every sum, can take minutes).

    >>> longer_than(sp.Symbol("x") + 1, 3), longer_than(sp.Symbol("x") + 1, 2)
    (False, True)
    """
    return any(k >= terms for k, _ in enumerate(sp.preorder_traversal(expr)))


@lru_cache(maxsize=8192)
def unicode_of(expr: sp.Basic) -> str:
    """A compact one-line unicode form, e.g. ``1/(2·√b)`` (cached).

    >>> unicode_of(1 / (2 * sp.sqrt(sp.Symbol("b"))))
    '1/(2·√b)'
    >>> unicode_of(sp.Symbol("x") ** 2 + sp.pi)
    'x² + π'
    """
    return _PRINTER.doprint(expr).replace("**", "^").replace("*", "·")


@lru_cache(maxsize=8192)
def latex_of(expr: sp.Basic) -> str:
    """LaTeX via sympy's printer, square roots gathered (cached).

    >>> latex_of(1 / (2 * sp.sqrt(sp.Symbol("b"))))
    '\\\\frac{1}{2 \\\\sqrt{b}}'
    >>> latex_of(sp.sqrt(2) / (6 * sp.sqrt(sp.log(3))))
    '\\\\frac{1}{3 \\\\sqrt{2 \\\\log{\\\\left(3 \\\\right)}}}'
    """
    return _LATEX.doprint(expr)
