"""A small hand-made rulebook and evaluation for the report tests."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from agilegov.engine.findings import Action, Finding, Status
from agilegov.measure.ast import Aggregate, BinOp, Comparison, Number
from agilegov.report.summary import DomainResult
from agilegov.rulebook.durations import Duration
from agilegov.rulebook.model import FieldSpec, Goal, Response, Rulebook, Stream, Target

TOKYO = ZoneInfo("Asia/Tokyo")


def _rulebook() -> Rulebook:
    trips = Stream(
        name="trips",
        time="ended_at",
        actor="operator",
        fields={
            "operator": FieldSpec("operator", "string", required=True),
            "ended_at": FieldSpec("ended_at", "timestamp", required=True),
            "km": FieldSpec("km", "float", min=0),
        },
    )
    incidents = Stream(
        name="incidents",
        time="occurred_at",
        actor="operator",
        fields={
            "operator": FieldSpec("operator", "string", required=True),
            "occurred_at": FieldSpec("occurred_at", "timestamp", required=True),
        },
    )
    injury = Goal(
        id="injury-rate",
        title="Injuries per 100,000 km",
        why="No more dangerous than the limit set for the pilot </script> phase",
        owner="government",
        measure=BinOp(
            "/",
            BinOp("*", Number(100000), Aggregate("count", "incidents", None)),
            Aggregate("sum", "trips", "km"),
        ),
        measure_text="100000 * count(incidents) / sum(trips.km)",
        targets=(
            (dt.date(2026, 4, 1), Target("<=", 2.0, "<= 2.0")),
            (dt.date(2026, 4, 4), Target("<=", 1.5, "<= 1.5")),
        ),
        window=Duration(30, "d"),
        every=Duration(1, "d"),
        per="actor",
        min_evidence=Comparison(">=", Aggregate("sum", "trips", "km"), Number(10000)),
        min_evidence_text="sum(trips.km) >= 10000",
    )
    timely = Goal(
        id="timely-reporting",
        title="Incidents reported within 24 hours",
        measure=Aggregate("count", "incidents", None),
        measure_text="count(incidents)",
        targets=((dt.date(2026, 4, 1), Target("==", 0.0, "== 0")),),
        window=Duration(7, "d"),
        every=Duration(1, "d"),
        per="all",
    )
    return Rulebook(
        domain="robots",
        version=4,
        effective_from=dt.date(2026, 4, 1),
        streams={"trips": trips, "incidents": incidents},
        goals=(injury, timely),
        responses=(
            Response("injury-rate", "unmet", 1, "notice"),
            Response("injury-rate", "unmet", 3, "corrective-plan", Duration(14, "d")),
            Response("*", "met", 3, "recognize"),
        ),
        title="Delivery robots <on> sidewalks & streets",
        field="mobility",
        jurisdiction="JP-01",
        timezone="Asia/Tokyo",
    )


def _day(n: int) -> dt.datetime:
    return dt.datetime(2026, 4, 1, tzinfo=TOKYO) + dt.timedelta(days=n)


def _finding(goal: Goal, actor: str, n: int, value: float | None, status: Status) -> Finding:
    end = _day(n)
    target = goal.target_on((end - dt.timedelta(days=goal.window.amount)).date())
    return Finding(
        "robots", 4, goal.id, actor, end - dt.timedelta(days=goal.window.amount), end,
        value, target.text, status,
    )


@pytest.fixture
def result() -> DomainResult:
    rb = _rulebook()
    injury, timely = rb.goals
    findings: list[Finding] = []
    plan: dict[str, list[tuple[float | None, Status]]] = {
        "alpha": [(1.0, "met"), (2.5, "unmet"), (3.0, "unmet"), (2.8, "unmet"), (1.2, "met")],
        "beta": [(0.5, "met"), (0.4, "met"), (0.3, "met"), (None, "insufficient"), (0.2, "met")],
    }
    for actor, steps in plan.items():
        for i, (value, status) in enumerate(steps):
            findings.append(_finding(injury, actor, 31 + i, value, status))
    for i in range(5):
        status: Status = "met" if i % 2 == 0 else "unmet"
        findings.append(_finding(timely, "*", 8 + i, float(i % 2), status))
    actions = [
        Action("robots", "injury-rate", "alpha", _day(32), "notice", None, 0),
        Action("robots", "injury-rate", "alpha", _day(34), "corrective-plan", _day(48), 1),
        Action("robots", "injury-rate", "beta", _day(33), "recognize", None, 2),
    ]
    findings.sort(key=lambda f: (f.goal, f.actor, f.window_end))
    return DomainResult(rb, findings, actions)
