"""The steps as a text table (``autodiff-viz steps``), with exact forms when asked for.

>>> from autodiff_viz.core import evaluate, from_text
>>> table = steps_table(evaluate(from_text("x*y"), {"x": 3, "y": 2}), exact=False)
>>> print(table.splitlines()[0]); print(table.splitlines()[-1])
x*y at x = 3, y = 2
3     backward  x     x̄ = f̄·∂f/∂x = 1·2 = 2  2
"""

from __future__ import annotations

import math
import unicodedata
from html import escape
from typing import Any

from ..core.notation import adjoint
from ..core.passes import Run
from .fmt import heading

__all__ = ["steps_table", "report_table", "LONG"]

#: Exact forms with more terms than this print as "…" (their printing sorts every sum).
LONG = 400


def _fmt(v: Any, digits: int = 6) -> str:
    if v is None:
        return "—"
    if isinstance(v, complex):
        return f"{v:.{digits}g}"
    if isinstance(v, (int, float)):
        if math.isinf(v):
            return "∞" if v > 0 else "−∞"
        s = f"{v:.{digits}g}"
        return "0" if s == "-0" else s
    shape = getattr(v, "shape", None)
    return f"array{tuple(shape)}" if shape is not None else str(v)


def _width(s: str) -> int:
    return sum(0 if unicodedata.combining(ch) else 1 for ch in s)


def _table(head: list[str], rows: list[list[str]], cap: int = 72) -> str:
    # Columns are at most ``cap`` wide: one long sum (a node with many out-edges) overflows
    # its own row instead of padding every row, so the table grows linearly with the graph.
    widths = [min(cap, max(_width(r[k]) for r in [head, *rows])) for k in range(len(head))]

    def line(r: list[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(r, widths, strict=True)).rstrip()

    rule = "  ".join("─" * w for w in widths)
    return "\n".join([line(head), rule, *(line(r) for r in rows)])


def report_table(report: Any, html: bool = False) -> str:
    """An ``exact.verify`` report as a table of its checks and a verdict (text or HTML)."""
    from ..exact import unicode_of

    head = ["kind", "item", "numeric", "exact", "exact ≈", "rel. error", ""]
    rows = [[c.kind, c.item, _fmt(c.numeric, 10), unicode_of(c.exact), _fmt(c.approx, 10),
             f"{c.error:.1e}", "ok" if c.ok else "MISMATCH"] for c in report.checks]
    bad = report.mismatches
    if html:
        out = ['<table class="adv-verify"><thead><tr>', *(f"<th>{escape(h)}</th>" for h in head),
               "</tr></thead><tbody>"]
        for c, row in zip(report.checks, rows, strict=True):
            style = "" if c.ok else ' style="background:#fdd"'
            out.append(f"<tr{style}>" + "".join(f"<td>{escape(x)}</td>" for x in row) + "</tr>")
        verdict = "all agree" if report.ok else f"{len(bad)} mismatch(es)"
        return "".join(out) + f"</tbody></table><p>{escape(verdict)} (rtol={report.rtol:g})</p>"
    verdict = (f"all {len(rows)} numbers agree with their exact forms" if report.ok else
               f"{len(bad)} of {len(rows)} numbers disagree with their exact forms: "
               + ", ".join(f"{c.kind} {c.item}" for c in bad))
    return _table(head, rows) + f"\n{verdict} (rtol={report.rtol:g})"


def steps_table(run: Run, exact: bool = True) -> str:
    """The forward then backward steps as a text table (with exact forms when ``exact``).

    The step column is the index into ``run.steps`` (the same number ``run.draw(step=k)``
    takes). Forward rows are followed by the local partials computed at that step; backward
    rows show each adjoint as the sum of its contributions.

    >>> from autodiff_viz.core import evaluate, from_text
    >>> run = evaluate(from_text("a = log(x)\\nb = a*y\\nc = sqrt(b)\\nf = c + b"),
    ...                {"x": 3, "y": 2})
    >>> table = steps_table(run)
    >>> print(next(line for line in table.splitlines() if "b̄ =" in line))
    ... # doctest: +NORMALIZE_WHITESPACE
    6  backward  b  b̄ = c̄·∂c/∂b + f̄·∂f/∂b = 1·0.3373 + 1·1 = 1.337  1.33731  1/(2·√(2·log(3))) + 1
    """
    g = run.graph
    ex: Any = None
    note = ""
    if exact:
        from ..exact import ExactTooLarge, longer_than, unicode_of
        from ..exact import exact as exact_forms

        try:
            ex = exact_forms(run)
        except (NotImplementedError, ExactTooLarge) as exc:
            note = f"(exact forms skipped: {exc})"

    def show(e: Any) -> str:  # a long form is not printed (printing sorts every sum)
        return "—" if e is None else "…" if longer_than(e, LONG) else unicode_of(e)

    head = ["step", "phase", "node", "equation", "value"] + (["exact"] if ex else [])
    rows: list[list[str]] = []
    for s in run.steps:
        i = g.index(s.node)
        node = g.nodes[i]
        if s.phase == "forward":
            rows.append([str(s.index), "forward", s.node, g.describe(node), _fmt(s.value)]
                        + ([show(ex.values[i])] if ex else []))
            for e, p in zip(s.edges, s.partials, strict=True):
                if p is None:
                    continue
                edge = g.edges[e]
                formula = show(ex.formulas[e]) if ex else None
                eq = f"∂{edge.child}/∂{edge.parent}" + (f" = {formula}" if formula else "")
                rows.append(["", "", "", "  " + eq, _fmt(p)]
                            + ([show(ex.partials[e])] if ex else []))
        else:
            if not s.contributions:
                eq = f"{adjoint(s.node)} = 1 (seed: ∂{s.node}/∂{s.node})"
            else:
                terms = " + ".join(f"{adjoint(c.other)}·∂{c.other}/∂{s.node}"
                                   for c in s.contributions)
                nums = " + ".join(f"{_fmt(c.factor, 4)}·{_fmt(c.partial, 4)}"
                                  for c in s.contributions)
                eq = f"{adjoint(s.node)} = {terms} = {nums} = {_fmt(s.adjoint, 4)}"
            rows.append([str(s.index), "backward", s.node, eq, _fmt(s.adjoint)]
                        + ([show(ex.adjoints[i])] if ex else []))
        for flag in s.flags:
            rows.append(["", "", "", f"  ⚠ {flag}", ""] + ([""] if ex else []))
    at = ", ".join(f"{k} = {_fmt(v)}" for k, v in run.inputs.items())
    shown = heading(g, limit=100)
    title = f"{shown} at {at}" if at else shown
    parts = [title, "", _table(head, rows)]
    if ex:
        grad = ", ".join(f"∂{g.output.name}/∂{k} = {show(v)}" for k, v in ex.grad.items())
        parts += ["", f"exact: {g.output.name} = {show(ex.values[g.output_index])}; {grad}"]
    if note:
        parts += ["", note]
    return "\n".join(parts)
