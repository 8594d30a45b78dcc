"""The JupyterLite course site (``make lite``): build it and check what a browser would get.

Pyodide itself is not fetched here (only PyPI, npm and Debian are reachable; see
docs/deploy.md), so the site is checked up to that point: the wheel and its index, the
kernel settings, the widget extensions, the lectures with their install cell. The lecture's
Lite copy is also run in CPython under the conditions Pyodide imposes: no ``dot`` and no
``multiprocessing``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import pathlib
import subprocess
import sys
import zipfile

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
LECTURES = sorted(p.relative_to(NOTEBOOKS).as_posix() for p in NOTEBOOKS.rglob("*.ipynb")
                  if ".ipynb_checkpoints" not in p.parts)
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"

sys.path.insert(0, str(ROOT / "lite"))
import build as lite_build  # noqa: E402  (lite/build.py)

sys.path.insert(0, str(ROOT / "tests"))
from browser_support.nodot import path_without_graphviz  # noqa: E402
from build_support import build_dists  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> pathlib.Path:
    for mod in ("jupyterlite_core", "jupyterlite_pyodide_kernel", "build"):
        if importlib.util.find_spec(mod) is None:
            pytest.skip(f"{mod} is not installed (pip install -e '.[lite]')")
    tmp = tmp_path_factory.mktemp("lite")
    wheel = build_dists(tmp_path_factory.getbasetemp() / "dist")["wheel"]  # the tested wheel
    proc = subprocess.run([sys.executable, str(ROOT / "lite" / "build.py"), "--wheel", str(wheel),
                           "--output", str(tmp / "site"), "--stage", str(tmp / "stage")],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    return tmp / "site"


def _config(site: pathlib.Path) -> dict:
    return json.loads((site / "jupyter-lite.json").read_text())["jupyter-config-data"]


def test_site_ships_the_wheel_in_its_piplite_index(site):
    (wheel,) = (site / "pypi").glob("autodiff_viz-*.whl")
    index = json.loads((site / "pypi" / "all.json").read_text())
    (release,) = [files for name, entry in index.items() if name == "autodiff-viz"
                  or name == "autodiff_viz" for files in entry["releases"].values()]
    assert release[0]["filename"] == wheel.name
    assert release[0]["digests"]["sha256"] == hashlib.sha256(wheel.read_bytes()).hexdigest()
    with zipfile.ZipFile(wheel) as zf:
        shipped = sorted(n.removeprefix("autodiff_viz/lectures/") for n in zf.namelist()
                         if n.startswith("autodiff_viz/lectures/"))
        assert shipped == LECTURES
        assert "autodiff_viz/render/static/graphviz.js" in zf.namelist()  # WASM layout


def test_kernel_settings_point_piplite_at_the_sites_index(site):
    settings = _config(site)["litePluginSettings"][KERNEL_PLUGIN]
    urls = [u.split("?")[0] for u in settings["pipliteUrls"]]
    assert "./pypi/all.json" in urls
    for url in urls:
        assert (site / url).exists(), f"{url} is listed but not in the site"
    assert settings["disablePyPIFallback"] is False  # dependencies not in Pyodide: from PyPI


def test_site_has_the_pyodide_kernel_and_the_widget_front_ends(site):
    names = {e["name"] for e in _config(site)["federated_extensions"]}
    assert {"@jupyterlite/pyodide-kernel-extension", "@jupyter-widgets/jupyterlab-manager",
            "anywidget"} <= names
    for name in names:
        assert (site / "extensions" / name / "package.json").exists(), name
    assert _config(site)["defaultKernelName"] == "python"


def test_lectures_are_there_with_the_install_cell_first(site):
    listing = json.loads((site / "api" / "contents" / "notebooks" / "all.json").read_text())
    listed = {item["name"] for item in listing["content"]}
    assert {n for n in LECTURES if "/" not in n} <= listed
    for name in LECTURES:
        served = nbformat.read(site / "files" / "notebooks" / name, as_version=4)
        nbformat.validate(served)
        original = nbformat.read(NOTEBOOKS / name, as_version=4)
        first = served.cells[0]
        assert first.cell_type == "code" and "%pip install -q autodiff_viz" in first.source
        assert [c.source for c in served.cells[1:]] == [c.source for c in original.cells]
        assert served.metadata.kernelspec.name == "python"  # the Pyodide kernel's name


def _pyodide_like_copy(tmp_path: pathlib.Path) -> nbformat.NotebookNode:
    """Lecture 1's Lite copy with its %pip cell replaced by what Pyodide lacks."""
    lite = lite_build.lite_notebook(NOTEBOOKS / "01_backprop_by_hand.ipynb")
    nb = nbformat.reads(json.dumps(lite), as_version=4)
    assert lite_build.INSTALL_TAG in nb.cells[0].metadata["tags"]
    nb.cells[0] = nbformat.v4.new_code_cell(
        "import sys, shutil\n"
        "sys.modules['multiprocessing'] = None   # Pyodide has no processes\n"
        "assert shutil.which('dot') is None      # nor Graphviz's dot")
    nb.metadata.kernelspec = {"name": "adv-pyodide-like", "display_name": "x",
                              "language": "python"}
    spec = tmp_path / "jupyter" / "kernels" / "adv-pyodide-like"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "no dot", "language": "python",
        "env": {"PATH": path_without_graphviz()}}))
    return nb


@pytest.mark.notebooks
def test_lite_copy_of_lecture_1_runs_without_dot_and_multiprocessing(tmp_path, monkeypatch):
    nb = _pyodide_like_copy(tmp_path)
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    client = NotebookClient(nb, timeout=120, kernel_name="adv-pyodide-like",
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()


@pytest.mark.notebooks
def test_lite_copy_of_lecture_1_runs_without_dot(tmp_path, monkeypatch):
    """The drawing half of the Pyodide conditions: no dot, so the view lays out in WASM."""
    nb = _pyodide_like_copy(tmp_path)
    nb.cells[0].source = "import shutil\nassert shutil.which('dot') is None"
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    client = NotebookClient(nb, timeout=120, kernel_name="adv-pyodide-like",
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    views = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
             if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert views, "lecture 1 shows no Stepper view"
