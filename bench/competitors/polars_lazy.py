"""Hand-written Polars (lazy): group by actor and local day, then rolling windows.

The same plan as the single-pass SQL: one lazy scan per stream computing all
daily indicators, a dense actor x day grid, `rolling_sum(...).over("actor")`
for the windows, and the "last occurrence" steps for multi-day count-distinct.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow as pa

from bench.common import (
    DAY_US,
    FIRST_INSTANT,
    GOALS,
    LAST_INSTANT,
    OFFSET_US,
    RESULT_SCHEMA,
    GoalSpec,
    stream_path,
)

TIME = {"trips": "ended_at", "incidents": "occurred_at", "interventions": "at"}
c = pl.col

DAILY: dict[str, dict[str, pl.Expr]] = {
    "trips": {
        "t_n": pl.len(),
        "t_km": c("km").sum(),
        "t_km_n": c("km").count(),
        "t_delivered": c("delivered").sum(),
        "t_maxspeed": c("max_speed_kmh").max(),
        "t_school_fast": ((c("zone") == "school") & (c("max_speed_kmh") > 4)).sum(),
        "t_overweight": (c("payload_kg") > 20).sum(),
        "t_long": ((c("ended_at").dt.epoch("us") - c("started_at").dt.epoch("us"))
                   > 3_600_000_000).sum(),
        "t_aborted": ((~c("delivered")) & c("km").is_between(0, 0.1)).sum(),
        "t_minbatt": c("battery_end_pct").min(),
        "t_robots_list": c("robot_id").drop_nulls().unique(),
    },
    "incidents": {
        "i_n": pl.len(),
        "i_sev2": (c("severity") >= 2).sum(),
        "i_sev3": (c("severity") >= 3).sum(),
        "i_late": ((c("reported_at").dt.epoch("us") - c("occurred_at").dt.epoch("us"))
                   > 86_400_000_000).sum(),
        "i_coll": (c("kind") == "collision").sum(),
        "i_near": (c("kind") == "near-miss").sum(),
        "i_reporters_list": c("reporter").drop_nulls().unique(),
    },
    "interventions": {
        "v_n": pl.len(),
        "v_long": (c("duration_s") > 300).sum(),
        "v_dur": c("duration_s").sum(),
        "v_dur_n": c("duration_s").count(),
    },
}
FLOAT_COUNT = {"t_km": "t_km_n", "v_dur": "v_dur_n"}  # float sums and their value counts
ONE_DAY_ONLY = {"t_maxspeed", "t_minbatt"}  # max/min: only used over 1-day windows
DISTINCT = {"t_robots": ("trips", 1), "i_reporters": ("incidents", 30)}


def _div(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    return pl.when(b != 0).then(a.cast(pl.Float64) / b).otherwise(None)


def _w(name: str, w: int) -> pl.Expr:
    return c(f"{name}_{w}")


MEASURES: dict[str, tuple[pl.Expr, pl.Expr | None]] = {
    "injury-rate": (_div(100000 * _w("i_sev2", 30), _w("t_km", 30)), _w("t_km", 30) >= 500),
    "timely-reporting": (_w("i_late", 7), None),
    "delivery-success": (_div(_w("t_delivered", 7), _w("t_n", 7)), _w("t_n", 7) >= 20),
    "avg-trip-km": (_div(_w("t_km", 1), _w("t_km_n", 1)), None),
    "max-speed": (_w("t_maxspeed", 1), None),
    "school-zone-speeding": (_w("t_school_fast", 7), None),
    "active-robots": (_w("t_robots", 1), None),
    "network-km": (_w("t_km", 1), None),
    "interventions-per-100km": (_div(100 * _w("v_n", 7), _w("t_km", 7)), None),
    "long-interventions": (_w("v_long", 7), None),
    "avg-intervention-time": (_div(_w("v_dur", 30), _w("v_dur_n", 30)), None),
    "severe-incidents": (_w("i_sev3", 30), None),
    "collisions-per-1000-trips": (
        _div(1000 * _w("i_coll", 30), _w("t_n", 30)), _w("t_n", 30) >= 100),
    "near-miss-share": (_div(_w("i_near", 30), _w("i_n", 30)), None),
    "overweight-trips": (_w("t_overweight", 7), None),
    "long-trips": (_w("t_long", 7), None),
    "incident-reporters": (_w("i_reporters", 30), None),
    "aborted-trip-share": (_div(_w("t_aborted", 7), _w("t_n", 7)), None),
    "min-battery": (_w("t_minbatt", 1), None),
    "network-incident-rate": (_div(1000 * _w("i_n", 30), _w("t_n", 30)), None),
}
SUMMED = [n for s in DAILY.values() for n in s if not n.endswith("_list")]


def _daily(data_dir: Path, stream: str) -> pl.LazyFrame:
    t = c(TIME[stream]).dt.epoch("us")
    return (
        pl.scan_parquet(stream_path(data_dir, stream))
        .with_columns(((t + OFFSET_US) // DAY_US).cast(pl.Int32).alias("day"))
        .group_by(c("operator").alias("actor"), "day")
        .agg(**DAILY[stream], ev=pl.len())
        .rename({"ev": f"ev_{stream}"})
    )


def _steps(daily: pl.LazyFrame, name: str, w: int) -> pl.LazyFrame:
    """+1/-1 steps by grid day whose running sum is the distinct count of the window."""
    occ = (daily.select("actor", "day", c(f"{name}_list").alias("val")).explode("val")
           .drop_nulls("val").sort("actor", "val", "day"))
    nxt = c("day").shift(-1).over("actor", "val")
    end = pl.min_horizontal(c("day") + w, nxt.fill_null(c("day") + w))
    up = occ.select("actor", "day", pl.lit(1, pl.Int64).alias("delta"))
    down = occ.select("actor", end.alias("day"), pl.lit(-1, pl.Int64).alias("delta"))
    return (pl.concat([up, down]).group_by("actor", "day").agg(c("delta").sum())
            .rename({"delta": f"{name}_delta"}))


def _status(goal: GoalSpec, value: pl.Expr, evidence: pl.Expr | None) -> pl.Expr:
    start = c("instant") - goal.window_days
    target = pl.lit(goal.targets[0].value)
    for t in goal.targets[1:]:
        target = pl.when(start >= t.since).then(pl.lit(t.value)).otherwise(target)
    op = goal.targets[0].op
    assert all(t.op == op for t in goal.targets)
    ok = {"==": value == target, "=": value == target, "!=": value != target,
          "<": value < target, "<=": value <= target, ">": value > target,
          ">=": value >= target}[op]
    ev = evidence.fill_null(False) if evidence is not None else pl.lit(True)
    return (pl.when(value.is_null() | ~ev).then(pl.lit("insufficient"))
            .when(ok).then(pl.lit("met")).otherwise(pl.lit("unmet")))


def _windows(frame: pl.LazyFrame, by: str | None, names: list[str]) -> pl.LazyFrame:
    cols: list[pl.Expr] = []
    for w in (1, 7, 30):
        for n in [*names, "ev"]:
            if n in ONE_DAY_ONLY:
                if w == 1:
                    cols.append(c(n).alias(f"{n}_1"))
                continue
            roll = c(n).rolling_sum(window_size=w, min_samples=1)
            roll = roll.over(by) if by else roll
            if n in FLOAT_COUNT:  # a rolling float sum over no values is not exactly 0
                count = c(FLOAT_COUNT[n]).rolling_sum(window_size=w, min_samples=1)
                count = count.over(by) if by else count
                roll = pl.when(count == 0).then(0.0).otherwise(roll)
            cols.append(roll.alias(f"{n}_{w}"))
    for name in DISTINCT:
        if by:
            w = DISTINCT[name][1]
            cols.append(c(f"{name}_delta").cum_sum().over(by).alias(f"{name}_{w}"))
    keys = [by] if by else []
    return frame.select(*keys, (c("day") + 1).alias("instant"), *cols)


def findings(data_dir: Path) -> pa.Table:
    daily = {s: _daily(data_dir, s) for s in DAILY}
    actors = pl.concat([d.select("actor") for d in daily.values()]).unique()
    days = pl.LazyFrame({"day": pl.int_range(FIRST_INSTANT - 31, LAST_INSTANT, eager=True)
                         .cast(pl.Int32)})
    grid = actors.join(days, how="cross")
    for s, d in daily.items():
        grid = grid.join(d.drop([n for n in DAILY[s] if n.endswith("_list")]),
                         on=["actor", "day"], how="left")
    for name, (stream, w) in DISTINCT.items():
        grid = grid.join(_steps(daily[stream], name, w), on=["actor", "day"], how="left")
    sums = [n for n in SUMMED if n not in ONE_DAY_ONLY]
    grid = grid.with_columns(
        *(c(n).fill_null(0) for n in sums),
        *(c(f"{n}_delta").fill_null(0) for n in DISTINCT),
        ev=sum((c(f"ev_{s}").fill_null(0) for s in DAILY), pl.lit(0, pl.UInt32)),
    ).sort("actor", "day").collect().lazy()  # small: actors x days
    per_actor = _windows(grid, "actor", SUMMED).filter(c("instant").is_between(FIRST_INSTANT,
                                                                       LAST_INSTANT))
    per_all = _windows(
        grid.group_by("day").agg(*(c(n).sum() for n in [*sums, "ev"])).sort("day"), None, sums
    ).filter(c("instant").is_between(FIRST_INSTANT, LAST_INSTANT))
    parts = []
    for goal in GOALS:
        value, evidence = MEASURES[goal.id]
        value = value.cast(pl.Float64)
        src = per_all if goal.per == "all" else per_actor.filter(
            c(f"ev_{goal.window_days}") > 0)
        actor = pl.lit("*") if goal.per == "all" else c("actor")
        parts.append(src.select(
            pl.lit(goal.id).alias("goal"), actor.alias("actor"),
            (c("instant").cast(pl.Int64) * DAY_US - OFFSET_US).alias("window_end_us"),
            value.alias("value"), _status(goal, value, evidence).alias("status")))
    out = pl.concat(parts).collect()
    return out.to_arrow().cast(RESULT_SCHEMA)
