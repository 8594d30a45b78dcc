"""Build the JupyterLite course site: the lectures and this package's wheel, no server.

    python lite/build.py [--output DIR] [--pyodide DIR_OR_TARBALL] [--wheel WHEEL] [--stage DIR]
    make lite                                       (the same, into lite/_output)

Steps: build the wheel (unless ``--wheel`` gives one); copy every ``notebooks/**/*.ipynb``
into a staging folder with one cell added at the top that installs the package in the
browser's Python (``%pip install`` is piplite there, and the site's own index holds the
wheel); then ``jupyter lite build`` with the Pyodide kernel. ``lite/jupyter-lite.json``
holds the kernel settings. Pyodide itself is loaded from its CDN unless ``--pyodide`` names a
local copy (see docs/deploy.md).
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

LITE = Path(__file__).resolve().parent
ROOT = LITE.parent
NOTEBOOKS = ROOT / "notebooks"
STAGE = LITE / "_build"

#: The cell put first in each lecture's Lite copy (the repository's notebooks stay as they are).
INSTALL_CELL = """\
# JupyterLite only (Python runs in your browser): install autodiff_viz from this site first.
%pip install -q autodiff_viz"""
INSTALL_TAG = "lite-install"


def build_wheel(out: Path) -> Path:
    """Build this package's wheel into ``out`` (no build isolation: no download needed)."""
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation",
                    "--outdir", str(out), str(ROOT)], check=True)
    (wheel,) = out.glob("autodiff_viz-*.whl")
    return wheel


def lite_notebook(source: Path) -> dict:
    """The notebook as the Lite site serves it: the install cell first, then the lecture."""
    nb = json.loads(source.read_text(encoding="utf-8"))
    cell = {"cell_type": "code", "execution_count": None, "id": "lite-install",
            "metadata": {"tags": [INSTALL_TAG]}, "outputs": [], "source": INSTALL_CELL}
    if nb.get("nbformat", 4) == 4 and nb.get("nbformat_minor", 0) < 5:
        del cell["id"]
    nb = copy.deepcopy(nb)
    nb["cells"].insert(0, cell)
    # the site has one Python kernel, Pyodide's: point every lecture at it
    nb.setdefault("metadata", {})["kernelspec"] = {
        "name": "python", "display_name": "Python (Pyodide)", "language": "python"}
    return nb


def stage_contents(dest: Path) -> list[Path]:
    """Write the Lite copies of every lecture under ``dest``; return their paths."""
    shutil.rmtree(dest, ignore_errors=True)
    written = []
    for src in sorted(NOTEBOOKS.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in src.parts:
            continue
        target = dest / "notebooks" / src.relative_to(NOTEBOOKS)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(lite_notebook(src), indent=1, ensure_ascii=False) + "\n",
                          encoding="utf-8")
        written.append(target)
    return written


def npm_pyodide(stage: Path) -> Path:
    """Pyodide's core from the npm registry, as a tarball ``jupyter lite build`` accepts.

    The npm package ``pyodide`` (the version the kernel expects) holds the interpreter,
    the standard library and ``pyodide-lock.json``, but none of the packages the lock lists
    (micropip, numpy, sympy …): those still come from the CDN (docs/deploy.md).
    """
    from jupyterlite_pyodide_kernel.constants import PYODIDE_VERSION

    work = stage / "npm-pyodide"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    subprocess.run(["npm", "pack", "--silent", f"pyodide@{PYODIDE_VERSION}"], cwd=work,
                   check=True, stdout=subprocess.DEVNULL)
    (tgz,) = work.glob("pyodide-*.tgz")
    with tarfile.open(tgz) as tf:
        tf.extractall(work, filter="data")
    # the kernel's addon wants a tarball whose top folder is pyodide/
    (work / "package").rename(work / "pyodide")
    out = work / f"pyodide-{PYODIDE_VERSION}-npm.tar.bz2"
    with tarfile.open(out, "w:bz2") as tf:
        tf.add(work / "pyodide", arcname="pyodide")
    return out


def build_site(output: Path, wheel: Path, pyodide: str | None = None,
               stage: Path = STAGE) -> None:
    """Run ``jupyter lite build`` on the staged lectures and the wheel."""
    contents = stage / "contents"
    stage_contents(contents)
    exe = Path(sys.executable).parent / "jupyter-lite"
    cmd = [str(exe if exe.exists() else "jupyter-lite"), "build",
           "--lite-dir", str(LITE), "--output-dir", str(output),
           "--contents", str(contents), "--piplite-wheels", str(wheel)]
    if pyodide == "npm":
        pyodide = str(npm_pyodide(stage))
    if pyodide:
        cmd += ["--pyodide", str(Path(pyodide).resolve())]
    # doit's state file goes to the lite dir; start clean so a stale one cannot skip steps
    for state in LITE.glob(".jupyterlite.doit.db*"):
        state.unlink()
    subprocess.run(cmd, check=True, cwd=LITE)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--output", default=str(LITE / "_output"), help="site folder")
    p.add_argument("--wheel", help="use this autodiff_viz wheel instead of building one")
    p.add_argument("--stage", default=str(STAGE), help="scratch folder (wheel, contents)")
    p.add_argument("--pyodide", help="a local Pyodide distribution (tarball) to ship in the "
                   "site instead of loading it from the CDN; 'npm' packs Pyodide's core from "
                   "the npm registry (its packages still come from the CDN)")
    args = p.parse_args(argv)
    stage = Path(args.stage).resolve()
    wheel = Path(args.wheel) if args.wheel else build_wheel(stage / "wheel")
    output = Path(args.output).resolve()
    shutil.rmtree(output, ignore_errors=True)
    build_site(output, wheel.resolve(), args.pyodide, stage)
    print(f"JupyterLite site in {output}: serve it with "
          f"`python -m http.server -d {output}` and open /lab/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
