"""Lecture 4 as graded homework: ONE source, written out for nbgrader and for otter-grader.

    python course/lecture4.py            # rewrites the two committed versions below
    python course/lecture4.py --check    # fails if they are out of date

* ``course/nbgrader/source/lecture4/lecture4.ipynb``: nbgrader's source notebook (cell
  metadata for solution, autograded test and locked cells). ``nbgrader generate_assignment
  lecture4`` (run in ``course/nbgrader``) makes the student version without the solutions.
* ``course/otter/lecture4.ipynb``: otter-grader's assign format. ``otter assign
  lecture4.ipynb dist`` makes the student notebook and the autograder zip.

Each answer is text in a variable (``q1 = "1/(2*sqrt(b))"``); each test rebuilds the
exercise and calls ``assert_correct``, so any equivalent form scores. Question 4 is a
personal variant: its seed is :func:`autodiff_viz.exercises.student_id`, the identity the
grader knows (nbgrader's student folder, the Gradescope submission metadata, or the course's
``ADV_STUDENT_ID``), never a value typed in the notebook.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
NBGRADER = HERE / "nbgrader" / "source" / "lecture4" / "lecture4.ipynb"
OTTER = HERE / "otter" / "lecture4.ipynb"

INTRO = """# Lecture 4 homework: backpropagation by hand

Work on the course example

    a = log(x)
    b = a·y
    c = √b
    f = c + b

Each question shows an exercise with an answer box: try your answers there (they are checked
at once and the feedback names the mistake). Then type your final answer, **as text in
quotes**, in the cell below the question: an exact expression such as `7/4 + log(5)` or a
decimal with at least 3 significant figures. Those cells are what gets graded; any equivalent
form counts.

Question 4 is your own: its function and point come from your student id (the grader knows
it; changing the seed in the notebook does not change what is graded)."""

SETUP = """import autodiff_viz as adv

g = adv.graph(adv.exercises.SEED_PROGRAM)
me = adv.exercises.student_id(default="preview")"""


@dataclass(frozen=True)
class Question:
    """One graded question: its prompt, the exercise, the answer variable and solution."""

    name: str
    points: int
    text: str
    exercise: str       # code that builds the exercise (also used by the test)
    solution: str       # the instructor's answer (text typed by a student)


QUESTIONS = (
    Question("q1", 1, "**Question 1.** The local derivative ∂c/∂b on the edge b → c, as a "
             "formula in b.", 'adv.exercises.local_derivative(g, child="c")',
             '"1/(2*sqrt(b))"'),
    Question("q2", 1, "**Question 2.** The value of c at x = 3, y = 2.",
             'adv.exercises.value(g, node="c", at={"x": 3, "y": 2})', '"sqrt(2*log(3))"'),
    Question("q3", 2, "**Question 3.** The adjoint b̄ = ∂f/∂b at x = 3, y = 2 (b feeds "
             "both c and f).", 'adv.exercises.adjoint(g, node="b", at={"x": 3, "y": 2})',
             '"1 + 1/(2*sqrt(2*log(3)))"'),
    Question("q4", 2, "**Question 4 (your own variant).** ∂f/∂x for the function and point "
             "drawn from your student id.", "adv.exercises.gradient(seed=me)",
             "str(adv.exercises.gradient(seed=me).expected)"),
)


def _md(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def _code(text: str, metadata: dict | None = None) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": metadata or {},
            "outputs": [], "source": text}


def _raw(text: str) -> dict:
    return {"cell_type": "raw", "metadata": {}, "source": text}


def _test(q: Question, rebuild_id: bool) -> str:
    """The test: rebuild the exercise (q4 from the grader's id) and assert the answer."""
    build = q.exercise.replace("seed=me", "seed=adv.exercises.student_id()") if rebuild_id \
        else q.exercise
    return f"{build}.assert_correct({q.name})"


def _notebook(cells: list[dict]) -> dict:
    for k, cell in enumerate(cells):
        cell["id"] = f"cell-{k:02d}"
    return {"cells": cells, "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5}


def nbgrader_notebook() -> dict:
    """nbgrader's source version: solution cells, locked autograded tests with points."""
    def meta(grade_id: str, *, solution: bool, grade: bool, points: int = 0) -> dict:
        m = {"grade": grade, "grade_id": grade_id, "locked": not solution,
             "schema_version": 3, "solution": solution}
        if grade:
            m["points"] = points
        return {"nbgrader": m}

    cells = [_md(INTRO), _code(SETUP, meta("setup", solution=False, grade=False))]
    for q in QUESTIONS:
        cells.append(_md(q.text))
        cells.append(_code(f"{q.name}_exercise = {q.exercise}\n{q.name}_exercise",
                           meta(f"{q.name}_show", solution=False, grade=False)))
        answer = (f'{q.name} = ""  # your final answer, as text in quotes\n'
                  f"### BEGIN SOLUTION\n{q.name} = {q.solution}\n### END SOLUTION")
        cells.append(_code(answer, meta(q.name, solution=True, grade=False)))
        cells.append(_code(_test(q, rebuild_id=True),
                           meta(f"{q.name}_test", solution=False, grade=True,
                                points=q.points)))
    return _notebook(cells)


def otter_notebook() -> dict:
    """otter-grader's assign format: the same questions, tests hidden from students."""
    config = ("# ASSIGNMENT CONFIG\nrequirements: null\ninit_cell: false\nexport_cell: false\n"
              "check_all_cell: false\ngenerate: true\nrun_tests: true\n")
    cells = [_raw(config), _md(INTRO), _code(SETUP)]
    for q in QUESTIONS:
        cells.append(_raw(f"# BEGIN QUESTION\nname: {q.name}\npoints: {q.points}"))
        cells.append(_md(q.text))
        cells.append(_code(f"{q.name}_exercise = {q.exercise}\n{q.name}_exercise"))
        cells.append(_raw("# BEGIN SOLUTION"))
        cells.append(_code(f"{q.name} = {q.solution}  # SOLUTION"))
        cells.append(_raw("# END SOLUTION"))
        cells.append(_raw("# BEGIN TESTS"))
        cells.append(_code('""" # BEGIN TEST CONFIG\nhidden: true\n""" # END TEST CONFIG\n'
                           + _test(q, rebuild_id=True)))
        cells.append(_raw("# END TESTS"))
        cells.append(_raw("# END QUESTION"))
    return _notebook(cells)


def _text(nb: dict) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    outputs = {NBGRADER: _text(nbgrader_notebook()), OTTER: _text(otter_notebook())}
    if "--check" in argv:
        stale = [str(p) for p, t in outputs.items() if not p.exists() or p.read_text() != t]
        if stale:
            print("out of date (run python course/lecture4.py):", *stale, sep="\n  ")
            return 1
        return 0
    for path, text in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
