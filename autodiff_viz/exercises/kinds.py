"""Exercise kinds: a node value, a local derivative, an adjoint, a gradient, a full gradient.

Every kind takes a graph (or expression/program text, a sympy expression, a function), a
point ``at`` and an optional ``seed``: with a seed, the point (and, without a graph, the
function itself) is drawn per student, and the draw is repeated until the generated mistakes
can be told apart at that point.

>>> ex = gradient("a = log(x)\\nb = a*y\\nc = sqrt(b)\\nf = c + b", wrt="x", at={"x": 3, "y": 2})
>>> ex.check("2/3 + 1/(3*sqrt(2*log(3)))").correct
True
>>> fb = ex.check("0.6667")
>>> fb.correct, fb.mistake
(False, 'missed-path:x→a→b→c→f')
>>> print(fb.message)
Not correct: you missed the path x → a → b → c → f (it contributes 0.2249).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sympy

from ..core.build import from_text, name_problem
from ..core.graph import Graph
from ..core.passes import Run, evaluate, input_name
from ..core.primitives import PRIMITIVES
from ..core.sources import as_graph as _as_graph
from ..grading.checker import Mistake
from .base import Exercise
from .mistakes import Candidate, derivative_candidates, separate, value_candidates
from .prompts import formula_example, how_to_answer, kink_note
from .variants import default_point, family_member, pick, random_point, stable_rng

__all__ = ["value", "local_derivative", "adjoint", "gradient", "SEED_PROGRAM", "as_graph",
           "unavoidable"]

SEED_PROGRAM = "a = log(x)\nb = a*y\nc = sqrt(b)\nf = c + b"


def as_graph(source: Any) -> Graph:
    """:func:`core.sources.as_graph`, where ``None`` gives the course's worked example."""
    return _as_graph(SEED_PROGRAM if source is None else source, "an exercise")


def _choose(source: Any, at: Mapping[str, float] | None, seed: Any, salt: str,
            score: Callable[[Run], float | None]) -> Run:
    """The run to ask about: fixed, or drawn from ``seed`` until ``score`` is 0."""
    if seed is None:
        g = as_graph(source)
        return evaluate(g, dict(at) if at is not None else default_point(g.inputs))
    fixed = as_graph(source) if source is not None else None

    def make(rng):
        if fixed is None:
            text, pt = family_member(rng)
            g = from_text(text)
        else:
            g, pt = fixed, random_point(rng, fixed.inputs)
        if at is not None:
            pt = dict(at)
        return evaluate(g, pt)

    return pick(seed, salt, make, score)


def _sane(run: Run, right: float, exact_value: Callable[[], Any] | None = None) -> bool:
    """Well-behaved numbers, and no answer within 1e-6 of a whole number unless it is one
    (a student typing the whole number would be told off for rounding). Floats cannot tell
    -tanh(23)² from -1, so near a whole number the exact form decides."""
    big = max(abs(v) for v in run.values if v is not None)
    if not (math.isfinite(right) and 1e-3 <= abs(right) <= 1e3 and big <= 1e4):
        return False
    whole = round(right)
    if abs(right - whole) >= 1e-6 or exact_value is None:
        return True
    off = abs(sympy.N(exact_value(), 40) - whole)
    return bool(off < 1e-30 * max(1, abs(whole)))


def _derivative_notes(run: Run, node: str) -> list[str] | None:
    """The collisions of ∂f/∂node's mistakes at this run (cached on the run: choosing a
    variant and then building its exercise ask for the same notes)."""
    cache = run.__dict__.setdefault("_adv_notes", {})
    if node not in cache:
        right = run.adjoints[run.graph.index(node)]
        cache[node] = (None if right is None
                       else separate(right, derivative_candidates(run, node))[1])
    return cache[node]


def _nearby(run: Run) -> Run | None:
    """The same graph at a slightly moved point (to tell structural collisions apart)."""
    moved = {k: v * 1.07 + 0.031 for k, v in run.inputs.items()}
    try:
        return evaluate(run.graph, moved)
    except (ValueError, ArithmeticError):
        return None


