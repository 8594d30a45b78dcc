"""Real browser: JupyterLab + Debian Chromium driven by Playwright, on the worked example.

Starts JupyterLab on 127.0.0.1 (random port and token) serving a temporary copy of
``stepper_seed.ipynb``, opens it in Chromium, runs all cells, clicks Next until the backward
pass is done and checks that the page shows ∂f/∂x ≈ 0.8915 (the published value). Then it
shuts the kernel down and moves the slider with the keyboard: the title and frame must
still follow (jslinks, no kernel). Screenshots go to test-artifacts/ (and docs/stepper.png,
see the end of the test).
The server and the browser are stopped by PID in a ``finally``, also on failure.
"""

from __future__ import annotations

import json
import math
import os
import pathlib
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.dot]

CHROMIUM = "/usr/bin/chromium"
ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOK = pathlib.Path(__file__).with_name("stepper_seed.ipynb")
ARTIFACTS = ROOT / "test-artifacts"
DFDX = 1 / (3 * math.sqrt(2 * math.log(3))) + 2 / 3          # published: ≈ 0.891542
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _descendants(pid: int) -> list[int]:
    """PIDs of every process below ``pid`` (read from /proc; Linux only)."""
    children: dict[int, list[int]] = {}
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def _kill(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _wait_for_server(url: str, proc: subprocess.Popen, log: pathlib.Path,
                     timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {proc.returncode}:\n"
                               + log.read_text()[-3000:])
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"JupyterLab did not answer {url} within {timeout} s:\n"
                       + log.read_text()[-3000:])


@pytest.fixture(params=["lab", "notebook"])
def lab(request, tmp_path):
    """JupyterLab 4 or Notebook 7 on a free port with a random token; stopped by PID after."""
    front = request.param
    if front == "notebook":
        pytest.importorskip("notebook", minversion="7",
                            reason="Notebook 7 is not installed (pip install 'notebook>=7')")
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(NOTEBOOK, work / NOTEBOOK.name)
    port, token = _free_port(), secrets.token_hex(16)
    log = tmp_path / "lab.log"
    settings = tmp_path / "settings"
    for ext, name, value in (
            ("notebook-extension", "tracker", '{"autoStartDefaultKernel": true}'),
            ("apputils-extension", "notification", '{"fetchNews": "false", '
                                                   '"checkForUpdates": false}')):
        folder = settings / "@jupyterlab" / ext
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.jupyterlab-settings").write_text(value)
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
           "JUPYTER_DATA_DIR": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1"}
    app = "LabApp" if front == "lab" else "JupyterNotebookApp"
    cmd = [sys.executable, "-m", "jupyterlab" if front == "lab" else "notebook",
           "--allow-root", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           "--port-retries=0", f"--ServerApp.token={token}", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={work}", f"--{app}.workspaces_dir={tmp_path / 'ws'}",
           f"--{app}.user_settings_dir={settings}", "--ServerApp.open_browser=False"]
    if front == "lab":
        cmd += ["--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                "--LabApp.news_url=None"]
    base = f"http://127.0.0.1:{port}"
    page = (f"/lab/workspaces/advtest/tree/{NOTEBOOK.name}?reset&token={token}"
            if front == "lab" else f"/notebooks/{NOTEBOOK.name}?token={token}")
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env,
                                cwd=work, start_new_session=True)
    try:
        _wait_for_server(f"http://127.0.0.1:{port}/api/status?token={token}", proc, log)
        yield {"url": base, "page": base + page, "token": token, "log": log, "pid": proc.pid,
               "front": front}
    finally:
        below = _descendants(proc.pid)       # the kernel and its helpers
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        _kill(below)


