"""Report how long the lecture notebooks took, in the terminal summary."""

from __future__ import annotations

import pytest

TIMES_KEY = pytest.StashKey[dict]()
TARGET_SECONDS = 60.0


def pytest_configure(config: pytest.Config) -> None:
    config.stash[TIMES_KEY] = {}


@pytest.fixture
def notebook_times(request: pytest.FixtureRequest) -> dict:
    """Notebook name -> (seconds it took to execute, (index, seconds) of its slowest cell or
    None), filled in by the execution test."""
    return request.config.stash[TIMES_KEY]


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    times = config.stash.get(TIMES_KEY, {})
    if not times:
        return
    terminalreporter.section("lecture notebooks")
    for name, (seconds, slowest) in sorted(times.items()):
        cell = f"   (slowest: cell {slowest[0]}, {slowest[1]:.1f} s)" if slowest else ""
        terminalreporter.write_line(f"{seconds:6.1f} s  {name}{cell}")
    total = sum(seconds for seconds, _ in times.values())
    verdict = "within" if total <= TARGET_SECONDS else "OVER"
    terminalreporter.write_line(f"{total:6.1f} s  total for {len(times)} notebooks "
                                f"({verdict} the {TARGET_SECONDS:.0f} s target)")
