"""Wrong answers generated from the graph, so feedback can name the mistake.

For ∂f/∂(node) (a gradient or an adjoint) the candidates are: each path left out, each local
factor dropped, the ½ of a square root forgotten, a local derivative evaluated at a stale
value (the parent's parent, the slip in the course notes), the sign flipped, the derivative
with respect to another input (or another node's adjoint), the inputs swapped, off by a factor
2, and the value given instead of the derivative. None is hand-written per exercise.

At authoring time :func:`separate` drops candidates that equal the right answer at the chosen
point and merges candidates that equal each other, so every remaining mistake can be told
apart from the answer and from the others.

>>> from autodiff_viz.core import evaluate, from_text
>>> run = evaluate(from_text("a = log(x)\\nb = a*y\\nc = sqrt(b)\\nf = c + b"), {"x": 3, "y": 2})
>>> cands = derivative_candidates(run, "x")
>>> [c.message for c in cands if c.name == "missed-path:x→a→b→c→f"]
['you missed the path x → a → b → c → f (it contributes 0.2249)']
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..core.passes import DomainError, Forward, Run, _enumerate_paths, count_paths, reverse
from ..core.primitives import PRIMITIVES
from ..grading.checker import Mistake

__all__ = ["Candidate", "derivative_candidates", "value_candidates", "partial_candidates",
           "separate", "COLLIDE"]

#: Two values closer than this (relative) cannot be told apart from a 3-significant-figure
#: answer, so they count as a collision.
COLLIDE = 0.01
MAX_PATHS = 64


@dataclass(frozen=True)
class Candidate:
    """One wrong answer: an identifier, what it means in words, and its value."""

    name: str
    message: str
    value: float


def _g(v: float) -> str:
    return f"{v:.4g}"


def _through(run: Run, source: str, e: int | None = None, partial: float = 0.0) -> float:
    """∂output/∂source (the core reverse pass), the partial on edge ``e`` replaced by
    ``partial`` when ``e`` is given."""
    partials = list(run.partials)
    if e is not None:
        partials[e] = partial
    adj = reverse(run.graph, Forward(run.values, partials, {}))[run.graph.index(source)]
    return 0.0 if adj is None else adj


def _label(edge) -> str:
    """∂child/∂parent: feedback names the factor, never its formula or value (those are the
    answers of other exercises on the same graph)."""
    return f"∂{edge.child}/∂{edge.parent}"


def derivative_candidates(run: Run, source: str) -> list[Candidate]:
    """Wrong values of ∂output/∂``source`` (an input, or any node for an adjoint)."""
    g = run.graph
    s = g.index(source)
    right = _through(run, source)
    out_name = g.output.name
    cands: list[Candidate] = []
    paths = list(itertools.islice(_enumerate_paths(run, source), MAX_PATHS + 1))
    on_paths = sorted({e for p in paths for e in p.edges})
    if 1 < count_paths(g, source) <= MAX_PATHS:
        for p in paths:
            cands.append(Candidate(f"missed-path:{str(p).replace(' ', '')}",
                                   f"you missed the path {p} (it contributes "
                                   f"{_g(p.product)})", right - p.product))
    for e in on_paths:
        pe = run.partials[e]
        edge = g.edges[e]
        if pe is None or not math.isfinite(pe):
            continue
        if abs(pe - 1.0) > 1e-12:
            cands.append(Candidate(f"dropped-factor:{edge.parent}→{edge.child}",
                                   f"you dropped the local factor {_label(edge)} on the edge "
                                   f"{edge.parent} → {edge.child}",
                                   _through(run, source, e, 1.0)))
        for slip in PRIMITIVES[g.nodes[edge.dst].op].slips:
            cands.append(Candidate(f"{slip.name}:{edge.parent}→{edge.child}",
                                   f"{slip.message.format(edge.parent)} ({_label(edge)} on the "
                                   f"edge {edge.parent} → {edge.child})",
                                   _through(run, source, e, slip.factor * pe)))
        if pe < 0:
            cands.append(Candidate(f"lost-minus:{edge.parent}→{edge.child}",
                                   f"you lost the minus sign of {_label(edge)} on the edge "
                                   f"{edge.parent} → {edge.child}",
                                   _through(run, source, e, -pe)))
        cands.extend(_stale(run, source, e))
    cands.append(Candidate("sign", "you flipped the sign", -right))
    if g.nodes[s].op == "input":
        for other in g.inputs:
            if other != source and g.needs_grad[g.index(other)]:
                cands.append(Candidate(f"other-input:{other}",
                                       f"you gave ∂{out_name}/∂{other}, the derivative with "
                                       f"respect to {other}, not {source}", run.grad[other]))
    else:
        for node in g.nodes:
            a = run.adjoints[node.index]
            if node.index not in (s, g.output_index) and a is not None:
                cands.append(Candidate(f"other-adjoint:{node.name}",
                                       f"you gave the adjoint of {node.name} (∂{out_name}/∂"
                                       f"{node.name}), not of {source}", a))
    cands.extend(_swapped(run, source))
    cands.append(Candidate("factor:2", "your answer is twice the right value: a factor 2 "
                           "crept in", 2 * right))
    cands.append(Candidate("factor:1/2", "your answer is half the right value: a factor 2 is "
                           "missing", right / 2))
    cands.append(Candidate("value-not-derivative",
                           f"you gave the value of {out_name}, not its derivative", run.value))
    return [c for c in cands if c.value is not None and math.isfinite(c.value)]


def _stale(run: Run, source: str, e: int) -> Iterable[Candidate]:
    """A unary node's local derivative evaluated at a grandparent's value (a stale value)."""
    g = run.graph
    edge = g.edges[e]
    child, parent = g.nodes[edge.dst], g.nodes[edge.src]
    row = PRIMITIVES.get(child.op)
    if row is None or row.arity != 1 or parent.op in ("input", "const"):
        return
    for gp in dict.fromkeys(parent.args):
        old = run.values[gp]
        if old is None or abs(old - run.values[parent.index]) < 1e-12:
            continue
        try:
            stale = row.partials[0]((old,), row.value(old))
        except (ValueError, ZeroDivisionError, OverflowError, DomainError):
            continue
        gname = g.nodes[gp].name
        yield Candidate(f"stale-value:{edge.parent}→{edge.child}@{gname}",
                        f"you evaluated ∂{edge.child}/∂{edge.parent} at {gname}'s value "
                        f"{_g(old)} instead of {edge.parent} = {_g(run.values[parent.index])}",
                        _through(run, source, e, stale))


def _swapped(run: Run, source: str) -> Iterable[Candidate]:
    g = run.graph
    names = [n for n in g.inputs if type(run.inputs[n]) is float]
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            if run.inputs[a] == run.inputs[b]:
                continue
            at = dict(run.inputs)
            at[a], at[b] = at[b], at[a]
            try:
                other = type(run)(g, at)
            except (DomainError, ValueError, ZeroDivisionError, OverflowError):
                continue
            v = other.adjoints[g.index(source)]
            if v is not None:
                yield Candidate(f"wrong-point:{a}↔{b}",
                                f"you evaluated at the wrong point: {a} and {b} swapped "
                                f"({a} = {_g(at[a])}, {b} = {_g(at[b])})", v)


def value_candidates(run: Run, node: str) -> list[Candidate]:
    """Wrong values of a node: other nodes' values, a stale argument, a flipped sign."""
    g = run.graph
    n = g.node(node)
    right = run.values[n.index]
    cands: list[Candidate] = []
    for other in g.nodes:
        if other.index != n.index and other.op != "const":
            cands.append(Candidate(f"other-node:{other.name}",
                                   f"you gave the value of {other.name}, not {node}",
                                   run.values[other.index]))
    row = PRIMITIVES.get(n.op)
    if row is not None and row.arity == 1:
        parent = g.nodes[n.args[0]]
        for gp in dict.fromkeys(parent.args):
            try:
                v = row.value(run.values[gp])
            except (ValueError, ZeroDivisionError, OverflowError):
                continue
            cands.append(Candidate(f"stale-value:{parent.name}@{g.nodes[gp].name}",
                                   f"you applied {n.op} to {g.nodes[gp].name}'s value "
                                   f"{_g(run.values[gp])} instead of {parent.name} = "
                                   f"{_g(run.values[parent.index])}", v))
    cands.append(Candidate("sign", "you flipped the sign", -right))
    return [c for c in cands if c.value is not None and math.isfinite(c.value)]


