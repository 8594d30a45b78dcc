"""Binder and conda: binder/ is complete on its own and agrees with environment.yml and pyproject.

repo2docker is run with ``--no-build``: it prints the Dockerfile it would build, which needs
no docker engine and takes well under a second.
"""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest
import yaml

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = pathlib.Path(__file__).resolve().parents[1]
BINDER_ENV = ROOT / "binder" / "environment.yml"
ROOT_ENV = ROOT / "environment.yml"
POSTBUILD = ROOT / "binder" / "postBuild"

# pip distribution name -> conda-forge package name, where they differ
PIP_TO_CONDA = {"graphviz": "python-graphviz"}
# conda packages with no pip runtime counterpart: the interpreter, Graphviz's `dot` binary,
# JupyterLab (a pip extra, `lab`) and pip itself
CONDA_ONLY = {"python", "graphviz", "jupyterlab", "pip"}


def _spec(text: str) -> tuple[str, str]:
    """Split ``"numpy>=1.24"`` into ``("numpy", ">=1.24")`` (conda ``=`` pins kept as is)."""
    m = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*", text)
    assert m, f"cannot read dependency {text!r}"
    return m.group(1).lower(), m.group(2).replace(" ", "")


def _conda_deps(path: pathlib.Path) -> tuple[dict[str, str], list]:
    env = yaml.safe_load(path.read_text())
    assert env.get("channels") == ["conda-forge"], f"{path.name}: use the conda-forge channel only"
    conda, pip = {}, []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip.extend(dep.get("pip", []))
        else:
            name, version = _spec(dep)
            conda[name] = version
    return conda, pip


def _pyproject_runtime() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return dict(_spec(d) for d in data["project"]["dependencies"])


def test_binder_and_root_environment_have_the_same_conda_dependencies():
    binder, binder_pip = _conda_deps(BINDER_ENV)
    root, root_pip = _conda_deps(ROOT_ENV)
    root.pop("pip", None)
    assert binder == root
    assert binder_pip == [], "binder/postBuild installs the package; no pip section on Binder"
    assert root_pip == ["-e ."], "environment.yml should install the package with pip -e ."


def test_conda_environment_matches_pyproject_runtime_dependencies():
    conda, _ = _conda_deps(BINDER_ENV)
    runtime = {PIP_TO_CONDA.get(name, name): version
               for name, version in _pyproject_runtime().items()}
    missing = {n: v for n, v in runtime.items() if conda.get(n) != v}
    assert not missing, (f"pyproject runtime dependencies missing or with another version in "
                         f"binder/environment.yml: {missing}")
    extra = set(conda) - set(runtime) - CONDA_ONLY
    assert not extra, f"binder/environment.yml has dependencies pyproject lacks: {extra}"
    for needed in ("python", "graphviz", "jupyterlab"):
        assert needed in conda, f"binder/environment.yml needs {needed}"


def test_postbuild_installs_the_package_and_is_executable():
    assert os.access(POSTBUILD, os.X_OK), "binder/postBuild must be executable (chmod +x)"
    lines = [ln.strip() for ln in POSTBUILD.read_text().splitlines()]
    assert lines[0].startswith("#!"), "postBuild needs a shebang line"
    assert "pip install --no-deps ." in lines


def _repo2docker(repo: pathlib.Path) -> str:
    exe = shutil.which("repo2docker", path=str(pathlib.Path(sys.executable).parent))
    if exe is None:
        pytest.skip("jupyter-repo2docker is not installed (pip install '.[test]')")
    proc = subprocess.run([exe, "--no-build", "--debug", str(repo)], capture_output=True,
                          text=True, timeout=120, cwd=repo)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    return out


def test_repo2docker_uses_binder_environment_and_postbuild():
    out = _repo2docker(ROOT)
    assert "Building conda environment" in out
    assert '--file "binder/environment.yml"' in out
    assert "RUN ./binder/postBuild" in out
    # binder/ wins: the root environment.yml must not be what repo2docker installs
    assert '--file "environment.yml"' not in out


def test_repo2docker_check_notices_a_missing_postbuild(tmp_path):
    """The assertions above can fail: a binder/ without postBuild is reported as such."""
    (tmp_path / "binder").mkdir()
    shutil.copy(BINDER_ENV, tmp_path / "binder" / "environment.yml")
    out = _repo2docker(tmp_path)
    assert '--file "binder/environment.yml"' in out
    assert "binder/postBuild" not in out


def test_readme_badge_opens_lecture_1_in_jupyterlab():
    readme = (ROOT / "README.md").read_text()
    links = re.findall(r"\]\((https://mybinder\.org/v2/gh/[^)]+)\)", readme)
    assert links, "README needs a Binder badge linking to mybinder.org"
    repo_path, _, query = links[0].partition("?")
    assert repo_path.endswith("/autodiff_viz/HEAD")
    assert query.startswith("urlpath=lab/tree/"), "the badge should open JupyterLab"
    notebook = query.removeprefix("urlpath=lab/tree/")
    assert notebook == "notebooks/01_backprop_by_hand.ipynb"
    assert (ROOT / notebook).exists()


def test_readme_gives_the_two_local_commands_and_the_conda_route():
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    for target in ("lab", "test"):
        assert f"make {target}" in readme
        assert re.search(rf"^{target}:", makefile, re.M), f"Makefile has no {target} target"
    assert "conda env create -f environment.yml" in readme
    assert "docs/stepper.png" in readme


@pytest.mark.dot
def test_readme_python_examples_run(tmp_path, monkeypatch):
    """The quick start in the README is real code: run its python blocks in order."""
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert len(blocks) >= 2
    monkeypatch.chdir(tmp_path)             # export_html writes walk.html here
    scope: dict = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), scope)  # noqa: S102 - our own README
    run, ex = scope["run"], scope["ex"]
    assert (scope["step"].phase, scope["step"].node) == ("backward", "b")
    assert run.value == pytest.approx(3.679528, abs=1e-6)     # the published example
    assert run.grad["x"] == pytest.approx(0.891542, abs=1e-6)
    assert (tmp_path / "walk.html").exists()
    assert not ex.check("0.6667").correct and scope["fb"].correct
