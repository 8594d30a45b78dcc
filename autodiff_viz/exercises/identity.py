"""Whose notebook is this? The student id a personal variant is seeded with.

Variants must be bound to an identity the student cannot choose, so the id comes from the
environment the notebook runs in, never from a value typed in the notebook. In order:

1. Gradescope / otter-grader: the submission metadata (``/autograder/submission_metadata.json``,
   its first user's ``sid``, else ``email``).
2. nbgrader: the student folder the notebook is graded in
   (``.../autograded/<student>/<assignment>/`` or ``submitted/``, ``feedback/``).
3. The course's own setting: the ``ADV_STUDENT_ID`` environment variable (e.g. set by the
   JupyterHub spawner), as it was when this module was first imported.
4. JupyterHub: ``JUPYTERHUB_USER``.

The autograder rebuilds each variant from the same id, so a student who edits the seed in
their notebook is still graded on the variant of their real id.

>>> student_id(environ={"ADV_STUDENT_ID": "s042"}, cwd="/home/s042", metadata=None)
's042'
>>> student_id(environ={}, cwd="/srv/course/autograded/s017/lecture4", metadata=None)
's017'
>>> student_id(environ={}, cwd="/tmp", metadata=None, default="preview")
'preview'
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

__all__ = ["student_id", "NoStudentId", "GRADESCOPE_METADATA", "ENV_VAR"]

GRADESCOPE_METADATA = Path("/autograder/submission_metadata.json")
ENV_VAR = "ADV_STUDENT_ID"
_NBGRADER_STEPS = ("autograded", "submitted", "feedback")
# read once: a notebook cell that edits os.environ later does not change the id
_ENV_AT_IMPORT = {k: os.environ[k] for k in (ENV_VAR, "JUPYTERHUB_USER") if k in os.environ}


class NoStudentId(LookupError):
    """No grader, course setting or hub says whose notebook this is."""


def _from_metadata(path: Path | None) -> str | None:
    if path is None or not path.is_file():
        return None
    try:
        users = json.loads(path.read_text()).get("users") or []
    except (OSError, ValueError, AttributeError):
        return None
    for user in users:
        for key in ("sid", "email"):
            if isinstance(user, dict) and user.get(key):
                return str(user[key])
    return None


def _from_nbgrader(cwd: str | os.PathLike) -> str | None:
    parts = Path(cwd).resolve().parts if not isinstance(cwd, str) else Path(cwd).parts
    for k in range(len(parts) - 2, 0, -1):
        if parts[k - 1] in _NBGRADER_STEPS:
            return parts[k]
    return None


def student_id(default: str | None = None, *, environ: Mapping[str, str] | None = None,
               cwd: str | os.PathLike | None = None,
               metadata: Path | None = GRADESCOPE_METADATA) -> str:
    """The id of the student this notebook belongs to (see the module docs for the order).

    Args:
        default: returned when nothing says (e.g. ``"preview"`` for the instructor's own
            run); without it, :class:`NoStudentId` is raised.
        environ, cwd, metadata: where to look (for tests; default: this process).

    Raises:
        NoStudentId: no id found and no ``default``.
    """
    env = _ENV_AT_IMPORT if environ is None else environ
    found = (_from_metadata(metadata)
             or _from_nbgrader(os.getcwd() if cwd is None else cwd)
             or env.get(ENV_VAR) or env.get("JUPYTERHUB_USER"))
    if found:
        return found
    if default is not None:
        return default
    raise NoStudentId(f"no student id: grade with nbgrader or otter/Gradescope, or have the "
                      f"course set the {ENV_VAR} environment variable (or run on JupyterHub)")
