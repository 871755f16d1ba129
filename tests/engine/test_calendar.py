"""Calendar semantics: absolute vs calendar units across DST, month ends, instants, bounds."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from agilegov.engine.calendar import (
    add_months,
    anchor,
    from_us,
    instant,
    instants,
    parse_bound,
    resolve,
    shift,
    to_us,
    wall_of,
    windows,
)
from agilegov.rulebook.durations import parse_duration

UTC = dt.UTC
BERLIN = ZoneInfo("Europe/Berlin")
TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")


def b(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A Berlin wall time, resolved with fold=0."""
    return resolve(dt.datetime(year, month, day, hour, minute), BERLIN)


def test_absolute_units_are_real_time_across_spring_forward() -> None:
    t = b(2026, 3, 28, 12)
    after = shift(t, parse_duration("24h"), 1, BERLIN)
    assert after.isoformat() == "2026-03-29T13:00:00+02:00"
    assert after.astimezone(UTC) - t.astimezone(UTC) == dt.timedelta(hours=24)
    assert shift(t, parse_duration("1440m"), 1, BERLIN) == after
    assert shift(t, parse_duration("86400s"), 1, BERLIN) == after


def test_calendar_day_keeps_the_wall_clock_across_spring_forward() -> None:
    t = b(2026, 3, 28, 12)
    after = shift(t, parse_duration("1d"), 1, BERLIN)
    assert after.isoformat() == "2026-03-29T12:00:00+02:00"
    assert after.astimezone(UTC) - t.astimezone(UTC) == dt.timedelta(hours=23)


def test_calendar_day_across_fall_back_is_25_hours() -> None:
    midnight = b(2026, 10, 25, 0)
    nxt = shift(midnight, parse_duration("1d"), 1, BERLIN)
    assert nxt.isoformat() == "2026-10-26T00:00:00+01:00"
    assert nxt.astimezone(UTC) - midnight.astimezone(UTC) == dt.timedelta(hours=25)
    back = shift(nxt, parse_duration("1d"), -1, BERLIN)
    assert back.isoformat() == "2026-10-25T00:00:00+02:00"
    hours = shift(nxt, parse_duration("24h"), -1, BERLIN)
    assert hours.isoformat() == "2026-10-25T01:00:00+02:00"  # 24 real hours, not one day
    assert hours.astimezone(UTC) == dt.datetime(2026, 10, 24, 23, tzinfo=UTC)


def test_absolute_hours_step_through_the_repeated_hour() -> None:
    start = b(2026, 10, 25, 0)
    got = [shift(start, parse_duration("1h"), k, BERLIN).isoformat() for k in range(5)]
    assert got == [
        "2026-10-25T00:00:00+02:00",
        "2026-10-25T01:00:00+02:00",
        "2026-10-25T02:00:00+02:00",
        "2026-10-25T02:00:00+01:00",
        "2026-10-25T03:00:00+01:00",
    ]


def test_calendar_shift_into_a_gap_or_fold_resolves_fold0() -> None:
    gap = shift(b(2026, 3, 28, 2, 30), parse_duration("1d"), 1, BERLIN)
    assert gap.astimezone(UTC) == dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert gap.isoformat() == "2026-03-29T03:30:00+02:00"  # normalised to its real offset
    fold = shift(b(2026, 10, 24, 2, 30), parse_duration("1d"), 1, BERLIN)
    assert fold.isoformat() == "2026-10-25T02:30:00+02:00"  # the first of the two


