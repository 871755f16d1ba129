"""A plain-Python loop: every event visited once, by hand, no vectorised library.

Parquet is decoded with pyarrow one row group at a time (reading a file is not
the loop being measured), then every row updates per-(actor, day) counters in
dicts; windows are prefix sums over each actor's days.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from bench.common import (
    DAY_US,
    FIRST_INSTANT,
    GOALS,
    LAST_INSTANT,
    OFFSET_US,
    RESULT_SCHEMA,
    instant_us,
    status_of,
    stream_path,
)

SUMS = ("t_n", "t_km", "t_km_n", "t_delivered", "t_school_fast", "t_overweight", "t_long",
        "t_aborted", "i_n", "i_sev2", "i_sev3", "i_late", "i_coll", "i_near", "v_n", "v_long",
        "v_dur", "v_dur_n", "ev")
IDX = {n: i for i, n in enumerate(SUMS)}
HOUR_US = 3_600_000_000


def _rows(path: Path, columns: list[str]) -> Iterator[tuple[Any, ...]]:
    f = pq.ParquetFile(path)
    for g in range(f.num_row_groups):
        t = f.read_row_group(g, columns=columns)
        cols = []
        for name in columns:
            col = t.column(name)
            if pa.types.is_timestamp(col.type):
                col = col.cast(pa.int64())
            cols.append(col.to_pylist())
        yield from zip(*cols, strict=True)


def _day(us: int) -> int:
    return (us + OFFSET_US) // DAY_US


def findings(data_dir: Path) -> pa.Table:
    n = len(SUMS)
    daily: dict[tuple[str, int], list[float]] = defaultdict(lambda: [0] * n)
    maxspeed: dict[tuple[str, int], float] = {}
    minbatt: dict[tuple[str, int], int] = {}
    robots: dict[tuple[str, int], set[str]] = defaultdict(set)
    reporters: dict[tuple[str, int], set[str]] = defaultdict(set)
    ev = IDX["ev"]
    for op, rid, start, end, km, delivered, zone, speed, payload, batt in _rows(
            stream_path(data_dir, "trips"),
            ["operator", "robot_id", "started_at", "ended_at", "km", "delivered", "zone",
             "max_speed_kmh", "payload_kg", "battery_end_pct"]):
        k = (op, _day(end))
        a = daily[k]
        a[ev] += 1
        a[0] += 1
        if km is not None:
            a[1] += km
            a[2] += 1
        if delivered:
            a[3] += 1
        if zone == "school" and speed is not None and speed > 4:
            a[4] += 1
        if payload is not None and payload > 20:
            a[5] += 1
        if start is not None and end - start > HOUR_US:
            a[6] += 1
        if delivered is False and km is not None and 0 <= km <= 0.1:
            a[7] += 1
        if speed is not None and (k not in maxspeed or speed > maxspeed[k]):
            maxspeed[k] = speed
        if batt is not None and (k not in minbatt or batt < minbatt[k]):
            minbatt[k] = batt
        if rid is not None:
            robots[k].add(rid)
    for op, occurred, reported, severity, kind, reporter in _rows(
            stream_path(data_dir, "incidents"),
            ["operator", "occurred_at", "reported_at", "severity", "kind", "reporter"]):
        k = (op, _day(occurred))
        a = daily[k]
        a[ev] += 1
        a[8] += 1
        if severity is not None and severity >= 2:
            a[9] += 1
            if severity >= 3:
                a[10] += 1
        if reported is not None and reported - occurred > 24 * HOUR_US:
            a[11] += 1
        if kind == "collision":
            a[12] += 1
        elif kind == "near-miss":
            a[13] += 1
        if reporter is not None:
            reporters[k].add(reporter)
    for op, at, duration in _rows(stream_path(data_dir, "interventions"),
                                  ["operator", "at", "duration_s"]):
        a = daily[(op, _day(at))]
        a[ev] += 1
        a[14] += 1
        if duration is not None:
            a[16] += duration
            a[17] += 1
            if duration > 300:
                a[15] += 1
    return _judge(daily, maxspeed, minbatt, robots, reporters)


def _div(a: float, b: float) -> float | None:
    return a / b if b != 0 else None


Sums = dict[str, float]
Extra = dict[str, Any]
MEASURES: dict[str, Callable[[Sums, Extra], tuple[float | None, bool]]] = {
    "injury-rate": lambda s, e: (_div(100000 * s["i_sev2"], s["t_km"]), s["t_km"] >= 500),
    "timely-reporting": lambda s, e: (s["i_late"], True),
    "delivery-success": lambda s, e: (_div(s["t_delivered"], s["t_n"]), s["t_n"] >= 20),
    "avg-trip-km": lambda s, e: (_div(s["t_km"], s["t_km_n"]), True),
    "max-speed": lambda s, e: (e["maxspeed"], True),
    "school-zone-speeding": lambda s, e: (s["t_school_fast"], True),
    "active-robots": lambda s, e: (e["robots"], True),
    "network-km": lambda s, e: (s["t_km"], True),
    "interventions-per-100km": lambda s, e: (_div(100 * s["v_n"], s["t_km"]), True),
    "long-interventions": lambda s, e: (s["v_long"], True),
    "avg-intervention-time": lambda s, e: (_div(s["v_dur"], s["v_dur_n"]), True),
    "severe-incidents": lambda s, e: (s["i_sev3"], True),
    "collisions-per-1000-trips": lambda s, e: (
        _div(1000 * s["i_coll"], s["t_n"]), s["t_n"] >= 100),
    "near-miss-share": lambda s, e: (_div(s["i_near"], s["i_n"]), True),
    "overweight-trips": lambda s, e: (s["t_overweight"], True),
    "long-trips": lambda s, e: (s["t_long"], True),
    "incident-reporters": lambda s, e: (e["reporters"], True),
    "aborted-trip-share": lambda s, e: (_div(s["t_aborted"], s["t_n"]), True),
    "min-battery": lambda s, e: (e["minbatt"], True),
    "network-incident-rate": lambda s, e: (_div(1000 * s["i_n"], s["t_n"]), True),
}


def _judge(daily: dict[tuple[str, int], list[float]], maxspeed: dict[tuple[str, int], float],
           minbatt: dict[tuple[str, int], int], robots: dict[tuple[str, int], set[str]],
           reporters: dict[tuple[str, int], set[str]]) -> pa.Table:
    first = FIRST_INSTANT - 31
    zero: list[float] = [0.0] * len(SUMS)
    actors = sorted({a for a, _ in daily})
    prefix: dict[str, list[list[float]]] = {}
    for actor in ["*", *actors]:
        acc = [0.0] * len(SUMS)
        rows = [list(acc)]
        for d in range(first, LAST_INSTANT):
            if actor == "*":
                vals = [daily.get((a, d), zero) for a in actors]
                day = [sum(v[i] for v in vals) for i in range(len(SUMS))]
            else:
                day = daily.get((actor, d), zero)
            acc = [x + y for x, y in zip(acc, day, strict=True)]
            rows.append(acc)
        prefix[actor] = rows
    out: dict[str, list[Any]] = {f: [] for f in RESULT_SCHEMA.names}
    for goal in GOALS:
        w = goal.window_days
        for actor in ["*"] if goal.per == "all" else actors:
            pre = prefix[actor]
            for inst in range(FIRST_INSTANT, LAST_INSTANT + 1):
                hi, lo = pre[inst - first], pre[inst - w - first]
                sums = {name: hi[i] - lo[i] for i, name in enumerate(SUMS)}
                # Prefix differences of floats are not exactly 0 over no values.
                if sums["t_km_n"] == 0:
                    sums["t_km"] = 0.0
                if sums["v_dur_n"] == 0:
                    sums["v_dur"] = 0.0
                if goal.per == "actor" and sums["ev"] <= 0:
                    continue
                days = [(actor, d) for d in range(inst - w, inst)]
                extra: dict[str, Any] = {}
                if goal.id == "max-speed":
                    extra["maxspeed"] = max((maxspeed[k] for k in days if k in maxspeed),
                                            default=None)
                elif goal.id == "min-battery":
                    extra["minbatt"] = min((minbatt[k] for k in days if k in minbatt),
                                           default=None)
                elif goal.id == "active-robots":
                    extra["robots"] = len(set().union(*(robots.get(k, ()) for k in days)))
                elif goal.id == "incident-reporters":
                    extra["reporters"] = len(set().union(*(reporters.get(k, ()) for k in days)))
                value, evidence = MEASURES[goal.id](sums, extra)
                out["goal"].append(goal.id)
                out["actor"].append(actor)
                out["window_end_us"].append(instant_us(inst))
                out["value"].append(None if value is None else float(value))
                out["status"].append(status_of(goal, inst, value, evidence))
    return pa.table(out, schema=RESULT_SCHEMA)
