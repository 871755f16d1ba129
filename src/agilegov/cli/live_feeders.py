"""The live demo's reporters: one per domain, sending its due events every interval.

A feeder reports over HTTP (`POST /v1/domains/<d>/streams/<s>/events`, JSON array, the
demo feeder's token) or, for the domains chosen to, over MQTT (topic
`agilegov/<domain>/<stream>`, QoS 1, one JSON array per message). A failed send is
counted and logged once per kind of failure; the feeder carries on with the next batch
(the demo is a show, not a reliable client: an event whose send failed is not retried).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx
import orjson

from agilegov.domains.live import LiveFeed

log = logging.getLogger("agilegov.demo")


class Sender(Protocol):
    async def send(self, domain: str, stream: str, rows: list[dict[str, Any]]) -> int: ...


@dataclass
class FeedStats:
    """What the feeders reported: events accepted per domain and channel, failures."""

    accepted: Counter[str] = field(default_factory=Counter)
    channels: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.accepted.values())


class HttpSender:
    def __init__(self, client: httpx.AsyncClient, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    async def send(self, domain: str, stream: str, rows: list[dict[str, Any]]) -> int:
        response = await self.client.post(f"/v1/domains/{domain}/streams/{stream}/events",
                                          content=orjson.dumps(rows), headers=self.headers)
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
        body = response.json()
        return int(body["accepted"]) + int(body["duplicates"])


class MqttSender:
    """Publishes with paho-mqtt (its own network thread); QoS 1, waits for the PUBACK."""

    def __init__(self, url: str, client_id: str) -> None:
        import paho.mqtt.client as paho
        from paho.mqtt.enums import CallbackAPIVersion

        from agilegov.ingest.mqtt import parse_url

        broker = parse_url(url)
        self.client = paho.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                                  protocol=paho.MQTTv5)
        if broker.username is not None:
            self.client.username_pw_set(broker.username, broker.password)
        if broker.tls:
            self.client.tls_set()
        self.client.connect(broker.host, broker.port)
        self.client.loop_start()

    async def send(self, domain: str, stream: str, rows: list[dict[str, Any]]) -> int:
        info = self.client.publish(f"agilegov/{domain}/{stream}", orjson.dumps(rows), qos=1)
        await asyncio.to_thread(info.wait_for_publish, 10.0)
        if not info.is_published():
            raise RuntimeError(f"MQTT publish not acknowledged (rc {info.rc})")
        return len(rows)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


async def run_feeder(feed: LiveFeed, sender: Sender, channel: str, stats: FeedStats,
                     stop: asyncio.Event, interval: float) -> None:
    """Send the feed's due events every `interval` seconds until `stop` is set."""
    domain = feed.book.domain
    while not stop.is_set():
        now = dt.datetime.now(dt.UTC)
        due = await asyncio.to_thread(feed.due, now)
        for stream, rows in due.items():
            try:
                stats.accepted[domain] += await sender.send(domain, stream, rows)
                stats.channels[channel] += len(rows)
            except (httpx.HTTPError, RuntimeError, OSError) as exc:
                kind = f"{domain}/{stream} over {channel}: {type(exc).__name__}"
                if not stats.failures[kind]:
                    log.warning("live feeder: %s: %s", kind, exc)
                stats.failures[kind] += 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)