def test_weeks_are_calendar_weeks() -> None:
    t = b(2026, 3, 25, 9)
    assert shift(t, parse_duration("1w"), 1, BERLIN).isoformat() == "2026-04-01T09:00:00+02:00"
    assert shift(t, parse_duration("2w"), -1, BERLIN).isoformat() == "2026-03-11T09:00:00+01:00"


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 3, 31), -1, dt.date(2026, 2, 28)),
        (dt.date(2028, 3, 31), -1, dt.date(2028, 2, 29)),
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2026, 1, 31), 3, dt.date(2026, 4, 30)),
        (dt.date(2026, 12, 15), 1, dt.date(2027, 1, 15)),
        (dt.date(2026, 1, 15), -1, dt.date(2025, 12, 15)),
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2024, 2, 29), 48, dt.date(2028, 2, 29)),
        (dt.date(2026, 5, 31), -15, dt.date(2025, 2, 28)),
    ],
)
def test_add_months_clips_to_the_month_end(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected


def test_month_and_year_shifts_in_local_time() -> None:
    t = b(2026, 3, 31, 0)
    assert shift(t, parse_duration("1mo"), -1, BERLIN).isoformat() == "2026-02-28T00:00:00+01:00"
    assert shift(t, parse_duration("1mo"), 1, BERLIN).isoformat() == "2026-04-30T00:00:00+02:00"
    leap = resolve(dt.datetime(2024, 2, 29, 6), TOKYO)
    assert shift(leap, parse_duration("1y"), 1, TOKYO).isoformat() == "2025-02-28T06:00:00+09:00"
    assert shift(leap, parse_duration("4y"), 1, TOKYO).isoformat() == "2028-02-29T06:00:00+09:00"


def test_monthly_instants_are_computed_from_the_anchor_not_by_stepping() -> None:
    a = anchor(dt.date(2026, 1, 31), BERLIN)
    every = parse_duration("1mo")
    got = [instant(a, every, k, BERLIN).date().isoformat() for k in range(-2, 6)]
    assert got == [
        "2025-11-30",
        "2025-12-31",
        "2026-01-31",
        "2026-02-28",
        "2026-03-31",  # not 03-28, as stepping month by month from 02-28 would give
        "2026-04-30",
        "2026-05-31",
        "2026-06-30",
    ]
    listed = instants(a, every, b(2026, 2, 1), b(2026, 5, 31), BERLIN)
    assert [(k, t.isoformat()) for k, t in listed] == [
        (1, "2026-02-28T00:00:00+01:00"),
        (2, "2026-03-31T00:00:00+02:00"),
        (3, "2026-04-30T00:00:00+02:00"),
        (4, "2026-05-31T00:00:00+02:00"),  # hi is inclusive
    ]


def test_instants_include_both_bounds_and_can_be_before_the_anchor() -> None:
    a = anchor(dt.date(2026, 4, 1), TOKYO)
    every = parse_duration("1d")
    lo = resolve(dt.datetime(2026, 3, 30), TOKYO)
    hi = resolve(dt.datetime(2026, 4, 2), TOKYO)
    assert [k for k, _ in instants(a, every, lo, hi, TOKYO)] == [-2, -1, 0, 1]
    just_after = lo + dt.timedelta(microseconds=1)
    assert [k for k, _ in instants(a, every, just_after, hi, TOKYO)] == [-1, 0, 1]
    assert instants(a, every, hi, lo, TOKYO) == []
    assert instants(a, every, just_after, just_after, TOKYO) == []


def test_six_hourly_instants_across_dst_are_real_hours() -> None:
    a = anchor(dt.date(2026, 3, 1), NEW_YORK)
    lo = dt.datetime(2026, 3, 8, 0, tzinfo=NEW_YORK)
    hi = dt.datetime(2026, 3, 9, 0, tzinfo=NEW_YORK)
    got = [t.isoformat() for _, t in instants(a, parse_duration("6h"), lo, hi, NEW_YORK)]
    assert got == [
        "2026-03-08T00:00:00-05:00",
        "2026-03-08T07:00:00-04:00",
        "2026-03-08T13:00:00-04:00",
        "2026-03-08T19:00:00-04:00",
    ]


def test_windows_over_a_dst_day() -> None:
    a = anchor(dt.date(2026, 3, 1), BERLIN)
    ws = windows(a, parse_duration("1d"), parse_duration("1d"), b(2026, 3, 29), b(2026, 3, 30),
                 BERLIN)
    assert [(w.start.isoformat(), w.end.isoformat()) for w in ws] == [
        ("2026-03-28T00:00:00+01:00", "2026-03-29T00:00:00+01:00"),
        ("2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00"),
    ]
    assert ws[1].end.astimezone(UTC) - ws[1].start.astimezone(UTC) == dt.timedelta(hours=23)
    assert [w.k for w in ws] == [28, 29]


def test_anchor_and_wall_of() -> None:
    a = anchor(dt.date(2026, 4, 1), TOKYO)
    assert a.isoformat() == "2026-04-01T00:00:00+09:00"
    assert wall_of(a, BERLIN) == dt.datetime(2026, 3, 31, 17, 0)


def test_epoch_microseconds_round_trip() -> None:
    t = dt.datetime(2026, 4, 1, 9, 30, 0, 123456, tzinfo=TOKYO)
    us = to_us(t)
    assert us == 1775003400123456
    assert from_us(us, TOKYO) == t and from_us(us, TOKYO).tzinfo is TOKYO
    old = dt.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    assert to_us(old) == -1
    assert from_us(-1, ZoneInfo("UTC")) == old


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-04-01", "2026-04-01T00:00:00+02:00"),
        ("2026-03-29T02:30:00", "2026-03-29T03:30:00+02:00"),  # a gap: fold=0 (+01:00)
        ("2026-10-25T02:30", "2026-10-25T02:30:00+02:00"),  # a fold: the first one
        ("2026-04-01T09:00:00", "2026-04-01T09:00:00+02:00"),
        ("2026-04-01T09:00:00+09:00", "2026-04-01T02:00:00+02:00"),
        ("2026-04-01T07:00:00Z", "2026-04-01T09:00:00+02:00"),
        ("  2026-01-15  ", "2026-01-15T00:00:00+01:00"),
    ],
)
def test_parse_bound(text: str, expected: str) -> None:
    got = parse_bound(text, BERLIN)
    assert got.isoformat() == expected
    assert got.utcoffset() is not None


@pytest.mark.parametrize("text", ["tomorrow", "2026-13-01", "2026-02-30", "", "01/04/2026",
                                  "2026-04-01T25:00"])
def test_parse_bound_errors_say_what_was_expected(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_bound(text, BERLIN)
    assert "expected an ISO 8601 date or time" in str(info.value)
    assert repr(text) in str(info.value)
