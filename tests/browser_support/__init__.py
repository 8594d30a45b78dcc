"""Shared helpers of the real-browser tests (Chromium, Jupyter servers, the view's DOM).

Not a conftest: ``tests/conftest.py`` puts ``tests/`` on ``sys.path`` and re-exports the
session fixtures of :mod:`browser_support.fixtures`; the test modules import the rest.
Nothing here imports Playwright at import time, so collecting other tests stays cheap.
"""
