"""Binder: exact pins that agree with pyproject, no conda solve; and the conda route's file.

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
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = pathlib.Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
ROOT_ENV = ROOT / "environment.yml"
POSTBUILD = BINDER / "postBuild"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())

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


def _runtime() -> dict[str, SpecifierSet]:
    reqs = (Requirement(r) for r in PYPROJECT["project"]["dependencies"])
    return {canonicalize_name(r.name): r.specifier for r in reqs}


def _lines(path: pathlib.Path) -> list[str]:
    return [ln.split("#")[0].strip() for ln in path.read_text().splitlines()
            if ln.split("#")[0].strip()]


def _pins(text: str) -> dict[str, str]:
    pins = {}
    for line in (ln.split("#")[0].strip() for ln in text.splitlines()):
        if not line:
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([0-9][A-Za-z0-9_.+!\-]*)", line)
        assert m, (f"binder/requirements.txt: {line!r} is not an exact pin name==version "
                   "(a range or a local path would make Binder solve or miss its cache)")
        pins[canonicalize_name(m.group(1))] = m.group(2)
    return pins


def _unpinned(pins: dict[str, str]) -> list[str]:
    """pyproject runtime dependencies missing from ``pins`` or pinned outside their range."""
    bad = []
    for name, spec in _runtime().items():
        if name not in pins:
            bad.append(f"{name} is not pinned")
        elif not spec.contains(pins[name], prereleases=True):
            bad.append(f"{name}=={pins[name]} is outside pyproject's {name}{spec}")
    return bad


def test_binder_pins_every_runtime_dependency_within_pyproject_ranges():
    pins = _pins((BINDER / "requirements.txt").read_text())
    assert not _unpinned(pins), ("binder/requirements.txt disagrees with pyproject.toml "
                                 f"(run `make binder-lock`): {_unpinned(pins)}")


def test_pin_check_notices_a_missing_or_stale_pin():
    """The check above can fail: a dropped pin and a pin below pyproject's range are caught."""
    pins = _pins((BINDER / "requirements.txt").read_text())
    del pins["sympy"]
    pins["numpy"] = "1.20.0"
    assert sorted(_unpinned(pins)) == ["numpy==1.20.0 is outside pyproject's numpy>=1.24",
                                       "sympy is not pinned"]
    with pytest.raises(AssertionError, match="not an exact pin"):
        _pins("numpy>=1.24\n")


def test_binder_has_graphviz_a_python_version_and_no_conda_environment():
    assert _lines(BINDER / "apt.txt") == ["graphviz"]
    runtime = _lines(BINDER / "runtime.txt")
    assert len(runtime) == 1 and re.fullmatch(r"python-3\.\d+", runtime[0]), runtime
    version = runtime[0].removeprefix("python-")
    assert version in SpecifierSet(PYPROJECT["project"]["requires-python"])
    assert f"Programming Language :: Python :: {version}" in PYPROJECT["project"]["classifiers"]
    # an environment.yml in binder/ would make repo2docker solve a conda environment
    assert not (BINDER / "environment.yml").exists()


def test_postbuild_installs_the_package_and_is_executable():
    assert os.access(POSTBUILD, os.X_OK), "binder/postBuild must be executable (chmod +x)"
    lines = [ln.strip() for ln in POSTBUILD.read_text().splitlines()]
    assert lines[0].startswith("#!"), "postBuild needs a shebang line"
    assert "pip install --no-deps --no-cache-dir ." in lines


def test_conda_environment_matches_pyproject_runtime_dependencies():
    env = yaml.safe_load(ROOT_ENV.read_text())
    assert env.get("channels") == ["conda-forge"], "environment.yml: conda-forge only"
    conda, pip = {}, []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip.extend(dep.get("pip", []))
        else:
            name, version = _spec(dep)
            conda[name] = version
    assert pip == ["-e ."], "environment.yml should install the package with pip -e ."
    runtime = {PIP_TO_CONDA.get(n, n): v for n, v in
               (_spec(d) for d in PYPROJECT["project"]["dependencies"])}
    missing = {n: v for n, v in runtime.items() if conda.get(n) != v}
    assert not missing, f"environment.yml lacks or differs from pyproject on: {missing}"
    extra = set(conda) - set(runtime) - CONDA_ONLY
    assert not extra, f"environment.yml has dependencies pyproject lacks: {extra}"
    for needed in ("python", "graphviz", "jupyterlab"):
        assert needed in conda, f"environment.yml needs {needed}"


