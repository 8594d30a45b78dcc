"""The words for each step: a title, a plain-text explanation and the same in LaTeX.

One function, :func:`explain`, turns step ``k`` of a run (or of a forward-mode or paths view
of it) into an :class:`Explanation`. The stepper widget and the HTML export both show it.

>>> from autodiff_viz.core import evaluate, from_text
>>> run = evaluate(from_text("a = log(x)\\nb = a*y\\nc = sqrt(b)\\nf = c + b"), {"x": 3, "y": 2})
>>> e = explain(run, 2, exact=True)
>>> e.title
'Forward pass, step 3 of 4 (3/10): c = √b'
>>> e.text
'c = √b = √(2·log(3)) ≈ 1.482; ∂c/∂b = 1/(2√b) ≈ 0.3373'
>>> print(explain(run, 6, exact=True).text.replace(" (", "\\n(").replace("; ", "\\n"))
b̄ = c̄·∂c/∂b + f̄·∂f/∂b = 1·0.3373 + 1·1 = 1.337
(b is used 2 times, so its adjoint sums 2 contributions)
exactly 1/(2·√(2·log(3))) + 1
>>> explain(run, 6, lang="ko").title
'역전파 6단계 중 3단계 (7/10): b̄ = ∂f/∂b'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from ..core import passes
from ..core.graph import Graph
from ..core.notation import (
    adjoint,
    adjoint_tex,
    partial,
    partial_tex,
    tangent,
    tangent_tex,
    tex_name,
)
from ..core.passes import Step
from ..core.primitives import PRIMITIVES
from .fmt import eq_sign, is_rounded, shown, tex_number
from .i18n import check_lang, t

__all__ = ["Explanation", "explain", "explain_all", "partial_formula"]


class Explanation(NamedTuple):
    """What one step does: ``title`` (one line), ``text`` (unicode) and ``latex`` ($...$)."""

    title: str
    text: str
    latex: str


def _math(s: str) -> str:
    return f"${s}$"


def partial_formula(graph: Graph, node: str, pos: int, style: str = "unicode") -> str | None:
    """The local partial of ``node`` w.r.t. its argument ``pos`` as a formula in the parents'
    names (the row's ``d`` in :mod:`~autodiff_viz.core.primitives`), or None when the row has
    none (array primitives).

    >>> from autodiff_viz.core import from_text
    >>> g = from_text("c = sqrt(b)")
    >>> partial_formula(g, "c", 0), partial_formula(g, "c", 0, "latex")
    ('1/(2√b)', '\\\\frac{1}{2\\\\sqrt{b}}')
    """
    n = graph.node(node)
    rules = PRIMITIVES[n.op].d
    if pos >= len(rules):
        return None
    names = [graph.nodes[a].name for a in n.args]
    if style == "latex":
        return rules[pos][1].format(*[tex_name(s) for s in names])
    return rules[pos][0].format(*names)


def _exact_text(run: Any, kind: str, node: str, exact: bool) -> tuple[str, str] | None:
    """(unicode, latex) of the exact value or adjoint of ``node`` when short and not just a
    number (then it adds nothing to the decimal)."""
    if not exact:
        return None
    try:
        from ..exact import exact as exact_forms
        from ..exact import latex_of, longer_than, unicode_of

        forms = exact_forms(run)
        e = forms.value(node) if kind == "value" else forms.adjoint(node)
        if e is None or e.is_Integer or e.is_Float or longer_than(e, 40):
            return None
        text = unicode_of(e)
        return (text, latex_of(e)) if len(text) <= 40 else None
    except Exception:  # noqa: BLE001 - arrays, big graphs, printing: exact text is a bonus
        return None


# ----------------------------------------------------------------------------------------
# The explanations
# ----------------------------------------------------------------------------------------

def explain(run: Any, step_index: int, view: Any = None, *, exact: bool = False,
            lang: str = "en") -> Explanation:
    """Explain step ``step_index`` of ``view.steps`` (``view`` defaults to ``run``).

    Args:
        run: a :class:`~autodiff_viz.core.passes.Run`.
        step_index: index into the steps (negative counts from the end).
        view: ``run.forward_mode(x)`` or ``run.paths(x)`` to explain those steps instead.
        exact: also show exact forms of values (loads sympy; the view asks for them with
            symbolic or both labels on small graphs).
        lang: ``"en"`` or ``"ko"`` (see :mod:`autodiff_viz.render.i18n`).

    Returns:
        An :class:`Explanation` with ``title``, ``text`` and ``latex``.
    """
    check_lang(lang)
    source = run if view is None else view
    steps: Sequence[Step] = source.steps
    step = steps[passes.step_index(step_index, len(steps))]
    g: Graph = run.graph
    if step.phase == "forward":
        out = _forward(run, g, steps, step, exact, lang)
    elif step.phase == "backward":
        out = _backward(run, g, steps, step, exact, lang)
    elif step.phase == "tangent":
        out = _tangent(g, steps, step, lang)
    elif step.phase in ("path", "sum"):
        out = _path(g, source, steps, step, lang)
    else:
        raise ValueError(f"unknown step phase {step.phase!r}")
    if step.flags:
        warn = " ".join(f"⚠ {f}." if not f.endswith(".") else f"⚠ {f}" for f in step.flags)
        out = Explanation(out.title, f"{out.text} {warn}", f"{out.latex} {warn}")
    return out


def explain_all(run: Any, view: Any = None, *, exact: bool = False,
                lang: str = "en") -> list[Explanation]:
    """:func:`explain` for every step, in order.

    >>> from autodiff_viz.core import evaluate, from_text
    >>> run = evaluate(from_text("log(x)*y"), {"x": 1, "y": 5})
    >>> [e.title.split(", step")[0] for e in explain_all(run)]
    ['Forward pass', 'Forward pass', 'Backward pass', 'Backward pass', 'Backward pass', \
'Backward pass']
    """
    return [explain(run, k, view, exact=exact, lang=lang)
            for k in range(len((view or run).steps))]


def _position(steps: Sequence[Step], step: Step) -> tuple[int, int, str]:
    """(1-based number of ``step`` within its phase, number of steps in that phase, and the
    overall position ``(7/10)``), so titles, sliders and counters number steps alike."""
    same = [s.index for s in steps if s.phase == step.phase]
    return same.index(step.index) + 1, len(same), f"({step.index + 1}/{len(steps)})"


def _forward(run: Any, g: Graph, steps: Sequence[Step], step: Step, exact: bool,
             lang: str) -> Explanation:
    k, total, at = _position(steps, step)
    name = step.node
    node = g.node(name)
    formula = g.formula(node)
    title = t("forward_title", lang, k=k, total=total, at=at, step=f"{name} = {formula}")
    ex = _exact_text(run, "value", name, exact)
    mid, tmid = (f" = {ex[0]}", f" = {ex[1]}") if ex is not None else ("", "")
    text = f"{name} = {formula}{mid} {eq_sign(step.value)} {shown(step.value)}"
    tex = (f"{tex_name(name)} = {g.formula(node, 'latex')}{tmid} "
           f"{eq_sign(step.value, tex=True)} {tex_number(step.value)}")
    parts, tparts = [text], [_math(tex)]
    parents = [g.edges[e].parent for e in step.edges]
    for e, p in zip(step.edges, step.partials, strict=True):
        if p is None:
            continue  # an edge from a constant carries no gradient
        edge = g.edges[e]
        which = (t("argument", lang, k=edge.pos + 1) if parents.count(edge.parent) > 1
                 else "")
        rule = partial_formula(g, name, edge.pos)
        trule = partial_formula(g, name, edge.pos, "latex")
        lhs, tlhs = partial(name, edge.parent) + which, partial_tex(name, edge.parent)
        if rule is not None and rule != shown(p):
            lhs, tlhs = f"{lhs} = {rule}", f"{tlhs} = {trule}"
        parts.append(f"{lhs} {eq_sign(p)} {shown(p)}")
        tparts.append(_math(f"{tlhs} {eq_sign(p, tex=True)} {tex_number(p)}") + which)
    return Explanation(title, "; ".join(parts), "; ".join(tparts))


def _scalar(v: Any) -> bool:
    return v is None or isinstance(v, (int, float, np.floating, np.integer))


def _numbers(cs: Sequence[Any], factor_first: bool) -> tuple[str, str]:
    """The numbers of a chain-rule sum: ``1·0.3373 + 1·1`` (unicode, LaTeX); arrays show
    each term's result; ``("", "")`` when there is nothing to show."""
    if all(_scalar(c.factor) and _scalar(c.partial) and c.partial is not None for c in cs):
        pairs = [(c.factor, c.partial) if factor_first else (c.partial, c.factor) for c in cs]
        return (" + ".join(f"{shown(a)}·{shown(b)}" for a, b in pairs),
                " + ".join(f"{tex_number(a)} \\cdot {tex_number(b)}" for a, b in pairs))
    if len(cs) > 1:  # arrays: each term is a vector-Jacobian product, show its result
        return (" + ".join(shown(c.value) for c in cs), " + ".join(tex_number(c.value) for c in cs))
    return "", ""


def _backward(run: Any, g: Graph, steps: Sequence[Step], step: Step, exact: bool,
              lang: str) -> Explanation:
    k, total, at = _position(steps, step)
    name, out = step.node, g.output.name
    lhs, tlhs = adjoint(name), adjoint_tex(name)
    title = t("backward_title", lang, k=k, total=total, at=at,
              step=f"{lhs} = {partial(out, name)}")
    if name == out:
        why = t("seed", lang)
        return Explanation(title, f"{lhs} = {partial(out, out)} = 1{why}",
                           _math(f"{tlhs} = {partial_tex(out, out)} = 1") + why)
    cs = step.contributions
    if not cs:
        why = t("unreached", lang, name=name, out=out)
        return Explanation(title, f"{lhs} = 0{why}", _math(f"{tlhs} = 0") + why)
    terms = " + ".join(f"{adjoint(c.other)}·{partial(c.other, name)}" for c in cs)
    tterms = " + ".join(f"{adjoint_tex(c.other)} {partial_tex(c.other, name)}" for c in cs)
    a = step.adjoint
    nums, tnums = _numbers(cs, factor_first=True)
    if nums:
        terms, tterms = f"{terms} = {nums}", f"{tterms} = {tnums}"
    text = f"{lhs} = {terms} = {shown(a)}"
    tex = _math(f"{tlhs} = {tterms} = {tex_number(a)}")
    if len(cs) > 1:
        why = t("used_twice", lang, name=name, n=len(cs))
        text, tex = text + why, tex + why
    ex = _exact_text(run, "adjoint", name, exact)
    if ex is not None and is_rounded(a):
        word = t("exactly", lang)
        text, tex = text + f"; {word} {ex[0]}", tex + f"; {word} " + _math(ex[1])
    return Explanation(title, text, tex)


def _tangent(g: Graph, steps: Sequence[Step], step: Step, lang: str) -> Explanation:
    k, total, at = _position(steps, step)
    name, wrt = step.node, step.wrt or "?"
    lhs, tlhs = tangent(name), tangent_tex(name)
    title = t("tangent_title", lang, wrt=wrt, k=k, total=total, at=at,
              step=f"{lhs} = {partial(name, wrt)}")
    v = step.tangent
    if step.op == "input":
        why = (t("tangent_seed", lang) if name == wrt
               else t("tangent_other", lang, name=name, wrt=wrt))
        return Explanation(title, f"{lhs} = {partial(name, wrt)} = {shown(v)}{why}",
                           _math(f"{tlhs} = {partial_tex(name, wrt)} = {tex_number(v)}") + why)
    cs = step.contributions
    terms = " + ".join(f"{partial(name, c.other)}·{tangent(c.other)}" for c in cs)
    tterms = " + ".join(f"{partial_tex(name, c.other)} {tangent_tex(c.other)}" for c in cs)
    nums, tnums = _numbers(cs, factor_first=False)
    if nums:
        terms, tterms = f"{terms} = {nums}", f"{tterms} = {tnums}"
    return Explanation(title, f"{lhs} = {terms} = {shown(v)}",
                       _math(f"{tlhs} = {tterms} = {tex_number(v)}"))


def _path(g: Graph, view: Any, steps: Sequence[Step], step: Step, lang: str) -> Explanation:
    out, wrt = g.output.name, step.wrt or "?"
    head = t("paths_head", lang, wrt=wrt, out=out)
    if step.phase == "sum":
        lhs, tlhs = adjoint(wrt), adjoint_tex(wrt)
        cs = step.contributions
        n = getattr(view, "count", len(cs))  # every path, also those not listed
        one = "_1" if n == 1 else ""
        title = t("sum_title" + one, lang, head=head, n=f"{n:,}", i=step.index + 1,
                  count=len(steps), step=f"{lhs} = {partial(out, wrt)}")
        if not cs:
            why = t("no_path", lang, wrt=wrt, out=out)
            return Explanation(title, f"{lhs} = 0{why}", _math(f"{tlhs} = 0") + why)
        rest = getattr(view, "truncated", 0)
        listed = [*cs[:3], None, cs[-1]] if rest else cs  # the unlisted paths: one last term
        nums = " + ".join("…" if c is None else shown(c.value) for c in listed)
        tnums = " + ".join(r"\ldots" if c is None else tex_number(c.value) for c in listed)
        a = step.adjoint
        words = t("path_sum" + one, lang, n=f"{n:,}")
        why = t("paths_rest", lang, listed=len(cs) - 1, rest=f"{rest:,}") if rest else ""
        text = f"{lhs} = {words} = {nums} = {shown(a)}{why}"
        tex = _math(tlhs) + f" = {words} = " + _math(f"{tnums} = {tex_number(a)}") + why
        return Explanation(title, text, tex)
    j = step.path if step.path is not None else 0
    n = getattr(view, "count", sum(1 for s in steps if s.phase == "path"))
    edges = [g.edges[e] for e in step.edges]
    route = " → ".join([edges[0].parent, *(e.child for e in edges)]) if edges else wrt
    title = t("path_title", lang, head=head, j=j + 1, n=f"{n:,}", i=step.index + 1,
              count=len(steps), route=route)
    terms = "·".join(partial(e.child, e.parent) for e in edges)
    tterms = " ".join(partial_tex(e.child, e.parent) for e in edges)
    nums = "·".join(shown(p) for p in step.partials)
    tnums = r" \cdot ".join(tex_number(p) for p in step.partials)
    a = step.adjoint
    word = t("path", lang)
    text = f"{word} {route}: {terms} = {nums} = {shown(a)}"
    tex = f"{word} {route}: " + _math(f"{tterms} = {tnums} = {tex_number(a)}")
    return Explanation(title, text, tex)
