"""The lecture notebooks that come with the package, and copying them out.

A wheel carries them as package data (``autodiff_viz/lectures/``, put there at build time by
``setup.py``); a checkout or an editable install reads ``notebooks/`` next to the package.

>>> [p.name for p in lecture_files()][:1]
['01_backprop_by_hand.ipynb']
"""

from __future__ import annotations

import shutil
from pathlib import Path

__all__ = ["lecture_root", "lecture_files", "copy_lectures"]

_PACKAGED = Path(__file__).resolve().parent / "lectures"
_CHECKOUT = Path(__file__).resolve().parents[1] / "notebooks"


def lecture_root() -> Path:
    """The folder the lectures are read from (packaged copy first, then the checkout's).

    Raises:
        FileNotFoundError: neither exists (a wheel built without the build step).
    """
    for folder in (_PACKAGED, _CHECKOUT):
        if any(folder.glob("*.ipynb")):
            return folder
    raise FileNotFoundError(f"the lecture notebooks are missing: neither {_PACKAGED} nor "
                            f"{_CHECKOUT} holds any; reinstall autodiff_viz from a wheel or "
                            "a checkout")


def lecture_files() -> list[Path]:
    """Every lecture notebook, relative to :func:`lecture_root` (``ko/…`` for translations)."""
    root = lecture_root()
    return [p.relative_to(root) for p in sorted(root.rglob("*.ipynb"))
            if ".ipynb_checkpoints" not in p.parts]


def copy_lectures(dest: str | Path, force: bool = False) -> list[Path]:
    """Copy the lectures into ``dest`` (created if needed); return the files written.

    Nothing is written unless every target is free: an existing file is only replaced with
    ``force=True``, so a student's edited notebook is never lost by accident.

    Raises:
        FileExistsError: some targets exist and ``force`` is false (all of them are named).
        NotADirectoryError: ``dest`` exists and is not a folder.
    """
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise NotADirectoryError(f"{dest} exists and is not a folder: choose another DIR")
    root, names = lecture_root(), lecture_files()
    clash = [str(dest / n) for n in names if (dest / n).exists()]
    if clash and not force:
        raise FileExistsError(f"{len(clash)} file(s) would be overwritten: {', '.join(clash)}; "
                              "add --force to replace them (your edits in them are lost)")
    written = []
    for name in names:
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / name, dest / name)
        written.append(dest / name)
    return written
