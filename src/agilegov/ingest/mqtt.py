"""MQTT ingest: `<prefix>/<domain>/<stream>` at QoS 1, acknowledged only once stored.

The subscriber connects with MQTT 5, a persistent session (clean start off, a session
expiry) and manual acknowledgement: the PUBACK of a message is sent only after
`IngestService.ingest` returned for it, that is after its events are durable on disk. A
crash before that leaves the message unacknowledged and the broker sends it again on the
next connection; with a stream `key` the repeat is recognised as the same event.

The broker may have at most `receive_maximum` (default 100) unacknowledged messages in
flight to us (MQTT 5 Receive Maximum), which bounds what waits in memory. Messages already
waiting are taken together (up to `batch_max`), grouped by topic in arrival order, and
each group is ingested as one batch in a worker thread.

A message carries one JSON event or a JSON array of events. The broker authenticates
publishers, so MQTT ingest acts as a trusted government-role reporter. A message that is
not JSON, or names an unknown domain or stream, is quarantined (when the service can)
and logged, then acknowledged: it is never redelivered forever nor silently dropped.

paho-mqtt is used directly: its `manual_ack` is public API (the installed aiomqtt has
no manual acknowledgement); its network thread hands messages to the asyncio loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import threading
import uuid
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

import orjson
import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from agilegov.access import Principal
from agilegov.errors import AgilegovError, UsageError
from agilegov.store.records import ItemProblem

log = logging.getLogger(__name__)

MQTT_PRINCIPAL = Principal("government", None, None, None)
SOURCE = "mqtt"


class Quarantine(Protocol):
    """What MQTT ingest needs of `agilegov.store.StateStore`."""

    def quarantine(
        self,
        domain: str,
        stream: str,
        operator: str | None,
        items: list[tuple[ItemProblem, Any]],
        source: str,
    ) -> None: ...


class Ingestor(Protocol):
    """What MQTT ingest needs of `agilegov.ingest.service.IngestService`."""

    @property
    def state(self) -> Quarantine: ...

    def ingest(
        self, domain: str, stream: str, items: list[Any], principal: Principal, source: str = ...
    ) -> Any: ...


@dataclass(frozen=True)
class MessageProblem:
    """Why a whole message was quarantined (the shape of an ingest ItemError)."""

    index: int
    pointer: str
    message: str


@dataclass(frozen=True)
class Broker:
    host: str
    port: int
    tls: bool
    username: str | None
    password: str | None


def parse_url(url: str) -> Broker:
    """`mqtt://[user[:password]@]host[:port]` (1883) or `mqtts://...` (TLS, 8883)."""
    parts = urlsplit(url)
    if parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
        raise UsageError(f"MQTT URL '{url}': expected mqtt://host[:port] or mqtts://host[:port]")
    tls = parts.scheme == "mqtts"
    try:
        port = parts.port or (8883 if tls else 1883)
    except ValueError as exc:
        raise UsageError(f"MQTT URL '{url}': {exc}") from exc
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    return Broker(parts.hostname, port, tls, user, password)


def split_topic(topic: str, prefix: str) -> tuple[str, str] | None:
    """(domain, stream) of `<prefix>/<domain>/<stream>`, None for any other topic."""
    head = prefix.rstrip("/") + "/"
    if not topic.startswith(head):
        return None
    rest = topic[len(head) :].split("/")
    if len(rest) != 2 or not all(rest):
        return None
    return rest[0], rest[1]


def decode_payload(payload: bytes) -> list[Any]:
    """The items of one message: a JSON array's elements, or the one JSON value.

    ValueError for a payload that is not UTF-8 JSON.
    """
    value = orjson.loads(payload)  # orjson.JSONDecodeError is a ValueError
    return list(value) if isinstance(value, list) else [value]


@dataclass(frozen=True)
class _Received:
    topic: str
    payload: bytes
    mid: int
    qos: int
    generation: int


class _Connection:
    """One paho client in its network thread, feeding an asyncio queue."""

    def __init__(
        self,
        broker: Broker,
        client_id: str,
        prefix: str,
        loop: asyncio.AbstractEventLoop,
        queue: asyncio.Queue[_Received],
        ready: asyncio.Event | None,
        receive_maximum: int,
        session_expiry: int,
    ) -> None:
        self.loop, self.queue, self.ready, self.prefix = loop, queue, ready, prefix
        self.generation = 0
        self.lock = threading.Lock()  # generation changes vs. acknowledgements
        self.client = paho.Client(
            CallbackAPIVersion.VERSION2,
            client_id=client_id,
            protocol=paho.MQTTv5,
            manual_ack=True,
        )
        if broker.username is not None:
            self.client.username_pw_set(broker.username, broker.password)
        if broker.tls:
            self.client.tls_set_context(ssl.create_default_context())
        self.client.reconnect_delay_set(1, 30)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message
        props = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        props.ReceiveMaximum = receive_maximum
        props.SessionExpiryInterval = session_expiry
        self.client.connect_async(
            broker.host, broker.port, keepalive=30, clean_start=False, properties=props
        )

    def start(self) -> None:
        self.client.loop_start()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.disconnect()
        self.client.loop_stop()

    def ack(self, msg: _Received) -> bool:
        """PUBACK `msg` unless the connection it came on is gone (then it comes again)."""
        with self.lock:
            if msg.generation != self.generation or msg.qos == 0:
                return False
            self.client.ack(msg.mid, msg.qos)
            return True

    # paho callbacks: run in paho's network thread
    def _on_connect(self, client: paho.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            log.warning("MQTT connection refused: %s", reason)
            return
        with self.lock:
            self.generation += 1
        client.subscribe(f"{self.prefix}/+/+", qos=1)

    def _on_disconnect(self, _c: paho.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        with self.lock:
            self.generation += 1
        log.info("MQTT disconnected: %s", reason)

    def _on_subscribe(self, _c: paho.Client, _u: Any, _mid: int, codes: Any, _p: Any) -> None:
        if any(code.is_failure for code in codes):
            log.error("MQTT subscription to %s/+/+ refused: %s", self.prefix, codes)
        elif self.ready is not None:
            self.loop.call_soon_threadsafe(self.ready.set)

    def _on_message(self, _c: paho.Client, _u: Any, message: paho.MQTTMessage) -> None:
        with self.lock:
            received = _Received(
                message.topic, bytes(message.payload), message.mid, message.qos, self.generation
            )
        with contextlib.suppress(RuntimeError):  # the loop is closing: it comes again
            self.loop.call_soon_threadsafe(self.queue.put_nowait, received)


def ingest_messages(
    service: Ingestor, messages: list[_Received], prefix: str
) -> list[_Received]:
    """Store a run of messages (grouped by topic, in order); returns those to acknowledge.

    An unexpected failure (e.g. the disk) propagates: nothing after it is acknowledged.
    """
    groups: dict[str, list[_Received]] = {}
    for msg in messages:
        groups.setdefault(msg.topic, []).append(msg)
    done: list[_Received] = []
    for topic, group in groups.items():
        where = split_topic(topic, prefix)
        if where is None:  # only matching topics are subscribed; defensive
            log.warning("MQTT message on unexpected topic %s ignored", topic)
            done.extend(group)
            continue
        domain, stream = where
        items: list[Any] = []
        for msg in group:
            try:
                items.extend(decode_payload(msg.payload))
            except ValueError as exc:
                raw = msg.payload.decode("utf-8", "replace")
                _quarantine(service, domain, stream, raw, f"not JSON: {exc}")
        if items:
            try:
                result = service.ingest(domain, stream, items, MQTT_PRINCIPAL, SOURCE)
            except AgilegovError as exc:  # unknown domain or stream, a malformed batch
                raw = orjson.dumps(items).decode()
                _quarantine(service, domain, stream, raw, str(exc))
            else:
                if result.rejected:
                    log.info(
                        "MQTT %s: %d of %d items rejected (quarantined)",
                        topic, len(result.rejected), len(items),
                    )
        done.extend(group)
    return done


def _quarantine(service: Ingestor, domain: str, stream: str, raw: str, message: str) -> None:
    log.warning("MQTT %s/%s: %s", domain, stream, message)
    try:
        problem = MessageProblem(0, "", message)
        service.state.quarantine(domain, stream, None, [(problem, raw)], SOURCE)
    except Exception:
        log.exception("MQTT %s/%s: could not quarantine a rejected message", domain, stream)


async def _next_run(
    queue: asyncio.Queue[_Received], stop: asyncio.Event, batch_max: int
) -> list[_Received]:
    """The next message and those already waiting behind it; [] when `stop` is set."""
    if queue.empty():
        getter = asyncio.ensure_future(queue.get())
        stopper = asyncio.ensure_future(stop.wait())
        got = False
        try:
            await asyncio.wait({getter, stopper}, return_when=asyncio.FIRST_COMPLETED)
            got = getter.done() and not getter.cancelled()
        finally:
            stopper.cancel()
            if not got:
                getter.cancel()  # a cancelled get() takes nothing from the queue
        if not got:
            return []
        run = [getter.result()]
    else:
        run = [queue.get_nowait()]
    while len(run) < batch_max and not queue.empty():
        run.append(queue.get_nowait())
    return run


async def run_mqtt(
    url: str,
    service: Ingestor,
    stop: asyncio.Event,
    prefix: str = "agilegov",
    *,
    client_id: str | None = None,
    receive_maximum: int = 100,
    session_expiry: int = 7 * 24 * 3600,
    batch_max: int = 100,
    ready: asyncio.Event | None = None,
    retry_delay: float = 1.0,
) -> None:
    """Ingest from the broker at `url` until `stop` is set.

    `client_id` names the persistent session that keeps unacknowledged messages while the
    service is down: pass one stable id per workspace. Without it a random id is used, good
    for reconnections of this run only, and its session expires after at most 10 minutes
    (no orphaned sessions pile up at the broker). `ready` is set once the subscription is
    acknowledged. A failure while storing drops the connection without
    acknowledging, waits `retry_delay` seconds (doubling, at most 30) and reconnects, so
    the broker sends the unacknowledged messages again.
    """
    broker = parse_url(url)
    if client_id is None:
        cid = f"agilegov-{prefix.replace('/', '-')}-{uuid.uuid4().hex[:8]}"
        session_expiry = min(session_expiry, 600)
    else:
        cid = client_id
    loop = asyncio.get_running_loop()
    delay = retry_delay
    while not stop.is_set():
        queue: asyncio.Queue[_Received] = asyncio.Queue()
        conn = _Connection(
            broker, cid, prefix, loop, queue, ready, receive_maximum, session_expiry
        )
        conn.start()
        failed = False
        try:
            while not stop.is_set():
                run = await _next_run(queue, stop, batch_max)
                if not run:
                    break
                done = await asyncio.to_thread(ingest_messages, service, run, prefix)
                for msg in done:
                    conn.ack(msg)
                delay = retry_delay
        except Exception:
            log.exception("MQTT ingest failed; reconnecting in %.1f s", delay)
            failed = True
        finally:
            await asyncio.to_thread(conn.close)
        if failed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            delay = min(delay * 2, 30.0)
