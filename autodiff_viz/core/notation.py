"""The course's notation, in one place: local partials, adjoints and tangents of a node.

- local partial (on an edge): ``∂c/∂b``;
- adjoint (on a node, the total derivative ``∂f/∂b`` of the output): ``b̄``;
- tangent (forward mode, the total derivative ``∂b/∂x`` of a node by an input): ``ḃ``.

A bar or dot goes on the name's one letter: ``b̄``, and for a letter followed by an index
(``v2``, ``h1``, ``x_1``) on that letter, as in ``\\bar{v}_2``: ``v̄2``. A longer name gets
``bar(loss)`` / ``dot(loss)``: a mark over one letter of a word would misread as that
letter's. ``docs/notation.md`` explains the choice.

>>> adjoint("b"), adjoint("v2"), adjoint("x_1"), adjoint("loss"), adjoint("σ")
('b̄', 'v̄2', 'x̄_1', 'bar(loss)', 'σ̄')
>>> [len(adjoint(n)) for n in ("a", "b")]  # ā is one character, b̄ two
[1, 2]
>>> adjoint_tex("b"), adjoint_tex("v2"), adjoint_tex("loss")
('\\\\bar{b}', '\\\\bar{v}_{2}', '\\\\overline{\\\\mathrm{loss}}')
>>> tangent("b"), tangent("h1"), tangent_tex("b"), partial("c", "b")
('ḃ', 'ḣ1', '\\\\dot{b}', '∂c/∂b')
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["MACRON", "DOT", "adjoint", "adjoint_tex", "tangent", "tangent_tex", "partial",
           "partial_tex", "tex_name", "split_name", "bars", "spell_bars"]

#: Combining macron (the adjoint's bar) and combining dot above (the tangent's dot).
MACRON, DOT = "\u0304", "\u0307"

_INDEXED = re.compile(r"([^\W\d_])(_?\d+)?", re.UNICODE)


def split_name(name: str) -> tuple[str, str] | None:
    """``(letter, index)`` for a one-letter name with an optional index (``v2`` ->
    ``('v', '2')``), else None."""
    m = _INDEXED.fullmatch(name)
    return (m[1], m[2] or "") if m else None


def _mark(name: str, mark: str, word: str) -> str:
    parts = split_name(name)
    if parts is None:
        return f"{word}({name})"
    # composed where Unicode has the letter (ḃ, ā): fonts draw those best
    return unicodedata.normalize("NFC", f"{parts[0]}{mark}") + parts[1]


def adjoint(name: str) -> str:
    """The adjoint of ``name`` (``∂f/∂name``, the output's total derivative): ``b̄``."""
    return _mark(name, MACRON, "bar")


def tangent(name: str) -> str:
    """The tangent of ``name`` in forward mode (``∂name/∂x``): ``ḃ``."""
    return _mark(name, DOT, "dot")


def partial(top: str, bottom: str) -> str:
    """The local partial derivative ``∂top/∂bottom`` (an edge's label)."""
    return f"∂{top}/∂{bottom}"


def tex_name(name: str) -> str:
    """A node name in LaTeX: ``v2`` -> ``v_{2}``, ``loss`` -> ``\\mathrm{loss}``."""
    parts = split_name(name)
    if parts is not None:
        letter, index = parts
        return letter + (f"_{{{index.lstrip('_')}}}" if index else "")
    return r"\mathrm{" + name.replace("_", r"\_") + "}"


def _tex_mark(name: str, accent: str, wide: str) -> str:
    parts = split_name(name)
    if parts is None:
        return rf"\{wide}{{{tex_name(name)}}}"
    letter, index = parts
    return rf"\{accent}{{{letter}}}" + (f"_{{{index.lstrip('_')}}}" if index else "")


def adjoint_tex(name: str) -> str:
    """:func:`adjoint` in LaTeX: ``\\bar{b}``, ``\\bar{v}_{2}``, ``\\overline{\\mathrm{loss}}``."""
    return _tex_mark(name, "bar", "overline")


def tangent_tex(name: str) -> str:
    """:func:`tangent` in LaTeX: ``\\dot{b}``, ``\\dot{v}_{2}``, ``\\dot{\\mathrm{loss}}``."""
    return _tex_mark(name, "dot", "dot")


def partial_tex(top: str, bottom: str) -> str:
    """:func:`partial` in LaTeX."""
    return rf"\frac{{\partial {tex_name(top)}}}{{\partial {tex_name(bottom)}}}"


#: An adjoint in text: a letter with a macron (``b̄``, ``v̄2``: the bar covers the letter) or
#: ``bar(name)``. Group 1 or 2 is what an overline covers.
_BAR = re.compile(r"([^\W\d_])\u0304|\bbar\(([^\W\d]\w*)\)")


def bars(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into ``(piece, overlined)`` pieces: a renderer that can draw a line over
    text (SVG, HTML) draws the adjoints' bars itself instead of trusting the font to place a
    combining macron (most fonts put it off-centre over ``b``, ``d``, ``h``, ``k``, ``l``).

    >>> bars("b̄ = c̄·∂c/∂b; bar(loss) = 1")
    [('b', True), (' = ', False), ('c', True), ('·∂c/∂b; ', False), ('loss', True), (' = 1', False)]
    """
    text = unicodedata.normalize("NFD", text)
    out: list[tuple[str, bool]] = []
    k = 0
    for m in _BAR.finditer(text):
        if m.start() > k:
            out.append((unicodedata.normalize("NFC", text[k:m.start()]), False))
        out.append((m[1] or m[2], True))
        k = m.end()
    if k < len(text) or not out:
        out.append((unicodedata.normalize("NFC", text[k:]), False))
    return out


def spell_bars(text: str) -> str:
    """Adjoints written ``bar(b)``, for renderers that can only place a combining macron
    (Graphviz's PNG and PDF; see ``docs/notation.md``).

    >>> spell_bars("b̄ = c̄·∂c/∂b + ā, v̄2 = 1")
    'bar(b) = bar(c)·∂c/∂b + bar(a), bar(v2) = 1'
    """
    text = unicodedata.normalize("NFD", text)
    text = re.sub(r"([^\W\d_])\u0304(_?\d+)?", lambda m: f"bar({m[1]}{m[2] or ''})", text)
    return unicodedata.normalize("NFC", text)
