"""The lecture notebooks: committed without outputs, and each runs top to bottom headless.

Each notebook is executed with nbclient on the ``python3`` kernel (the venv's, installed by
``make``), in a scratch directory so nothing is written into the repository. The time each
took, and the total, is printed in the terminal summary (target: 60 s for all of them).
"""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import sys
import time

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
LECTURES = [
    "01_backprop_by_hand.ipynb",
    "02_forward_mode_and_paths.ipynb",
    "03_mlp_and_jacobians.ipynb",
    "04_exercises.ipynb",
    "05_differentiability.ipynb",
]
CELL_TIMEOUT = 120  # seconds; a stuck cell fails the test instead of hanging it


def _read(name: str) -> nbformat.NotebookNode:
    path = NOTEBOOK_DIR / name
    if not path.exists():
        pytest.fail(f"notebooks/{name} is missing")
    return nbformat.read(path, as_version=4)


def _stripped_problems(nb: nbformat.NotebookNode) -> list[str]:
    problems = []
    for k, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"cell {k} has outputs")
        if cell.get("execution_count") is not None:
            problems.append(f"cell {k} has execution_count {cell.execution_count}")
    return problems


def test_exactly_the_five_lectures_are_there():
    found = sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb"))
    assert found == LECTURES


@pytest.mark.parametrize("name", LECTURES)
def test_committed_without_outputs(name):
    nb = _read(name)
    nbformat.validate(nb)
    problems = _stripped_problems(nb)
    assert not problems, (f"{name}: {'; '.join(problems)}. Clear them before committing "
                          f"(jupyter nbconvert --clear-output --inplace notebooks/{name})")


def test_the_output_check_can_fail():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    assert _stripped_problems(nb) == []
    nb.cells[0].execution_count = 1
    nb.cells[0].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"})]
    assert _stripped_problems(nb) == ["cell 0 has outputs", "cell 0 has execution_count 1"]


# A decimal with four or more digits in prose was almost certainly computed somewhere and
# typed in by hand; the lectures print such numbers from code instead.
_HAND_TYPED = re.compile(r"(?<![\w.])\d+\.\d{4,}")


@pytest.mark.parametrize("name", LECTURES)
def test_prose_has_no_hand_typed_results(name):
    nb = _read(name)
    hits = [(k, m.group()) for k, cell in enumerate(nb.cells) if cell.cell_type == "markdown"
            for m in _HAND_TYPED.finditer(cell.source)]
    assert not hits, f"{name}: numbers typed into markdown cells (compute them): {hits}"


@pytest.mark.parametrize("name", LECTURES)
def test_lecture_reads_like_a_lecture(name):
    nb = _read(name)
    kinds = [cell.cell_type for cell in nb.cells]
    assert kinds[0] == "markdown" and nb.cells[0].source.startswith("# "), \
        f"{name} should open with a markdown title"
    assert kinds.count("markdown") >= 5 and kinds.count("code") >= 5
    assert all(cell.source.strip() for cell in nb.cells), f"{name} has an empty cell"
    long_cells = [k for k, c in enumerate(nb.cells) if c.cell_type == "code"
                  and len(c.source.splitlines()) > 25]
    assert not long_cells, f"{name}: code cells {long_cells} are long; one idea per cell"


@pytest.mark.notebooks
@pytest.mark.dot
@pytest.mark.parametrize("name", LECTURES)
def test_notebook_runs_top_to_bottom(name, tmp_path, notebook_times):
    nb = _read(name)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    spec = client.kernel_manager_class(kernel_name="python3").kernel_spec
    kernel_python = shutil.which(spec.argv[0]) or spec.argv[0]
    # compare without resolving symlinks: a venv's python links to the system interpreter
    assert os.path.abspath(kernel_python) == os.path.abspath(sys.executable), (
        f"kernel 'python3' runs {spec.argv[0]}, not this venv's Python ({sys.executable}); "
        "`make test` installs the venv's kernel (python -m ipykernel install --sys-prefix)")
    start = time.perf_counter()
    try:
        client.execute()
    finally:
        notebook_times[name] = time.perf_counter() - start
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors
