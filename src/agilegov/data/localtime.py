"""Naive local timestamps to UTC inside SQL, with the spec's fold=0 rule.

DuckDB's own zone conversion resolves an ambiguous local time to the later
instant, so the engine computes offsets itself: a piecewise function of the
wall time, with one step per UTC-offset transition of the zone in the range of
interest, built as a SQLGlot CASE expression (no text).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlglot import exp

from agilegov.engine.calendar import to_us

_US = 1_000_000


def _offset_us(t: dt.datetime, tz: ZoneInfo) -> int:
    off = t.astimezone(tz).utcoffset()
    assert off is not None
    return int(off.total_seconds() * _US)


def transitions(tz: ZoneInfo, lo: dt.datetime, hi: dt.datetime) -> list[tuple[int, int, int]]:
    """(utc_us, offset_before_us, offset_after_us) for every offset change in [lo, hi]."""
    out: list[tuple[int, int, int]] = []
    step = dt.timedelta(hours=6)
    lo, hi = lo.astimezone(dt.UTC), hi.astimezone(dt.UTC)  # arithmetic on real time, not wall time
    t = lo
    prev = _offset_us(t, tz)
    while t < hi:
        nxt = min(t + step, hi)
        off = _offset_us(nxt, tz)
        if off != prev:
            a, b = t, nxt  # bisect to the microsecond: offset(a) == prev, offset(b) == off
            while b - a > dt.timedelta(microseconds=1):
                mid = a + (b - a) / 2
                if _offset_us(mid, tz) == prev:
                    a = mid
                else:
                    b = mid
            out.append((to_us(b), prev, off))
            prev = off
        t = nxt
    return out


def wall_to_utc(
    wall_us: exp.Expr, tz: ZoneInfo, lo: dt.datetime, hi: dt.datetime
) -> exp.Expr:
    """UTC epoch-us of a wall time given as epoch-us 'as if UTC' (fold=0).

    Exact for wall times within [lo, hi] (padded by two days by the caller's
    choice of bounds); outside it, the offset nearest in time is used, which
    only matters for events that fall outside every window anyway.
    """
    first = _offset_us(lo, tz)
    steps = transitions(tz, lo, hi)
    if not steps:
        return exp.Sub(this=wall_us, expression=exp.Literal.number(first))
    case = exp.Case()
    current = first
    for utc_us, before, after in steps:
        boundary = utc_us + max(before, after)  # first wall time that takes `after`
        case = case.when(
            exp.LT(this=wall_us.copy(), expression=exp.Literal.number(boundary)),
            exp.Literal.number(current),
        )
        current = after
    case = case.else_(exp.Literal.number(current))
    return exp.Sub(this=wall_us, expression=exp.Paren(this=case))
