"""otter-grader round trip: otter assign the course's master notebook → three scripted
students → otter grades each (its Python API, as `otter run` does) → scores."""

from __future__ import annotations

import glob
import json
import os

import pytest

from .students import ROOT, fill, lecture4, students

pytest.importorskip("otter")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    from otter.api import grade_submission
    from otter.assign import main as assign

    root = tmp_path_factory.mktemp("otter")
    master = root / "lecture4.ipynb"
    # the committed master runs its tests on the solutions when assigned; here the right
    # student's full score checks the same, so that run is skipped to keep make test short
    text = (ROOT / "course" / "otter" / "lecture4.ipynb").read_text()
    assert "run_tests: true" in text
    master.write_text(text.replace("run_tests: true", "run_tests: false"))
    old_cwd, old_id = os.getcwd(), os.environ.get("ADV_STUDENT_ID")
    os.chdir(root)
    try:
        # the instructor's own run of the solutions (tests checked there too) needs an id
        os.environ["ADV_STUDENT_ID"] = "preview"
        assign(str(master), str(root / "dist"), no_pdfs=True)
        student = json.loads((root / "dist" / "student" / "lecture4.ipynb").read_text())
        zips = glob.glob(str(root / "dist" / "autograder" / "*.zip"))
        assert len(zips) == 1
        results = {}
        for sid, who in students().items():
            nb = fill(student, who["answers"], who["seed_edit"], blank="{q} = ...")
            path = root / f"{sid}.ipynb"
            path.write_text(json.dumps(nb))
            os.environ["ADV_STUDENT_ID"] = sid  # what the course's grading setup supplies
            results[sid] = grade_submission(str(path), zips[0], quiet=True)
        yield student, results
    finally:
        os.chdir(old_cwd)
        if old_id is None:
            os.environ.pop("ADV_STUDENT_ID", None)
        else:
            os.environ["ADV_STUDENT_ID"] = old_id


def test_the_student_version_holds_no_solution(graded):
    student, _ = graded
    text = json.dumps(student)
    for q in lecture4.QUESTIONS:
        assert q.solution not in text
    assert "# SOLUTION" not in text and "BEGIN TESTS" not in text


@pytest.mark.parametrize("sid", sorted(students()))
def test_scores_are_the_hand_worked_ones(graded, sid):
    _, results = graded
    res = results[sid]
    assert res.possible == sum(q.points for q in lecture4.QUESTIONS)
    assert res.total == students()[sid]["score"], (sid, res.to_dict())
