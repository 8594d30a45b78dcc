"""Fill-in-the-graph: blanks on edges and nodes, checked from code and from the widget.

Oracle: the worked example's numbers written out by hand from DESIGN.md.
"""

from __future__ import annotations

import math
import re
import types
import unicodedata

import pytest

import autodiff_viz as adv
from autodiff_viz.render.view import ints

from ..conftest import SEED_DFDX, SEED_DFDY, SEED_PROGRAM

L3 = math.log(3)
DCDB = 1 / (2 * math.sqrt(2 * L3))
ORACLE = {  # every blank of the backward exercise, from the closed forms
    "x→a": 1 / 3, "a→b": 2.0, "y→b": L3, "b→c": DCDB, "c→f": 1.0, "b→f": 1.0,
    "adjoint:c": 1.0, "adjoint:b": 1 + DCDB, "adjoint:y": SEED_DFDY,
    "adjoint:a": 2 * (1 + DCDB), "adjoint:x": SEED_DFDX,
}


@pytest.fixture
def fi():
    return adv.exercises.fill_in(SEED_PROGRAM)


def test_backward_blanks_are_every_partial_and_adjoint(fi):
    assert {b.key for b in fi.blanks} == set(ORACLE)
    assert fi.score == (0, len(ORACLE))


def test_forward_blanks_are_the_values():
    fw = adv.exercises.fill_in(SEED_PROGRAM, blanks="forward")
    assert [b.key for b in fw.blanks] == ["value:a", "value:b", "value:c", "value:f"]
    assert fw.check({"value:c": "sqrt(2*log(3))"})["value:c"].correct
    assert fw.check({"value:c": "sqrt(log(3))"})["value:c"].mistake == "stale-value:b@a"


def test_all_oracle_answers_are_correct(fi):
    fbs = fi.check({k: f"{v:.6g}" for k, v in ORACLE.items()})
    assert all(fb.correct for fb in fbs.values()), {k: fb.message for k, fb in fbs.items()}
    assert fi.complete and fi.score == (11, 11)
    fi.assert_correct({})  # everything already right


def test_exact_answers_and_named_mistakes(fi):
    fbs = fi.check({"b→c": "1/(2*sqrt(2*log(3)))", "adjoint:b": "1", "a->b": "log(3)"})
    assert fbs["b→c"].correct
    assert "you missed the path b → c → f" in fbs["adjoint:b"].message
    assert fbs["a->b"].mistake == "other-argument:y"
    assert fi.check({4: f"{2 * DCDB:.5g}"})[4].mistake == "sqrt-half"


def test_assert_correct_lists_what_is_missing(fi):
    with pytest.raises(AssertionError, match="not answered"):
        fi.assert_correct({"x→a": "1/3"})
    with pytest.raises(AssertionError, match="missed the path"):
        fi.assert_correct({"adjoint:b": "1"})


def test_bad_blank_names_are_clear_errors(fi):
    with pytest.raises(KeyError, match="no blank"):
        fi.blank("q→r")
    with pytest.raises(ValueError, match="unknown blank"):
        adv.exercises.fill_in(SEED_PROGRAM, blanks=["x→q"])
    with pytest.raises(ValueError, match="blanks must be one of"):
        adv.exercises.fill_in(SEED_PROGRAM, blanks="sideways")


def test_custom_blanks_and_seeded_points():
    fi = adv.exercises.fill_in(SEED_PROGRAM, blanks=["b→c", "adjoint:b"])
    assert [b.id for b in fi.blanks] == [1, 2]
    points = {tuple(adv.exercises.fill_in(SEED_PROGRAM, seed=k).run.inputs.values())
              for k in range(6)}
    assert len(points) >= 3


def test_widget_typing_checks_and_shows_feedback(fi):
    box = fi.widget
    assert box is fi.widget
    texts, notes = fi._w.texts, fi._w.notes
    texts[fi.blank("adjoint:b").id].value = "1"
    b = fi.blank("adjoint:b")
    assert b.status == "wrong" and "missed the path" in notes[b.id].value
    texts[b.id].value = "1 + 1/(2*sqrt(2*log(3)))"
    assert b.status == "correct"
    assert "1 of 11 correct" in fi._w.score.value
    fi.check({"x→a": "1/3"})
    assert texts[fi.blank("x→a").id].value == "1/3"
    texts[fi.blank("y→b").id].value = "2x"
    assert fi.blank("y→b").status == "invalid"