def unavoidable(run: Run, notes: Sequence[str], notes_at: Callable[[Run], Any]) -> set[str]:
    """The collisions that also happen at a nearby point: identities of the graph's structure
    (e.g. for b = a + y, dropping ∂a/∂x gives ∂f/∂y everywhere), not of the chosen point."""
    if not notes:
        return set()
    other = _nearby(run)
    again = notes_at(other) if other is not None else None
    return set(notes) & set(again or ())


def _derivative_score(source_node: Callable[[Run], str]) -> Callable[[Run], float | None]:
    """Number of collisions that a different point could avoid (None: unusable variant)."""
    def score(run: Run) -> float | None:
        node = source_node(run)
        right = run.adjoints[run.graph.index(node)]
        if right is None or not _sane(run, right, lambda: _exact(run).adjoint(node)):
            return None
        notes = _derivative_notes(run, node) or []
        return len(set(notes) - unavoidable(run, notes, lambda r: _derivative_notes(r, node)))
    return score


def _names(g: Graph) -> tuple[str, ...]:
    """Node names a number-valued answer may mention (only to be told to put in values)."""
    return tuple(n.name for n in g.nodes if n.op != "const" and name_problem(n.name) is None)


def _listing(g: Graph) -> str:
    return "\n".join("    " + g.describe(n) for n in g.nodes if n.op not in ("input", "const"))


def _point(at: Mapping[str, float]) -> str:
    return ", ".join(f"{k} = {v:g}" for k, v in at.items())


def _tail(run: Run, min_sig_figs: int, exact_only: bool = False, extra: str = "") -> str:
    """The end of a number question: a kink note (if any) and how to answer."""
    parts = [kink_note(run), extra + how_to_answer(run, min_sig_figs, exact_only)]
    return "\n".join(p for p in parts if p)


def _exact(run: Run) -> Any:
    from ..exact.forms import exact

    return exact(run)


def _number(expr: Any, check: float) -> Any:
    """The exact form, cross-checked against the engine's float (a loud error if they differ)."""
    from ..grading.checker import Undefined, numeric

    try:
        v = numeric(expr)   # a float walk of the tree: fast
    except (Undefined, TypeError):
        v = math.nan
    if not (math.isfinite(v) and math.isclose(v, check, rel_tol=1e-9, abs_tol=1e-12)):
        try:
            v = float(expr)  # sympy's own evaluation (slow, exact where floats cancel)
        except (TypeError, ValueError, OverflowError):
            v = math.nan
    if not math.isfinite(check) or not math.isfinite(v):
        raise ValueError(f"the right answer at this point is not a finite number (the engine "
                         f"gives {check!r}, e.g. the slope of √ at 0), so it cannot be "
                         "asked: choose another point with at=...")
    if not math.isclose(v, check, rel_tol=1e-9, abs_tol=1e-12):
        raise RuntimeError(f"exact form {expr} = {v!r} disagrees with the engine's {check!r}")
    return expr


# ----------------------------------------------------------------------------------------
# Kinds
# ----------------------------------------------------------------------------------------

def gradient(graph_or_text: Any = None, wrt: str | Sequence[str] | None = "x",
             at: Mapping[str, float] | None = None, *, seed: Any = None,
             symbolic: bool = False, min_sig_figs: int = 3) -> Exercise:
    """∂f/∂``wrt`` at a point; ``wrt=None`` (or a list of inputs) asks for the full gradient.

    Args:
        graph_or_text: the function (default: the course's worked example; with a ``seed``
            and no graph, a function of the same shape drawn per student).
        wrt: the input, or None / a sequence for the full gradient.
        at: the point (default x = 3, y = 2, or drawn from ``seed``).
        seed: e.g. a student id, for a personal variant.
        symbolic: also confirm exact answers with sympy (in a killable child process).
        min_sig_figs: fewest significant figures accepted for a decimal answer.
    """
    if wrt is None or not isinstance(wrt, str):
        return _full_gradient(graph_or_text, wrt, at, seed, symbolic, min_sig_figs)
    run = _choose(graph_or_text, at, seed, "gradient", _derivative_score(lambda r: wrt))
    g = run.graph
    input_name(g, wrt, ValueError)
    right = run.grad[wrt]
    expected = _number(_exact(run).grad[wrt], right)
    mistakes, notes = separate(right, derivative_candidates(run, wrt))
    fixed = unavoidable(run, notes, lambda r: _derivative_notes(r, wrt))
    out = g.output.name
    prompt = (f"Compute ∂{out}/∂{wrt} at {_point(run.inputs)} for the graph\n{_listing(g)}\n"
              f"{_tail(run, min_sig_figs)}")
    return Exercise("gradient", prompt, expected, variables=_names(g),
                    mistakes=mistakes, collisions=notes, graph=g,
                    run=run, at=run.inputs, seed=seed, symbolic=symbolic,
                    min_sig_figs=min_sig_figs, what=f"∂{out}/∂{wrt}", unavoidable=fixed)


