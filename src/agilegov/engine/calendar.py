"""Time semantics of the spec, in one place: local time, calendar arithmetic, instants, windows.

Every local wall time is resolved as PEP 495's ``fold=0``: a time that does not
exist or occurs twice (a DST change) takes the offset in force before the change.
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from agilegov.rulebook.durations import Duration

UTC = dt.UTC
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)


def resolve(wall: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """A naive local wall time as an aware datetime (fold=0), normalised to its real offset."""
    aware = wall.replace(tzinfo=tz, fold=0)
    return aware.astimezone(UTC).astimezone(tz)


def wall_of(t: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """The naive local wall clock of an instant."""
    return t.astimezone(tz).replace(tzinfo=None)


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months, the day clipped to the month's end."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = _cal.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def shift_wall(wall: dt.datetime, duration: Duration, times: int) -> dt.datetime:
    """Add `times` x a calendar duration to a naive wall time."""
    n = duration.amount * times
    if duration.unit == "d":
        return wall + dt.timedelta(days=n)
    if duration.unit == "w":
        return wall + dt.timedelta(weeks=n)
    months = n if duration.unit == "mo" else 12 * n
    return dt.datetime.combine(add_months(wall.date(), months), wall.time())


def shift(t: dt.datetime, duration: Duration, times: int, tz: ZoneInfo) -> dt.datetime:
    """`t + times x duration`: absolute units in real time, calendar units on the local calendar."""
    if not duration.is_calendar:
        # Convert to UTC first: Python adds timedeltas to aware datetimes on the wall clock.
        return (t.astimezone(UTC) + dt.timedelta(seconds=duration.seconds * times)).astimezone(tz)
    return resolve(shift_wall(wall_of(t, tz), duration, times), tz)


def to_us(t: dt.datetime) -> int:
    """Epoch microseconds (UTC) of an aware datetime, exactly."""
    delta = t - _EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_us(us: int, tz: ZoneInfo) -> dt.datetime:
    return (_EPOCH + dt.timedelta(microseconds=us)).astimezone(tz)


def anchor(effective_from: dt.date, tz: ZoneInfo) -> dt.datetime:
    """A: local midnight of effective_from."""
    return resolve(dt.datetime.combine(effective_from, dt.time()), tz)


@dataclass(frozen=True)
class Window:
    k: int
    start: dt.datetime
    end: dt.datetime  # the instant t


def instant(a: dt.datetime, every: Duration, k: int, tz: ZoneInfo) -> dt.datetime:
    """Instant k = A + k x every, computed from A (never by stepping)."""
    return shift(a, every, k, tz)


def instants(
    a: dt.datetime, every: Duration, lo: dt.datetime, hi: dt.datetime, tz: ZoneInfo
) -> list[tuple[int, dt.datetime]]:
    """Every (k, t) with lo <= t <= hi, in order."""
    if hi < lo:
        return []
    step = every.approx_seconds()
    lo, hi, a = lo.astimezone(UTC), hi.astimezone(UTC), a.astimezone(UTC)
    k = int((lo - a).total_seconds() // step) - 2
    while instant(a, every, k, tz) >= lo:  # back off until strictly before lo
        k -= max(
            1, int(abs((instant(a, every, k, tz).astimezone(UTC) - lo).total_seconds()) // step)
        )
    while instant(a, every, k, tz) < lo:
        k += 1
    out: list[tuple[int, dt.datetime]] = []
    t = instant(a, every, k, tz)
    while t <= hi:
        out.append((k, t))
        k += 1
        t = instant(a, every, k, tz)
    return out


def windows(
    a: dt.datetime,
    every: Duration,
    length: Duration,
    lo: dt.datetime,
    hi: dt.datetime,
    tz: ZoneInfo,
) -> list[Window]:
    """The windows [t - length, t) of every instant lo <= t <= hi."""
    return [Window(k, shift(t, length, -1, tz), t) for k, t in instants(a, every, lo, hi, tz)]


def parse_bound(text: str, tz: ZoneInfo) -> dt.datetime:
    """T1/T2 of the CLI: ISO 8601; a date or a naive time is in the domain's timezone."""
    value = text.strip()
    try:
        if len(value) == 10:
            return resolve(dt.datetime.combine(dt.date.fromisoformat(value), dt.time()), tz)
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(
            f"expected an ISO 8601 date or time such as 2026-04-01 or "
            f"2026-04-01T00:00:00+09:00, got {text!r}"
        ) from exc
    if parsed.tzinfo is None:
        return resolve(parsed, tz)
    return parsed.astimezone(tz)