def test_check_all_button(fi):
    box = fi.widget
    for k, v in ORACLE.items():
        fi._w.texts[fi.blank(k).id].value = f"{v:.5g}"
    from ipywidgets import Button

    button = next(c for row in box.children if hasattr(row, "children")
                  for c in row.children if isinstance(c, Button))
    button.click()
    assert fi.complete and "all done" in fi._w.score.value


@pytest.mark.dot
def test_drawing_colours_blanks_and_keeps_the_layout(fi):
    before = fi.svg()
    assert before.count("[") >= 11 and "#009e73" not in before.lower()
    fi.check({"b→c": "1/(2*sqrt(2*log(3)))", "adjoint:b": "1"})
    after = fi.svg()
    assert "#009e73" in after.lower()  # correct: green
    assert "#d55e00" in after.lower()  # wrong: vermillion
    assert "✓" in after and "✗" in after

    def boxes(svg):
        return re.findall(r'<g id="n\d+" class="node[^"]*">.*?<(?:path|polygon)[^>]*?'
                          r'(?:d|points)="([^"]+)"', svg, flags=re.S)

    assert boxes(before) and boxes(before) == boxes(after)


def test_fill_in_is_the_function_however_imported():
    import autodiff_viz.exercises.fill_in_widget as mod

    assert adv.exercises.fill_in is mod.fill_in
    assert isinstance(adv.exercises.fill_in(SEED_PROGRAM), adv.exercises.FillIn)
    assert type(mod) is types.ModuleType  # a plain module: no callable-module trick


def test_the_prompts_example_answers_are_valid_answers():
    fi = adv.exercises.fill_in(SEED_PROGRAM, at={"x": 3, "y": 2})
    examples = re.findall(r"such as ([^\s,]+)(?: or ([^\s,]+))?", fi.prompt)
    examples = [e for pair in examples for e in pair if e]
    assert examples
    for example in examples:
        for fb in fi.check({b.id: example for b in fi.blanks}).values():
            assert not fb.message.startswith("Invalid answer"), (example, fb.message)


def test_the_widget_draws_with_the_browser_view_and_takes_answers_on_the_graph(fi):
    box = fi.widget
    view = fi._w.image
    data = view.data
    assert data["controls"] is False and len(data["views"]) == 1
    strings, start = data["strings"], ints(data["views"]["reverse||numeric"]["start"])
    blank = fi.blank("b→c")
    cell = next(x["cell"] for x in data["blanks"] if x["id"] == blank.id)
    assert strings[start[cell]] == f"∂c/∂b = [{blank.id}] ?"     # the input sits on its line
    view._on_message(view, {"kind": "answer", "id": blank.id,
                            "text": "1/(2*sqrt(2*log(3)))"}, [])
    assert blank.status == "correct" and fi._w.texts[blank.id].value == "1/(2*sqrt(2*log(3)))"
    data = view.data
    start = ints(data["views"]["reverse||numeric"]["start"])
    assert data["strings"][start[cell]] == f"∂c/∂b = {DCDB:#.4g} ✓"
    assert blank.id not in [x["id"] for x in data["blanks"]]
    assert "adv-fill-in" in box._dom_classes


def test_adjoint_blanks_use_the_bar_notation_not_a_partial(fi):
    """Nodes carry adjoints b̄ (= ∂f/∂b), as in the Stepper; ∂f/∂b alone would read as the
    local partial on the edge b → f."""
    fi.widget  # noqa: B018 - builds the drawing
    data = fi._w.image.data
    strings, start = data["strings"], ints(data["views"]["reverse||numeric"]["start"])
    blank = fi.blank("adjoint:b")
    cell = next(x["cell"] for x in data["blanks"] if x["id"] == blank.id)
    assert blank.label == "b̄" and strings[start[cell]] == f"b̄ = [{blank.id}] ?"
    assert "b̄ = ∂f/∂b" in blank.exercise.prompt
    cells = {x["id"]: x["cell"] for x in data["blanks"]}
    for b in fi.blanks:   # every node's adjoint is barred; ∂f/∂c stays on the edge c → f
        name = b.key.split(":")[-1]
        want = f"{name}\u0304" if b.kind == "adjoint" else None
        if want:
            assert unicodedata.normalize("NFD", strings[start[cells[b.id]]]).startswith(want)
