"""Published aggregates: what the public may see of a domain's findings.

For each goal: the share of findings met, unmet and insufficient at the latest evaluated
instant and over the last 30 instants (counted back from the latest one), and, for a goal
evaluated `per: all`, those findings themselves (they name no operator).

Only findings whose window ended in the last 30 periods (`every`) before the domain's
watermark are read, so the cost does not grow with the domain's history; a goal with no
finding in that span publishes none (`latest` and `recent` are null).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from agilegov.rulebook.model import Goal
from agilegov.store.records import FindingQuery, FindingRow
from agilegov.store.state import StateStore

RECENT_INSTANTS = 30
STATUSES = ("met", "unmet", "insufficient")
PAGE = 1000


def _shares(rows: list[FindingRow]) -> dict[str, Any]:
    n = len(rows)
    counts = {s: sum(1 for r in rows if r.status == s) for s in STATUSES}
    return {
        "findings": n,
        "counts": counts,
        "shares": {s: (counts[s] / n if n else None) for s in STATUSES},
    }


def goal_aggregate(goal: Goal, rows: Iterable[FindingRow], instants: int = RECENT_INSTANTS
                   ) -> dict[str, Any]:
    """The published summary of one goal from its current findings (any order)."""
    mine = [r for r in rows if r.goal == goal.id]
    out: dict[str, Any] = {"goal": goal.id, "title": goal.title, "per": goal.per,
                           "latest": None, "recent": None}
    if goal.per == "all":
        out["findings"] = []
    if not mine:
        return out
    last_k = max(r.k for r in mine)
    latest = [r for r in mine if r.k == last_k]
    recent = [r for r in mine if r.k > last_k - instants]
    first = latest[0]
    out["latest"] = {"k": last_k, "window_start": first.window_start,
                     "window_end": first.window_end, **_shares(latest)}
    out["recent"] = {"instants": len({r.k for r in recent}), **_shares(recent)}
    if goal.per == "all":
        ordered = sorted((r for r in recent if r.actor == "*"), key=lambda r: r.k)
        out["findings"] = [r.to_dict() for r in ordered]
    return out


def attainment(rows: Iterable[FindingRow]) -> float | None:
    """Share met among the findings of the latest instant (None when there is none)."""
    rows = list(rows)
    if not rows:
        return None
    last_k = max(r.k for r in rows)
    latest = [r for r in rows if r.k == last_k]
    return sum(1 for r in latest if r.status == "met") / len(latest)


def recent_start(goal: Goal, watermark: dt.datetime, instants: int = RECENT_INSTANTS
                 ) -> dt.datetime:
    """A bound on window ends that keeps the last `instants` instants before the watermark.

    Calendar periods are taken at their longest (a month as 31 days, a year as 366) so
    that nothing recent is cut off; the exact instants are then chosen by `k`.
    """
    longest = {"d": 86400 + 3600, "w": 7 * 86400 + 3600, "mo": 31 * 86400 + 3600,
               "y": 366 * 86400 + 3600}
    every = goal.every
    seconds = longest[every.unit] * every.amount if every.is_calendar else every.seconds
    return watermark - dt.timedelta(seconds=seconds * (instants + 1))


def current_findings(state: StateStore, domain: str, goal: str,
                     start: dt.datetime | None = None) -> Iterator[FindingRow]:
    """The current findings of one goal (window end at or after `start`), page by page."""
    offset: int | None = 0
    while offset is not None:
        query = FindingQuery(domain, goal=goal, start=start, limit=PAGE, offset=offset)
        page = state.findings(query)
        yield from page.items
        offset = page.next_offset


def recent_findings(state: StateStore, domain: str, goal: Goal,
                    watermark: dt.datetime | None) -> list[FindingRow]:
    """The findings the aggregates and the attainment metric are computed from."""
    if watermark is None:
        return []
    return list(current_findings(state, domain, goal.id, recent_start(goal, watermark)))
