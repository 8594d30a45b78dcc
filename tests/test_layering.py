"""Nothing imports upward: core < symbolic < render < widgets < exercises (api/cli on top)."""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

import pytest

PKG = pathlib.Path(__file__).resolve().parents[1] / "autodiff_viz"
LAYERS = ["core", "symbolic", "render", "widgets", "exercises"]
THIRD_PARTY = {"core": {"sympy", "graphviz", "ipywidgets", "matplotlib", "IPython"},
               "symbolic": {"graphviz", "ipywidgets"},
               "render": {"ipywidgets"}}


def _imports(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    rel_pkg = path.relative_to(PKG.parent).with_suffix("").parts
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(rel_pkg[: len(rel_pkg) - node.level])
                mod = ".".join(base + ([node.module] if node.module else []))
                if not node.module:
                    found.update(f"{mod}.{a.name}" for a in node.names)
                else:
                    found.add(mod)
            elif node.module:
                found.add(node.module)
    return found


@pytest.mark.parametrize("layer", LAYERS)
def test_no_upward_imports(layer):
    above = LAYERS[LAYERS.index(layer) + 1:]
    bad = []
    for path in sorted((PKG / layer).rglob("*.py")):
        for mod in _imports(path):
            parts = mod.split(".")
            if parts[0] == "autodiff_viz" and len(parts) > 1:
                if parts[1] in above or parts[1] in ("api", "cli"):
                    bad.append(f"{path.relative_to(PKG)} imports {mod}")
            if parts[0] in THIRD_PARTY.get(layer, ()):
                bad.append(f"{path.relative_to(PKG)} imports {mod}")
    assert not bad, "upward imports:\n" + "\n".join(bad)


def test_core_import_loads_no_heavy_modules():
    code = ("import sys, autodiff_viz.core, autodiff_viz; "
            "print(sorted(m for m in ('sympy', 'graphviz', 'ipywidgets') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_the_checker_sees_a_violation(tmp_path):
    bad = PKG / "core" / "_tmp_layer_probe.py"
    bad.write_text("from ..render import draw\n")
    try:
        assert any("render" in m for m in _imports(bad))
    finally:
        bad.unlink()
