"""One Run and one Graph: every path returns the core types, which draw through the hooks."""

from __future__ import annotations

import argparse

import pytest

import autodiff_viz as adv
from autodiff_viz.core import display, passes
from autodiff_viz.core.graph import Graph
from autodiff_viz.core.sources import as_graph

SEED = "sqrt(log(x)*y) + log(x)*y"


def test_the_public_types_are_the_core_ones():
    assert adv.Run is passes.Run and adv.Graph is Graph
    assert type(adv.graph(SEED)) is Graph
    assert type(adv.graph(SEED).evaluate(x=3, y=2)) is passes.Run


def test_every_path_returns_the_one_run_and_it_draws():
    from autodiff_viz.render.cli import run_of

    runs = {
        "api": adv.graph(SEED).evaluate(x=3, y=2),
        "core": passes.evaluate(as_graph(SEED), {"x": 3, "y": 2}),
        "Stepper": adv.Stepper(SEED, x=3, y=2).run,
        "exercise": adv.exercises.gradient(SEED, at={"x": 3, "y": 2}).run,
        "CLI": run_of(argparse.Namespace(expr=SEED, at="x=3,y=2")),
    }
    for where, run in runs.items():
        assert type(run) is passes.Run, where
        assert "digraph" in run.draw().source, where     # was an AttributeError for exercises
        assert run.grad == pytest.approx(runs["api"].grad), where


def test_hooks_load_the_render_layer_on_first_use(monkeypatch):
    monkeypatch.setattr(display, "HOOKS", {})
    loaded = []
    monkeypatch.setattr(display, "LOADERS", [lambda: loaded.append(1) or
                                             display.HOOKS.update(draw=lambda run, **o: "drawn")])
    run = adv.graph("x*y").evaluate(x=1, y=2)
    assert run.draw() == "drawn" and run.draw() == "drawn" and loaded == [1]
    with pytest.raises(RuntimeError, match="render layer"):
        run.frames()


def test_as_graph_takes_text_graphs_runs_functions_and_says_what_else():
    g = as_graph(SEED)
    assert as_graph(g) is g and as_graph(g.evaluate(x=3, y=2)) is g
    assert as_graph(lambda x, y: x * y).inputs == ("x", "y")
    with pytest.raises(TypeError, match="Stepper\\(\\) takes expression or program text"):
        as_graph(3.5, "Stepper()")


@pytest.mark.parametrize("k, n, final, error", [(10, 10, False, IndexError),
                                                (-11, 10, False, IndexError),
                                                (1.5, 10, False, TypeError),
                                                (True, 10, False, TypeError),
                                                (None, 10, False, TypeError)])
def test_step_index_refuses_what_is_not_a_step(k, n, final, error):
    with pytest.raises(error, match="step"):
        passes.step_index(k, n, final)


def test_step_index_counts_from_the_end_and_keeps_the_final_state():
    assert [passes.step_index(k, 4) for k in (0, 3, -1, -4)] == [0, 3, 3, 0]
    assert passes.step_index(None, 4, final=True) is None
    with pytest.raises(IndexError, match="0 to 3"):
        passes.step_index(-1, 4, from_end=False)


def test_input_errors_hint_in_the_callers_syntax():
    g = adv.graph("log(x)*y")
    with pytest.raises(adv.InputError, match=r"e\.g\. evaluate\(x=1\.0, y=1\.0\)"):
        g.evaluate(x=1)
    with pytest.raises(adv.InputError, match=r"e\.g\. --at x=1\.0,y=1\.0"):
        passes.evaluate(g, {"x": 1}, example="--at {at}")
    with pytest.raises(adv.InputError, match=r"e\.g\. Stepper\(\.\.\., x=1\.0, y=1\.0\)"):
        adv.Stepper(g, x=1)
