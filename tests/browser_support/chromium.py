"""Debian Chromium through Playwright (sync API), stopped and then killed by PID."""

from __future__ import annotations

import contextlib
import os
import pathlib
import shutil
import tempfile
import time
from collections.abc import Iterator

import pytest

from .procs import alive, descendants, kill

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-dev-shm-usage", "--window-size=1366,768"]
#: Every page of the browser tests is this size (a common laptop screen).
VIEWPORT = {"width": 1366, "height": 768}
ROOT = pathlib.Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


def _using(marker: str) -> list[int]:
    """PIDs whose command line contains ``marker`` (a unique temporary path)."""
    out = []
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    out.append(int(entry.name))
            except OSError:
                pass
    return out


@contextlib.contextmanager
def chromium() -> Iterator:
    """A Playwright Browser on Debian Chromium; skips the test when either is missing.

    Afterwards every process it started is gone: those below this process (killed by PID),
    and Chromium's crash handlers, which detach from the process tree: they get a config
    folder of their own (``XDG_CONFIG_HOME``), which names them on their command line.
    """
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: install the Debian 'chromium' package "
                    "(make test does it when run as root)")
    sync_api = pytest.importorskip("playwright.sync_api")
    before = set(descendants(os.getpid()))
    config = tempfile.mkdtemp(prefix="adv-chromium-")
    pw = sync_api.sync_playwright().start()
    browser = None
    launched: list[int] = []
    try:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=60_000,
                                     env={**os.environ, "XDG_CONFIG_HOME": config})
        launched = [p for p in descendants(os.getpid()) if p not in before]  # driver, Chromium
        yield browser
    finally:
        # only Playwright's driver and Chromium's tree: servers that tests started meanwhile
        # (also below this process) are not ours to stop
        if not launched:   # the launch failed: whatever it left
            launched = [p for p in descendants(os.getpid()) if p not in before]
        ours = sorted({*launched, *(d for p in launched for d in descendants(p))})
        try:
            if browser is not None:
                browser.close()
            pw.stop()
        finally:
            kill(alive(ours))
            deadline = time.monotonic() + 3
            while alive(_using(config)) and time.monotonic() < deadline:
                time.sleep(0.1)     # the crash handlers exit once the browser has gone
            kill(alive(_using(config)))
            shutil.rmtree(config, ignore_errors=True)


def new_page(browser, timeout_ms: int = 30_000):
    """A page at 1366×768 in its own context, which records console errors and page errors
    in ``page.adv_errors``."""
    page = browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(timeout_ms)
    errors: list[str] = []
    log: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.on("console", lambda m: log.append(f"{m.type}: {m.text}"))
    page.adv_errors, page.adv_console = errors, log
    return page


def save_failure(page, name: str, extra: dict[str, str] | None = None) -> None:
    """Screenshot and console of a failed test, in test-artifacts/ (best effort)."""
    ARTIFACTS.mkdir(exist_ok=True)
    with contextlib.suppress(Exception):
        page.screenshot(path=str(ARTIFACTS / f"{name}_failure.png"), full_page=True)
    text = "\n".join([*getattr(page, "adv_errors", []), *getattr(page, "adv_console", [])])
    (ARTIFACTS / f"{name}_failure_console.txt").write_text(text)
    for suffix, content in (extra or {}).items():
        (ARTIFACTS / f"{name}_failure_{suffix}").write_text(content)
