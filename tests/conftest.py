"""Shared fixtures: the course's worked example and markers for real components."""

from __future__ import annotations

import math
import os
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import settings

import autodiff_viz as adv

# Random-graph tests (tests/core/test_random_graphs.py) run a few thousand examples; run
# `pytest --hypothesis-profile=thorough` (or set HYPOTHESIS_PROFILE=thorough) for 20x more.
settings.register_profile("thorough", deadline=None)
if os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])

SEED_PROGRAM = """a = log(x)
b = a*y
c = sqrt(b)
f = c + b"""
SEED_EXPRESSION = "sqrt(log(x)*y) + log(x)*y"
SEED_AT = {"x": 3, "y": 2}

# The published worked example (DESIGN.md), written from the exact forms.
SEED_VALUE = math.sqrt(2 * math.log(3)) + 2 * math.log(3)          # ≈ 3.679528
SEED_DFDX = 1 / (3 * math.sqrt(2 * math.log(3))) + 2 / 3           # ≈ 0.891542
SEED_DFDY = math.sqrt(math.log(3) / 8) + math.log(3)                # ≈ 1.469188


@pytest.fixture
def seed_graph():
    return adv.graph(SEED_PROGRAM)


@pytest.fixture
def seed_run(seed_graph):
    return seed_graph.evaluate(**SEED_AT)


def pytest_collection_modifyitems(config, items):
    """Tests marked ``dot`` need Graphviz; ``make test`` installs it, so they run in CI."""
    if shutil.which("dot") is None:
        skip = pytest.mark.skip(reason="Graphviz 'dot' not installed (make test installs it)")
        for item in items:
            if "dot" in item.keywords:
                item.add_marker(skip)


# Browser tests: shared helpers live in tests/browser_support/ (a plain package, imported as
# ``browser_support``); its fixtures (one server per front end for the session, Chromium per
# module) are re-exported here so every browser test module reuses them.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser_support.fixtures import browser, lab_server, notebook_server  # noqa: E402,F401
