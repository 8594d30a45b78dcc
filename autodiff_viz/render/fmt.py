"""Text of the labels: numbers at a fixed precision and array shapes (the notation itself,
∂c/∂b, b̄ and ḃ, is :mod:`autodiff_viz.core.notation`).

>>> number(3.6795283847037306), number(0.89154184520737), number(1.4691882405099876)
('3.680', '0.8915', '1.469')
>>> number(1.0), number(-2.0), number(None), number(float("-inf")), number(123456.7)
('1', '−2', '?', '−∞', '1.235e+05')
>>> number(float("nan"))
'undefined'

>>> import numpy as np
>>> number(np.zeros((4, 3))), number(np.float64(0.5)), number(-0.25), number(1e-12)
('4×3', '0.5', '−0.25', '1e−12')
>>> skeleton("∂f/∂b = 1.337")
'∂f/∂b = 0.000'
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

__all__ = ["number", "shown", "heading", "is_rounded", "eq_sign", "tex_number", "is_array",
           "skeleton", "dot_quote", "truncate"]

_DIGITS = re.compile(r"[0-9]")


def is_array(v: Any) -> bool:
    """True for numpy arrays with at least one dimension (shown by their shape)."""
    return getattr(v, "ndim", 0) >= 1


def number(v: Any, digits: int = 4) -> str:
    """A number for a label: whole numbers without a point, others with ``digits``
    significant digits (a rounded number keeps its last digit: ``3.680``), and a real minus
    sign, as in :func:`autodiff_viz.render.explain.fmt`.

    Arrays show their shape (``4×3``); ``None`` (not known) shows ``?``.
    """
    if v is None:
        return "?"
    if is_array(v):
        return "×".join(str(int(s)) for s in v.shape)
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    if math.isnan(x):  # never a bare "nan" (as explain.fmt); the node's flag says why
        return "undefined"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if x.is_integer() and abs(x) < 1e6:
        text = str(int(x))
    else:
        text = f"{x:.{digits}g}"
        if float(text) != x and 1e-4 <= abs(x) < 1e6:
            text = f"{x:#.{digits}g}"
    return text.replace("-", "−")


def shown(v: Any) -> str:
    """A number as explanations show it: :func:`number`, small arrays entry by entry.

    >>> shown(1.0), shown(0.337253), shown(-2.0), shown(3.679528), shown(1e-12), shown([1, 2.5])
    ('1', '0.3373', '−2', '3.680', '1e−12', '[1, 2.5]')
    """
    if v is None:
        return "—"
    if isinstance(v, (int, float, np.floating, np.integer)) and not isinstance(v, bool):
        return number(float(v))   # nan reads "undefined", never a bare nan
    arr = np.asarray(v, dtype=float)
    if arr.ndim == 0:
        return shown(float(arr))
    if arr.size <= 6:
        return "[" + ", ".join(shown(a if arr.ndim > 1 else float(a)) for a in arr) + "]"
    return f"(array of shape {'×'.join(str(n) for n in arr.shape)})"


def is_rounded(v: Any) -> bool:
    """True when :func:`shown` loses digits (then we write ≈ instead of =)."""
    if isinstance(v, (int, float, np.floating, np.integer)) and not isinstance(v, bool):
        v = float(v)
        return math.isfinite(v) and float(shown(v).replace("−", "-")) != v
    return True


def eq_sign(v: Any, tex: bool = False) -> str:
    """``≈`` (``\\approx``) when :func:`shown` rounds ``v``, else ``=``."""
    return (r"\approx" if tex else "≈") if is_rounded(v) else "="


def tex_number(v: Any) -> str:
    r""":func:`shown` in LaTeX: ``1.5 \times 10^{-12}``, ``\infty``."""
    s = shown(v).replace("−", "-")
    if s.startswith("("):
        return r"\text{" + s + "}"
    if "e" in s and s[0] != "[":
        mant, _, exp = s.partition("e")
        return rf"{mant} \times 10^{{{int(exp)}}}"
    return s.replace("∞", r"\infty")


def heading(graph: Any, text: str | None = None, limit: int = 120) -> str:
    """``text``, else what was typed (up to ``limit`` characters), with its lines joined by
    ``; ``; else the output's formula."""
    if not (isinstance(text, str) and text.strip()):
        src = graph.source
        text = src if isinstance(src, str) and len(src.strip()) <= limit else ""
    return "; ".join(s.strip() for s in text.splitlines() if s.strip()) or \
        graph.describe(graph.output)


def skeleton(text: str) -> str:
    """The text with every digit replaced by ``0``: same width, independent of the values."""
    return _DIGITS.sub("0", text)


def truncate(text: str, limit: int = 48) -> str:
    """Shorten very long (symbolic) text with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def dot_quote(text: str) -> str:
    """A DOT double-quoted string; line breaks become centred ``\\n`` escapes.

    >>> dot_quote('say "hi"\\nthere')
    '"say \\\\"hi\\\\"\\\\nthere"'
    """
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "")
    return '"' + text.replace("\n", "\\n") + '"'
