"""The evaluation plan: which partial aggregates to take in one scan per stream, and
how instants' windows are assembled from time buckets.

Every window start and end of every goal becomes a bucket boundary. Buckets are
the intervals between consecutive boundaries, so each window is a run of whole
buckets. Events are first grouped into *cells* of G microseconds counted from
the first boundary, G being the greatest common divisor of the boundaries'
distances: a cell never straddles a boundary, so the grouping is a plain
integer division and cells map onto buckets exactly.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from agilegov.engine.calendar import Window, anchor, to_us, windows
from agilegov.measure.ast import Aggregate, Condition, aggregates
from agilegov.rulebook.model import Goal, Rulebook, Target


@dataclass(frozen=True)
class GoalWindows:
    goal: Goal
    windows: list[Window]
    starts_us: list[int]
    ends_us: list[int]
    targets: list[Target]


@dataclass(frozen=True)
class Partial:
    """One column of per-(actor, bucket) partial results, shared by every aggregate needing it."""

    name: str
    combine: str  # how buckets combine: sum | min | max
    op: str  # count_star | count | sum | min | max
    field: str | None
    where: Condition | None


@dataclass
class StreamPlan:
    stream: str
    partials: dict[Aggregate, list[Partial]] = field(default_factory=dict)  # decomposable ones
    columns: dict[tuple[str, str | None, Condition | None], Partial] = field(default_factory=dict)
    distinct: dict[Aggregate, str] = field(default_factory=dict)  # count_distinct -> table name
    presence: str = ""  # count(*) of every event, for per-actor presence


@dataclass
class Plan:
    tz: ZoneInfo
    goals: list[GoalWindows]
    boundaries: list[int]  # sorted, unique, UTC epoch-us
    cell_us: int  # G
    streams: dict[str, StreamPlan]

    @property
    def lo_us(self) -> int:
        return self.boundaries[0]

    @property
    def hi_us(self) -> int:
        return self.boundaries[-1]


def build_plan(rulebook: Rulebook, lo: dt.datetime, hi: dt.datetime) -> Plan:
    """The plan for every instant lo <= t <= hi of every goal."""
    tz = ZoneInfo(rulebook.timezone)
    a = anchor(rulebook.effective_from, tz)
    return plan_for_windows(
        rulebook, {g.id: windows(a, g.every, g.window, lo, hi, tz) for g in rulebook.goals}
    )


def plan_for_windows(rulebook: Rulebook, chosen: dict[str, list[Window]]) -> Plan:
    """The plan for given windows of each goal (the live monitor evaluates only some)."""
    tz = ZoneInfo(rulebook.timezone)
    goals: list[GoalWindows] = []
    points: set[int] = set()
    for goal in rulebook.goals:
        ws = chosen.get(goal.id, [])
        starts = [to_us(w.start) for w in ws]
        ends = [to_us(w.end) for w in ws]
        points.update(starts)
        points.update(ends)
        targets = [goal.target_on(w.start.astimezone(tz).date()) for w in ws]
        goals.append(GoalWindows(goal, ws, starts, ends, targets))
    boundaries = sorted(points)
    cell = 0
    for b in boundaries[1:]:
        cell = math.gcd(cell, b - boundaries[0])
    plan = Plan(tz, goals, boundaries, max(cell, 1), {})
    counter = 0
    for name in rulebook.streams:
        plan.streams[name] = StreamPlan(name, presence=f"n{counter}")
        counter += 1
    for gw in goals:
        found = aggregates(gw.goal.measure)
        if gw.goal.min_evidence is not None:
            found += aggregates(gw.goal.min_evidence)
        for agg in found:
            sp = plan.streams[agg.stream]
            if agg in sp.partials or agg in sp.distinct:
                continue
            if agg.func == "count_distinct":
                sp.distinct[agg] = f"d{counter}"
                counter += 1
                continue
            ops = {
                "count": ["count_star" if agg.field is None else "count"],
                "sum": ["sum"],
                "avg": ["sum", "count"],
                "min": ["min"],
                "max": ["max"],
            }[agg.func]
            cols: list[Partial] = []
            for op in ops:
                key = (op, agg.field, agg.where)
                if key not in sp.columns:
                    combine = op if op in ("min", "max") else "sum"
                    sp.columns[key] = Partial(f"p{counter}", combine, op, agg.field, agg.where)
                    counter += 1
                cols.append(sp.columns[key])
            sp.partials[agg] = cols
    return plan
