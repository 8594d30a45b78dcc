"""nbgrader round trip: generate the student version of course/nbgrader → three scripted
students submit → autograde → the gradebook's scores are the hand-worked ones."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from .students import ROOT, fill, lecture4, students

pytest.importorskip("nbgrader")

ASSIGNMENT = "lecture4"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("nbgrader")
    shutil.copytree(ROOT / "course" / "nbgrader", root, dirs_exist_ok=True)
    old_path, old_cwd = os.environ.get("PATH", ""), os.getcwd()
    # nbgrader runs its database migrations with the `alembic` script of this environment
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + old_path
    os.chdir(root)
    try:
        from nbgrader.apps import NbGraderAPI
        from traitlets.config.loader import PyFileConfigLoader

        config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
        config.CourseDirectory.root = str(root)
        api = NbGraderAPI(config=config)
        made = api.generate_assignment(ASSIGNMENT)
        assert made["success"], made.get("error") or made.get("log")
        release = json.loads((root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
                             .read_text())
        scores = {}
        for sid, who in students().items():
            folder = root / "submitted" / sid / ASSIGNMENT
            folder.mkdir(parents=True)
            nb = fill(release, who["answers"], who["seed_edit"], blank='{q} = ""')
            (folder / f"{ASSIGNMENT}.ipynb").write_text(json.dumps(nb))
            done = api.autograde(ASSIGNMENT, sid)
            assert done["success"], done.get("error") or done.get("log")
        from nbgrader.api import Gradebook

        with Gradebook(api.coursedir.db_url) as gb:
            for sid in students():
                sub = gb.find_submission(ASSIGNMENT, sid)
                scores[sid] = (sub.score, sub.max_score)
        yield root, release, scores
    finally:
        os.chdir(old_cwd)
        os.environ["PATH"] = old_path


def test_the_student_version_holds_no_solution(course):
    _, release, _ = course
    text = json.dumps(release)
    for solution in lecture4.QUESTIONS:
        assert solution.solution not in text and "BEGIN SOLUTION" not in text


@pytest.mark.parametrize("sid", sorted(students()))
def test_scores_are_the_hand_worked_ones(course, sid):
    _, _, scores = course
    score, possible = scores[sid]
    assert possible == sum(q.points for q in lecture4.QUESTIONS)
    assert score == students()[sid]["score"], (sid, score)


def test_the_committed_versions_match_the_single_source():
    assert lecture4.main(["--check"]) == 0
