"""Shared pieces of the seeded simulators: the run context, rhythms, troubles, sampling.

All randomness comes from the context's own `random.Random`, so a run is a
pure function of (domain, days, seed, start). Times are epoch microseconds
in UTC; days are counted from local midnight of the start date in the
domain's time zone.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from agilegov.domains.parquet_out import StreamWriter

US = 1_000_000
MINUTE_US = 60 * US
HOUR_US = 3600 * US
DAY_US = 86_400 * US


@dataclass(frozen=True)
class Rhythm:
    """When events happen: relative weight per local hour (24) and per weekday (Mon..Sun, 7)."""

    hours: tuple[float, ...]
    weekdays: tuple[float, ...] = (1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)
    _cum: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.hours) != 24 or len(self.weekdays) != 7:
            raise ValueError("a rhythm needs 24 hour weights and 7 weekday weights")
        total, cum = 0.0, []
        for w in self.hours:
            total += w
            cum.append(total)
        object.__setattr__(self, "_cum", tuple(c / total for c in cum))

    def hour(self, rng: random.Random) -> int:
        return min(bisect.bisect_right(self._cum, rng.random()), 23)


@dataclass(frozen=True)
class Trouble:
    """An actor misbehaves from `start` to `stop`, fractions of the run (1.0 = to the end)."""

    start: float
    stop: float = 1.0

    def active(self, day: int, days: int) -> bool:
        return self.start * days <= day < self.stop * days


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (Knuth for small means, a rounded normal for large ones)."""
    if lam <= 0:
        return 0
    if lam > 40:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0.0, sigma))


def pick(rng: random.Random, items: Sequence[Any], weights: Sequence[float]) -> Any:
    return rng.choices(items, weights=weights, k=1)[0]


def clamp(x: float, low: float, high: float) -> float:
    return low if x < low else high if x > high else x


class SimContext:
    """One simulation run: the random source, the calendar and the stream writers."""

    def __init__(self, rng: random.Random, start: dt.date, days: int, timezone: str,
                 writers: dict[str, StreamWriter]) -> None:
        self.rng = rng
        self.start = start
        self.days = days
        self.tz = ZoneInfo(timezone)
        self.writers = writers
        self.start_us = self.midnight(0)
        self.end_us = self.midnight(days)

    def midnight(self, day: int) -> int:
        """Epoch microseconds of local midnight, `day` days after the start date."""
        local = dt.datetime.combine(self.start + dt.timedelta(days=day), dt.time(), self.tz)
        return int(local.timestamp()) * US

    def weekday(self, day: int) -> int:
        return (self.start + dt.timedelta(days=day)).weekday()

    def count(self, mean_per_day: float, day: int, rhythm: Rhythm) -> int:
        """How many events an actor with this daily mean has on `day`, weekday rhythm applied."""
        return poisson(self.rng, mean_per_day * rhythm.weekdays[self.weekday(day)])

    def moment(self, day: int, rhythm: Rhythm) -> int:
        """A random instant on `day`, its local hour drawn from the rhythm."""
        hour = rhythm.hour(self.rng)
        return self.midnight(day) + hour * HOUR_US + int(self.rng.random() * HOUR_US)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pseudonym(self, prefix: str, pool: int | None = None) -> str:
        """A stand-in for a personal identifier, drawn from a pool of `pool` people if given."""
        n = self.rng.randrange(pool) if pool else self.rng.getrandbits(40)
        return f"{prefix}-{n:010x}"

    def emit(self, stream: str, row: dict[str, Any]) -> None:
        """Record an event; events whose time falls outside the simulated days are not reported."""
        writer = self.writers[stream]
        at = row[writer.decl.time]
        if self.start_us <= at < self.end_us:
            writer.add(row)
