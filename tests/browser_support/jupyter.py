"""A real JupyterLab 4 or Notebook 7 server on 127.0.0.1 (free port, random token).

The server runs in its own session; ``stop()`` terminates it and SIGKILLs every process that
was below it (kernels and their helpers), by PID. Its settings turn off news and update
checks, start the notebook's kernel without asking and render every cell (no windowing).
"""

from __future__ import annotations

import contextlib
import json
import os
import pathlib
import secrets
import subprocess
import sys
import time
import urllib.request

from .procs import alive, descendants, free_port, kill

_SETTINGS = {
    ("notebook-extension", "tracker"): {"autoStartDefaultKernel": True,
                                        "windowingMode": "none"},
    ("apputils-extension", "notification"): {"fetchNews": "false", "checkForUpdates": False},
}


# The grader packages of the test extras (nbgrader; jupytext, from otter-grader) add server
# and JupyterLab extensions that slow the page and change its menus: the browser tests look
# at a plain JupyterLab, as a student without them sees it.
_OFF_SERVER = ("nbgrader.server_extensions.formgrader",
               "nbgrader.server_extensions.validate_assignment",
               "nbgrader.server_extensions.assignment_list",
               "nbgrader.server_extensions.course_list", "jupyterlab_jupytext")
_OFF_LAB = ("@jupyter/nbgrader", "jupyterlab-jupytext", "ipylab")


def _plain_lab(config: pathlib.Path) -> None:
    (config / "labconfig").mkdir(parents=True, exist_ok=True)
    (config / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {name: True for name in _OFF_LAB}}))
    (config / "jupyter_server_config.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": {name: False for name in _OFF_SERVER}}}))


class JupyterServer:
    """``front``: ``"lab"`` (JupyterLab 4) or ``"notebook"`` (Notebook 7)."""

    def __init__(self, front: str, home: pathlib.Path,
                 kernels: dict[str, dict[str, str]] | None = None) -> None:
        self.front, self.home = front, home
        self.work = home / "work"
        self.work.mkdir(parents=True, exist_ok=True)
        self.log = home / "server.log"
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.kernels = kernels or {}
        self._pages = 0

    # --- life ------------------------------------------------------------------------------
    def start(self, timeout: float = 90) -> JupyterServer:
        home, front = self.home, self.front
        settings = home / "settings"
        for (ext, name), value in _SETTINGS.items():
            folder = settings / "@jupyterlab" / ext
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{name}.jupyterlab-settings").write_text(json.dumps(value))
        _plain_lab(home / "config")
        data = home / "data"
        for name, env in self.kernels.items():   # extra kernel specs (e.g. another PATH)
            spec = data / "kernels" / name
            spec.mkdir(parents=True, exist_ok=True)
            (spec / "kernel.json").write_text(json.dumps({
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f",
                         "{connection_file}"],
                "display_name": f"Python 3 ({name})", "language": "python", "env": env}))
        env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
               "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_DATA_DIR": str(data),
               "PYTHONUNBUFFERED": "1"}
        app = "LabApp" if front == "lab" else "JupyterNotebookApp"
        cmd = [sys.executable, "-m", "jupyterlab" if front == "lab" else "notebook",
               "--allow-root", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
               "--port-retries=0", f"--ServerApp.token={self.token}",
               f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.work}",
               f"--{app}.workspaces_dir={home / 'ws'}", f"--{app}.user_settings_dir={settings}",
               "--ServerApp.open_browser=False"]
        if front == "lab":
            cmd += ["--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                    "--LabApp.news_url=None"]
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env,
                                         cwd=self.work, start_new_session=True)
        self._wait(f"{self.url}/api/status?token={self.token}", timeout)
        return self

    def _wait(self, url: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the {self.front} server exited with "
                                   f"{self.proc.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise TimeoutError(f"the {self.front} server did not answer {url} within "
                           f"{timeout} s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc is None:
            return
        below = descendants(self.proc.pid)          # kernels and their helpers
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        kill(alive(below))
        self.proc = None

    # --- REST ------------------------------------------------------------------------------
    def api(self, path: str, method: str = "GET"):
        req = urllib.request.Request(f"{self.url}/api/{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as r:
            body = r.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self) -> int:
        """Stops every kernel of the server through its REST API; returns how many."""
        kernels = self.api("kernels")
        for k in kernels:
            with contextlib.suppress(OSError):
                self.api(f"kernels/{k['id']}", method="DELETE")
        return len(kernels)

    # --- pages -----------------------------------------------------------------------------
    def notebook_url(self, name: str) -> str:
        self._pages += 1
        if self.front == "lab":   # a fresh workspace per page: no tabs restored
            return (f"{self.url}/lab/workspaces/adv{self._pages}/tree/{name}"
                    f"?reset&token={self.token}")
        return f"{self.url}/notebooks/{name}?token={self.token}"

    def open(self, page, name: str, timeout_ms: int = 90_000) -> None:
        """Opens notebook ``name`` and waits until its kernel is idle."""
        if self.proc is None or self.proc.poll() is not None:
            raise RuntimeError(f"the {self.front} server is not running (exit code "
                               f"{self.proc and self.proc.returncode}):\n"
                               f"{self.log.read_text()[-3000:]}")
        page.goto(self.notebook_url(name), wait_until="domcontentloaded")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout_ms)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle'], "
                               "[data-status='idle']", timeout=timeout_ms, state="attached")


_STARTED = """() => [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
                     .some(p => /\\[(\\*|\\d+)\\]/.test(p.innerText))"""


def run_all_cells(page, tries: int = 3, wait_ms: int = 10_000) -> None:
    """Runs every cell; clicks Run All again when no cell started (a request sent while a
    loaded machine's kernel was still connecting can be dropped: nothing then runs)."""
    for attempt in range(tries):
        dialog = page.locator(".jp-Dialog .jp-mod-accept", has_text="Select")
        with contextlib.suppress(Exception):   # JupyterLab may still ask which kernel to start
            dialog.click(timeout=2_000)
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        try:
            page.wait_for_function(_STARTED, timeout=wait_ms)
            return
        except Exception:
            if attempt == tries - 1:
                raise


def wait_all_run(page, timeout_ms: int = 120_000) -> None:
    """Waits until no cell shows ``[*]`` and the kernel is idle."""
    page.wait_for_function(
        """() => ![...document.querySelectorAll('.jp-InputArea-prompt')]
             .some(p => p.innerText.includes('*'))""", timeout=timeout_ms)


def code_cell(page, index: int):
    """Locator of the ``index``-th code cell (0-based) of the open notebook."""
    return page.locator(".jp-Notebook .jp-CodeCell").nth(index)


def run_cell(page, index: int) -> None:
    """Selects code cell ``index`` and runs it with Shift+Enter."""
    cell = code_cell(page, index)
    cell.scroll_into_view_if_needed()
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")


def output_text(page, index: int) -> str:
    return code_cell(page, index).locator(".jp-OutputArea").inner_text()
