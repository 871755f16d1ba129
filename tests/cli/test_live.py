"""The live demo: a real server in a subprocess, history and feeders, stopped by itself."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from agilegov.domains.catalog import DOMAINS
from agilegov.domains.live import LiveFeed, epoch_us, history_tables, json_rows

NOW = dt.datetime(2026, 11, 22, 7, 30, tzinfo=dt.UTC)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(out: Path, port: int, duration: float) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGILEGOV_")}
    return subprocess.Popen(
        [str(Path(sys.executable).with_name("agilegov")), "demo", "--out", str(out),
         "--port", str(port), "--history-days", "3", "--duration", str(duration)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )


def _wait_healthy(base: str, proc: subprocess.Popen[str], timeout: float = 240.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            output, _ = proc.communicate()
            raise AssertionError(f"the demo exited before the service answered:\n{output}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("the demo's service did not answer /healthz in time")


def _start_healthy(out: Path, duration: float) -> tuple[subprocess.Popen[str], int]:
    """Start the demo on a free port; another test may take the port first, so try again."""
    for _attempt in range(3):
        port = _free_port()
        proc = _start(out, port, duration)
        try:
            _wait_healthy(f"http://127.0.0.1:{port}", proc)
            return proc, port
        except AssertionError as exc:
            if "port in use" not in str(exc):
                raise
    raise AssertionError("no free port could be kept for the demo in three tries")


def test_live_demo_serves_findings_of_all_domains_and_exits_0(tmp_path: Path) -> None:
    proc, port = _start_healthy(tmp_path / "out", 20)
    base = f"http://127.0.0.1:{port}"
    try:
        domains = httpx.get(f"{base}/v1/domains", timeout=10).json()
        tokens = (tmp_path / "out" / "tokens.json").read_text()
        regulator = re.search(r'"name": "demo-regulator",\s*"role": "government",\s*'
                              r'"token": "([^"]+)"', tokens)
        assert regulator is not None
        headers = {"Authorization": f"Bearer {regulator.group(1)}"}
        names = [d["domain"] for d in (domains["items"] if isinstance(domains, dict)
                                       else domains)]
        assert len(names) == len(DOMAINS)
        for name in names:
            page = httpx.get(f"{base}/v1/domains/{name}/findings", headers=headers,
                             params={"limit": 5}, timeout=10).json()
            assert page["items"], f"no findings for {name}"
        output, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, output
    printed = re.search(r"demo-regulator\s+(\S+)\s+government", output)
    assert printed is not None and printed.group(1) == regulator.group(1)
    assert f"{base}/docs" in output and "demo stopped" in output
    assert (tmp_path / "out" / "report" / "index.html").is_file()


def test_live_demo_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    proc, _port = _start_healthy(tmp_path / "out", 600)
    try:
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, output
    assert "demo stopped" in output


def test_history_ends_before_now_and_spans_the_days() -> None:
    tables = history_tables("mobility", 2, 7, NOW)
    ended = tables["trips"].column("ended_at").cast("int64").to_pylist()
    assert ended and max(ended) < epoch_us(NOW)
    assert min(ended) >= epoch_us(NOW - dt.timedelta(days=3))
    rows = json_rows(tables["trips"].slice(0, 1))
    assert rows[0]["ended_at"].endswith("Z") and isinstance(rows[0]["km"], float)


def test_live_feed_hands_out_each_event_once_stamped_on_the_wall_clock() -> None:
    feed = LiveFeed("mobility", 3, NOW, speed=600)
    first = feed.due(NOW + dt.timedelta(seconds=30))
    second = feed.due(NOW + dt.timedelta(seconds=60))
    trips = first["trips"] + second["trips"]
    keys = [t["trip_id"] for t in trips]
    assert len(keys) == len(set(keys)) and all(k.startswith("live0-") for k in keys)
    for row in first["trips"]:
        ended = dt.datetime.fromisoformat(row["ended_at"])
        assert NOW <= ended <= NOW + dt.timedelta(seconds=30)
        assert dt.datetime.fromisoformat(row["started_at"]) < ended
    for row in second["trips"]:
        assert dt.datetime.fromisoformat(row["ended_at"]) > NOW + dt.timedelta(seconds=30)


def test_live_feed_is_deterministic_for_a_seed() -> None:
    until = NOW + dt.timedelta(seconds=20)
    a = LiveFeed("fintech", 5, NOW, speed=600).due(until)
    b = LiveFeed("fintech", 5, NOW, speed=600).due(until)
    assert a == b and sum(len(v) for v in a.values()) > 0


def test_live_feed_continues_into_new_chunks() -> None:
    feed = LiveFeed("healthcare", 1, NOW, speed=86_400, chunk_days=1)
    due = feed.due(NOW + dt.timedelta(seconds=2.5))
    keys = {r["dispatch_id"][:6] for r in due["dispatches"]}
    assert {"live0-", "live1-", "live2-"} <= keys


def test_live_feed_rejects_a_speed_that_is_not_positive() -> None:
    with pytest.raises(ValueError, match="speed"):
        LiveFeed("mobility", 1, NOW, speed=0)