def partial_candidates(run: Run, e: int) -> list[Candidate]:
    """Wrong values of the local partial on edge ``e``: the other argument's partial, the
    child's value, the ½ of a square root forgotten, its reciprocal, a flipped sign."""
    g = run.graph
    edge = g.edges[e]
    child = g.nodes[edge.dst]
    right = run.partials[e]
    cands: list[Candidate] = []
    for other in g.in_edges[child.index]:
        o = g.edges[other]
        if other != e and o.parent != edge.parent and run.partials[other] is not None:
            cands.append(Candidate(f"other-argument:{o.parent}", f"that is ∂{child.name}/∂"
                                   f"{o.parent}, the derivative with respect to the other "
                                   "argument", run.partials[other]))
    cands.append(Candidate("value-not-derivative", f"that is the value of {child.name}, not "
                           "its derivative", run.values[child.index]))
    cands += [Candidate(slip.name, slip.message.format(edge.parent), slip.factor * right)
              for slip in PRIMITIVES[child.op].slips]
    if right:
        cands.append(Candidate("reciprocal", "you turned the derivative upside down (its "
                               "reciprocal)", 1 / right))
    cands.append(Candidate("sign", "you flipped the sign", -right))
    return [c for c in cands if c.value is not None and math.isfinite(c.value)]


def separate(right: float, candidates: Sequence[Candidate], rel: float = COLLIDE,
             ) -> tuple[list[Mistake], list[str]]:
    """Mistakes that can be told apart, and a note for every collision.

    A candidate within ``rel`` of the right answer is dropped (it cannot be diagnosed at this
    point); candidates within ``rel`` of each other are merged into one mistake whose message
    names both (``name`` joins their names with ``|``).

    >>> ms, notes = separate(1.0, [Candidate("a", "A", 2.0), Candidate("b", "B", 2.001),
    ...                            Candidate("c", "C", 1.0)])
    >>> [(m.name, m.message) for m in ms], notes
    ([('a|b', 'either A, or B')], ['a and b: same value', 'c: equals the right answer here'])
    """
    def near(u: float, v: float) -> bool:
        return abs(u - v) <= rel * max(abs(u), abs(v), 1e-12)

    notes: list[str] = []
    groups: list[list[Candidate]] = []
    for c in candidates:
        if near(c.value, right):
            notes.append(f"{c.name}: equals the right answer here")
            continue
        for grp in groups:
            if near(grp[0].value, c.value):
                notes.append(f"{grp[0].name} and {c.name}: same value")
                grp.append(c)
                break
        else:
            groups.append([c])
    out = []
    for grp in groups:
        if len(grp) == 1:
            out.append(Mistake(grp[0].name, grp[0].message, grp[0].value))
        else:
            out.append(Mistake("|".join(c.name for c in grp),
                               "either " + ", or ".join(c.message for c in grp),
                               grp[0].value))
    return out, notes

