"""The lecture notebooks: committed without outputs, and each runs top to bottom headless.

The English lectures are ``notebooks/*.ipynb``; translated editions live in one folder per
language (``notebooks/ko/``), each lecture named like the English one it follows. Each
notebook is executed with nbclient on the ``python3`` kernel (the venv's, installed by
``make``), in a scratch directory so nothing is written into the repository. The time each
took, and the total, is printed in the terminal summary (target: 60 s for all of them).
"""

from __future__ import annotations

import ast
import datetime
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
#: Translated editions: folder -> lectures it must hold (each one named like an English lecture).
EDITIONS = {"ko": ["01_backprop_by_hand.ipynb", "02_forward_mode_and_paths.ipynb"]}
#: Every notebook the tests run, as paths relative to notebooks/.
NOTEBOOKS = LECTURES + [f"{lang}/{name}" for lang, names in EDITIONS.items() for name in names]
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


@pytest.mark.parametrize("lang", sorted(EDITIONS))
def test_each_edition_holds_its_lectures_named_like_the_english_ones(lang):
    found = sorted(p.name for p in (NOTEBOOK_DIR / lang).glob("*.ipynb"))
    assert found == sorted(EDITIONS[lang]), f"notebooks/{lang}/ should hold {EDITIONS[lang]}"
    assert set(found) <= set(LECTURES)


def test_no_notebook_escapes_the_tests():
    found = sorted(str(p.relative_to(NOTEBOOK_DIR)) for p in NOTEBOOK_DIR.rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts)
    assert found == sorted(NOTEBOOKS)


@pytest.mark.parametrize("name", NOTEBOOKS)
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


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_prose_has_no_hand_typed_results(name):
    nb = _read(name)
    hits = [(k, m.group()) for k, cell in enumerate(nb.cells) if cell.cell_type == "markdown"
            for m in _HAND_TYPED.finditer(cell.source)]
    assert not hits, f"{name}: numbers typed into markdown cells (compute them): {hits}"


@pytest.mark.parametrize("name", NOTEBOOKS)
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
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_top_to_bottom(name, tmp_path, notebook_times, monkeypatch):
    nb = _read(name)
    # The lectures' arrays are small; on a shared 2-core machine extra BLAS threads only
    # fight other processes (the kernel inherits this environment).
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.setenv(var, "1")
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
        notebook_times[name] = (time.perf_counter() - start, _slowest_cell(nb))
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors


def _slowest_cell(nb: nbformat.NotebookNode) -> tuple[int, float] | None:
    """(index, seconds) of the code cell that took longest (nbclient's timing metadata)."""
    best = None
    for k, cell in enumerate(nb.cells):
        t = cell.get("metadata", {}).get("execution", {})
        if cell.cell_type == "code" and "iopub.execute_input" in t and "shell.execute_reply" in t:
            seconds = (_when(t["shell.execute_reply"]) - _when(t["iopub.execute_input"]))
            if best is None or seconds.total_seconds() > best[1]:
                best = (k, seconds.total_seconds())
    return best


def _when(stamp: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _print_loops(source: str) -> list[int]:
    """Lines of ``for`` loops that call ``print`` (content a student scrolls through)."""
    tree = ast.parse("\n".join(line for line in source.splitlines()
                               if not line.lstrip().startswith(("%", "!"))))
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.For | ast.While)
            and any(isinstance(c, ast.Call) and getattr(c.func, "id", None) == "print"
                    for c in ast.walk(node))]


def test_the_print_loop_check_can_fail():
    assert _print_loops("for k in range(3):\n    print(k)") == [1]
    assert _print_loops("%matplotlib inline\nrows = [k for k in range(3)]\nprint(rows)") == []


@pytest.mark.parametrize("name", [n for n in NOTEBOOKS if not n.endswith("04_exercises.ipynb")])
def test_lecture_shows_tables_and_figures_not_print_loops(name):
    nb = _read(name)
    loops = [(k, _print_loops(c.source)) for k, c in enumerate(nb.cells)
             if c.cell_type == "code" and _print_loops(c.source)]
    assert not loops, f"{name}: cells print in a loop (use a table or a figure): {loops}"


@pytest.mark.parametrize("name", [n for n in NOTEBOOKS if not n.endswith("04_exercises.ipynb")])
def test_lecture_ends_with_auto_checked_questions(name):
    nb = _read(name)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    asks = [k for k, src in enumerate(code) if "adv.exercises." in src]
    assert 2 <= len(asks) <= 3, f"{name}: {len(asks)} questions (want 2-3 exercise cells)"
    assert asks[0] >= len(code) - 8, f"{name}: the questions should close the lecture"
    assert all(code[k].rstrip().endswith("\nex") for k in asks), \
        f"{name}: each question cell should end with `ex` (shows the question)"


_HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.mark.parametrize("name", [n for n in NOTEBOOKS if n.startswith("ko/")])
def test_korean_edition_is_written_in_korean(name):
    nb = _read(name)
    prose = "".join(c.source for c in nb.cells if c.cell_type == "markdown")
    letters = re.findall(r"[A-Za-z\uac00-\ud7a3]", re.sub(r"\$[^$]*\$", "", prose))
    share = len(_HANGUL.findall("".join(letters))) / max(1, len(letters))
    assert share > 0.5, f"{name}: only {share:.0%} of the prose's letters are Hangul"
    steppers = [c.source for c in nb.cells if c.cell_type == "code" and "adv.Stepper(" in c.source]
    assert steppers and all('lang="ko"' in s for s in steppers), \
        f"{name}: every Stepper should say lang=\"ko\""


#: Widest matplotlib figure (inches) that fits the notebook column at JupyterLab's default
#: 100 dpi with the file browser open at 1366 px (about 900 px of output).
MAX_FIGURE_INCHES = 8.0
_FIGSIZE = re.compile(r"figsize\s*=\s*\(\s*([\d.]+)\s*,")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_matplotlib_figures_fit_the_column(name):
    nb = _read(name)
    wide = [(k, float(m.group(1))) for k, c in enumerate(nb.cells) if c.cell_type == "code"
            for m in _FIGSIZE.finditer(c.source) if float(m.group(1)) > MAX_FIGURE_INCHES]
    assert not wide, f"{name}: figures wider than {MAX_FIGURE_INCHES} in: {wide}"
