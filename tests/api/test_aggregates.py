"""Published aggregates: shares at the latest instant and over the recent ones."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from agilegov.api.aggregates import attainment, goal_aggregate, recent_findings, recent_start
from agilegov.measure.parser import parse_measure
from agilegov.rulebook.durations import Duration
from agilegov.rulebook.model import Goal, Target
from agilegov.store.records import FindingRow
from agilegov.store.state import StateStore


def goal(per: str = "actor") -> Goal:
    return Goal(
        id="g", title="G", measure=parse_measure("count(s)"), measure_text="count(s)",
        targets=((dt.date(2026, 1, 1), Target(">=", 1.0, ">= 1")),),
        window=Duration(1, "d"), every=Duration(1, "d"), per=per,  # type: ignore[arg-type]
    )


def row(k: int, actor: str, status: str) -> FindingRow:
    return FindingRow("d", "g", actor, k, f"2026-01-{k:02d}T00:00:00+00:00",
                      f"2026-01-{k + 1:02d}T00:00:00+00:00", 1.0, ">= 1", status, 1)


def test_latest_and_recent_shares() -> None:
    rows = [row(1, "a", "unmet"), row(1, "b", "met"), row(2, "a", "met"), row(2, "b", "met"),
            row(2, "c", "insufficient"), row(2, "d", "unmet")]
    out = goal_aggregate(goal(), rows)
    assert out["latest"]["k"] == 2
    assert out["latest"]["findings"] == 4
    assert out["latest"]["counts"] == {"met": 2, "unmet": 1, "insufficient": 1}
    assert out["latest"]["shares"]["met"] == 0.5
    assert out["recent"]["instants"] == 2 and out["recent"]["findings"] == 6
    assert out["recent"]["counts"]["met"] == 3
    assert "findings" not in out  # per actor: no individual findings are published


def test_recent_counts_only_the_last_instants() -> None:
    rows = [row(k, "a", "met" if k > 5 else "unmet") for k in range(1, 11)]
    out = goal_aggregate(goal(), rows, instants=5)
    assert out["recent"]["instants"] == 5
    assert out["recent"]["counts"] == {"met": 5, "unmet": 0, "insufficient": 0}


def test_a_goal_per_all_publishes_its_findings_and_an_empty_goal_has_none() -> None:
    rows = [row(2, "*", "met"), row(1, "*", "unmet")]
    out = goal_aggregate(goal("all"), rows)
    assert [f["k"] for f in out["findings"]] == [1, 2]
    assert out["findings"][0]["status"] == "unmet"
    empty = goal_aggregate(goal("all"), [])
    assert empty["latest"] is None and empty["recent"] is None and empty["findings"] == []


def test_attainment_is_the_share_met_at_the_latest_instant() -> None:
    assert attainment([]) is None
    assert attainment([row(1, "a", "unmet"), row(2, "a", "met"), row(2, "b", "unmet")]) == 0.5


def test_recent_start_keeps_the_last_instants_at_their_longest() -> None:
    watermark = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    assert recent_start(goal(), watermark, instants=2) == watermark - dt.timedelta(hours=75)
    monthly = dataclasses.replace(goal(), every=Duration(1, "mo"))
    assert recent_start(monthly, watermark, instants=1) == watermark - dt.timedelta(
        days=62, hours=2)
    hourly = dataclasses.replace(goal(), every=Duration(6, "h"))
    assert recent_start(hourly, watermark, instants=3) == watermark - dt.timedelta(hours=24)


def test_only_recent_findings_are_read(tmp_path: Path) -> None:
    state = StateStore(f"sqlite:///{tmp_path / 's.sqlite'}")
    try:
        start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        rows = [
            FindingRow("d", "g", "a", k, (start + dt.timedelta(days=k - 1)).isoformat(),
                       (start + dt.timedelta(days=k)).isoformat(), 1.0, ">= 1", "met", 1)
            for k in range(1, 61)
        ]
        state.upsert_findings(rows)
        watermark = start + dt.timedelta(days=60, hours=5)
        got = recent_findings(state, "d", goal(), watermark)
        # 31 periods of 25 hours back from the watermark: window ends from day 28 on
        assert [r.k for r in got] == list(range(28, 61))
        summary = goal_aggregate(goal(), got)
        assert summary["recent"]["instants"] == 30 and summary["latest"]["k"] == 60
        assert recent_findings(state, "d", goal(), None) == []
    finally:
        state.close()
