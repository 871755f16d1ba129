"""Incremental evaluation latency per batch (`Monitor.on_batch`) after short and long history.

In this process: a workspace with the bench rulebook, the real event store and
governance state (SQLite). History is stored first (`EventStore.append`), the monitor
catches up on it (`Monitor.rebuild`), then batches of new events are stored and handed
to `on_batch`, which is timed alone. The batches continue the history in event time, at
the history's pace, so they keep passing daily instants as real traffic would.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.service_common import DOMAIN, RULEBOOK, STREAM, percentile, table

DAY_S = 86_400


@dataclass(frozen=True)
class MonitorRun:
    history_days: int
    history_events: int
    batch: int
    batches: int
    p50_ms: float
    p99_ms: float
    rebuild_seconds: float


def monitor_run(history_days: int, per_day: int, batch: int, batches: int,
                chunk: int = 200_000) -> MonitorRun:
    from agilegov.monitor import Monitor
    from agilegov.store.events import EventStore
    from agilegov.store.state import StateStore
    from agilegov.workspace import Workspace

    per_second = per_day / DAY_S
    history = history_days * per_day
    with tempfile.TemporaryDirectory(prefix="agilegov-bench-") as tmp:
        ws = Workspace(Path(tmp) / "ws")
        book = ws.add_domain(RULEBOOK)
        stream = book.streams[STREAM]
        events = EventStore(ws.events_path)
        state = StateStore(f"sqlite:///{Path(tmp) / 'state.sqlite'}")
        try:
            for first in range(0, history, chunk):
                events.append(DOMAIN, stream,
                              table(first, min(chunk, history - first), per_second, "h"))
            monitor = Monitor(ws, events, state, default_lateness=dt.timedelta(hours=1))
            t0 = time.perf_counter()
            monitor.rebuild(DOMAIN)
            rebuild = time.perf_counter() - t0
            took: list[float] = []
            for i in range(batches):
                new = table(history + i * batch, batch, per_second, "n")
                stored = events.append(DOMAIN, stream, new)
                t0 = time.perf_counter()
                monitor.on_batch(DOMAIN, STREAM, stored.accepted_table)
                took.append((time.perf_counter() - t0) * 1000)
        finally:
            events.close()
            state.close()
    return MonitorRun(history_days, history, batch, batches, percentile(took, 0.5),
                      percentile(took, 0.99), rebuild)
