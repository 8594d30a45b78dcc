"""Report how long the lecture notebooks took, in the terminal summary."""

from __future__ import annotations

import pytest

TIMES_KEY = pytest.StashKey[dict]()
TARGET_SECONDS = 60.0


def pytest_configure(config: pytest.Config) -> None:
    config.stash[TIMES_KEY] = {}


@pytest.fixture
def notebook_times(request: pytest.FixtureRequest) -> dict:
    """Notebook name -> seconds it took to execute (filled in by the execution test)."""
    return request.config.stash[TIMES_KEY]


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    times = config.stash.get(TIMES_KEY, {})
    if not times:
        return
    terminalreporter.section("lecture notebooks")
    for name, seconds in sorted(times.items()):
        terminalreporter.write_line(f"{seconds:6.1f} s  {name}")
    total = sum(times.values())
    verdict = "within" if total <= TARGET_SECONDS else "OVER"
    terminalreporter.write_line(f"{total:6.1f} s  total for {len(times)} notebooks "
                                f"({verdict} the {TARGET_SECONDS:.0f} s target)")
