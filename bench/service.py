"""`python -m bench.service`: the live service's benchmarks, side by side in one run.

1. HTTP ingest with durable acknowledgement, batches of 100 and 1000: events/s at full
   speed and acknowledgement latency (p50/p99) at full speed and at half that rate.
2. MQTT ingest against the real broker (AGILEGOV_TEST_MQTT_URL, default
   mqtt://127.0.0.1:1883): one event per message and 100 per message.
3. Incremental evaluation latency per batch of 1000 events after one day and after one
   year of history.

Writes its section of docs/benchmarks.md (between the service markers, keeping the
rest of the file) and prints it. `--quick` uses small sizes; `--no-write` only prints.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bench.service_common import make_workspace, server
from bench.service_http import IngestRun, http_runs
from bench.service_monitor import MonitorRun, monitor_run
from bench.service_report import write_section

DEFAULT_MQTT = "mqtt://127.0.0.1:1883"
DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


@dataclass(frozen=True)
class Sizes:
    http_events: dict[int, int]  # batch size -> events per run
    mqtt_events: dict[int, int]  # events per message -> events per run
    per_day: int  # monitor history: events per day
    monitor_batches: int


FULL = Sizes({100: 50_000, 1000: 200_000}, {1: 20_000, 100: 200_000}, 10_000, 100)
QUICK = Sizes({100: 5_000, 1000: 20_000}, {1: 2_000, 100: 20_000}, 2_000, 30)


@dataclass
class Results:
    ingest: list[IngestRun] = field(default_factory=list)
    monitor: list[MonitorRun] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def run(sizes: Sizes, mqtt_url: str | None, monitor_years: bool = True,
        history_days: tuple[int, int] = (1, 365)) -> Results:
    res = Results()
    with tempfile.TemporaryDirectory(prefix="agilegov-bench-service-") as tmp:
        root = Path(tmp) / "ws"
        token = make_workspace(root)
        with server(root, mqtt_url) as srv:
            first = 0
            for batch, events in sizes.http_events.items():
                res.ingest += http_runs(srv.base, token, batch, events, first)
                first += 2 * events + batch
            if mqtt_url:
                from bench.service_mqtt import mqtt_run

                for per_message, events in sizes.mqtt_events.items():
                    try:
                        res.ingest.append(mqtt_run(srv.base, mqtt_url, events, per_message,
                                                   first))
                    except Exception as exc:  # report the failure, keep the other results
                        res.problems.append(f"MQTT {per_message} per message: {exc}")
                    first += events + per_message
            else:
                res.problems.append("MQTT not measured: no broker URL")
    if monitor_years:
        for days in history_days:
            res.monitor.append(monitor_run(days, sizes.per_day, 1000, sizes.monitor_batches))
    return res


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.service", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes (a minute or so)")
    parser.add_argument("--mqtt", default=None,
                        help=f"broker URL (default: AGILEGOV_TEST_MQTT_URL or {DEFAULT_MQTT}); "
                             "'none' skips MQTT")
    parser.add_argument("--no-write", action="store_true", help="do not write the docs")
    parser.add_argument("--doc", type=Path, default=DOC, help="the Markdown file to update")
    args = parser.parse_args(argv)
    import os

    url = args.mqtt or os.environ.get("AGILEGOV_TEST_MQTT_URL", DEFAULT_MQTT)
    sizes = QUICK if args.quick else FULL
    results = run(sizes, None if url == "none" else url)
    text = write_section(None if args.no_write else args.doc, results.ingest, results.monitor,
                         results.problems, quick=args.quick)
    sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
