"""The service benchmarks at tiny sizes: the harness measures and reports (no timing checks)."""

from __future__ import annotations

import math
import os
from pathlib import Path

from bench.service import Sizes, run
from bench.service_common import items, percentile, table
from bench.service_monitor import monitor_run
from bench.service_report import END, START, keep_section, merge, write_section

TINY = Sizes({100: 300, 1000: 2000}, {1: 50, 100: 500}, 500, 5)
MQTT_URL = os.environ.get("AGILEGOV_TEST_MQTT_URL", "mqtt://127.0.0.1:1883")


def test_bench_events_have_unique_keys_and_rising_times() -> None:
    rows = items(10, 50)
    assert len({r["trip_id"] for r in rows}) == 50
    assert [r["ended_at"] for r in rows] == sorted(r["ended_at"] for r in rows)
    t = table(10, 50, 1000.0)
    assert t.column("trip_id").to_pylist() == [r["trip_id"] for r in rows]


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert math.isnan(percentile([], 0.5))


def test_monitor_run_times_every_batch() -> None:
    result = monitor_run(history_days=2, per_day=300, batch=100, batches=4)
    assert result.history_events == 600 and result.batches == 4
    assert 0 < result.p50_ms <= result.p99_ms


def test_full_harness_measures_http_mqtt_and_monitor(tmp_path: Path) -> None:
    results = run(TINY, MQTT_URL, history_days=(1, 3))
    http = [r for r in results.ingest if r.channel == "HTTP"]
    assert [(r.batch, r.mode.split(" ")[0]) for r in http] == [
        (100, "full"), (100, "half"), (1000, "full"), (1000, "half")]
    assert all(r.errors == 0 and r.rate > 0 and r.p99_ms is not None for r in http)
    mqtt = [r for r in results.ingest if r.channel == "MQTT"]
    assert [r.batch for r in mqtt] == [1, 100], results.problems
    assert all(r.errors == 0 and r.events > 0 for r in mqtt)
    assert [m.history_days for m in results.monitor] == [1, 3]
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\nengine results\n")
    text = write_section(doc, results.ingest, results.monitor, results.problems, quick=True)
    written = doc.read_text()
    assert written.startswith("# Benchmarks\n\nengine results\n")
    assert text in written and "| HTTP | 1000 | full speed |" in text
    assert ">= 100k events/s" in text and "Cores" in text


def test_section_is_replaced_in_place_and_kept_by_the_engine_report() -> None:
    old = f"# B\n\nbefore\n\n{START}\nold\n{END}\n\nafter\n"
    new_section = f"{START}\nnew\n{END}"
    assert merge(old, new_section) == f"# B\n\nbefore\n\n{new_section}\n\nafter\n"
    rewritten = keep_section(old, "# B\n\nfresh engine results\n")
    assert rewritten.startswith("# B\n\nfresh engine results\n")
    assert f"{START}\nold\n{END}" in rewritten
    assert keep_section("# no section\n", "# B\n") == "# B\n"
