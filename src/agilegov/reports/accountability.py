"""The accountability report of a domain for a period: its data, for citizens and machines.

For each goal: how many findings were met, unmet or insufficient, the trend (per instant,
the share of findings met), a sentence saying it in plain words; then the actions taken
(or the enforcement cases and their outcomes, when a case source is given), and the reports
received from the public and what was done with them.

Public by default: aggregates only (a `per: all` goal's values name no operator, so they
are shown). With `detail=True` (regulators, auditors) every finding and action is listed.
The period is half-open: findings whose window ended in [from, to), actions taken and
reports received in [from, to).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from agilegov import __version__
from agilegov.reports.store import ReportStore
from agilegov.rulebook.model import Goal, Rulebook
from agilegov.store.convert import epoch_us
from agilegov.store.records import ActionQuery, ActionRow, FindingQuery, FindingRow
from agilegov.store.state import StateStore

STATUSES = ("met", "unmet", "insufficient")
PAGE = 1000
FORMAT_VERSION = 1


class CaseSource(Protocol):
    """Enforcement cases of a domain, summarised for the period (outcomes as counts)."""

    def case_summary(self, domain: str, start: dt.datetime | None,
                     end: dt.datetime | None) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class Period:
    start: dt.datetime | None = None
    end: dt.datetime | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"from": self.start.isoformat() if self.start else None,
                "to": self.end.isoformat() if self.end else None}


def _findings(state: StateStore, domain: str, goal: str, period: Period
              ) -> Iterator[FindingRow]:
    offset: int | None = 0
    while offset is not None:
        page = state.findings(FindingQuery(domain, goal=goal, start=period.start,
                                           end=period.end, limit=PAGE, offset=offset))
        yield from page.items
        offset = page.next_offset


def _actions(state: StateStore, domain: str, period: Period) -> Iterator[ActionRow]:
    offset: int | None = 0
    while offset is not None:
        page = state.actions(ActionQuery(domain, state=None, start=period.start,
                                         end=period.end, limit=PAGE, offset=offset))
        yield from page.items
        offset = page.next_offset


def _counts(rows: list[FindingRow]) -> dict[str, Any]:
    counts = Counter(r.status for r in rows)
    n = len(rows)
    return {"findings": n, "counts": {s: counts[s] for s in STATUSES},
            "share_met": counts["met"] / n if n else None}


def trend(rows: list[FindingRow]) -> list[dict[str, Any]]:
    """Per instant (in time order): the counts and the share of findings met."""
    by_k: dict[int, list[FindingRow]] = defaultdict(list)
    for r in rows:
        by_k[r.k].append(r)
    out = []
    for k in sorted(by_k):
        group = by_k[k]
        point: dict[str, Any] = {"k": k, "window_start": group[0].window_start,
                                 "window_end": group[0].window_end, **_counts(group)}
        if len(group) == 1 and group[0].actor == "*":
            point["value"] = group[0].value
            point["target"] = group[0].target
        out.append(point)
    return out


def _percent(share: float) -> str:
    return f"{100 * share:.0f}%"


def verdict(goal: Goal, summary: Mapping[str, Any], points: list[dict[str, Any]]) -> str:
    """The goal's record for the period in one or two plain sentences."""
    n = summary["findings"]
    if not n:
        return f"“{goal.title}” was not evaluated in this period."
    counts = summary["counts"]
    who = "for everyone together" if goal.per == "all" else "across operators"
    text = (f"“{goal.title}” was met in {counts['met']} of {n} findings "
            f"({_percent(summary['share_met'])}) {who}")
    if counts["insufficient"]:
        text += f"; {counts['insufficient']} had too little data to judge"
    text += "."
    shares = [p["share_met"] for p in points if p["share_met"] is not None]
    if len(shares) >= 2:
        half = len(shares) // 2
        early, late = sum(shares[:half]) / half, sum(shares[half:]) / (len(shares) - half)
        if late > early + 0.05:
            text += " It improved over the period."
        elif late < early - 0.05:
            text += " It got worse over the period."
        else:
            text += " It held steady over the period."
    return text


