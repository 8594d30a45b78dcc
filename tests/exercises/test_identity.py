"""The student id comes from the grader or the course, never from the notebook."""

from __future__ import annotations

import json

import pytest

import autodiff_viz as adv
from autodiff_viz.exercises import identity
from autodiff_viz.exercises.identity import NoStudentId, student_id


def test_gradescope_metadata_comes_first(tmp_path):
    meta = tmp_path / "submission_metadata.json"
    meta.write_text(json.dumps({"users": [{"name": "Kim", "sid": "2026-1234",
                                           "email": "kim@uni.example"}]}))
    got = student_id(environ={"ADV_STUDENT_ID": "typed"}, cwd="/srv/autograded/s9/hw",
                     metadata=meta)
    assert got == "2026-1234"
    meta.write_text(json.dumps({"users": [{"email": "kim@uni.example"}]}))
    assert student_id(environ={}, cwd="/tmp", metadata=meta) == "kim@uni.example"


@pytest.mark.parametrize("step", ["autograded", "submitted", "feedback"])
def test_nbgraders_student_folder_beats_the_environment(step):
    got = student_id(environ={"ADV_STUDENT_ID": "other"},
                     cwd=f"/srv/course/{step}/s017/lecture4", metadata=None)
    assert got == "s017"


def test_the_course_variable_then_the_hub_user():
    assert student_id(environ={"ADV_STUDENT_ID": "s1", "JUPYTERHUB_USER": "u1"}, cwd="/tmp",
                      metadata=None) == "s1"
    assert student_id(environ={"JUPYTERHUB_USER": "u1"}, cwd="/tmp", metadata=None) == "u1"


def test_nothing_known_is_a_clear_error_unless_a_default_is_given():
    with pytest.raises(NoStudentId, match="ADV_STUDENT_ID"):
        student_id(environ={}, cwd="/tmp", metadata=None)
    assert student_id("preview", environ={}, cwd="/tmp", metadata=None) == "preview"


def test_a_notebook_cell_editing_the_environment_changes_nothing(monkeypatch):
    before = student_id("none", cwd="/tmp", metadata=None)
    monkeypatch.setenv("ADV_STUDENT_ID", before + "-someone-else")
    assert student_id("none", cwd="/tmp", metadata=None) == before
    assert identity._ENV_AT_IMPORT.get("ADV_STUDENT_ID") != before + "-someone-else"


def test_the_variant_follows_the_id_not_the_notebooks_seed():
    mine = adv.exercises.gradient(seed=student_id(environ={"ADV_STUDENT_ID": "s003"},
                                                  cwd="/tmp", metadata=None))
    theirs = adv.exercises.gradient(seed="s001")
    assert mine.prompt != theirs.prompt
    assert not mine.check(f"{float(theirs.expected):.6g}").correct