def _full_gradient(source: Any, wrt: Sequence[str] | None, at: Mapping[str, float] | None,
                   seed: Any, symbolic: bool, min_sig_figs: int) -> Exercise:
    def names(run: Run) -> tuple[str, ...]:
        return tuple(wrt) if wrt is not None else run.graph.inputs

    def score(run: Run) -> float | None:
        total = 0
        for n in names(run):
            s = _derivative_score(lambda r, n=n: n)(run)
            if s is None:
                return None
            total += s
        return total

    run = _choose(source, at, seed, "full-gradient", score)
    g = run.graph
    comps = names(run)
    ex = _exact(run)
    expected = tuple(_number(ex.grad[n], run.grad[n]) for n in comps)
    mistakes: list[Mistake] = []
    notes: list[str] = []
    fixed: set[str] = set()
    for k, n in enumerate(comps):
        ms, ns = separate(run.grad[n], derivative_candidates(run, n))
        mistakes += [Mistake(f"{k}:{m.name}", m.message, m.value) for m in ms]
        notes += [f"∂/∂{n}: {t}" for t in ns]
        fixed |= {f"∂/∂{n}: {t}" for t in
                  unavoidable(run, ns, lambda r, n=n: _derivative_notes(r, n))}
    out = g.output.name
    vec = ", ".join(f"∂{out}/∂{n}" for n in comps)
    commas = f"Give {len(comps)} values separated by commas. "
    prompt = (f"Compute the gradient ({vec}) at {_point(run.inputs)} for the graph\n"
              f"{_listing(g)}\n{_tail(run, min_sig_figs, extra=commas)}")
    return Exercise("full_gradient", prompt, expected, variables=_names(g),
                    mistakes=mistakes, collisions=notes,
                    graph=g, run=run, at=run.inputs, seed=seed, symbolic=symbolic,
                    min_sig_figs=min_sig_figs, what=f"∇{out}", unavoidable=fixed)


def adjoint(graph_or_text: Any = None, node: str | None = None,
            at: Mapping[str, float] | None = None, *, seed: Any = None, exact: bool = False,
            symbolic: bool = False, min_sig_figs: int = 3) -> Exercise:
    """The adjoint ∂f/∂``node`` of a node (default: the first node with two out-edges).

    ``exact=True`` asks for an exact expression and refuses decimals.
    """
    def which(run: Run) -> str:
        if node is not None:
            return node
        g = run.graph
        shared = [n.name for n in g.nodes if len(g.out_edges[n.index]) > 1
                  and n.op != "input" and g.needs_grad[n.index]]
        inner = [n.name for n in g.nodes if n.op not in ("input", "const")
                 and n.index != g.output_index and g.needs_grad[n.index]]
        return (shared or inner or list(g.inputs))[0]

    run = _choose(graph_or_text, at, seed, "adjoint", _derivative_score(which))
    g = run.graph
    name = which(run)
    g.node(name)
    right = run.adjoints[g.index(name)]
    if right is None:
        raise ValueError(f"no gradient flows into {name!r}: it does not depend on an input")
    expected = _number(_exact(run).adjoint(name), right)
    mistakes, notes = separate(right, derivative_candidates(run, name))
    fixed = unavoidable(run, notes, lambda r: _derivative_notes(r, name))
    out = g.output.name
    prompt = (f"Compute the adjoint of {name}, {name}\u0304 = ∂{out}/∂{name}, at "
              f"{_point(run.inputs)} for the graph\n{_listing(g)}\n"
              f"{_tail(run, min_sig_figs, exact)}")
    return Exercise("adjoint", prompt, expected, variables=_names(g),
                    mistakes=mistakes, collisions=notes, graph=g,
                    run=run, at=run.inputs, seed=seed, exact_only=exact, symbolic=symbolic,
                    min_sig_figs=min_sig_figs, what=f"∂{out}/∂{name}", unavoidable=fixed)


