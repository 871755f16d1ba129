"""Enforcement cases as the accountability report counts them."""

from __future__ import annotations

import datetime as dt

from agilegov.cases.store import SYSTEM, By, CaseStore, Move
from agilegov.reports.cases import CaseOutcomes
from agilegov.store.state import StateStore


def test_cases_opened_in_the_period_by_state_credit_and_appeal(state: StateStore) -> None:
    cases = CaseStore(state.engine)
    a, _ = cases.open("robots", "distance", "op-a", "notice", SYSTEM, "unmet", Move())
    cases.move(a.id, "resolve", SYSTEM, "met again")
    b, _ = cases.open("robots", "distance", "op-b", "notice", SYSTEM, "unmet",
                      Move(credit={"self_report": 1, "cap": "request-plan"}))
    cases.move(b.id, "appeal", By("operator", operator="op-b"), "wrong data")
    cases.open("other", "distance", "op-a", "notice", SYSTEM, "unmet", Move())
    summary = CaseOutcomes(cases).case_summary("robots", None, None)
    assert summary == {"opened": 2, "closed": 1, "still_open": 1,
                       "by_state": {"appealed": 1, "resolved": 1}, "with_credit": 1,
                       "appealed": 1}
    past = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    assert CaseOutcomes(cases).case_summary("robots", None, past)["opened"] == 0
