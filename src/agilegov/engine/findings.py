"""What evaluation produces: findings and actions, and their wire form."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

Status = Literal["met", "unmet", "insufficient"]


def iso(t: dt.datetime) -> str:
    """ISO 8601 with the offset as +HH:MM (UTC as +00:00)."""
    return t.isoformat()


@dataclass(frozen=True)
class Finding:
    domain: str
    version: int
    goal: str
    actor: str  # "*" for per: all
    window_start: dt.datetime  # aware, in the domain's timezone
    window_end: dt.datetime
    value: float | None  # None only when the measure is undefined
    target: str  # the target in force, exactly as written
    status: Status

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "finding",
            "domain": self.domain,
            "version": self.version,
            "goal": self.goal,
            "actor": self.actor,
            "window_start": iso(self.window_start),
            "window_end": iso(self.window_end),
            "value": self.value,
            "target": self.target,
            "status": self.status,
        }


@dataclass(frozen=True)
class Action:
    domain: str
    goal: str
    actor: str
    at: dt.datetime  # the window_end of the finding that fired it
    do: str
    due: dt.datetime | None
    response: int  # index of the response in the rulebook, for ordering

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": "action",
            "domain": self.domain,
            "goal": self.goal,
            "actor": self.actor,
            "at": iso(self.at),
            "do": self.do,
        }
        if self.due is not None:
            out["due"] = iso(self.due)
        return out


def finding_order(f: Finding) -> tuple[str, str, float]:
    # Real time, not wall time: aware datetimes sharing a tzinfo compare by wall clock in Python.
    return (f.goal, f.actor, f.window_end.timestamp())


def action_order(a: Action) -> tuple[str, str, float, int]:
    return (a.goal, a.actor, a.at.timestamp(), a.response)
