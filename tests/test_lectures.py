"""autodiff_viz.lectures and ``autodiff-viz notebooks DIR`` in this checkout (the installed
wheel is tested in tests/test_packaging.py)."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

from autodiff_viz.cli import main
from autodiff_viz.lectures import copy_lectures, lecture_files, lecture_root

ROOT = pathlib.Path(__file__).resolve().parents[1]
ON_DISK = sorted(p.relative_to(ROOT / "notebooks") for p in (ROOT / "notebooks").rglob("*.ipynb")
                 if ".ipynb_checkpoints" not in p.parts)


def test_a_checkout_reads_the_lectures_from_notebooks():
    assert lecture_root() == ROOT / "notebooks"
    assert lecture_files() == ON_DISK
    assert len([p for p in ON_DISK if p.parent == pathlib.Path(".")]) == 5


def test_copy_refuses_to_overwrite_and_names_every_clash(tmp_path):
    written = copy_lectures(tmp_path / "course")
    assert [p.relative_to(tmp_path / "course") for p in written] == ON_DISK
    edited = written[1]
    edited.write_text("my answers")
    with pytest.raises(FileExistsError, match="--force") as err:
        copy_lectures(tmp_path / "course")
    assert all(str(p) in str(err.value) for p in written)
    assert edited.read_text() == "my answers"          # nothing was written
    copy_lectures(tmp_path / "course", force=True)
    assert edited.read_bytes() == (ROOT / "notebooks" / ON_DISK[1]).read_bytes()


def test_cli_reports_a_file_in_the_way_as_a_usage_error(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("keep me")
    assert main(["notebooks", str(tmp_path / "notes.txt")]) == 2
    assert "is not a folder" in capsys.readouterr().err
    assert (tmp_path / "notes.txt").read_text() == "keep me"
    assert main(["notebooks", str(tmp_path / "c")]) == 0
    assert main(["notebooks", str(tmp_path / "c")]) == 2
    assert "add --force" in capsys.readouterr().err


def test_python_dash_m_is_the_cli(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "autodiff_viz", "notebooks", "--help"],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode == 0 and "--force" in proc.stdout
