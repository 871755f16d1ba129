"""The accountability report's data: goals met, trends, actions, reports, scope."""

from __future__ import annotations

import datetime as dt

from tests.reports.conftest import fill

from agilegov.reports.accountability import Period, build_report
from agilegov.reports.records import Decision, Submission
from agilegov.reports.store import ReportStore
from agilegov.rulebook.model import Rulebook
from agilegov.store.state import StateStore

APRIL = Period(dt.datetime(2026, 4, 1, tzinfo=dt.UTC), dt.datetime(2026, 5, 1, tzinfo=dt.UTC))


def test_goals_trends_and_plain_words(state: StateStore, robots: Rulebook) -> None:
    fill(state)
    data = build_report(robots, state, APRIL)
    distance, fleet = data["goals"]
    assert distance["counts"] == {"met": 3, "unmet": 3, "insufficient": 0}
    assert [p["share_met"] for p in distance["trend"]] == [0.0, 0.5, 1.0]
    assert distance["summary"].endswith("It improved over the period.")
    assert "3 of 6 findings (50%)" in distance["summary"]
    assert [p["value"] for p in fleet["trend"]] == [20.0, 4.0, 30.0]  # per all: no operator
    assert "detail" not in distance and data["scope"] == "aggregates"
    assert data["actions"] == {"taken": 1, "withdrawn": 0, "by_kind": {"notice": 1},
                               "by_goal": {"distance": 1}}
    assert data["cases"] == {"available": False}
    assert data["period"] == {"from": "2026-04-01T00:00:00+00:00",
                              "to": "2026-05-01T00:00:00+00:00"}
    assert "op-b" not in str({k: v for k, v in data.items() if k != "goals"})


def test_the_period_cuts_findings_by_window_end(state: StateStore, robots: Rulebook) -> None:
    fill(state)
    # windows ending on the 3rd (day 2) only
    period = Period(dt.datetime(2026, 4, 3, tzinfo=dt.UTC), dt.datetime(2026, 4, 4, tzinfo=dt.UTC))
    distance = build_report(robots, state, period)["goals"][0]
    assert distance["findings"] == 2 and distance["latest"]["k"] == 2


def test_detail_lists_every_finding_and_action(state: StateStore, robots: Rulebook) -> None:
    fill(state)
    data = build_report(robots, state, APRIL, detail=True)
    assert len(data["goals"][0]["detail"]) == 6 and data["scope"] == "detail"
    assert data["actions"]["detail"][0]["actor"] == "op-b"


def test_reports_and_cases_are_counted(state: StateStore, robots: Rulebook) -> None:
    store = ReportStore(state.engine)
    for day in (2, 3):
        store.add("robots", Submission("noise", "t"), None,
                  f"2026-04-{day:02d}T00:00:00+00:00", "h" * 64)
    store.decide("robots", 1, Decision("rejected", "no"), 1, "now")

    class Cases:
        def case_summary(self, domain: str, start: object, end: object) -> dict[str, int]:
            return {"opened": 2, "closed": 1}

    data = build_report(robots, state, APRIL, reports=store, cases=Cases())
    assert data["reports"]["by_status"] == {"received": 1, "accepted": 0, "rejected": 1,
                                            "duplicate": 0}
    assert data["reports"]["summary"].startswith("2 reports were received")
    assert data["cases"] == {"available": True, "opened": 2, "closed": 1}
    empty = build_report(robots, state, APRIL)
    assert empty["goals"][0]["summary"].endswith("was not evaluated in this period.")
