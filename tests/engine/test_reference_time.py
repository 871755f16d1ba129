"""Calendar arithmetic of the reference evaluator."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from agilegov.engine import reference_time as cal
from agilegov.rulebook.durations import parse_duration

BERLIN = ZoneInfo("Europe/Berlin")
TOKYO = ZoneInfo("Asia/Tokyo")
UTC_ZONE = ZoneInfo("UTC")
UTC = dt.UTC


def local_iso(t: dt.datetime, tz: ZoneInfo) -> str:
    return cal.to_local(t, tz).isoformat()


def test_shift_months_clips_to_month_end() -> None:
    jan31 = dt.datetime(2025, 1, 31, 10, 0)
    assert cal.shift_months(jan31, 1) == dt.datetime(2025, 2, 28, 10, 0)
    assert cal.shift_months(jan31, 2) == dt.datetime(2025, 3, 31, 10, 0)
    assert cal.shift_months(dt.datetime(2024, 3, 31), -1) == dt.datetime(2024, 2, 29)
    assert cal.shift_months(dt.datetime(2025, 1, 15), -13) == dt.datetime(2023, 12, 15)
    assert cal.shift_wall(dt.datetime(2024, 2, 29), 1, "y") == dt.datetime(2025, 2, 28)


def test_monthly_instants_are_computed_from_the_anchor_not_by_stepping() -> None:
    a = cal.anchor(dt.date(2025, 1, 31), UTC_ZONE)
    every = parse_duration("1mo")
    got = [cal.instant(a, every, k, UTC_ZONE).date().isoformat() for k in range(4)]
    # Stepping would give Jan 31, Feb 28, Mar 28, Apr 28.
    assert got == ["2025-01-31", "2025-02-28", "2025-03-31", "2025-04-30"]


def test_one_day_back_across_spring_forward_is_23_hours() -> None:
    t = cal.resolve(dt.datetime(2025, 3, 31), BERLIN)
    start = cal.add(t, parse_duration("1d"), -1, BERLIN)
    assert local_iso(start, BERLIN) == "2025-03-30T00:00:00+01:00"
    assert t - start == dt.timedelta(hours=23)


def test_one_day_back_across_fall_back_is_25_hours() -> None:
    t = cal.resolve(dt.datetime(2025, 10, 27), BERLIN)
    start = cal.add(t, parse_duration("1d"), -1, BERLIN)
    assert t - start == dt.timedelta(hours=25)


def test_nonexistent_and_ambiguous_times_take_the_offset_before_the_change() -> None:
    gap = cal.resolve(dt.datetime(2025, 3, 30, 2, 30), BERLIN)
    assert gap == dt.datetime(2025, 3, 30, 1, 30, tzinfo=UTC)
    assert local_iso(gap, BERLIN) == "2025-03-30T03:30:00+02:00"
    twice = cal.resolve(dt.datetime(2025, 10, 26, 2, 30), BERLIN)
    assert local_iso(twice, BERLIN) == "2025-10-26T02:30:00+02:00"


def test_absolute_units_are_added_in_utc() -> None:
    t = cal.resolve(dt.datetime(2025, 3, 30, 1, 0), BERLIN)
    later = cal.add(t, parse_duration("2h"), 1, BERLIN)
    assert local_iso(later, BERLIN) == "2025-03-30T04:00:00+02:00"


def test_instants_in_range_include_both_ends() -> None:
    a = cal.anchor(dt.date(2026, 4, 1), TOKYO)
    start = dt.datetime(2026, 4, 2, tzinfo=TOKYO)
    end = dt.datetime(2026, 4, 4, tzinfo=TOKYO)
    got = cal.instants(a, parse_duration("1d"), TOKYO, start, end)
    assert [local_iso(t, TOKYO) for t in got] == [
        "2026-04-02T00:00:00+09:00", "2026-04-03T00:00:00+09:00", "2026-04-04T00:00:00+09:00",
    ]


def test_instants_before_effective_from_and_empty_ranges() -> None:
    a = cal.anchor(dt.date(2026, 4, 1), TOKYO)
    before = cal.instants(
        a, parse_duration("1w"), TOKYO,
        dt.datetime(2026, 3, 10, tzinfo=TOKYO), dt.datetime(2026, 3, 25, tzinfo=TOKYO),
    )
    assert [cal.to_local(t, TOKYO).date().isoformat() for t in before] == [
        "2026-03-11", "2026-03-18", "2026-03-25",
    ]
    assert cal.instants(a, parse_duration("1d"), TOKYO,
                        dt.datetime(2026, 4, 2, 1, tzinfo=TOKYO),
                        dt.datetime(2026, 4, 2, 23, tzinfo=TOKYO)) == []
    assert cal.instants(a, parse_duration("1d"), TOKYO,
                        dt.datetime(2026, 4, 5, tzinfo=TOKYO),
                        dt.datetime(2026, 4, 2, tzinfo=TOKYO)) == []


def test_hourly_instants_through_fall_back_are_distinct_and_ordered() -> None:
    a = cal.anchor(dt.date(2025, 10, 1), BERLIN)
    got = cal.instants(
        a, parse_duration("1h"), BERLIN,
        dt.datetime(2025, 10, 26, 1, 0, tzinfo=UTC) - dt.timedelta(hours=1),
        dt.datetime(2025, 10, 26, 2, 0, tzinfo=UTC),
    )
    assert [local_iso(t, BERLIN) for t in got] == [
        "2025-10-26T02:00:00+02:00", "2025-10-26T02:00:00+01:00", "2025-10-26T03:00:00+01:00",
    ]


def test_micros_is_exact() -> None:
    t = dt.datetime(2026, 1, 1, 0, 0, 0, 1, tzinfo=TOKYO)
    assert cal.micros(t) == 1767193200 * 1_000_000 + 1
