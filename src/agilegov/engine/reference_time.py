"""Calendar arithmetic for the reference evaluator, written straight from the spec.

Every instant is handled as an aware UTC datetime: Python compares and
subtracts two datetimes that share a tzinfo by wall time (ignoring the offset
and `fold`), which is wrong around a DST change, so local datetimes exist here
only as naive wall times on their way in or out.

- `s`, `m`, `h` are absolute: added in UTC.
- `d`, `w`, `mo`, `y` are calendar units: added to the local wall time (months
  clip the day to the month's end), then the wall time is resolved with
  PEP 495 `fold=0` (a time that does not exist or occurs twice takes the
  offset in force before the change).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from zoneinfo import ZoneInfo

from agilegov.rulebook.durations import Duration

UTC = dt.UTC


def resolve(wall: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """A naive local wall time as an aware UTC instant (fold=0)."""
    return wall.replace(tzinfo=tz, fold=0).astimezone(UTC)


def to_utc(t: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """Any datetime as an aware UTC instant; a naive one is local wall time in `tz`."""
    if t.tzinfo is None or t.utcoffset() is None:
        return resolve(t, tz)
    return t.astimezone(UTC)


def to_local(t: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """A UTC instant as an aware datetime in the domain's timezone (for output)."""
    return t.astimezone(UTC).astimezone(tz)


def wall_time(t: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """The naive local wall time of an instant."""
    return t.astimezone(UTC).astimezone(tz).replace(tzinfo=None)


def shift_months(wall: dt.datetime, months: int) -> dt.datetime:
    """A wall time plus a number of months, the day clipped to the month's end."""
    index = wall.year * 12 + (wall.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    day = min(wall.day, calendar.monthrange(year, month)[1])
    return wall.replace(year=year, month=month, day=day)


def shift_wall(wall: dt.datetime, amount: int, unit: str) -> dt.datetime:
    """A wall time plus `amount` calendar units (may be negative)."""
    if unit == "d":
        return wall + dt.timedelta(days=amount)
    if unit == "w":
        return wall + dt.timedelta(days=7 * amount)
    if unit == "mo":
        return shift_months(wall, amount)
    if unit == "y":
        return shift_months(wall, 12 * amount)
    raise ValueError(f"not a calendar unit: {unit!r}")


def add(t: dt.datetime, duration: Duration, times: int, tz: ZoneInfo) -> dt.datetime:
    """`t + times * duration` as a UTC instant, in the spec's calendar arithmetic."""
    if not duration.is_calendar:
        return t.astimezone(UTC) + dt.timedelta(seconds=duration.seconds * times)
    return resolve(shift_wall(wall_time(t, tz), duration.amount * times, duration.unit), tz)


def anchor(effective_from: dt.date, tz: ZoneInfo) -> dt.datetime:
    """A: local midnight of `effective_from`, as a UTC instant."""
    return resolve(dt.datetime.combine(effective_from, dt.time(0, 0)), tz)


def instant(a: dt.datetime, every: Duration, k: int, tz: ZoneInfo) -> dt.datetime:
    """Instant k: `A + k * every`, computed from A (never by stepping)."""
    return add(a, every, k, tz)


def instants(
    a: dt.datetime, every: Duration, tz: ZoneInfo, start: dt.datetime, end: dt.datetime
) -> list[dt.datetime]:
    """Every instant t with start <= t <= end, in time order (UTC)."""
    start_u, end_u = start.astimezone(UTC), end.astimezone(UTC)
    if start_u > end_u:
        return []
    k = math.floor((start_u - a).total_seconds() / every.approx_seconds())
    while instant(a, every, k, tz) >= start_u:
        k -= 1
    while instant(a, every, k, tz) < start_u:
        k += 1
    out: list[dt.datetime] = []
    while (t := instant(a, every, k, tz)) <= end_u:
        out.append(t)
        k += 1
    return out


def micros(t: dt.datetime) -> int:
    """Microseconds since the Unix epoch of an aware datetime (exact)."""
    return (t.astimezone(UTC) - dt.datetime(1970, 1, 1, tzinfo=UTC)) // dt.timedelta(
        microseconds=1
    )