def value(graph_or_text: Any = None, node: str | None = None,
          at: Mapping[str, float] | None = None, *, seed: Any = None,
          symbolic: bool = False, min_sig_figs: int = 3) -> Exercise:
    """The value of a node after the forward pass (default: the output)."""
    def which(run: Run) -> str:
        return node if node is not None else run.graph.output.name

    def score(run: Run) -> float | None:
        v = run.values[run.graph.index(which(run))]
        exact_v = (lambda: _exact(run).value(which(run))) if v != 0 else None
        if not _sane(run, v if v != 0 else 1.0, exact_v):
            return None
        notes = separate(v, value_candidates(run, which(run)))[1]

        def again(r: Run) -> list[str]:
            return separate(r.values[r.graph.index(which(r))], value_candidates(r, which(r)))[1]

        return len(set(notes) - unavoidable(run, notes, again))

    run = _choose(graph_or_text, at, seed, "value", score)
    g = run.graph
    name = which(run)
    right = run.values[g.index(name)]
    expected = _number(_exact(run).value(name), right)
    mistakes, notes = separate(right, value_candidates(run, name))
    prompt = (f"Compute the value of {name} at {_point(run.inputs)} for the graph\n"
              f"{_listing(g)}\n{_tail(run, min_sig_figs)}")
    return Exercise("value", prompt, expected, variables=_names(g),
                    mistakes=mistakes, collisions=notes, graph=g,
                    run=run, at=run.inputs, seed=seed, symbolic=symbolic,
                    min_sig_figs=min_sig_figs, what=name)


def _local_run(g: Graph, seed: Any) -> Run:
    """The graph at the default point, or (outside its domain) at the first seeded point
    inside it: the point only centres the sampling box and separates the mistakes."""
    try:
        return evaluate(g, default_point(g.inputs))
    except (ValueError, ArithmeticError):
        pass
    for k in range(60):
        try:
            return evaluate(g, random_point(stable_rng(seed, f"local-point#{k}"), g.inputs))
        except (ValueError, ArithmeticError):
            continue
    raise ValueError("no point of the default grid is inside this graph's domain")