@pytest.fixture
def browser():
    """Debian Chromium through Playwright; its processes are killed by PID afterwards."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: install the Debian 'chromium' package "
                    "(make test does it when run as root)")
    sync_api = pytest.importorskip("playwright.sync_api")
    before = set(_descendants(os.getpid()))
    pw = sync_api.sync_playwright().start()
    b = None
    try:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000)
        yield b
    finally:
        ours = [p for p in _descendants(os.getpid()) if p not in before]
        try:
            if b is not None:
                b.close()
            pw.stop()
        finally:
            _kill([p for p in ours if pathlib.Path(f"/proc/{p}").exists()])


def _shut_down_kernels(lab: dict) -> None:
    """Stop every kernel of the server through its REST API (the page stays open)."""
    auth = {"Authorization": f"token {lab['token']}"}
    req = urllib.request.Request(f"{lab['url']}/api/kernels", headers=auth)
    with urllib.request.urlopen(req, timeout=10) as r:
        kernels = json.loads(r.read())
    assert kernels, "no kernel was running"
    for k in kernels:
        req = urllib.request.Request(f"{lab['url']}/api/kernels/{k['id']}", headers=auth,
                                     method="DELETE")
        urllib.request.urlopen(req, timeout=10).close()


def _run_all_cells(page) -> None:
    dialog = page.locator(".jp-Dialog .jp-mod-accept", has_text="Select")
    try:  # JupyterLab may still ask which kernel to start
        dialog.click(timeout=5_000)
    except Exception:  # noqa: BLE001 - no dialog: fine
        pass
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()


def test_stepper_in_jupyterlab(lab, browser):
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(60_000)
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    url = lab["page"]
    shot = ARTIFACTS / f"stepper_backward_{lab['front']}.png"
    failed = f"stepper_failure_{lab['front']}"
    try:
        page.goto(url, wait_until="domcontentloaded")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
        # wait for the kernel to be idle before running
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle'], "
                               "[data-status='idle']", timeout=90_000, state="attached")
        _run_all_cells(page)
        stepper = page.locator(".adv-stepper").first
        stepper.wait_for(timeout=120_000)
        title = stepper.locator(".adv-title").first
        assert title.inner_text().startswith("Forward pass — step 1 of 4")

        # click Next until the backward pass is done (each click goes through the kernel)
        next_button = stepper.locator(".adv-next").first
        for _ in range(30):
            text = title.inner_text()
            if text.startswith("Backward pass") and " of " in text and \
                    text.split(" of ")[1].split(":")[0] == text.split("step ")[1].split(" ")[0]:
                break
            next_button.click()
            # the stack draws a new title element per step: re-query it until it changes
            sync_api.expect(title).not_to_have_text(text, timeout=30_000)
        final = title.inner_text()
        assert final.startswith("Backward pass — step 6 of 6"), final
        assert "∂f/∂x" in final

        frame = stepper.locator(".adv-frame svg").first
        svg_text = frame.text_content()
        shown = f"{DFDX:.4f}"                      # 0.8915
        assert shown in svg_text and "∂f/∂x" in svg_text, svg_text[-500:]
        explanation = stepper.locator(".adv-explanation").first
        assert explanation.is_visible()
        page_text = page.locator("body").inner_text()
        assert "∂f/∂x" in page_text
        stepper.screenshot(path=str(shot))

        # the slider drives the frames in the browser alone: stop the kernel, then move it
        _shut_down_kernels(lab)
        page.wait_for_timeout(1500)
        handle = stepper.locator(".adv-slider .noUi-handle").first
        track = stepper.locator(".adv-slider .noUi-target").first.bounding_box()
        hb = handle.bounding_box()
        y = hb["y"] + hb["height"] / 2
        page.mouse.move(hb["x"] + hb["width"] / 2, y)     # drag the handle to the far left
        page.mouse.down()
        page.mouse.move(track["x"] + 1, y, steps=8)
        page.mouse.up()
        sync_api.expect(title).to_have_text(re.compile("^Forward pass — step 1 of 4"),
                                            timeout=10_000)
    except Exception:
        page.screenshot(path=str(ARTIFACTS / f"{failed}.png"), full_page=True)
        (ARTIFACTS / f"{failed}_console.txt").write_text("\n".join(console))
        (ARTIFACTS / f"{failed}_server.log").write_text(lab["log"].read_text())
        raise
    finally:
        page.close()
    # the README's picture: written when missing, or refreshed with ADV_UPDATE_SCREENSHOT=1
    # (so that an ordinary test run leaves the work tree clean)
    docs = ROOT / "docs" / "stepper.png"
    if lab["front"] == "lab" and docs.parent.is_dir() and (
            not docs.exists() or os.environ.get("ADV_UPDATE_SCREENSHOT") == "1"):
        shutil.copy(shot, docs)
