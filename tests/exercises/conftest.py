"""Each test starts with an empty answer memory (a kernel restores typed answers on re-runs)."""

import pytest

from autodiff_viz.exercises import memory


@pytest.fixture(autouse=True)
def _fresh_memory():
    memory.forget()
    yield
    memory.forget()