def local_derivative(graph_or_text: Any = None, child: str | None = None,
                     parent: str | None = None, *, edge: int | None = None, seed: Any = None,
                     symbolic: bool = False) -> Exercise:
    """The local partial ∂child/∂parent as a formula in node names, e.g. 1/(2*sqrt(b)).

    Without ``child``, a seed picks one of the graph's non-trivial edges (default: the first
    edge into a unary node, ∂c/∂b in the worked example); with a seed and no graph, the
    function is drawn per student too.

    When the parent feeds the child more than once (``f = a*a``), the question says which
    derivative it asks for: by default the node's total local derivative (2a, both edges
    together); ``edge=0`` or ``edge=1`` asks for the partial along that one edge only (a).
    """
    if graph_or_text is None and seed is not None:
        graph_or_text = family_member(stable_rng(seed, "local-graph"))[0]
    g = as_graph(graph_or_text)
    run = _local_run(g, seed)
    ex = _exact(run)
    edges = [e for e in g.edges if ex.partial_formula(e.index) is not None
             and ex.partial_formula(e.index).free_symbols]
    if child is not None:
        g.node(child)
        edges = [e for e in g.edges if e.child == child and (parent is None or
                                                             e.parent == parent)]
        if not edges:
            raise ValueError(f"no edge {parent or '?'} → {child} in this graph")
    elif not edges:
        raise ValueError("this graph has no local derivative that depends on a node value")
    if child is None and seed is not None:
        chosen = stable_rng(seed, "local").choice(edges)
    elif child is None:
        unary = [e for e in edges if PRIMITIVES[g.nodes[e.dst].op].arity == 1]
        inner = [e for e in unary if g.nodes[e.src].op != "input"]
        chosen = (inner or unary or edges)[0]
    else:
        chosen = edges[0]
    cnode = g.nodes[chosen.dst]
    pname = chosen.parent
    parallel = [e for e in g.in_edges[cnode.index] if g.edges[e].src == chosen.src]
    one = {e: ex.partial_formula(e) for e in parallel}
    total = sympy.Add(*one.values())
    if edge is not None and not 0 <= edge < len(parallel):
        raise ValueError(f"edge must be 0..{len(parallel) - 1}: {pname} feeds "
                         f"{cnode.name} {len(parallel)} time(s)")
    expected = total if edge is None else one[parallel[edge]]
    row = PRIMITIVES[cnode.op]
    names = tuple(dict.fromkeys(g.nodes[a].name for a in cnode.args
                                if g.nodes[a].op != "const"))
    syms = [sympy.Symbol(g.nodes[a].name, real=True) if g.nodes[a].op != "const"
            else ex.values[a] for a in cnode.args]
    node_value = row.sympy(sympy, *syms)
    domain = {}
    for a in cnode.args:
        if g.nodes[a].op != "const":
            v = run.values[a]
            domain[g.nodes[a].name] = (v - 2 * abs(v) - 1.0, v + 2 * abs(v) + 1.0)
    what = f"∂{cnode.name}/∂{pname}"
    cands: list[tuple[str, str, Any]] = [
        ("value-not-derivative", f"that is the node's value {cnode.name} = "
         f"{g.formula(cnode)}, not its derivative", node_value)]
    for e in g.in_edges[cnode.index]:
        other = ex.partial_formula(e)
        if e not in parallel and other is not None and g.edges[e].parent != pname:
            cands.append((f"other-argument:{g.edges[e].parent}", f"that is ∂{cnode.name}/∂"
                          f"{g.edges[e].parent}, the derivative with respect to the other "
                          "argument", other))
    times = "twice" if len(parallel) == 2 else f"{len(parallel)} times"
    if len(parallel) > 1 and edge is None:
        for k, f in enumerate(dict.fromkeys(one.values())):
            cands.append((f"one-edge:{k}", f"that is the partial along one edge only; "
                          f"{pname} feeds {cnode.name} {times}, and the total local "
                          "derivative adds the partials of all its edges", f))
    elif len(parallel) > 1:
        cands.append(("all-edges", f"that is the total over all {len(parallel)} edges "
                      f"{pname} → {cnode.name}; this question asks for the partial along one "
                      "edge only, holding the other uses fixed", total))
    cands += [(slip.name, slip.message.format(pname), slip.factor * expected)
              for slip in row.slips]
    if expected.free_symbols:
        cands.append(("reciprocal", "you turned the derivative upside down (its reciprocal)",
                      1 / expected))
    point = {n: run.values[g.index(n)] for n in names}
    from ..grading.checker import Undefined, numeric

    right = numeric(expected, point)
    floats = []
    for name, msg, expr in cands:
        try:
            floats.append(Candidate(name, msg, numeric(expr, point)))
        except Undefined:
            continue
    kept, notes = separate(right, floats)
    by_name = {c[0]: c[2] for c in cands}
    mistakes = [Mistake(m.name, m.message, by_name[m.name.split("|")[0]]) for m in kept]
    lines = [f"Write the local derivative {what} for the node {g.describe(cnode)}, as a "
             f"formula in {', '.join(names)}."]
    if len(parallel) > 1:
        uses = f"{cnode.name} = {g.formula(cnode)} uses {pname} {times}"
        if edge is None:
            lines.append(f"{uses} ({len(parallel)} edges {pname} → {cnode.name}): give the "
                         f"total local derivative, the change of {cnode.name} per change of "
                         f"{pname} through all its uses at once.")
        else:
            ordinal = ("first", "second", "third")[edge] if edge < 3 else f"#{edge + 1}"
            lines.append(f"{uses}: give the partial along the {ordinal} edge {pname} → "
                         f"{cnode.name} only (the {ordinal} argument), holding the other "
                         "uses fixed.")
    from ..grading.checker import kinks

    if kinks(node_value):
        lines.append(f"{g.formula(cnode)} has a kink: the formula must hold on both sides of "
                     "it (piecewise functions you may use: step(t), sign(t), abs(t), "
                     "relu(t)).")
    lines.append(f"Type a formula such as {formula_example(run, names)}.")
    return Exercise("local_derivative", "\n".join(lines), expected, variables=names,
                    domain=domain, mistakes=mistakes, collisions=notes, graph=g, run=run,
                    at=run.inputs, seed=seed, symbolic=symbolic, what=what, formula=True,
                    defined_on=(node_value,))
