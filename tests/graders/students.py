"""Three scripted students for the grader round trips, and what each must score.

Points per question come from course/lecture4.py; the expected totals are worked out by hand
below (the checker is not asked what is right: a right student types forms different from the
instructor's, a wrong one the classic slips of the course notes).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import autodiff_viz as adv

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "course"))
import lecture4  # noqa: E402  (the course's single source)

POINTS = {q.name: q.points for q in lecture4.QUESTIONS}


def own_answer(sid: str) -> str:
    """The right answer of a student's own variant (question 4), as a 6-figure decimal."""
    return f"{float(adv.exercises.gradient(seed=sid).expected):.6g}"


def students() -> dict[str, dict]:
    """sid -> {"answers": {q: text}, "seed_edit": str | None, "score": points expected}."""
    return {
        # equivalent forms, not the instructor's: a power for a root, a 4-figure decimal
        "s001": {"answers": {"q1": "b**(-1/2)/2", "q2": "(2*log(3))**(1/2)", "q3": "1.337",
                             "q4": own_answer("s001")},
                 "seed_edit": None, "score": 6},
        # q2: the notes' slip √(log 3); q3: the path b → c → f missed
        "s002": {"answers": {"q1": "1/(2*sqrt(b))", "q2": "sqrt(log(3))", "q3": "1",
                             "q4": own_answer("s002")},
                 "seed_edit": None, "score": POINTS["q1"] + POINTS["q4"]},
        # the ½ forgotten, too few figures, the wrong path; and the seed edited to s001's
        # variant with s001's right answer: graded on s003's own variant, so wrong
        "s003": {"answers": {"q1": "1/sqrt(b)", "q2": "1.5", "q3": "0.3373",
                             "q4": own_answer("s001")},
                 "seed_edit": "s001", "score": 0},
    }


def fill(notebook: dict, answers: dict[str, str], seed_edit: str | None,
         blank: str) -> dict:
    """The student's copy of ``notebook`` with ``answers`` typed into the answer cells (whose
    student version starts with ``blank.format(q=...)``), and the seed edited if asked."""
    nb = json.loads(json.dumps(notebook))
    typed = set()
    for cell in nb["cells"]:
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for q, text in answers.items():
            if src.startswith(blank.format(q=q)):
                cell["source"] = f"{q} = {text!r}"
                typed.add(q)
        if seed_edit and "me = adv.exercises.student_id(" in src:
            cell["source"] = src.replace('adv.exercises.student_id(default="preview")',
                                         repr(seed_edit))
    assert typed == set(answers), f"answer cells not found for {set(answers) - typed}"
    return nb


def solutions_texts() -> list[str]:
    """What must not appear in a student version: each instructor answer."""
    return [q.solution for q in lecture4.QUESTIONS]
