"""The parsed, checked rulebook: what every engine receives.

The loader (`agilegov.rulebook.loader`) builds these from YAML after full
validation, so engines can trust every name, type and duration in them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Literal

from agilegov.measure.ast import CmpOp, Comparison, Expr
from agilegov.rulebook.durations import Duration

FieldType = Literal["string", "int", "float", "bool", "timestamp"]
Per = Literal["actor", "all"]
SocietyField = Literal[
    "healthcare", "infrastructure", "mobility", "fintech", "public-services", "other"
]
Owner = Literal["government", "companies", "individuals", "communities"]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: FieldType
    required: bool = False
    personal: bool = False
    min: float | None = None
    max: float | None = None
    values: tuple[str | int | float | bool, ...] | None = None


@dataclass(frozen=True)
class Stream:
    name: str
    time: str  # name of a timestamp field
    actor: str  # name of a string field
    fields: dict[str, FieldSpec]
    key: str | None = None


@dataclass(frozen=True)
class Target:
    op: CmpOp
    value: float
    text: str  # exactly as written in the rulebook, e.g. "<= 2.0"

    def holds(self, value: float) -> bool:
        v, t = value, self.value
        return {
            "=": v == t,
            "==": v == t,
            "!=": v != t,
            "<": v < t,
            "<=": v <= t,
            ">": v > t,
            ">=": v >= t,
        }[self.op]


@dataclass(frozen=True)
class Goal:
    id: str
    title: str
    measure: Expr
    measure_text: str
    targets: tuple[tuple[dt.date, Target], ...]  # sorted by date, at least one
    window: Duration
    every: Duration
    per: Per = "actor"
    min_evidence: Comparison | None = None
    min_evidence_text: str | None = None
    why: str | None = None
    owner: Owner | None = None

    def target_on(self, local_date: dt.date) -> Target:
        """The target in force on a local date: latest date on or before it, else the earliest."""
        chosen = self.targets[0][1]
        for day, target in self.targets:
            if day <= local_date:
                chosen = target
        return chosen


@dataclass(frozen=True)
class Response:
    goal: str  # a goal id, or "*" for every goal
    kind: Literal["unmet", "met"]  # unmet_for or met_for
    count: int  # N findings in a run
    do: str
    due: Duration | None = None

    def applies_to(self, goal_id: str) -> bool:
        return self.goal == "*" or self.goal == goal_id


@dataclass(frozen=True)
class Rulebook:
    domain: str
    version: int
    effective_from: dt.date
    streams: dict[str, Stream]
    goals: tuple[Goal, ...]
    responses: tuple[Response, ...] = ()
    title: str | None = None
    field: SocietyField | None = None
    jurisdiction: str | None = None
    timezone: str = "UTC"
    source: str | None = dataclasses.field(default=None, compare=False)  # path it was loaded from

    def goal(self, goal_id: str) -> Goal:
        for g in self.goals:
            if g.id == goal_id:
                return g
        raise KeyError(goal_id)
