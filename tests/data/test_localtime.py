"""Naive wall times to UTC in SQL: executed in DuckDB and compared with zoneinfo (fold=0)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
import pytest
import sqlglot
from sqlglot import exp

from agilegov.data.localtime import transitions, wall_to_utc
from agilegov.engine.calendar import to_us

UTC = dt.UTC
_EPOCH_NAIVE = dt.datetime(1970, 1, 1)
LO = dt.datetime(2025, 12, 20, tzinfo=UTC)
HI = dt.datetime(2027, 1, 10, tzinfo=UTC)
ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Tokyo", "UTC"]


def wall_us(wall: dt.datetime) -> int:
    """A naive wall time as epoch microseconds 'as if UTC' (how the engine feeds it in)."""
    delta = wall - _EPOCH_NAIVE
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def expected_us(wall: dt.datetime, tz: ZoneInfo) -> int:
    return to_us(wall.replace(tzinfo=tz, fold=0))


def run_in_duckdb(walls: list[dt.datetime], tz: ZoneInfo) -> list[int]:
    con = duckdb.connect()
    try:
        con.register("walls", pa.table({"i": range(len(walls)), "w": [wall_us(w) for w in walls]}))
        expr = wall_to_utc(exp.column("w", quoted=True), tz, LO, HI)
        query = sqlglot.select(exp.alias_(expr, "u")).from_("walls").order_by("i")
        return [row[0] for row in con.execute(query.sql(dialect="duckdb")).fetchall()]
    finally:
        con.close()


def wall_times(tz: ZoneInfo) -> list[dt.datetime]:
    """Every 15 minutes around each transition of 2026, plus a coarse sweep of the year."""
    out: list[dt.datetime] = []
    for utc_us, before, after in transitions(tz, LO, HI):
        # the gap or fold on the wall clock is [utc + min offset, utc + max offset)
        low = _EPOCH_NAIVE + dt.timedelta(microseconds=utc_us + min(before, after))
        high = _EPOCH_NAIVE + dt.timedelta(microseconds=utc_us + max(before, after))
        start = low.replace(minute=0) - dt.timedelta(hours=6)
        out.extend(start + dt.timedelta(minutes=15 * i) for i in range(4 * 14))
        for edge in (low, high):  # each wall-clock edge, and the microseconds around it
            out.extend(edge + dt.timedelta(microseconds=d) for d in (-1, 0, 1))
    first = dt.datetime(2026, 1, 1)
    out.extend(first + dt.timedelta(hours=7 * i, minutes=13 * i % 60) for i in range(1250))
    return out


@pytest.mark.parametrize("zone", ZONES)
def test_wall_to_utc_matches_zoneinfo_fold0(zone: str) -> None:
    tz = ZoneInfo(zone)
    walls = wall_times(tz)
    got = run_in_duckdb(walls, tz)
    want = [expected_us(w, tz) for w in walls]
    mismatches = [(w, g, e) for w, g, e in zip(walls, got, want, strict=True) if g != e]
    assert mismatches == []


def test_berlin_gap_and_fold_take_the_offset_before_the_change() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    walls = [
        dt.datetime(2026, 3, 29, 1, 59, 59),  # +01:00
        dt.datetime(2026, 3, 29, 2, 30),  # does not exist: fold=0 -> +01:00 -> 01:30 UTC
        dt.datetime(2026, 3, 29, 3, 0),  # +02:00 -> 01:00 UTC
        dt.datetime(2026, 10, 25, 1, 59),  # +02:00
        dt.datetime(2026, 10, 25, 2, 30),  # occurs twice: fold=0 -> +02:00 -> 00:30 UTC
        dt.datetime(2026, 10, 25, 3, 0),  # +01:00 -> 02:00 UTC
    ]
    got = run_in_duckdb(walls, berlin)
    want = [
        dt.datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC),
        dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
        dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
        dt.datetime(2026, 10, 24, 23, 59, tzinfo=UTC),
        dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        dt.datetime(2026, 10, 25, 2, 0, tzinfo=UTC),
    ]
    assert got == [to_us(t) for t in want]


def test_lord_howe_half_hour_change() -> None:
    tz = ZoneInfo("Australia/Lord_Howe")
    # 2026-10-04 02:00 local (+10:30) jumps to 02:30 (+11:00); 02:15 does not exist.
    got = run_in_duckdb([dt.datetime(2026, 10, 4, 2, 15), dt.datetime(2026, 10, 4, 2, 30)], tz)
    assert got == [
        to_us(dt.datetime(2026, 10, 3, 15, 45, tzinfo=UTC)),  # taken at +10:30
        to_us(dt.datetime(2026, 10, 3, 15, 30, tzinfo=UTC)),
    ]
    # 2026-04-05 02:00 local (+11:00) falls back to 01:30 (+10:30); 01:45 occurs twice.
    got = run_in_duckdb([dt.datetime(2026, 4, 5, 1, 45)], tz)
    assert got == [to_us(dt.datetime(2026, 4, 4, 14, 45, tzinfo=UTC))]


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        (
            "Europe/Berlin",
            [
                (dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC), 3600, 7200),
                (dt.datetime(2026, 10, 25, 1, 0, tzinfo=UTC), 7200, 3600),
            ],
        ),
        (
            "America/New_York",
            [
                (dt.datetime(2026, 3, 8, 7, 0, tzinfo=UTC), -5 * 3600, -4 * 3600),
                (dt.datetime(2026, 11, 1, 6, 0, tzinfo=UTC), -4 * 3600, -5 * 3600),
            ],
        ),
        (
            "Australia/Lord_Howe",
            [
                (dt.datetime(2026, 4, 4, 15, 0, tzinfo=UTC), 39600, 37800),
                (dt.datetime(2026, 10, 3, 15, 30, tzinfo=UTC), 37800, 39600),
            ],
        ),
        ("Asia/Tokyo", []),
        ("UTC", []),
    ],
)
def test_transitions_of_2026(zone: str, expected: list[tuple[dt.datetime, int, int]]) -> None:
    lo = dt.datetime(2026, 1, 1, tzinfo=UTC)
    hi = dt.datetime(2027, 1, 1, tzinfo=UTC)
    got = transitions(ZoneInfo(zone), lo, hi)
    assert got == [(to_us(t), b * 1_000_000, a * 1_000_000) for t, b, a in expected]


@pytest.mark.parametrize("zone", ZONES)
def test_transitions_agree_with_zoneinfo_offsets(zone: str) -> None:
    tz = ZoneInfo(zone)
    lo = dt.datetime(2020, 1, 1, tzinfo=UTC)
    hi = dt.datetime(2030, 1, 1, tzinfo=UTC)
    found = transitions(tz, lo, hi)

    def offset(t: dt.datetime) -> int:
        off = t.astimezone(tz).utcoffset()
        assert off is not None
        return int(off.total_seconds() * 1_000_000)

    previous = lo
    for utc_us, before, after in found:
        at = dt.datetime(1970, 1, 1, tzinfo=UTC) + dt.timedelta(microseconds=utc_us)
        assert before != after
        assert offset(at - dt.timedelta(microseconds=1)) == before
        assert offset(at) == after
        assert at > previous
        previous = at
    # No change missed: a daily sweep sees exactly as many offset changes.
    changes = 0
    t = lo
    while t < hi:
        if offset(t + dt.timedelta(days=1)) != offset(t):
            changes += 1
        t += dt.timedelta(days=1)
    assert len(found) == changes
    assert len(found) == (0 if zone in ("Asia/Tokyo", "UTC") else 20)


def test_transitions_accept_bounds_in_any_zone() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    lo = dt.datetime(2026, 3, 29, 0, 0, tzinfo=berlin)
    hi = dt.datetime(2026, 3, 29, 12, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # 03:00 UTC
    assert transitions(berlin, lo, hi) == [
        (to_us(dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC)), 3_600_000_000, 7_200_000_000)
    ]


def test_without_transitions_the_expression_is_a_constant_shift() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    got = run_in_duckdb([dt.datetime(2026, 4, 1, 9, 0), dt.datetime(1990, 1, 1)], tokyo)
    assert got == [
        to_us(dt.datetime(2026, 4, 1, 0, 0, tzinfo=UTC)),
        to_us(dt.datetime(1989, 12, 31, 15, 0, tzinfo=UTC)),
    ]


def test_wall_to_utc_passes_null_through() -> None:
    con = duckdb.connect()
    try:
        con.register("walls", pa.table({"w": pa.array([None], type=pa.int64())}))
        expr = wall_to_utc(exp.column("w", quoted=True), ZoneInfo("Europe/Berlin"), LO, HI)
        assert con.execute(sqlglot.select(expr).from_("walls").sql("duckdb")).fetchall() == [
            (None,)
        ]
    finally:
        con.close()
