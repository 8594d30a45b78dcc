"""Every exercise kind displays as an answer box; what is typed is never lost.

No browser: the widgets' Python side is driven directly (a typed value, a Check click).
"""

from __future__ import annotations

import ipywidgets as w
import pytest

import autodiff_viz as adv
from autodiff_viz.exercises.kinds import SEED_PROGRAM

AT = {"x": 3, "y": 2}
KINDS = {
    "value": lambda g: adv.exercises.value(g, node="c", at=AT),
    "local_derivative": lambda g: adv.exercises.local_derivative(g, child="c"),
    "adjoint": lambda g: adv.exercises.adjoint(g, node="b", at=AT),
    "gradient": lambda g: adv.exercises.gradient(g, wrt="x", at=AT),
    "full_gradient": lambda g: adv.exercises.gradient(g, wrt=None, at=AT),
}
# a right answer per kind, written from the worked example (DESIGN.md), not by the checker
RIGHT = {"value": "sqrt(2*log(3))", "local_derivative": "1/(2*sqrt(b))",
         "adjoint": "1 + 1/(2*sqrt(2*log(3)))", "gradient": "0.8915",
         "full_gradient": "0.8915, 1.469"}


@pytest.fixture(scope="module")
def g():
    return adv.graph(SEED_PROGRAM)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_displays_as_a_box_with_input_check_and_maths_feedback(g, kind):
    ex = KINDS[kind](g)
    bundle = ex._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "text/html" in bundle            # a static copy still shows the question
    box = ex._box
    assert isinstance(box.text, w.Text) and isinstance(box.button, w.Button)
    assert isinstance(box.feedback, w.HTMLMath)      # "Read as: $…$" is typeset
    box.text.value = RIGHT[kind]                     # what Enter in the box sends
    assert ex.history[-1].correct, ex.history[-1].message
    assert "adv-correct" in box.feedback.value or "adv-verified" in box.feedback.value


def test_a_wrong_answer_keeps_the_text_and_names_the_mistake(g):
    ex = KINDS["gradient"](g)
    assert ex.widget is not None
    box = ex._box
    box.text.value = "0.6667"
    assert box.text.value == "0.6667"
    assert "missed the path" in box.feedback.value
    box.button.click()                               # Check again: same answer, checked again
    assert box.text.value == "0.6667" and len(ex.history) == 2


def test_an_error_while_checking_keeps_the_text(g, monkeypatch):
    ex = KINDS["value"](g)
    assert ex.widget is not None

    def boom(answer):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ex, "check", boom)
    ex._box.text.value = "sqrt(2*log(3))"
    assert ex._box.text.value == "sqrt(2*log(3))"
    assert "could not be checked" in ex._box.feedback.value
    assert "kept" in ex._box.feedback.value


@pytest.mark.parametrize("kind", KINDS)
def test_rerunning_the_cell_restores_the_last_answer(g, kind):
    first = KINDS[kind](g)
    assert first.widget is not None
    first._box.text.value = "12345"                  # wrong, but typed
    again = KINDS[kind](g)                           # the cell runs again: a new object
    assert again.widget is not first.widget
    assert again._box.text.value == "12345"
    assert "restored" in again.widget.children[2].value


def test_a_typed_but_unchecked_answer_is_restored_too(g):
    ex = KINDS["adjoint"](g)
    ex.check("1")                                    # from a code cell
    assert KINDS["adjoint"](g).widget.children[1].children[0].value == "1"


def test_fill_in_answers_survive_a_rerun(g):
    fi = adv.exercises.fill_in(g, at=AT)
    fi.check({"b→c": "1/(2*sqrt(2*log(3)))", "adjoint:b": "1"})
    again = adv.exercises.fill_in(g, at=AT)
    assert again.blank("b→c").answer == "1/(2*sqrt(2*log(3)))"
    assert again.blank("b→c").status == "correct" and again.blank("adjoint:b").status == "wrong"


def test_the_card_hint_names_the_notebooks_variable(g):
    from IPython.testing.globalipapp import start_ipython

    shell = start_ipython()
    shell.user_ns["ex_for_b"] = ex = KINDS["local_derivative"](g)
    try:
        html = ex._repr_html_()
    finally:
        shell.user_ns.pop("ex_for_b")
    assert "ex_for_b.check(" in html and "1/(2*sqrt(b))" not in html