def test_lock_script_reproduces_the_pins_from_this_environment():
    """`make binder-lock` run here gives pins that also satisfy pyproject (and name them all)."""
    out = subprocess.run([sys.executable, str(BINDER / "lock.py")], capture_output=True,
                         text=True, timeout=60, check=True).stdout
    fresh = _pins(out)
    assert not _unpinned(fresh)
    committed = _pins((BINDER / "requirements.txt").read_text())
    assert set(fresh) == set(committed), ("binder/requirements.txt names other packages than "
                                          f"this environment needs: run `make binder-lock` "
                                          f"({sorted(set(fresh) ^ set(committed))})")


def _repo2docker(repo: pathlib.Path) -> str:
    exe = shutil.which("repo2docker", path=str(pathlib.Path(sys.executable).parent))
    if exe is None:
        pytest.skip("jupyter-repo2docker is not installed (pip install '.[test]')")
    proc = subprocess.run([exe, "--no-build", "--debug", str(repo)], capture_output=True,
                          text=True, timeout=120, cwd=repo)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    return out


def test_repo2docker_plan_pins_with_pip_and_installs_dot_without_a_solve():
    out = _repo2docker(ROOT)
    # repo2docker's own base environment comes from its explicit lock file (no solve) ...
    assert "/tmp/env/environment.lock" in out
    assert "mamba env update" not in out and "environment.yml" not in out
    # ... then Graphviz from Debian, then our pins, both before the repository is copied in,
    # so a new commit reuses those layers; postBuild installs the package itself.
    apt = out.index("apt-get install --yes --no-install-recommends graphviz")
    pip = out.index('pip install --no-cache-dir -r "binder/requirements.txt"')
    copy = out.index("COPY --chown=0:0 src/ ${REPO_DIR}/")
    post = out.index("RUN ./binder/postBuild")
    assert apt < pip < copy < post
    assert "Building conda environment for python=3.11" in out


def test_repo2docker_check_notices_a_conda_environment(tmp_path):
    """The plan check can fail: a binder/environment.yml brings back the conda solve."""
    shutil.copytree(BINDER, tmp_path / "binder")
    (tmp_path / "binder" / "environment.yml").write_text(
        "channels: [conda-forge]\ndependencies: [python=3.11, numpy]\n")
    out = _repo2docker(tmp_path)
    assert "environment.yml" in out
    assert 'pip install --no-cache-dir -r "binder/requirements.txt"' not in out


def _badge_labpath() -> str:
    readme = (ROOT / "README.md").read_text()
    links = re.findall(r"\]\((https://mybinder\.org/v2/gh/[^)]+)\)", readme)
    assert links, "README needs a Binder badge linking to mybinder.org"
    repo_path, _, query = links[0].partition("?")
    assert repo_path.endswith("/autodiff_viz/HEAD")
    assert query.startswith("labpath="), "the badge should use ?labpath= (JupyterLab)"
    return query.removeprefix("labpath=")


def test_readme_badge_opens_lecture_1_in_jupyterlab():
    notebook = _badge_labpath()
    assert notebook == "notebooks/01_backprop_by_hand.ipynb"
    assert (ROOT / notebook).exists()
    urls = PYPROJECT["project"]["urls"]
    assert urls["Binder"].endswith(f"?labpath={notebook}")


def test_make_lab_opens_the_notebook_the_badge_opens():
    """Local and Binder URLs agree: both serve the repo root and open the same path."""
    makefile = (ROOT / "Makefile").read_text()
    m = re.search(r"^LECTURE1\s*:=\s*(\S+)", makefile, re.M)
    assert m and m.group(1) == _badge_labpath()
    assert "--ServerApp.root_dir=" in makefile


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
