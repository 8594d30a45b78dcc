"""Every seed builds a valid exercise, and no prompt gives an answer away.

Seeds 0-999 of every kind (two worker processes: ~5000 exercises). Each exercise's expected
answer is checked against an oracle that does not use exact forms: the engine's float for
the chosen point, recomputed here by central differences on the graph.

Prompts are scanned for the solutions of *every* exercise built from the same graph (values,
local partials, adjoints, gradient) as text and as decimals rounded to 3-6 figures.
"""

from __future__ import annotations

import math
import multiprocessing
import re

import pytest
import sympy

import autodiff_viz as adv
from autodiff_viz.core.passes import evaluate
from autodiff_viz.exact.forms import exact, unicode_of
from autodiff_viz.exercises.kinds import SEED_PROGRAM
from autodiff_viz.grading.checker import numeric

SEEDS = range(1000)
KINDS = ("value", "gradient", "full_gradient", "adjoint", "local_derivative")


def _central(run, wrt: str, h: float = 1e-6) -> float:
    up = dict(run.inputs)
    down = dict(run.inputs)
    up[wrt] += h
    down[wrt] -= h
    return (evaluate(run.graph, up).value - evaluate(run.graph, down).value) / (2 * h)


def _build(kind: str, seed: int):
    f = adv.exercises
    if kind == "full_gradient":
        return f.gradient(wrt=None, seed=seed)
    return getattr(f, kind)(seed=seed)


def _problems(args: tuple[str, range]) -> list[str]:
    """Everything wrong with the exercises of one kind over some seeds (run in a worker)."""
    kind, seeds = args
    bad = []
    for seed in seeds:
        try:
            ex = _build(kind, seed)
        except Exception as exc:  # noqa: BLE001 - reported, not raised: list them all
            bad.append(f"{kind} seed {seed}: {type(exc).__name__}: {exc}")
            continue
        exprs = ex.expected if isinstance(ex.expected, tuple) else (ex.expected,)
        if kind == "local_derivative":
            continue  # a formula: its domain sampling is tested in test_marking
        values = [float(e) for e in exprs]
        for e, v in zip(exprs, values, strict=True):
            off = abs(sympy.N(e, 30) - round(v)) if math.isfinite(v) else math.inf
            if not math.isfinite(v) or 1e-20 < off < 1e-6:
                bad.append(f"{kind} seed {seed}: answer {v!r} is not finite or near-integer")
        if kind == "gradient":
            wrt = ex.what.split("∂")[-1]
            oracle = _central(ex.run, wrt)
            if not math.isclose(values[0], oracle, rel_tol=1e-5, abs_tol=1e-6):
                bad.append(f"{kind} seed {seed}: {values[0]} but central difference {oracle}")
        if ex.run.flags and "kink" not in ex.prompt:
            bad.append(f"{kind} seed {seed}: the point sits on a kink the prompt does not name")
    return bad


@pytest.fixture(scope="module")
def all_problems() -> dict[str, list[str]]:
    jobs = [(k, range(s, 1000, 2)) for k in KINDS for s in (0, 1)]
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        results = pool.map(_problems, jobs)
    out: dict[str, list[str]] = {k: [] for k in KINDS}
    for (kind, _), bad in zip(jobs, results, strict=True):
        out[kind] += bad
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_every_seed_builds_a_valid_exercise(kind, all_problems):
    assert len(SEEDS) >= 1000
    assert all_problems[kind] == [], all_problems[kind][:10]


def test_the_issues_bad_seeds_build():
    for seed in (10, 57, 145, 165, "student77"):
        ex = adv.exercises.local_derivative(seed=seed)
        assert ex.check(sympy.sstr(ex.expected)).correct


def test_a_point_on_a_kink_is_named_in_the_prompt():
    ex = adv.exercises.gradient("relu(x)*y", wrt="x", at={"x": 0, "y": 2})
    assert "kink" in ex.prompt and "relu" in ex.prompt.split("kink")[1]
    ex = adv.exercises.gradient("relu(x)*y", wrt="x", at={"x": 1, "y": 2})
    assert "kink" not in ex.prompt


