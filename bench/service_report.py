"""The service section of docs/benchmarks.md, between its markers (the rest is kept)."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

from bench.machine import describe
from bench.service_http import IngestRun
from bench.service_monitor import MonitorRun

START = "<!-- service:start -->"
END = "<!-- service:end -->"
HTTP_TARGET = 100_000
ACK_P99_MS = 100.0
MQTT_TARGET = 50_000
FLAT = 1.20


def _ms(x: float | None) -> str:
    return "-" if x is None or math.isnan(x) else f"{x:.1f}"


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _find(runs: list[IngestRun], channel: str, batch: int, mode: str) -> IngestRun | None:
    return next((r for r in runs if r.channel == channel and r.batch == batch
                 and r.mode.startswith(mode)), None)


def targets(ingest: list[IngestRun], monitor: list[MonitorRun]) -> list[str]:
    lines = ["| target | measured | verdict |", "|---|---|---|"]
    full = _find(ingest, "HTTP", 1000, "full")
    if full:
        lines.append(f"| HTTP durable ingest, batches of 1000: >= 100k events/s | "
                     f"{full.rate:,.0f} events/s | {_verdict(full.rate >= HTTP_TARGET)} |")
    half = _find(ingest, "HTTP", 1000, "half")
    if half and half.p99_ms is not None:
        lines.append(f"| p99 acknowledgement at half that rate: < 100 ms | "
                     f"{_ms(half.p99_ms)} ms | {_verdict(half.p99_ms < ACK_P99_MS)} |")
    mqtt = _find(ingest, "MQTT", 100, "100")
    if mqtt:
        lines.append(f"| MQTT batched (100 per message): >= 50k events/s | "
                     f"{mqtt.rate:,.0f} events/s | {_verdict(mqtt.rate >= MQTT_TARGET)} |")
    else:
        lines.append("| MQTT batched (100 per message): >= 50k events/s | not measured | - |")
    if len(monitor) >= 2:
        short, long = monitor[0], monitor[-1]
        r50, r99 = long.p50_ms / short.p50_ms, long.p99_ms / short.p99_ms
        lines.append(f"| per-batch evaluation flat within 20% from {short.history_days} day to "
                     f"{long.history_days} days of history | p50 x{r50:.2f}, p99 x{r99:.2f} | "
                     f"{_verdict(r50 <= FLAT and r99 <= FLAT)} |")
    return lines


def ingest_table(ingest: list[IngestRun]) -> list[str]:
    lines = ["| channel | batch / message | mode | events | seconds | events/s | "
             "ack p50 ms | ack p99 ms | errors |", "|---|---:|---|---:|---:|---:|---:|---:|---:|"]
    for r in ingest:
        lines.append(f"| {r.channel} | {r.batch} | {r.mode} | {r.events:,} | {r.seconds:.2f} | "
                     f"{r.rate:,.0f} | {_ms(r.p50_ms)} | {_ms(r.p99_ms)} | {r.errors} |")
    return lines


def monitor_table(monitor: list[MonitorRun]) -> list[str]:
    lines = ["| history | events in history | batches of 1000 | on_batch p50 ms | "
             "on_batch p99 ms | catch-up (rebuild) s |", "|---|---:|---:|---:|---:|---:|"]
    for m in monitor:
        lines.append(f"| {m.history_days} day(s) | {m.history_events:,} | {m.batches} | "
                     f"{_ms(m.p50_ms)} | {_ms(m.p99_ms)} | {m.rebuild_seconds:.2f} |")
    return lines


def section(ingest: list[IngestRun], monitor: list[MonitorRun], problems: list[str],
            quick: bool) -> str:
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        START,
        "## The live service",
        "",
        f"Written by `python -m bench.service{' --quick' if quick else ''}` on {when}. "
        "Do not edit by hand: run it again." + (" Quick sizes: indicative only." if quick
                                                else ""),
        "",
        "The server is `agilegov.api.create_app` under Uvicorn (one process, one worker) on a "
        "fresh workspace (DuckDB event store, SQLite state), with the bench rulebook of "
        "`bench/service_common.py`: one stream with a key and a personal field, three goals. "
        "Every batch is validated, pseudonymised, stored durably (idempotent on the key), "
        "and recorded before it is acknowledged; the monitor evaluates it incrementally "
        "right after, off the acknowledgement path. Clients and publishers run in separate "
        "processes on loopback. MQTT goes through the machine's Mosquitto with its default "
        "configuration, which queues at most 1000 messages for a subscriber that is behind "
        "and drops the rest; so the publisher keeps at most 500 messages outstanding "
        "(published but not yet stored), and `errors` counts events never stored.",
        "",
        "- **HTTP**: JSON arrays posted on 2 keep-alive connections; *full speed* sends the "
        "next batch as soon as an answer comes; *half rate* offers half the measured "
        "full-speed rate (open loop). Latency: send to the end of the 200 answer.",
        "- **MQTT**: QoS 1 to the real broker, at most 200 messages in flight and 500 "
        "outstanding (published, not yet stored); events/s from "
        "the first publish until the server's /metrics counts them all as accepted.",
        "- **Incremental evaluation**: `Monitor.on_batch` alone, timed per batch of 1000 "
        "new events (stored first) after the history was stored and caught up.",
        "",
        "### Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in describe().items()),
        "",
        "### Targets",
        "",
        *targets(ingest, monitor),
        "",
        "### Ingest",
        "",
        *ingest_table(ingest),
        "",
        "### Incremental evaluation",
        "",
        *monitor_table(monitor),
    ]
    if problems:
        out += ["", "Not measured: " + "; ".join(problems) + "."]
    out += ["", END]
    return "\n".join(out)


def merge(existing: str, text: str) -> str:
    """`existing` with its service section replaced by `text` (appended when absent)."""
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
    if pattern.search(existing):
        return pattern.sub(lambda _m: text, existing, count=1)
    return existing.rstrip("\n") + ("\n\n" if existing.strip() else "") + text + "\n"


def keep_section(old: str, new: str) -> str:
    """For the engine report: `new` plus the service section found in `old`, if any."""
    found = re.search(re.escape(START) + r".*?" + re.escape(END), old, re.S)
    return merge(new, found.group(0)) if found else new


def write_section(path: Path | None, ingest: list[IngestRun], monitor: list[MonitorRun],
                  problems: list[str], quick: bool = False) -> str:
    text = section(ingest, monitor, problems, quick)
    if path is not None:
        old = path.read_text() if path.is_file() else ""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(merge(old, text))
    return text
