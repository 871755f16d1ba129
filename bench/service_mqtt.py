"""MQTT ingest against a real broker: events/s from the first publish to stored.

The publisher runs in its own process (spawned) and publishes at QoS 1 to
`agilegov/<domain>/<stream>`, one event per message or arrays of `per_message` events.
The publisher keeps at most 500 messages outstanding (published but not yet counted as
stored by the server), as a client of a broker with a bounded queue must: Mosquitto's
default queue for a subscriber that is behind is 1000 messages, beyond which it drops.
The harness polls the server's /metrics until all the events are counted as accepted
(the server counts a batch only after it is committed); the rate is the events over the
time from the first publish to that moment (wall clock, one machine).
"""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

from bench.service_common import DOMAIN, STREAM, accepted_events, items
from bench.service_http import IngestRun

OUTSTANDING_MESSAGES = 500  # published but not yet stored: below Mosquitto's 1000 queue


def _publish(url: str, messages: int, per_message: int, first: int, tag: str,
             inflight: int, base: str, before: int) -> dict[str, Any]:
    import orjson
    import paho.mqtt.client as paho
    from paho.mqtt.enums import CallbackAPIVersion

    from agilegov.ingest.mqtt import parse_url

    broker = parse_url(url)
    payloads = []
    for i in range(messages):
        rows = items(first + i * per_message, per_message, tag=tag)
        payloads.append(orjson.dumps(rows[0] if per_message == 1 else rows))
    client = paho.Client(CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{tag}",
                         protocol=paho.MQTTv5)
    client.max_inflight_messages_set(inflight)
    client.max_queued_messages_set(0)
    client.connect(broker.host, broker.port)
    client.loop_start()
    topic = f"agilegov/{DOMAIN}/{STREAM}"
    started = time.time()
    infos = []
    window = OUTSTANDING_MESSAGES * per_message
    stored = 0  # what the server counted as stored when last asked
    for i, p in enumerate(payloads):
        infos.append(client.publish(topic, p, qos=1))
        sent = (i + 1) * per_message
        # Flow control end to end: a broker queues a bounded number of messages for a
        # subscriber that is behind and drops the rest, so wait for the server to store.
        # /metrics is asked only near the window (asking costs the server time too).
        deadline = time.time() + 60.0
        while sent - stored > window and time.time() < deadline:
            stored = accepted_events(base) - before
            if sent - stored > window:
                time.sleep(0.02)
    for info in infos:
        info.wait_for_publish(120.0)
    published = time.time()
    client.disconnect()
    client.loop_stop()
    return {"started": started, "published": published,
            "unacknowledged": sum(0 if i.is_published() else 1 for i in infos)}


def mqtt_run(base: str, url: str, events: int, per_message: int, first: int,
             timeout: float = 300.0, inflight: int = 200) -> IngestRun:
    """Publish `events` events, `per_message` per message; wait until all are stored."""
    messages = max(1, events // per_message)
    total = messages * per_message
    before = accepted_events(base)
    tag = f"m{per_message}-{first}-"
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        future = pool.submit(_publish, url, messages, per_message, first, tag, inflight,
                             base, before)
        deadline = time.time() + timeout
        stored = 0
        while time.time() < deadline:
            stored = accepted_events(base) - before
            if stored >= total:
                break
            time.sleep(0.05)
        done = time.time()
        result = future.result()
    mode = "one event per message" if per_message == 1 else f"{per_message} events per message"
    missing = total - min(stored, total)
    return IngestRun("MQTT", mode, per_message, total, done - result["started"],
                     errors=missing + int(result["unacknowledged"]))
