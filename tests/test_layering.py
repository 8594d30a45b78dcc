"""Nothing imports upward. Each package may import only the ones listed (api/cli sit on top):

    core ──> exact ──> render ──> widgets ──> exercises
      └────> grading ─────────────────────────┘
"""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

import pytest

PKG = pathlib.Path(__file__).resolve().parents[1] / "autodiff_viz"
ALLOWED = {"core": set(), "exact": {"core"}, "grading": {"core"},
           "render": {"core", "exact"}, "widgets": {"core", "exact", "render"},
           "exercises": {"core", "exact", "grading", "render", "widgets"}}
OURS = {*ALLOWED, "api", "cli", "training", "lectures", "plots"}
THIRD_PARTY = {"core": {"sympy", "graphviz", "ipywidgets", "matplotlib", "IPython"},
               "exact": {"graphviz", "ipywidgets"}, "grading": {"graphviz", "ipywidgets"},
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


def test_every_package_is_listed():
    packages = {p.name for p in PKG.iterdir() if (p / "__init__.py").exists()}
    assert packages == set(ALLOWED), "add the new package to ALLOWED with what it may import"


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_no_upward_imports(layer):
    bad = []
    for path in sorted((PKG / layer).rglob("*.py")):
        for mod in _imports(path):
            parts = mod.split(".")
            if (parts[0] == "autodiff_viz" and len(parts) > 1 and parts[1] in OURS
                    and parts[1] != layer and parts[1] not in ALLOWED[layer]):
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
