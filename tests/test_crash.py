"""Crash test: SIGKILL the server while a client streams events; nothing acknowledged is lost.

The client streams batches over HTTP and records each batch answered 200. The server is
killed mid-stream, restarted on the same workspace, and every batch is sent again: an
acknowledged batch must come back as all duplicates (it was durable), an unacknowledged
one is stored at most once however often it is re-sent. Finally the event store holds
every event exactly once.

The same over MQTT (the real broker at AGILEGOV_TEST_MQTT_URL): the server is killed while
storing what the broker handed it; after the restart the broker sends every message not
yet acknowledged again, and every message the broker accepted is stored exactly once.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import httpx
import orjson
import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from agilegov.ingest.mqtt import parse_url
from agilegov.store.events import table_sql
from agilegov.store.state import StateStore
from agilegov.workspace import Workspace

pytestmark = pytest.mark.slow

BATCHES = 200
BATCH_SIZE = 50
KILL_AFTER = 40  # acknowledged batches before the SIGKILL

RULEBOOK = """\
domain: crashlab
version: 1
effective_from: 2026-04-01
timezone: UTC
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
goals:
  - id: distance
    title: Kilometres per day
    measure: sum(trips.km)
    target: ">= 0"
    window: 1d
"""

# `agilegov serve`, run by this interpreter (the console script of the same install).
LAUNCH = [sys.executable, "-c", "from agilegov.cli.main import app; app()", "serve"]


def batch(i: int) -> list[dict[str, Any]]:
    return [
        {
            "trip_id": f"b{i}-{j}",
            "operator": "acme" if j % 2 else "beta",
            "ended_at": f"2026-04-01T{(i * BATCH_SIZE + j) // 600 % 24:02d}:"
                        f"{(i * BATCH_SIZE + j) // 10 % 60:02d}:00Z",
            "km": 1.5,
        }
        for j in range(BATCH_SIZE)
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    workspace: Path
    logs: Path
    proc: subprocess.Popen[bytes] | None = None
    port: int = 0
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, **extra_env: str) -> None:
        self.port = free_port()
        self.starts += 1
        env = {k: v for k, v in os.environ.items() if not k.startswith("AGILEGOV_")}
        env.update(extra_env)
        log = (self.logs / f"server-{self.starts}.log").open("wb")
        self.proc = subprocess.Popen(
            [*LAUNCH, "--workspace", str(self.workspace), "--port", str(self.port)],
            stdout=log, stderr=subprocess.STDOUT, env=env,
        )
        log.close()
        with httpx.Client(timeout=2) as client:
            for _ in range(600):  # bounded: at most about 60 s
                if self.proc.poll() is not None:
                    break
                try:
                    if client.get(f"{self.url}/healthz").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                threading.Event().wait(0.1)
        text = (self.logs / f"server-{self.starts}.log").read_text("utf-8", "replace")
        raise AssertionError(f"the server did not come up on {self.url}:\n{text[-3000:]}")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    s = Server(tmp_path / "ws", tmp_path)
    try:
        yield s
    finally:
        s.kill()


@dataclass
class Stream:
    """Posts batches in order until told to stop or the server goes away."""

    url: str
    token: str
    acked: list[int] = field(default_factory=list)
    attempted: list[int] = field(default_factory=list)
    error: str | None = None

    def run(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(timeout=30, headers=headers) as client:
            for i in range(BATCHES):
                self.attempted.append(i)
                try:
                    r = client.post(f"{self.url}/v1/domains/crashlab/streams/trips/events",
                                    json=batch(i))
                except httpx.TransportError as exc:
                    self.error = repr(exc)
                    return
                if r.status_code != 200:
                    self.error = f"batch {i}: HTTP {r.status_code} {r.text[:500]}"
                    return
                self.acked.append(i)


def government_token(workspace: Path, rulebook: str = RULEBOOK) -> str:
    Workspace(workspace).add_domain(rulebook)
    state = StateStore(f"sqlite:///{workspace / 'state.sqlite'}")
    try:
        account = state.create_account("regulator", "government")
        return state.create_token(account.id, "crash test")
    finally:
        state.close()


def test_every_acknowledged_event_survives_a_sigkill_exactly_once(server: Server) -> None:
    token = government_token(server.workspace)
    server.start()
    stream = Stream(server.url, token)
    client = threading.Thread(target=stream.run, daemon=True)
    client.start()
    for _ in range(1200):  # bounded: at most about 120 s
        if len(stream.acked) >= KILL_AFTER or not client.is_alive():
            break
        threading.Event().wait(0.1)
    server.kill()
    client.join(60)
    assert not client.is_alive()
    assert len(stream.acked) >= KILL_AFTER, stream.error
    assert stream.error is not None  # the stream was cut by the kill, not finished
    acked = set(stream.acked)
    unacked = [i for i in stream.attempted if i not in acked]
    assert unacked  # the batch in flight when the server died

    server.start()
    sent = sorted(acked | set(unacked))
    with httpx.Client(timeout=30, headers={"Authorization": f"Bearer {token}"}) as http:
        def post(i: int) -> dict[str, Any]:
            r = http.post(f"{server.url}/v1/domains/crashlab/streams/trips/events",
                          json=batch(i))
            assert r.status_code == 200, r.text
            answer: dict[str, Any] = r.json()
            assert answer["received"] == BATCH_SIZE and answer["rejected"] == []
            return answer

        for i in sorted(acked):  # durable before its answer: all duplicates now
            answer = post(i)
            assert (answer["accepted"], answer["duplicates"]) == (0, BATCH_SIZE), i
        for i in unacked:  # maybe stored before the kill, maybe not: never twice
            answer = post(i)
            assert answer["accepted"] + answer["duplicates"] == BATCH_SIZE
            again = post(i)
            assert (again["accepted"], again["duplicates"]) == (0, BATCH_SIZE)
    server.stop()

    con = duckdb.connect(str(server.workspace / "events.duckdb"), read_only=True)
    try:
        rows = con.execute(
            f"SELECT trip_id, count(*) FROM {table_sql('crashlab', 'trips')} GROUP BY trip_id"
        ).fetchall()
    finally:
        con.close()
    stored = dict(rows)
    expected = {f"b{i}-{j}" for i in sent for j in range(BATCH_SIZE)}
    assert set(stored) == expected
    assert set(stored.values()) == {1}


MQTT_URL = os.environ.get("AGILEGOV_TEST_MQTT_URL", "mqtt://127.0.0.1:1883")
MESSAGES = 200
PER_MESSAGE = 10


def stored_keys(workspace: Path, domain: str) -> dict[str, int]:
    con = duckdb.connect(str(workspace / "events.duckdb"), read_only=True)
    try:
        rows = con.execute(
            f"SELECT trip_id, count(*) FROM {table_sql(domain, 'trips')} GROUP BY trip_id"
        ).fetchall()
    finally:
        con.close()
    return dict(rows)


def test_mqtt_messages_survive_a_sigkill_exactly_once(server: Server) -> None:
    """Everything the broker accepted is stored once, though the server died mid-stream."""
    domain = f"crash-{os.urandom(6).hex()}"
    token = government_token(server.workspace, RULEBOOK.replace("crashlab", domain))
    topic = f"agilegov/{domain}/trips"
    env = {"AGILEGOV_MQTT_URL": MQTT_URL}
    broker = parse_url(MQTT_URL)
    publisher = paho.Client(CallbackAPIVersion.VERSION2, protocol=paho.MQTTv5)
    publisher.connect(broker.host, broker.port)
    publisher.loop_start()
    headers = {"Authorization": f"Bearer {token}"}

    def quarantined(http: httpx.Client) -> list[Any]:
        r = http.get(f"{server.url}/v1/domains/{domain}/quarantine", params={"limit": 1000})
        assert r.status_code == 200, r.text
        return list(r.json()["items"])

    def wait_quarantined(marker: str) -> None:
        with httpx.Client(timeout=10, headers=headers) as http:
            for _ in range(600):  # bounded: at most about 60 s
                if any(marker in str(item["data"]) for item in quarantined(http)):
                    return
                threading.Event().wait(0.1)
        raise AssertionError(f"{marker} never reached the quarantine")

    def message(m: int) -> bytes:
        return orjson.dumps(batch(m)[:PER_MESSAGE])

    try:
        server.start(**env)
        # A probe that cannot be read lands in the quarantine: the subscription is live.
        publisher.publish(topic, b"{probe", qos=1).wait_for_publish(10)
        wait_quarantined("{probe")
        half = MESSAGES // 2
        for m in range(half):
            publisher.publish(topic, message(m), qos=1).wait_for_publish(10)
        server.kill()  # the service is still storing what the broker handed it
        for m in range(half, MESSAGES):  # kept by the broker for the session meanwhile
            publisher.publish(topic, message(m), qos=1).wait_for_publish(10)
        sentinel = {"trip_id": "sentinel", "operator": "acme",
                    "ended_at": "2026-04-01T00:00:00Z", "km": -1}
        publisher.publish(topic, orjson.dumps(sentinel), qos=1).wait_for_publish(10)
        server.start(**env)
        wait_quarantined("sentinel")  # in-order delivery: everything before it is stored
        server.stop()
    finally:
        publisher.disconnect()
        publisher.loop_stop()
    stored = stored_keys(server.workspace, domain)
    expected = {f"b{m}-{j}" for m in range(MESSAGES) for j in range(PER_MESSAGE)}
    assert set(stored) == expected
    assert set(stored.values()) == {1}
