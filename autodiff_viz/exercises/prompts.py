"""Prompt text that never gives an answer away: neutral example syntax, kink notes.

An example in a prompt shows the *kind* of answer expected (a number, or a formula in the
node's names) with an expression that is not the answer of any exercise built from the same
graph: candidates are tried in order and any that equals one of the graph's numbers (values,
local partials, adjoints, gradient) or local-derivative formulas is skipped.

>>> from autodiff_viz.core import evaluate, from_text
>>> run = evaluate(from_text("a = log(x)\\nb = a*y\\nc = sqrt(b)\\nf = c + b"), {"x": 3, "y": 2})
>>> number_example(run)
'7/4 + log(5)'
>>> formula_example(run, ("b",))
'3*b**3 - 5/b'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache
from typing import Any

from ..core.passes import Run

__all__ = ["number_example", "formula_example", "kink_note", "how_to_answer", "CODE_NAME"]

#: The name an answer example uses for the exercise when its variable is unknown.
CODE_NAME = "ex"

_NUMBERS = ("7/4 + log(5)", "3*sqrt(7) - 2/9", "exp(-3)/11 + 5", "13/6 - sqrt(3)/10")
_FORMULAS_1 = ("3*{a}**3 - 5/{a}", "exp(-{a})/7 + {a}**5", "{a}**7/9 - 4")
_FORMULAS_2 = ("3*{a}**3 - 5/{b}", "exp(-{b})/7 + {a}**5", "{a}**7/9 - 4*{b}")


def _graph_numbers(run: Run) -> list[float]:
    out: list[float] = []
    for seq in (run.values, run.partials, run.adjoints, list(run.grad.values())):
        out += [float(v) for v in seq if v is not None and type(v) is float and math.isfinite(v)]
    return out


@cache
def _number_value(text: str) -> float:
    from ..grading.answers import parse
    from ..grading.checker import numeric

    return numeric(parse(text, ()).expr)


def number_example(run: Run) -> str:
    """A neutral exact number, within 1 % of none of the graph's numbers."""
    taken = _graph_numbers(run)
    for text in _NUMBERS:
        v = _number_value(text)
        if all(abs(v - t) > 0.01 * max(abs(v), abs(t)) for t in taken):
            return text
    return _NUMBERS[-1]  # pragma: no cover - four distinct values cannot all collide


def _formulas(run: Run) -> list[Any]:
    from ..exact.forms import exact

    try:
        ex = exact(run)
    except Exception:  # noqa: BLE001 - no exact forms: nothing to avoid
        return []
    return [f for f in ex.formulas if f is not None]


def formula_example(run: Run, names: Sequence[str]) -> str:
    """A neutral formula in ``names`` that equals none of the graph's local partials."""
    import random

    from ..grading.answers import parse
    from ..grading.checker import Undefined, numeric

    names = tuple(names)
    if not names:
        return number_example(run)
    pool = _FORMULAS_1 if len(names) == 1 else _FORMULAS_2
    avoid = _formulas(run)
    rng = random.Random(0)
    points = [{s: rng.uniform(0.5, 3.0) for s in {n.name for f in avoid
                                                    for n in f.free_symbols} | set(names)}
              for _ in range(3)]

    def same(cand: Any, f: Any) -> bool:
        try:
            return all(math.isclose(numeric(cand, p), numeric(f, p), rel_tol=1e-6)
                       for p in points)
        except Undefined:
            return False

    for pattern in pool:
        text = pattern.format(a=names[0], b=names[-1])
        cand = parse(text, names).expr
        if not any(same(cand, f) for f in avoid):
            return text
    return pool[-1].format(a=names[0], b=names[-1])  # pragma: no cover


def kink_note(run: Run) -> str:
    """A sentence naming every node evaluated on a kink (relu/abs at 0, ...), or ""."""
    g = run.graph
    notes = [f"{g.nodes[i].name} = {g.formula(g.nodes[i])} sits on a kink at this point: {m}."
             for i, msgs in sorted(run.flags.items()) for m in msgs]
    return ("Note: " + " ".join(notes)) if notes else ""


def how_to_answer(run: Run, min_sig_figs: int = 3, exact_only: bool = False) -> str:
    """The answer-format sentence of a number question, with a neutral example."""
    example = number_example(run)
    if exact_only:
        return f"Give an exact expression (no decimals), such as {example}."
    return (f"Give an exact expression such as {example}, or a decimal with at least "
            f"{min_sig_figs} significant figures.")
