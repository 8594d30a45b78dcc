"""The package as a user gets it: build the sdist and the wheel, check what is in them,
install the wheel into a fresh venv and run the CLI and the copied lecture 1 there.

The fresh venv installs only the wheel (``--no-deps``); its dependencies are seen through a
``.pth`` line naming this test venv's site-packages, so nothing is downloaded. The test checks
that ``autodiff_viz`` itself is imported from the wheel, not from this checkout.
"""

from __future__ import annotations

import email.parser
import json
import math
import os
import pathlib
import re
import subprocess
import sys
import sysconfig
import tarfile
import venv
import zipfile

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from build_support import build_dists  # noqa: E402

LECTURES = sorted(p.relative_to(ROOT / "notebooks").as_posix()
                  for p in (ROOT / "notebooks").rglob("*.ipynb")
                  if ".ipynb_checkpoints" not in p.parts)
# f = sqrt(log(x)*y) + log(x)*y at x=3, y=2, from its exact form (DESIGN.md's worked example)
SEED_VALUE = math.sqrt(2 * math.log(3)) + 2 * math.log(3)

pytestmark = pytest.mark.slow


def _git_files(under: str) -> list[str]:
    out = subprocess.run(["git", "ls-files", under], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        pytest.skip("not a git checkout")
    return [f for f in out.stdout.splitlines() if (ROOT / f).exists()]


@pytest.fixture(scope="module")
def dists(tmp_path_factory) -> dict[str, pathlib.Path]:
    """The sdist, and the wheel built from that sdist."""
    return build_dists(tmp_path_factory.getbasetemp() / "dist")


def _metadata(dists) -> email.message.Message:
    with zipfile.ZipFile(dists["wheel"]) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        return email.parser.Parser().parsestr(zf.read(name).decode())


def test_wheel_has_the_license_the_lectures_and_the_view_bundles(dists):
    with zipfile.ZipFile(dists["wheel"]) as zf:
        names = set(zf.namelist())
    assert any(re.fullmatch(r"autodiff_viz-[^/]+\.dist-info/licenses/LICENSE", n)
               for n in names), "LICENSE is not in the wheel"
    shipped = sorted(n.removeprefix("autodiff_viz/lectures/") for n in names
                     if n.startswith("autodiff_viz/lectures/"))
    assert shipped == LECTURES, "the wheel's lectures differ from notebooks/"
    assert {"autodiff_viz/render/static/view.js", "autodiff_viz/render/static/graphviz.js",
            "autodiff_viz/__main__.py"} <= names
    assert not any(n.startswith(("tests/", "notebooks/")) for n in names)


def test_wheel_metadata_says_what_the_package_is(dists):
    meta = _metadata(dists)
    assert meta["License-Expression"] == "MIT"
    classifiers = meta.get_all("Classifier")
    for needed in ("Framework :: Jupyter", "Topic :: Education",
                   *(f"Programming Language :: Python :: 3.{v}" for v in range(10, 14))):
        assert needed in classifiers, needed
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL"))
    assert {"Homepage", "Source", "Issues", "Binder"} <= set(urls)
    assert "jupyter" in meta["Keywords"] and "automatic differentiation" in meta["Keywords"]
    # PyPI shows the README: every image in it must be an absolute URL
    images = re.findall(r"!\[[^\]]*\]\(([^)\s]+)", meta.get_payload())
    assert images and all(i.startswith("https://") for i in images), images


def test_every_link_names_the_same_github_repository():
    """README, pyproject URLs and the docs point at one OWNER/NAME (a placeholder to edit)."""
    hosts = (r"github\.com/", r"mybinder\.org/v2/gh/", r"raw\.githubusercontent\.com/",
             r"colab\.research\.google\.com/github/")
    found = set()
    for name in ("README.md", "pyproject.toml", "docs/deploy.md"):
        text = (ROOT / name).read_text()
        for host in hosts:
            found |= {m for m in re.findall(host + r"([\w.-]+/[\w.-]+)", text)
                      if not m.startswith("OWNER/")}
    repos = {r for r in found if r.split("/")[1] in ("autodiff_viz", "autodiff-viz")}
    assert len(repos) == 1, f"links name several repositories: {sorted(repos)}"


def test_sdist_has_tests_binder_lectures_and_the_build_step(dists):
    with tarfile.open(dists["sdist"]) as tf:
        top = tf.getnames()[0].split("/")[0]
        names = {n.removeprefix(top + "/") for n in tf.getnames()}
    wanted = set(_git_files("tests") + _git_files("binder") + _git_files("notebooks")
                 + _git_files("lite") + _git_files("autodiff_viz"))
    wanted |= {"LICENSE", "README.md", "setup.py", "pyproject.toml", "MANIFEST.in", "Makefile"}
    assert {f"notebooks/{n}" for n in LECTURES} <= wanted
    missing = sorted(wanted - names)
    assert not missing, f"the sdist lacks {missing}"
    ignored = subprocess.run(["git", "ls-files", "--others", "--ignored", "--exclude-standard"],
                             cwd=ROOT, capture_output=True, text=True).stdout.splitlines()
    junk = sorted(n for n in names & set(ignored) if ".egg-info/" not in n)  # metadata: wanted
    assert not junk, f"the sdist carries build output or caches git ignores: {junk[:10]}"
    assert not any("__pycache__" in n or "node_modules" in n for n in names)


@pytest.fixture(scope="module")
def wheel_venv(dists, tmp_path_factory) -> pathlib.Path:
    """A fresh venv with only the wheel installed (dependencies seen through a .pth line)."""
    home = tmp_path_factory.mktemp("wheelvenv")
    env_dir = home / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q",
                    "--no-deps", "--no-index", str(dists["wheel"])], check=True, timeout=300)
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # appended after the venv's own site-packages: the wheel's autodiff_viz comes first, and
    # this checkout's editable install (a finder registered by its own .pth) is not loaded
    (pathlib.Path(site) / "zz_test_deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return env_dir


def _run(env_dir: pathlib.Path, *args: str, cwd: pathlib.Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=300,
                          cwd=cwd, env={**os.environ, "PYTHONSAFEPATH": "1"})


def test_installed_wheel_runs_the_cli(wheel_venv, tmp_path):
    bin_dir = wheel_venv / "bin"
    where = _run(wheel_venv, bin_dir / "python", "-c",
                 "import autodiff_viz, autodiff_viz.lectures as L; "
                 "print(autodiff_viz.__file__); print(L.lecture_root())", cwd=tmp_path)
    assert where.returncode == 0, where.stderr
    module, lectures = where.stdout.split()
    assert pathlib.Path(module).is_relative_to(wheel_venv), f"imported {module}, not the wheel"
    assert pathlib.Path(lectures).is_relative_to(wheel_venv), lectures

    grad = _run(wheel_venv, bin_dir / "autodiff-viz", "grad", "sqrt(log(x)*y) + log(x)*y",
                "--at", "x=3,y=2", "--json", cwd=tmp_path)
    assert grad.returncode == 0, grad.stderr
    assert json.loads(grad.stdout)["value"] == pytest.approx(SEED_VALUE, abs=1e-12)

    help_ = _run(wheel_venv, bin_dir / "python", "-m", "autodiff_viz", "--help", cwd=tmp_path)
    assert help_.returncode == 0 and "notebooks" in help_.stdout and "grad" in help_.stdout


def test_notebooks_command_copies_the_lectures_and_keeps_edits(wheel_venv, tmp_path):
    exe = wheel_venv / "bin" / "autodiff-viz"
    first = _run(wheel_venv, exe, "notebooks", "course", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    course = tmp_path / "course"
    copied = sorted(p.relative_to(course).as_posix() for p in course.rglob("*.ipynb"))
    assert copied == LECTURES
    for name in LECTURES:
        assert (course / name).read_bytes() == (ROOT / "notebooks" / name).read_bytes()

    edited = course / LECTURES[0]
    edited.write_text("my notes")
    again = _run(wheel_venv, exe, "notebooks", "course", cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr
    assert edited.read_text() == "my notes", "an edited notebook was overwritten"
    forced = _run(wheel_venv, exe, "notebooks", "course", "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert edited.read_bytes() == (ROOT / "notebooks" / LECTURES[0]).read_bytes()


@pytest.mark.notebooks
@pytest.mark.dot
def test_copied_lecture_1_runs_on_the_installed_wheel(wheel_venv, tmp_path, monkeypatch):
    exe = wheel_venv / "bin" / "autodiff-viz"
    assert _run(wheel_venv, exe, "notebooks", "course", cwd=tmp_path).returncode == 0
    # a kernel that runs the wheel venv's Python, found through JUPYTER_PATH
    spec_dir = tmp_path / "jupyter" / "kernels" / "adv-wheel"
    spec_dir.mkdir(parents=True)
    check = ("import autodiff_viz, pathlib; "
             f"assert pathlib.Path(autodiff_viz.__file__).is_relative_to({str(wheel_venv)!r})")
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [str(wheel_venv / "bin" / "python"), "-m", "ipykernel_launcher",
                 "-f", "{connection_file}"],
        "display_name": "autodiff_viz wheel", "language": "python",
        "env": {"PYTHONSAFEPATH": "1"}}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    nb = nbformat.read(tmp_path / "course" / "01_backprop_by_hand.ipynb", as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(check))
    client = NotebookClient(nb, timeout=120, kernel_name="adv-wheel",
                            resources={"metadata": {"path": str(tmp_path / "course")}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors, errors[0]
