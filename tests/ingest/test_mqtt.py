from __future__ import annotations

import asyncio
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from agilegov.access import Principal
from agilegov.errors import NotFound, UsageError
from agilegov.ingest.mqtt import (
    MQTT_PRINCIPAL,
    Broker,
    decode_payload,
    parse_url,
    run_mqtt,
    split_topic,
)
from agilegov.ingest.service import IngestService
from agilegov.store.events import EventStore, table_sql
from agilegov.store.state import StateStore
from agilegov.workspace import Workspace

MQTT_URL = os.environ.get("AGILEGOV_TEST_MQTT_URL", "mqtt://127.0.0.1:1883")


@pytest.fixture(scope="module")
def broker_url() -> str:
    parts = urlsplit(MQTT_URL)
    try:
        socket.create_connection((parts.hostname, parts.port or 1883), timeout=5).close()
    except OSError as exc:
        message = f"Mosquitto is not reachable at {MQTT_URL} (AGILEGOV_TEST_MQTT_URL): {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.fail(message)  # the broker is part of the test environment: never skip
    return MQTT_URL


def wait_until(condition: Callable[[], bool], timeout: float = 20) -> bool:
    """Poll `condition` (bounded): the broker delivers asynchronously."""
    done = threading.Event()
    for _ in range(int(timeout / 0.02)):
        if condition():
            return True
        done.wait(0.02)
    return condition()


@pytest.fixture
def prefix() -> str:
    return f"agtest-{uuid.uuid4().hex[:12]}"


# --- pure parts -------------------------------------------------------------------------

def test_broker_urls() -> None:
    assert parse_url("mqtt://127.0.0.1") == Broker("127.0.0.1", 1883, False, None, None)
    assert parse_url("mqtts://u%40x:p@h:9000") == Broker("h", 9000, True, "u@x", "p")
    with pytest.raises(UsageError, match="expected mqtt://host"):
        parse_url("http://h:1883")


def test_topics_name_the_domain_and_the_stream() -> None:
    assert split_topic("agilegov/robots/trips", "agilegov") == ("robots", "trips")
    assert split_topic("a/b/robots/trips", "a/b") == ("robots", "trips")
    assert split_topic("agilegov/robots", "agilegov") is None
    assert split_topic("agilegov/robots/trips/x", "agilegov") is None
    assert split_topic("other/robots/trips", "agilegov") is None


def test_a_message_holds_one_event_or_an_array() -> None:
    assert decode_payload(b'{"a": 1}') == [{"a": 1}]
    assert decode_payload(b'[{"a": 1}, {"a": 2}]') == [{"a": 1}, {"a": 2}]
    assert decode_payload(b"7") == [7]
    with pytest.raises(ValueError):
        decode_payload(b"{nope")


# --- against the real broker ------------------------------------------------------------

@dataclass
class FakeState:
    quarantined: list[tuple[str, str, str, str]] = field(default_factory=list)

    def quarantine(
        self, domain: str, stream: str, operator: str | None, items: list[Any], source: str
    ) -> None:
        for problem, raw in items:
            self.quarantined.append((domain, stream, problem.message, raw))


@dataclass
class Result:
    rejected: list[Any] = field(default_factory=list)


@dataclass
class FakeService:
    """Records what was ingested; `hook` runs first (to block or fail on purpose)."""

    state: FakeState = field(default_factory=FakeState)
    batches: list[tuple[str, str, list[Any], Principal, str]] = field(default_factory=list)
    hook: Callable[[], None] | None = None

    def ingest(
        self, domain: str, stream: str, items: list[Any], principal: Principal,
        source: str = "http",
    ) -> Result:
        if self.hook is not None:
            self.hook()
        if domain == "unknown":
            raise NotFound(f"no domain '{domain}' in this workspace")
        self.batches.append((domain, stream, items, principal, source))
        return Result()

    def items(self) -> list[Any]:
        return [item for batch in self.batches for item in batch[2]]


