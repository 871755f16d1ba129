"""What every competitor shares: the calendar of the run and the goals' targets.

The benchmark rulebook (`bench/rulebook.yaml`) is in Asia/Tokyo, which has had
no daylight saving time since 1951, so a local day is exactly 24 hours and a
hand-written competitor may bucket events by `(epoch + 9h) // 1 day`. Every
window of the rulebook is a whole number of local days ending at local
midnight, so every competitor computes per-(actor, local day) aggregates
first and then combines days into windows.

Days are numbered as local days since 1970-01-01 ("day index"). The instant at
local midnight starting day `D` judges the window of days `D - W .. D - 1`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa

RULEBOOK = Path(__file__).with_name("rulebook.yaml")
STREAMS = ("trips", "incidents", "interventions")
TZ = ZoneInfo("Asia/Tokyo")
OFFSET_US = 9 * 3600 * 1_000_000
DAY_US = 86_400 * 1_000_000

YEAR_START = dt.date(2026, 1, 1)  # first local day holding events
DATA_DAYS = 365  # events cover local days 2026-01-01 .. 2026-12-31
EPOCH = dt.date(1970, 1, 1)
FIRST_DAY = (YEAR_START - EPOCH).days
# Evaluated instants: local midnights from 2026-01-01 to 2027-01-01 inclusive.
FIRST_INSTANT = FIRST_DAY
LAST_INSTANT = FIRST_DAY + DATA_DAYS
EVAL_START = dt.datetime(2026, 1, 1, tzinfo=TZ)
EVAL_END = dt.datetime(2027, 1, 1, tzinfo=TZ)


def day_of(date: dt.date) -> int:
    return (date - EPOCH).days


def instant_us(day: int) -> int:
    """UTC epoch microseconds of local midnight starting `day`."""
    return day * DAY_US - OFFSET_US


@dataclass(frozen=True)
class TargetSpec:
    since: int  # day index from which it is in force
    op: str
    value: float
    text: str


@dataclass(frozen=True)
class GoalSpec:
    id: str
    window_days: int
    per: str  # "actor" or "all"
    targets: tuple[TargetSpec, ...]  # by `since`, ascending

    def target_for(self, instant_day: int) -> TargetSpec:
        """The target in force on the local date of the window's start."""
        start = instant_day - self.window_days
        chosen = self.targets[0]
        for t in self.targets:
            if t.since <= start:
                chosen = t
        return chosen


def _t(op: str, value: float, text: str, since: dt.date = YEAR_START) -> TargetSpec:
    return TargetSpec(day_of(since), op, value, text)


# Mirrors bench/rulebook.yaml (ids, windows, per, targets), in the rulebook's order.
GOALS: tuple[GoalSpec, ...] = (
    GoalSpec("injury-rate", 30, "actor", (
        _t("<=", 40, "<= 40"), _t("<=", 30, "<= 30", dt.date(2026, 7, 1)))),
    GoalSpec("timely-reporting", 7, "actor", (_t("==", 0, "== 0"),)),
    GoalSpec("delivery-success", 7, "actor", (_t(">=", 0.95, ">= 0.95"),)),
    GoalSpec("avg-trip-km", 1, "actor", (_t("<=", 4.0, "<= 4.0"),)),
    GoalSpec("max-speed", 1, "actor", (_t("<=", 6, "<= 6"),)),
    GoalSpec("school-zone-speeding", 7, "actor", (_t("<=", 3, "<= 3"),)),
    GoalSpec("active-robots", 1, "actor", (_t(">=", 2, ">= 2"),)),
    GoalSpec("network-km", 1, "all", (_t(">=", 100, ">= 100"),)),
    GoalSpec("interventions-per-100km", 7, "actor", (_t("<=", 5, "<= 5"),)),
    GoalSpec("long-interventions", 7, "actor", (_t("<=", 5, "<= 5"),)),
    GoalSpec("avg-intervention-time", 30, "actor", (_t("<=", 150, "<= 150"),)),
    GoalSpec("severe-incidents", 30, "actor", (_t("==", 0, "== 0"),)),
    GoalSpec("collisions-per-1000-trips", 30, "actor", (_t("<=", 2, "<= 2"),)),
    GoalSpec("near-miss-share", 30, "actor", (_t("<=", 0.6, "<= 0.6"),)),
    GoalSpec("overweight-trips", 7, "actor", (_t("==", 0, "== 0"),)),
    GoalSpec("long-trips", 7, "actor", (_t("<=", 10, "<= 10"),)),
    GoalSpec("incident-reporters", 30, "actor", (_t("<=", 20, "<= 20"),)),
    GoalSpec("aborted-trip-share", 7, "actor", (_t("<=", 0.03, "<= 0.03"),)),
    GoalSpec("min-battery", 1, "actor", (_t(">=", 10, ">= 10"),)),
    GoalSpec("network-incident-rate", 30, "all", (_t("<=", 20, "<= 20"),)),
)
GOAL_BY_ID = {g.id: g for g in GOALS}

# The common form of a competitor's answer: one row per finding.
RESULT_SCHEMA = pa.schema([
    ("goal", pa.string()),
    ("actor", pa.string()),
    ("window_end_us", pa.int64()),  # UTC epoch microseconds
    ("value", pa.float64()),  # null when undefined
    ("status", pa.string()),
])


def holds(op: str, value: float, target: float) -> bool:
    if op in ("=", "=="):
        return value == target
    if op == "!=":
        return value != target
    if op == "<":
        return value < target
    if op == "<=":
        return value <= target
    if op == ">":
        return value > target
    return value >= target


def status_of(goal: GoalSpec, instant_day: int, value: float | None, evidence: bool | None) -> str:
    """Status from the value and whether min_evidence holds (None: undefined)."""
    if value is None or evidence is not True:
        return "insufficient"
    t = goal.target_for(instant_day)
    return "met" if holds(t.op, value, t.value) else "unmet"


def stream_path(data_dir: Path, stream: str) -> Path:
    return data_dir / f"{stream}.parquet"
