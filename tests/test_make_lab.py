"""`make lab`, the README's first command, really starts JupyterLab on lecture 1.

It serves the repository root, as Binder does, so a link that works on Binder
(``/lab/tree/notebooks/01_…``) works locally too.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # report the redirect instead of following
        return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_lab_serves_lecture_one(tmp_path):
    port, token = _free_port(), "adv-make-lab-test"
    log = (tmp_path / "lab.log").open("w+")
    args = (f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={port} "
            f"--IdentityProvider.token={token} --ServerApp.port_retries=0")
    proc = subprocess.Popen(["make", "-s", "lab", f"LAB_ARGS={args}"], cwd=ROOT,
                            stdout=log, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    url = (f"{base}/api/contents/notebooks/01_backprop_by_hand.ipynb?content=0&token={token}")
    try:
        deadline = time.monotonic() + 90
        body, error = None, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    body = response.read().decode()
                break
            except urllib.error.HTTPError as exc:  # the server answered: no point waiting
                error = exc
                break
            except OSError as exc:
                error = exc
                time.sleep(0.5)
        if body is None:
            log.seek(0)
            pytest.fail(f"make lab did not serve lecture 1 ({error}; exit {proc.poll()}):\n"
                        + log.read()[-3000:])
        assert '"name": "01_backprop_by_hand.ipynb"' in body.replace('":"', '": "')
        # the landing page is lecture 1 at Binder's path
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            opener.open(f"{base}/?token={token}", timeout=10)
            location = None
        except urllib.error.HTTPError as exc:
            location = exc.headers.get("Location")
        assert location and location.split("?")[0].endswith(
            "/lab/tree/notebooks/01_backprop_by_hand.ipynb"), location
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        log.close()