def goal_section(goal: Goal, rows: list[FindingRow], detail: bool) -> dict[str, Any]:
    summary = _counts(rows)
    points = trend(rows)
    out: dict[str, Any] = {
        "goal": goal.id,
        "title": goal.title,
        "why": goal.why,
        "per": goal.per,
        "measure": goal.measure_text,
        "targets": [{"from": day.isoformat(), "target": t.text} for day, t in goal.targets],
        "window": str(goal.window),
        "every": str(goal.every),
        **summary,
        "trend": points,
        "latest": points[-1] if points else None,
        "summary": verdict(goal, summary, points),
    }
    if detail:
        out["detail"] = [r.to_dict() for r in rows]
    return out


def action_section(actions: list[ActionRow], detail: bool) -> dict[str, Any]:
    taken = [a for a in actions if a.state == "active"]
    out: dict[str, Any] = {
        "taken": len(taken),
        "withdrawn": len(actions) - len(taken),
        "by_kind": dict(sorted(Counter(a.do for a in taken).items())),
        "by_goal": dict(sorted(Counter(a.goal for a in taken).items())),
    }
    if detail:
        out["detail"] = [a.to_dict() for a in actions]
    return out


def report_section(reports: ReportStore | None, domain: str, period: Period
                   ) -> dict[str, Any]:
    if reports is None:
        return {"received": 0, "by_status": {}, "by_category": {}, "summary":
                "Reports from the public are not kept here."}
    tally = reports.tally(domain, epoch_us(period.start) if period.start else None,
                          epoch_us(period.end) if period.end else None)
    by_status = {s: tally["by_status"][s]
                 for s in ("received", "accepted", "rejected", "duplicate")}
    total = sum(by_status.values())
    if total:
        text = (f"{total} reports were received from the public: {by_status['accepted']} "
                f"accepted, {by_status['rejected']} rejected, {by_status['duplicate']} found "
                f"to repeat an earlier report, {by_status['received']} still to be triaged.")
    else:
        text = "No reports were received from the public in this period."
    return {"received": total, "by_status": by_status,
            "by_category": dict(sorted(tally["by_category"].items())), "summary": text}


def build_report(book: Rulebook, state: StateStore, period: Period, *,
                 reports: ReportStore | None = None, cases: CaseSource | None = None,
                 ledger: Mapping[str, Any] | None = None, detail: bool = False,
                 generated: dt.datetime | None = None) -> dict[str, Any]:
    """The report's data (JSON-ready). `ledger` is e.g. {"size": n, "checkpoint": note}."""
    goals = [goal_section(g, list(_findings(state, book.domain, g.id, period)), detail)
             for g in book.goals]
    actions = action_section(list(_actions(state, book.domain, period)), detail)
    case_part: dict[str, Any] = {"available": False}
    if cases is not None:
        case_part = {"available": True,
                     **cases.case_summary(book.domain, period.start, period.end)}
    evaluated = [g for g in goals if g["findings"]]
    overview = (f"{len(evaluated)} of {len(goals)} goals were evaluated in this period. "
                + " ".join(g["summary"] for g in evaluated))
    return {
        "kind": "accountability-report",
        "format_version": FORMAT_VERSION,
        "generator": f"agilegov {__version__}",
        "generated_at": (generated or dt.datetime.now(dt.UTC)).isoformat(),
        "domain": book.domain,
        "title": book.title or book.domain,
        "rulebook": {"version": book.version, "effective_from": book.effective_from.isoformat(),
                     "timezone": book.timezone, "jurisdiction": book.jurisdiction},
        "period": period.to_dict(),
        "scope": "detail" if detail else "aggregates",
        "overview": overview.strip(),
        "goals": goals,
        "actions": actions,
        "cases": case_part,
        "reports": report_section(reports, book.domain, period),
        "ledger": dict(ledger) if ledger is not None else None,
    }
