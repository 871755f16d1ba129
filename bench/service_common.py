"""What the service benchmarks share: a rulebook, events, a server in its own process.

The bench rulebook has one stream of delivery-robot trips (a key, an actor, a time, a
distance, a personal rider field) and three goals (a daily sum per actor, a 7-day
count per actor, a daily total over all), so ingest pays for validation,
pseudonymisation, idempotent storage and incremental evaluation.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pyarrow as pa

DOMAIN = "bench-robots"
STREAM = "trips"
OPERATORS = tuple(f"op-{i:02d}" for i in range(20))
START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
START_US = int(START.timestamp()) * 1_000_000
ROOT = Path(__file__).resolve().parents[1]

RULEBOOK = """\
domain: bench-robots
title: Delivery robots (service benchmark)
timezone: UTC
version: 1
effective_from: 2026-01-01
streams:
  trips:
    time: ended_at
    actor: operator
    key: trip_id
    fields:
      trip_id: string
      operator: string
      ended_at: timestamp
      km: {type: float, min: 0}
      rider: {type: string, personal: true}
goals:
  - id: distance
    title: Every operator drives at least 10 km a day
    measure: sum(trips.km)
    target: ">= 10"
    window: 1d
    every: 1d
  - id: busy
    title: Every operator makes at least 50 trips a week
    measure: count(trips)
    target: ">= 50"
    window: 7d
    every: 1d
  - id: fleet
    title: The fleet drives at least 100 km a day
    measure: sum(trips.km)
    target: ">= 100"
    window: 1d
    every: 1d
    per: all
responses:
  - {goal: distance, unmet_for: 2, do: notice}
"""


def iso(us: int) -> str:
    return (START + dt.timedelta(microseconds=us - START_US)).strftime(
        "%Y-%m-%dT%H:%M:%S.%fZ")


def event_time(seq: int, per_second: float) -> int:
    """Event time of the `seq`-th event when events arrive `per_second` a second."""
    return START_US + int(seq * 1_000_000 / per_second)


def items(first: int, n: int, per_second: float = 1000.0, tag: str = "e") -> list[dict[str, Any]]:
    """Events `first .. first+n-1` as JSON-ready items (unique keys, rising times)."""
    return [
        {
            "trip_id": f"{tag}{s}",
            "operator": OPERATORS[s % len(OPERATORS)],
            "ended_at": iso(event_time(s, per_second)),
            "km": round(0.5 + (s * 7919 % 1000) / 250, 3),
            "rider": f"rider-{s % 5000}",
        }
        for s in range(first, first + n)
    ]


def table(first: int, n: int, per_second: float, tag: str = "e") -> pa.Table:
    """The same events as the engine's representation (timestamps as epoch microseconds)."""
    seqs = range(first, first + n)
    return pa.table({
        "trip_id": pa.array([f"{tag}{s}" for s in seqs], pa.string()),
        "operator": pa.array([OPERATORS[s % len(OPERATORS)] for s in seqs], pa.string()),
        "ended_at": pa.array([event_time(s, per_second) for s in seqs], pa.int64()),
        "km": pa.array([0.5 + (s * 7919 % 1000) / 250 for s in seqs], pa.float64()),
        "rider": pa.array([f"p:{s % 5000}" for s in seqs], pa.string()),
    })


def percentile(values: list[float], q: float) -> float:
    """The `q`-quantile (0..1) by nearest rank; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(q * len(ordered) + 0.5) - 1))
    return ordered[rank]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_workspace(root: Path) -> str:
    """A workspace with the bench rulebook and a government token (returned)."""
    from agilegov.settings import Settings
    from agilegov.store.state import StateStore
    from agilegov.workspace import Workspace

    ws = Workspace(root)
    ws.add_domain(RULEBOOK)
    state = StateStore(Settings.from_env(ws.root, env={}).database_url)
    try:
        account = state.create_account("bench", "government")
        return state.create_token(account.id, "service benchmark")
    finally:
        state.close()


@dataclass
class Server:
    base: str
    process: subprocess.Popen[bytes]


@contextmanager
def server(root: Path, mqtt_url: str | None = None, timeout: float = 60.0) -> Iterator[Server]:
    """`python -m bench.service_server` on a free port (its own process); stopped after."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGILEGOV_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    if mqtt_url:
        env["AGILEGOV_MQTT_URL"] = mqtt_url
    log = (root / "server.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "bench.service_server", str(root), str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the bench server exited with {proc.returncode}; see "
                                   f"{root / 'server.log'}")
            try:
                if httpx.get(f"{base}/healthz", timeout=1.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the bench server did not start in {timeout:.0f} s")
            time.sleep(0.1)
        yield Server(base, proc)
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def accepted_events(base: str) -> int:
    """Events accepted by the server so far, from its /metrics."""
    total = 0
    for line in httpx.get(f"{base}/metrics", timeout=10.0).text.splitlines():
        if line.startswith("agilegov_ingest_events_total{") and 'outcome="accepted"' in line:
            total += int(float(line.rsplit(" ", 1)[1]))
    return total
