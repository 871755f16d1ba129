"""Published aggregates: what the public may see of a domain's findings.

For each goal: the share of findings met, unmet and insufficient at the latest evaluated
instant and over the last 30 instants (counted back from the latest one), and, for a goal
evaluated `per: all`, those findings themselves (they name no operator).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from agilegov.rulebook.model import Goal
from agilegov.store.records import FindingQuery, FindingRow

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


def all_findings(state: Any, domain: str, goal: str) -> Iterator[FindingRow]:
    """Every current finding of one goal, read page by page from the governance state."""
    offset: int | None = 0
    while offset is not None:
        page = state.findings(FindingQuery(domain, goal=goal, limit=PAGE, offset=offset))
        yield from page.items
        offset = page.next_offset