# ---------------------------------------------------------------------------------------
# Prompts never contain an answer
# ---------------------------------------------------------------------------------------

def _solutions(run) -> list[sympy.Expr]:
    """Every answer an exercise on this graph can have: values, partials (at the point and as
    formulas), adjoints, the gradient."""
    ex = exact(run)
    out = list(ex.values) + list(ex.partials) + list(ex.formulas) + list(ex.adjoints)
    out += list(ex.grad.values())
    g = run.graph
    for e in g.edges:  # totals over parallel edges (a*a)
        par = [k for k in g.in_edges[e.dst] if g.edges[k].src == e.src]
        if len(par) > 1:
            out.append(sympy.Add(*(ex.formulas[k] for k in par)))
    return [s for s in out if s is not None]


def _forbidden(sol: sympy.Expr) -> list[str]:
    """Texts that would give ``sol`` away: its printed forms, and its decimals."""
    if sol.is_Atom:        # 2, x, b: they appear in any listing of the graph
        return []
    texts = [unicode_of(sol), sympy.sstr(sol)]
    if not sol.free_symbols:
        v = numeric(sol)
        if not float(v).is_integer():
            texts += [f"{v:.{k}g}" for k in range(3, 7)]
    return texts


def _all_exercises(graph):
    f = adv.exercises
    g = adv.graph(graph)
    out = [f.value(g, node=n.name) for n in g.nodes if n.op not in ("input", "const")]
    out += [f.gradient(g, wrt=x) for x in g.inputs] + [f.gradient(g, wrt=None)]
    inner = [n.name for n in g.nodes if n.op not in ("input", "const")
             and n.index != g.output_index]
    out += [f.adjoint(g, node=n) for n in inner]
    out += [f.adjoint(g, node=n, exact=True) for n in inner]
    out += [f.local_derivative(g, child=e.child, parent=e.parent) for e in g.edges
            if g.nodes[e.src].op != "const"]
    return out


@pytest.mark.parametrize("graph", [SEED_PROGRAM, "f = a*a + sin(a)",
                                   "b = relu(x)*y\nf = sqrt(b) + b",
                                   "a = exp(x)\nb = a + y\nc = tanh(b)\nf = c*b"])
def test_no_prompt_contains_an_answer_of_any_exercise_on_the_graph(graph):
    exercises = _all_exercises(graph)
    run = exercises[0].run
    listing = "\n".join(run.graph.describe(n) for n in run.graph.nodes)
    # the graph itself is the question (the derivative of exp(x) is exp(x), listed anyway)
    forbidden = {t for s in _solutions(run) for t in _forbidden(s) if t not in listing}
    assert forbidden
    fill = adv.exercises.fill_in(graph)
    texts = [ex.prompt for ex in exercises] + [ex._repr_html_() for ex in exercises]
    texts += [fill.prompt] + [ex.example() for ex in exercises]
    leaks = [(t, text.splitlines()[0]) for text in texts for t in forbidden
             if re.search(r"(?<![\w.])" + re.escape(t) + r"(?![\w])", text)]
    assert leaks == []


def test_the_issues_leaked_examples_are_gone():
    g = adv.graph(SEED_PROGRAM)
    banned = ["1/(2*sqrt(b))", "1 + 1/(2*sqrt(2*log(3)))", "1/(3*sqrt(2*log(3))) + 2/3"]
    exercises = _all_exercises(SEED_PROGRAM)
    texts = [ex.prompt for ex in exercises] + [ex._repr_html_() for ex in exercises]
    texts.append(adv.exercises.adjoint(g, node="b", exact=True).check("1.337").message)
    for text in texts:
        for b in banned:
            assert b not in text


def test_the_code_hint_uses_an_answer_of_the_right_kind():
    g = adv.graph(SEED_PROGRAM)
    value = adv.exercises.value(g, node="c")
    local = adv.exercises.local_derivative(g, child="c")
    assert value.check(value.example()).status != "invalid"         # a number
    assert local.check(local.example()).status != "invalid"         # a formula in b
    assert "b" in local.example() and "ex.check(" in local._repr_html_()
