"""Intermediate nodes are named like the course: a, b, c, … skipping every name in use."""

from __future__ import annotations

import sympy as sp

import autodiff_viz as adv
from autodiff_viz.core.build import from_text


def _described(g) -> list[str]:
    return [g.describe(n) for n in g.nodes if n.op not in ("input", "const")]


def test_the_course_expression_gets_the_course_names():
    g = from_text("sqrt(log(x)*y) + log(x)*y")
    assert _described(g) == ["a = log(x)", "b = a·y", "c = √b", "f = c + b"]


def test_traced_and_sympy_graphs_are_named_alike():
    traced = adv.graph(lambda x, y: adv.sqrt(adv.log(x) * y) + adv.log(x) * y)
    assert _described(traced) == ["a = log(x)", "b = a·y", "c = √b", "f = c + b"]
    x, y = sp.symbols("x y")
    assert [n.name for n in adv.graph(sp.sqrt(sp.log(x) * y) + sp.log(x) * y).nodes
            if n.op != "input"] == ["a", "b", "c", "f"]


def test_intermediates_never_take_an_input_name():
    g = from_text("tanh(v1*h1 + v2)")
    inputs = set(g.inputs)
    inner = [n.name for n in g.nodes if n.op not in ("input", "const")]
    assert inputs == {"v1", "v2", "h1"}
    assert not inputs & set(inner) and not any(n.startswith("v") for n in inner)
    assert _described(from_text("a*b + c")) == ["d = a·b", "f = d + c"]


def test_a_program_keeps_the_users_names():
    g = from_text("z = w*x + b")
    assert _described(g) == ["a = w·x", "z = a + b"]
    assert g.output.name == "z"


def test_many_intermediates_get_distinct_names():
    text = "+".join(f"exp(x{k})" for k in range(60))
    names = [n.name for n in from_text(text).nodes]
    assert len(names) == len(set(names))


def test_the_graph_remembers_what_was_typed():
    typed = "sqrt(log(x)*y) + log(x)*y"
    run = adv.graph(typed).evaluate(x=3, y=2)
    from autodiff_viz.render.view import view_data

    assert view_data(run, labels=("numeric",), layout=False)["title"] == f"{typed} at x = 3, y = 2"
    assert adv.graph(typed).source == typed
