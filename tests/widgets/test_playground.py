"""Headless tests of the Playground: build on Enter, keep the old graph on bad input."""

from __future__ import annotations

import math

import pytest

import autodiff_viz as adv
from autodiff_viz.core import ParseError, from_text
from autodiff_viz.widgets import Playground
from autodiff_viz.widgets.playground import parse_at

pytestmark = pytest.mark.dot

L3 = math.log(3)
DFDX = 1 / (3 * math.sqrt(2 * L3)) + 2 / 3
DFDY = math.sqrt(L3 / 8) + L3


@pytest.fixture
def pg():
    p = Playground("sqrt(log(x)*y) + log(x)*y", at="x=3, y=2")
    yield p
    p.close()


def test_builds_the_worked_example(pg):
    assert pg.stepper is not None and pg.message == ""
    assert pg.stepper.run.grad["x"] == pytest.approx(DFDX, rel=1e-12)
    assert pg.stepper.run.grad["y"] == pytest.approx(DFDY, rel=1e-12)
    assert pg._slot.children == (pg.stepper,)
    assert "adv-playground" in pg._dom_classes


@pytest.mark.parametrize("bad", ["log(x", "2x + 1", "lg(x)*y", "__import__('os').system('x')",
                                 "x +* y", "", "a = log(x)\nb = a*"])
def test_bad_text_shows_the_parser_message_and_keeps_the_graph(pg, bad):
    old, old_graph = pg.stepper, pg.graph
    old.step = 5
    with pytest.raises(ParseError) as info:
        from_text(bad)
    assert pg.build(bad) is False
    assert str(info.value) in pg.message       # the parser's own words
    assert "previous graph is still shown" in pg.message
    assert pg.stepper is old and pg.graph is old_graph and old.step == 5
    assert pg._slot.children == (old,)
    assert old.run.grad["x"] == pytest.approx(DFDX)


def test_enter_in_the_text_box_builds(pg):
    old = pg.stepper
    pg._source.value = "a = log(x); b = a*y; c = sqrt(b); f = c + b"   # what Enter sends
    assert pg.stepper is not old and pg.message == ""
    assert [n.name for n in pg.graph.nodes] == ["x", "a", "y", "b", "c", "f"]
    assert pg.stepper.run.grad["y"] == pytest.approx(DFDY)


def test_inputs_box(pg):
    pg._at.value = "x=4, y=3"
    l4 = math.log(4)
    assert pg.stepper.run.grad["x"] == pytest.approx(1 / (4 * math.sqrt(3 * l4)) * 3 / 2 * 1
                                                     + 3 / 4, rel=1e-12)
    kept = pg.stepper
    pg._at.value = "x=minus one"
    assert "not a number" in pg.message and pg.stepper is kept
    pg._at.value = "x=-1, y=2"                  # log(-1): a domain error, graph kept
    assert "log" in pg.message and pg.stepper is kept
    pg._at.value = "z=1"
    assert "z is not an input" in pg.message and pg.stepper is kept


def test_missing_inputs_default_to_one():
    p = Playground("x*y + y", at="x=2")
    assert p.stepper.values == {"x": 2.0, "y": 1.0}
    assert "y not given" in p.message
    p.close()


def test_parse_at():
    assert parse_at(" x = 3 ; y=2.5 ") == {"x": 3.0, "y": 2.5}
    assert parse_at("") == {}
    with pytest.raises(ValueError, match="x=3, y=2"):
        parse_at("x")


def test_top_level_names():
    assert adv.Playground is Playground


def test_a_graph_too_big_to_draw_is_a_message_not_a_traceback(pg):
    old = pg.stepper
    text = " + ".join(f"sin(x*{k})" for k in range(1, 80))      # > 150 nodes
    assert pg.build(text, at="x=0.5") is False
    assert "nodes" in pg.message and "max_nodes" in pg.message
    assert pg.stepper is old and "previous graph" in pg.message
