"""`agilegov serve`: starts on a new workspace, stops cleanly, refuses a broken start."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
from tests.api.server import LAUNCH, free_port, prepare_workspace, running_server


def test_a_new_workspace_is_created_and_served(tmp_path: Path) -> None:
    root = tmp_path / "fresh"
    with running_server(root) as server:
        r = httpx.get(f"{server.url}/healthz")
        assert r.json()["domains"] == []
        assert (root / "domains").is_dir() and (root / "keys").is_dir()
        assert (root / "state.sqlite").is_file()
        docs = httpx.get(f"{server.url}/docs")
        assert docs.status_code == 200 and "/static/swagger-ui-bundle.js" in docs.text
        assert server.stop() == 0


def test_ctrl_c_with_a_live_stream_open_stops_cleanly(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    tokens = prepare_workspace(root)
    with running_server(root) as server:
        headers = {"Authorization": f"Bearer {tokens['government']}"}
        with httpx.Client(base_url=server.url, timeout=30) as http, \
                http.stream("GET", "/v1/domains/robots/stream", headers=headers) as live:
            lines = live.iter_lines()
            assert next(lines) == ": subscribed"
            server.process.send_signal(signal.SIGINT)
            rest = list(lines)  # the server ends the stream itself
            assert all(not line.startswith("event:") for line in rest)
        assert server.stop() == 0
    log = server.log.read_text()
    assert "Traceback" not in log and "KeyboardInterrupt" not in log


def run_serve(root: Path, env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGILEGOV_")} | env_extra
    return subprocess.run(
        [sys.executable, "-c", LAUNCH, "--workspace", str(root), "--port", str(free_port())],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )


def test_a_broken_rulebook_in_the_workspace_stops_the_start(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    (root / "domains").mkdir(parents=True)
    (root / "domains" / "bad.yaml").write_text("domain: bad\nversion: one\n", "utf-8")
    result = run_serve(root, {})
    assert result.returncode == 3
    assert "bad.yaml" in result.stderr


def test_a_bad_setting_is_a_usage_error(tmp_path: Path) -> None:
    result = run_serve(tmp_path / "ws", {"AGILEGOV_ALLOWED_LATENESS": "soon"})
    assert result.returncode == 2
    assert "AGILEGOV_ALLOWED_LATENESS" in result.stderr
