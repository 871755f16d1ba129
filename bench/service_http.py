"""HTTP ingest with durable acknowledgement: events/s and acknowledgement latency.

The client runs in its own process (spawned, so it shares nothing with the harness): it
builds every request body first, then sends them on `connections` keep-alive connections,
either as fast as the server answers (closed loop) or at a fixed rate of batches
(open loop: batch i is sent at start + i / rate; its latency runs from the actual send
to the end of the 200 answer, which the server sends only once the batch is committed).
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any

from bench.service_common import DOMAIN, STREAM, items, percentile


@dataclass(frozen=True)
class IngestRun:
    channel: str  # "HTTP" or "MQTT"
    mode: str  # e.g. "full speed", "half rate"
    batch: int
    events: int
    seconds: float
    p50_ms: float | None = None
    p99_ms: float | None = None
    errors: int = 0

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0


def _client(base: str, token: str, batch: int, batches: int, first: int, tag: str,
            rate: float | None, connections: int) -> dict[str, Any]:
    import httpx
    import orjson

    bodies = [orjson.dumps(items(first + i * batch, batch, tag=tag)) for i in range(batches)]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    url = f"{base}/v1/domains/{DOMAIN}/streams/{STREAM}/events"
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    counter = iter(range(batches))
    start = time.perf_counter()

    def work() -> None:
        with httpx.Client(timeout=60.0) as client:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                if rate is not None:
                    delay = start + i / rate - time.perf_counter()
                    if delay > 0:
                        time.sleep(delay)
                sent = time.perf_counter()
                response = client.post(url, content=bodies[i], headers=headers)
                took = time.perf_counter() - sent
                ok = response.status_code == 200 and response.json()["accepted"] == batch
                with lock:
                    latencies.append(took)
                    errors[0] += 0 if ok else 1

    threads = [threading.Thread(target=work) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "latencies": latencies, "errors": errors[0]}


def run_client(base: str, token: str, batch: int, batches: int, first: int, tag: str,
               rate: float | None = None, connections: int = 2) -> dict[str, Any]:
    """Run the client in a fresh process; its seconds, per-batch latencies and errors."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(_client, base, token, batch, batches, first, tag, rate,
                           connections).result()


def http_runs(base: str, token: str, batch: int, events: int, first: int,
              connections: int = 2) -> list[IngestRun]:
    """Full speed, then half of the measured full-speed rate, for one batch size."""
    batches = max(1, events // batch)
    runs: list[IngestRun] = []
    full = run_client(base, token, batch, batches, first, f"f{batch}-", None, connections)
    lat = [x * 1000 for x in full["latencies"]]
    run = IngestRun("HTTP", "full speed", batch, batch * batches, full["seconds"],
                    percentile(lat, 0.5), percentile(lat, 0.99), full["errors"])
    runs.append(run)
    half_rate = run.rate / 2 / batch  # batches per second
    half = run_client(base, token, batch, batches, first + batch * batches, f"h{batch}-",
                      half_rate, connections)
    lat = [x * 1000 for x in half["latencies"]]
    runs.append(IngestRun("HTTP", f"half rate ({run.rate / 2:,.0f} events/s offered)", batch,
                          batch * batches, half["seconds"], percentile(lat, 0.5),
                          percentile(lat, 0.99), half["errors"]))
    return runs
