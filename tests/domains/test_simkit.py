"""Shared simulation pieces: calendar, rhythms, troubles and sampling."""

from __future__ import annotations

import datetime as dt
import random
import statistics
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from agilegov.domains.declared import StreamDecl
from agilegov.domains.parquet_out import StreamWriter
from agilegov.domains.simkit import (
    DAY_US,
    HOUR_US,
    US,
    Rhythm,
    SimContext,
    Trouble,
    clamp,
    poisson,
)

DECL = StreamDecl("s", time="at", actor="a", fields={"a": "string", "at": "timestamp"})


def context(tmp_path: Path, days: int = 3, seed: int = 0) -> SimContext:
    writers = {"s": StreamWriter(tmp_path / "s.parquet", DECL)}
    return SimContext(random.Random(seed), dt.date(2026, 4, 1), days, "Asia/Tokyo", writers)


def test_days_start_at_local_midnight(tmp_path: Path) -> None:
    ctx = context(tmp_path)
    tokyo_midnight = dt.datetime(2026, 3, 31, 15, tzinfo=dt.UTC)
    assert ctx.start_us == int(tokyo_midnight.timestamp()) * US
    assert ctx.midnight(2) - ctx.midnight(0) == 2 * DAY_US
    assert ctx.end_us == ctx.midnight(3)
    assert ctx.weekday(0) == 2  # 2026-04-01 is a Wednesday


def test_moments_fall_in_the_rhythms_hours(tmp_path: Path) -> None:
    ctx = context(tmp_path)
    office = Rhythm(hours=tuple(1.0 if 9 <= h < 17 else 0.0 for h in range(24)))
    for _ in range(500):
        t = ctx.moment(1, office)
        hour = (t - ctx.midnight(1)) // HOUR_US
        assert 9 <= hour < 17


def test_weekday_weights_scale_daily_counts(tmp_path: Path) -> None:
    ctx = context(tmp_path, days=14)
    weekdays_only = Rhythm(hours=(1.0,) * 24, weekdays=(1, 1, 1, 1, 1, 0, 0))
    for day in range(14):
        n = ctx.count(50, day, weekdays_only)
        assert (n == 0) == (ctx.weekday(day) >= 5)


def test_rhythm_needs_24_hours_and_7_days() -> None:
    with pytest.raises(ValueError, match="24 hour weights"):
        Rhythm(hours=(1.0,) * 23)


def test_trouble_covers_a_fraction_of_the_run() -> None:
    t = Trouble(0.3, 0.7)
    assert [d for d in range(10) if t.active(d, 10)] == [3, 4, 5, 6]
    assert Trouble(0.5).active(99, 100)
    assert not Trouble(0.5).active(-1, 100)


def test_poisson_has_the_right_mean_for_small_and_large_rates() -> None:
    rng = random.Random(7)
    small = [poisson(rng, 3.0) for _ in range(4000)]
    large = [poisson(rng, 200.0) for _ in range(4000)]
    assert statistics.fmean(small) == pytest.approx(3.0, rel=0.05)
    assert statistics.fmean(large) == pytest.approx(200.0, rel=0.01)
    assert min(small) >= 0 and poisson(rng, 0.0) == 0


def test_clamp() -> None:
    assert (clamp(-1, 0, 5), clamp(3, 0, 5), clamp(9, 0, 5)) == (0, 3, 5)


def test_pseudonyms_come_from_the_pool(tmp_path: Path) -> None:
    ctx = context(tmp_path)
    names = {ctx.pseudonym("p", 5) for _ in range(200)}
    assert names == {f"p-{n:010x}" for n in range(5)}


def test_events_outside_the_simulated_days_are_not_reported(tmp_path: Path) -> None:
    ctx = context(tmp_path)
    for at in (ctx.start_us - 1, ctx.start_us, ctx.end_us - 1, ctx.end_us):
        ctx.emit("s", {"a": "x", "at": at})
    assert ctx.writers["s"].close() == 2
    kept = pq.read_table(tmp_path / "s.parquet").column("at").cast("int64").to_pylist()
    assert kept == [ctx.start_us, ctx.end_us - 1]
