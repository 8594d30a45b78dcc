"""The committed view bundles match their sources in js/ (a stale bundle fails here)."""

from __future__ import annotations

import hashlib
import pathlib
import re
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
JS = ROOT / "js"
STATIC = ROOT / "autodiff_viz" / "render" / "static"
HEADER = re.compile(r"/\* autodiff_viz (\w+) bundle; sources sha256=([0-9a-f]{64}) \*/\n")


def source_hash() -> str:
    """The hash js/build.mjs writes: sorted paths of js/src/**, build.mjs, package-lock.json."""
    paths = sorted([p.relative_to(JS).as_posix() for p in (JS / "src").rglob("*") if p.is_file()]
                   + ["build.mjs", "package-lock.json"])
    h = hashlib.sha256()
    for p in paths:
        h.update(p.encode() + b"\n")
        h.update((JS / p).read_bytes())
        h.update(b"\n")
    return h.hexdigest()


@pytest.mark.parametrize("name", ["view", "graphviz"])
def test_bundle_header_matches_the_sources(name):
    text = (STATIC / f"{name}.js").read_text(encoding="utf-8")
    m = HEADER.match(text)
    assert m and m.group(1) == name, "the bundle has no autodiff_viz header: run 'make js'"
    assert m.group(2) == source_hash(), "js/ changed since the bundle was built: run 'make js'"


def test_view_bundle_is_small_and_can_sit_inside_a_script_element():
    view = (STATIC / "view.js").read_text(encoding="utf-8")
    assert len(view.encode()) <= 300_000
    assert "export default" in view or "export{" in view.replace(" ", "")
    for text in (view, (STATIC / "graphviz.js").read_text(encoding="utf-8")):
        assert "</script" not in text.lower() and "<!--" not in text


@pytest.mark.skipif(shutil.which("node") is None or not (JS / "node_modules").is_dir(),
                    reason="needs Node and js/node_modules (make js-deps)")
def test_rebuilding_gives_the_same_bytes(tmp_path):
    subprocess.run(["node", str(JS / "build.mjs"), str(tmp_path)], check=True,
                   capture_output=True, timeout=120)
    for name in ("view", "graphviz"):
        assert (tmp_path / f"{name}.js").read_bytes() == (STATIC / f"{name}.js").read_bytes(), \
            f"{name}.js differs from a fresh build: run 'make js' and commit the result"
