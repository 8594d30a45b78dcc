"""Local copies of what an nbconvert HTML export loads from CDNs to show widgets.

``HTMLExporter`` writes ``<script src=".../require.min.js">`` (cdnjs) and a loader of
``https://unpkg.com/@jupyter-widgets/html-manager@*/dist/embed-amd.js``; html-manager then
asks require.js for each custom widget's module, and on failure loads it from
``https://cdn.jsdelivr.net/npm/NAME@VERSION/dist/index.js`` (for the Stepper:
``anywidget@~0.11.*``). The browser tests serve these URLs from npm packages fetched with
``npm pack`` (the exact versions below, cached in test-artifacts/widget-js/), and abort
every other request.
"""

from __future__ import annotations

import importlib.metadata
import pathlib
import re
import shutil
import subprocess
import tarfile
import tempfile

import pytest

from .chromium import ARTIFACTS
from .offline import Rule


def packages() -> dict[str, str]:
    """npm name -> exact version. anywidget's front end matches the Python anywidget."""
    return {"@jupyter-widgets/html-manager": "1.0.15",
            "anywidget": importlib.metadata.version("anywidget"),
            "requirejs": "2.1.10"}   # nbconvert's default require_js_url is 2.1.10 too


CACHE = ARTIFACTS / "widget-js"


def fetch() -> dict[str, pathlib.Path]:
    """npm name -> the folder of its unpacked package (``npm pack`` when not cached)."""
    out, missing = {}, []
    for name, version in packages().items():
        folder = CACHE / f"{name.replace('/', '__')}@{version}"
        out[name] = folder
        if not (folder / "package.json").is_file():
            missing.append((name, version, folder))
    if not missing:
        return out
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is needed to fetch @jupyter-widgets/html-manager and anywidget "
                    "for the offline widget export")
    with tempfile.TemporaryDirectory() as tmp:
        specs = [f"{n}@{v}" for n, v, _ in missing]
        proc = subprocess.run([npm, "pack", "--silent", "--pack-destination", tmp, *specs],
                              capture_output=True, text=True, timeout=300, check=False)
        if proc.returncode != 0:
            pytest.skip(f"npm pack {' '.join(specs)} failed: {proc.stderr[-1500:]}")
        tarballs = [tmp + "/" + line.strip() for line in proc.stdout.splitlines()
                    if line.strip().endswith(".tgz")]
        if len(tarballs) != len(missing):
            pytest.skip(f"npm pack {' '.join(specs)} printed {proc.stdout!r}")
        for (_name, _version, folder), tgz in zip(missing, tarballs, strict=True):
            part = folder.with_name(folder.name + ".part")
            shutil.rmtree(part, ignore_errors=True)
            with tarfile.open(tgz) as tar:
                tar.extractall(part, filter="data")
            shutil.rmtree(folder, ignore_errors=True)
            (part / "package").rename(folder)
            shutil.rmtree(part, ignore_errors=True)
    return out


def rules() -> list[Rule]:
    """Route rules serving the CDN URLs of an nbconvert export from the local packages."""
    pkg = fetch()
    manager = pkg["@jupyter-widgets/html-manager"] / "dist"
    anywidget = pkg["anywidget"] / "dist"
    require = pkg["requirejs"] / "require.js"
    return [
        (re.compile(r"/require(?:\.min)?\.js(?:\?.*)?$"), lambda m: require),
        (re.compile(r"/@jupyter-widgets/html-manager@[^/]*/dist/([\w.-]+)(?:\?.*)?$"),
         lambda m: manager / m.group(1)),
        (re.compile(r"/anywidget@[^/]*/dist/([\w.-]+?)(?:\.js)?(?:\?.*)?$"),
         lambda m: anywidget / f"{m.group(1)}.js"),
    ]
