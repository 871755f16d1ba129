"""Prometheus metrics in the text exposition format (0.0.4), written by hand.

| metric | type | labels |
| --- | --- | --- |
| `agilegov_ingest_events_total` | counter | domain, stream, outcome: accepted/duplicate/rejected |
| `agilegov_ingest_batches_total` | counter | domain, stream, source (http, file, mqtt) |
| `agilegov_watermark_lag_seconds` | gauge | domain: now minus its event-time watermark |
| `agilegov_goal_attainment_ratio` | gauge | domain, goal: share met at the latest instant |

The ingest rate is `rate(agilegov_ingest_events_total[1m])`. Counters live in memory and
restart at zero with the process (Prometheus handles counter resets).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
OUTCOMES = ("accepted", "duplicate", "rejected")


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(pairs: Mapping[str, str]) -> str:
    inner = ",".join(f'{k}="{_escape(v)}"' for k, v in pairs.items())
    return "{" + inner + "}"


def _number(value: float) -> str:
    if value != value:  # NaN
        return "NaN"
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


@dataclass(frozen=True)
class Gauges:
    """What is read at scrape time from the monitor and the governance state."""

    watermark_lag: Mapping[str, float] = field(default_factory=dict)  # domain -> seconds
    attainment: Mapping[tuple[str, str], float] = field(default_factory=dict)  # (domain, goal)


class Metrics:
    """In-process counters, safe to update from worker threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: dict[tuple[str, str, str], int] = {}
        self._batches: dict[tuple[str, str, str], int] = {}

    def observe_ingest(
        self, domain: str, stream: str, *, accepted: int, duplicates: int, rejected: int,
        source: str = "http",
    ) -> None:
        with self._lock:
            for outcome, n in zip(OUTCOMES, (accepted, duplicates, rejected), strict=True):
                key = (domain, stream, outcome)
                self._events[key] = self._events.get(key, 0) + n
            bkey = (domain, stream, source)
            self._batches[bkey] = self._batches.get(bkey, 0) + 1

    def events(self, domain: str, stream: str, outcome: str) -> int:
        with self._lock:
            return self._events.get((domain, stream, outcome), 0)

    def render(self, gauges: Gauges) -> str:
        with self._lock:
            events = sorted(self._events.items())
            batches = sorted(self._batches.items())
        out: list[str] = []
        out += [
            "# HELP agilegov_ingest_events_total Events received, by outcome.",
            "# TYPE agilegov_ingest_events_total counter",
        ]
        for (domain, stream, outcome), n in events:
            labels = _labels({"domain": domain, "stream": stream, "outcome": outcome})
            out.append(f"agilegov_ingest_events_total{labels} {n}")
        out += [
            "# HELP agilegov_ingest_batches_total Batches ingested, by source.",
            "# TYPE agilegov_ingest_batches_total counter",
        ]
        for (domain, stream, source), n in batches:
            labels = _labels({"domain": domain, "stream": stream, "source": source})
            out.append(f"agilegov_ingest_batches_total{labels} {n}")
        out += [
            "# HELP agilegov_watermark_lag_seconds Now minus the domain's event-time watermark.",
            "# TYPE agilegov_watermark_lag_seconds gauge",
        ]
        for domain, lag in sorted(gauges.watermark_lag.items()):
            labels = _labels({"domain": domain})
            out.append(f"agilegov_watermark_lag_seconds{labels} {_number(lag)}")
        out += [
            "# HELP agilegov_goal_attainment_ratio Share of the latest instant's findings met.",
            "# TYPE agilegov_goal_attainment_ratio gauge",
        ]
        for (domain, goal), share in sorted(gauges.attainment.items()):
            labels = _labels({"domain": domain, "goal": goal})
            out.append(f"agilegov_goal_attainment_ratio{labels} {_number(share)}")
        return "\n".join(out) + "\n"
