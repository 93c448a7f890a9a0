"""The app's login: whole or off, wrong passwords throttled, and `assistant serve` says where it runs."""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from assistant.settings import AppSettings
from assistant.types import AssistantError
from webapp.login import PasswordCheck, login_credentials

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "app,missing",
    [
        ({"username": "bientap"}, "ASSISTANT_APP__PASSWORD"),
        ({"username": "bientap", "password": ""}, "ASSISTANT_APP__PASSWORD"),
        ({"password": "mat-khau"}, "ASSISTANT_APP__USERNAME"),
    ],
)
def test_half_a_login_is_an_error_not_an_open_app(app, missing):
    with pytest.raises(AssistantError, match=f"một nửa.*{missing}"):
        login_credentials(AppSettings(**app))


def test_a_whole_login_or_none():
    assert login_credentials(AppSettings(username="bientap", password="mat-khau")) == ("bientap", "mat-khau")
    assert login_credentials(AppSettings()) is None


def test_serve_refuses_half_a_login_before_loading_anything(tmp_path, monkeypatch, capsys):
    import gradio

    from cli import main

    def served(*args, **kwargs):
        raise RuntimeError("the app was served without a login")

    monkeypatch.setattr(gradio.Blocks, "block_thread", served)
    monkeypatch.setenv("ASSISTANT_APP__USERNAME", "bientap")
    monkeypatch.setenv("ASSISTANT_EMBEDDING__MODEL", "fake")
    monkeypatch.setenv("ASSISTANT_APP__PORT", str(_free_port()))
    code = main(["serve", "--data-dir", str(tmp_path / "kb"), "--no-ingest"])
    assert code == 2
    assert "ASSISTANT_APP__PASSWORD" in capsys.readouterr().err
    assert not (tmp_path / "kb" / "chroma").exists()


def test_wrong_passwords_are_throttled_per_user():
    now = [0.0]
    check = PasswordCheck("bientap", "mat-khau", max_failures=3, window=60, clock=lambda: now[0])
    assert check("bientap", "mat-khau")
    for guess in ("a", "b", "c"):
        assert not check("bientap", guess)
    assert not check("bientap", "mat-khau")  # locked out for the window, even the right one
    now[0] = 61.0
    assert check("bientap", "mat-khau")  # the window has passed


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.integration
def test_serve_prints_where_it_runs_and_throttles_a_guesser(tmp_path):
    import httpx

    port = _free_port()
    env = {
        **os.environ,
        "ASSISTANT_EMBEDDING__MODEL": "fake",
        "ASSISTANT_APP__USERNAME": "bientap",
        "ASSISTANT_APP__PASSWORD": "mat-khau",
        "PYTHONPATH": str(REPO),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--data-dir", str(tmp_path / "kb"),
         "--port", str(port), "--no-ingest"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout], daemon=True).start()
    try:
        deadline = time.monotonic() + 90
        line = ""
        while time.monotonic() < deadline and "ready at" not in line:
            with contextlib.suppress(queue.Empty):
                line = lines.get(timeout=1)
        assert f"ready at http://127.0.0.1:{port}" in line and "login required" in line

        def login(password: str) -> int:
            url = f"http://127.0.0.1:{port}/login"
            return httpx.post(url, data={"username": "bientap", "password": password}).status_code

        assert login("mat-khau") == 200
        assert all(login(f"doan-{i}") != 200 for i in range(5))
        assert login("mat-khau") != 200  # five wrong guesses lock the user out for a while
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
    assert proc.returncode == 0