class Publisher:
    def __init__(self, url: str) -> None:
        b = parse_url(url)
        self.client = paho.Client(
            CallbackAPIVersion.VERSION2, client_id=f"pub-{uuid.uuid4().hex[:8]}",
            protocol=paho.MQTTv5,
        )
        self.client.connect(b.host, b.port)
        self.client.loop_start()

    def publish(self, topic: str, payload: bytes) -> paho.MQTTMessageInfo:
        return self.client.publish(topic, payload, qos=1)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def publisher(broker_url: str) -> Iterator[Publisher]:
    pub = Publisher(broker_url)
    yield pub
    pub.close()


class Runner:
    """run_mqtt in a thread with its own event loop."""

    def __init__(self, url: str, service: Any, prefix: str, **kw: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.stop = asyncio.Event()
        self.ready = asyncio.Event()
        self.error: BaseException | None = None

        async def main() -> None:
            await run_mqtt(url, service, self.stop, prefix, ready=self.ready, **kw)

        def target() -> None:
            try:
                self.loop.run_until_complete(main())
            except BaseException as exc:
                self.error = exc

        self.thread = threading.Thread(target=target, daemon=True)
        self.thread.start()

    def wait_ready(self, timeout: float = 10) -> None:
        fut = asyncio.run_coroutine_threadsafe(self.ready.wait(), self.loop)
        fut.result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(15)
        assert not self.thread.is_alive()
        self.loop.close()
        assert self.error is None, self.error


def test_messages_are_ingested_in_order_as_trusted_mqtt_reports(
    broker_url: str, prefix: str, publisher: Publisher
) -> None:
    service = FakeService()
    runner = Runner(broker_url, service, prefix, session_expiry=60)
    try:
        runner.wait_ready()
        publisher.publish(f"{prefix}/robots/trips", b'{"n": 0}')
        publisher.publish(f"{prefix}/robots/trips", b'[{"n": 1}, {"n": 2}]')
        publisher.publish(f"{prefix}/robots/incidents", b'{"n": 3}')
        assert wait_until(lambda: len(service.items()) == 4)
    finally:
        runner.close()
    assert service.items() == [{"n": 0}, {"n": 1}, {"n": 2}, {"n": 3}]
    topics = {(d, s) for d, s, *_ in service.batches}
    assert topics == {("robots", "trips"), ("robots", "incidents")}
    assert all(p == MQTT_PRINCIPAL and src == "mqtt" for *_, p, src in service.batches)
    assert MQTT_PRINCIPAL.role == "government"


def test_each_puback_is_sent_only_after_its_ingest_returned(
    broker_url: str, prefix: str, publisher: Publisher, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps: list[str] = []
    real_ack = paho.Client.ack

    def ack(self: paho.Client, mid: int, qos: int) -> paho.MQTTErrorCode:
        steps.append("ack")
        return real_ack(self, mid, qos)

    monkeypatch.setattr(paho.Client, "ack", ack)
    service = FakeService(hook=lambda: steps.append("ingest"))
    runner = Runner(broker_url, service, prefix, session_expiry=60, batch_max=1)
    try:
        runner.wait_ready()
        for n in range(3):
            publisher.publish(f"{prefix}/robots/trips", b'{"n": %d}' % n)
        assert wait_until(lambda: steps.count("ack") == 3)
    finally:
        runner.close()
    assert steps == ["ingest", "ack"] * 3
    assert service.items() == [{"n": 0}, {"n": 1}, {"n": 2}]


def test_a_failed_ingest_is_not_acknowledged_and_the_broker_sends_it_again(
    broker_url: str, prefix: str, publisher: Publisher
) -> None:
    calls = []

    def fail_once() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise OSError("disk on fire")

    service = FakeService(hook=fail_once)
    runner = Runner(
        broker_url, service, prefix, session_expiry=60,
        client_id=f"agtest-{uuid.uuid4().hex[:8]}", retry_delay=0.05,
    )
    try:
        runner.wait_ready()
        publisher.publish(f"{prefix}/robots/trips", b'{"n": 7}')
        assert wait_until(lambda: len(service.items()) == 1)
    finally:
        runner.close()
    assert len(calls) >= 2
    assert service.items() == [{"n": 7}]


def test_bad_messages_are_quarantined_and_acknowledged(
    broker_url: str, prefix: str, publisher: Publisher
) -> None:
    service = FakeService()
    runner = Runner(broker_url, service, prefix, session_expiry=60)
    try:
        runner.wait_ready()
        publisher.publish(f"{prefix}/robots/trips", b"{not json")
        publisher.publish(f"{prefix}/unknown/trips", b'{"n": 1}')
        publisher.publish(f"{prefix}/robots/trips", b'{"n": 2}')
        assert wait_until(lambda: len(service.items()) == 1 and len(service.state.quarantined) == 2)
    finally:
        runner.close()
    assert service.items() == [{"n": 2}]
    q = service.state.quarantined
    assert [(d, s) for d, s, _, _ in q] == [("robots", "trips"), ("unknown", "trips")]
    assert q[0][2].startswith("not JSON") and q[0][3] == "{not json"
    assert "no domain 'unknown'" in q[1][2] and q[1][3] == '[{"n":1}]'


RULEBOOK = """\
domain: robots
version: 1
effective_from: 2026-04-01
timezone: Asia/Tokyo
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
    title: Distance
    measure: sum(trips.km)
    target: ">= 0"
    window: 1d
"""


def trip(n: int, km: float = 1.0) -> dict[str, Any]:
    return {
        "trip_id": f"t{n}", "operator": "acme" if n % 2 else "beta",
        "ended_at": f"2026-04-02T{n % 24:02d}:00:00", "km": km, "rider": f"person-{n}",
    }


def test_real_ingest_stores_every_event_exactly_once_and_quarantines_the_bad(
    broker_url: str, prefix: str, publisher: Publisher, tmp_path: Path
) -> None:
    workspace = Workspace(tmp_path / "ws")
    workspace.add_domain(RULEBOOK)
    store = EventStore(workspace.events_path)
    state = StateStore(f"sqlite:///{tmp_path / 'state.sqlite'}")
    service = IngestService(workspace, store, state, None)
    runner = Runner(broker_url, service, prefix, session_expiry=60, receive_maximum=5)
    try:
        runner.wait_ready()
        topic = f"{prefix}/robots/trips"
        for n in range(0, 200, 4):  # arrays of four events
            publisher.publish(topic, orjson.dumps([trip(n + i) for i in range(4)]))
        for n in range(0, 200, 10):  # repeats: the same keys again
            publisher.publish(topic, orjson.dumps(trip(n)))
        publisher.publish(topic, orjson.dumps(trip(999, km=-1)))  # below min
        assert wait_until(lambda: len(state.list_quarantine("robots", None, 10, 0)) == 1)

        assert wait_until(lambda: sum(b.received for b in state.batches("robots")) == 221)
    finally:
        runner.close()
    try:
        assert store.count("robots", "trips") == 200
        with store.lock:
            keys, riders = store.connection.execute(
                'SELECT count(DISTINCT trip_id), count(DISTINCT rider) FROM '
                + table_sql("robots", "trips")
            ).fetchone()
            rider_values = [r for (r,) in store.connection.execute(
                "SELECT rider FROM " + table_sql("robots", "trips") + " LIMIT 5"
            ).fetchall()]
        assert (keys, riders) == (200, 200)
        assert not any(str(r).startswith("person-") for r in rider_values)
        batches = state.batches("robots")
        assert sum(b.accepted for b in batches) == 200
        assert sum(b.duplicates for b in batches) == 20
        assert {b.source for b in batches} == {"mqtt"}
        (bad,) = state.list_quarantine("robots", None, 10, 0)
        assert bad.source == "mqtt" and bad.problems[0][0].endswith("/km")
    finally:
        store.close()
        state.close()
