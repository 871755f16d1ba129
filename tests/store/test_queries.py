"""Listing findings and actions: filters, real-time order, pagination, history lookups."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from agilegov.errors import NotFound, UsageError
from agilegov.store.state import ActionQuery, ActionRow, FindingQuery, FindingRow, StateStore

TOKYO = dt.timezone(dt.timedelta(hours=9))


def finding(goal: str, actor: str, day: int, status: str = "met") -> FindingRow:
    end = dt.datetime(2026, 4, 1, tzinfo=TOKYO) + dt.timedelta(days=day)
    return FindingRow(
        "mob", goal, actor, day, (end - dt.timedelta(days=7)).isoformat(), end.isoformat(),
        1.0 if status == "met" else 0.0, ">= 1", status, 1,
    )  # fmt: skip


@pytest.fixture
def filled(state: StateStore) -> StateStore:
    rows = [
        finding(goal, actor, day, "met" if (day + len(actor)) % 2 else "unmet")
        for goal in ("punctual", "comfort")
        for actor in ("beta", "acme", "*")
        for day in (2, 0, 1)
    ]
    state.upsert_findings(rows)
    state.upsert_findings([replace(finding("punctual", "acme", 0), domain="other")])
    return state


def keys(rows: list[FindingRow]) -> list[tuple[str, str, int]]:
    return [(r.goal, r.actor, r.k) for r in rows]


def test_findings_come_ordered_by_goal_actor_and_window_end(filled: StateStore) -> None:
    page = filled.findings(FindingQuery("mob", limit=100))
    assert page.total == 18 and page.next_offset is None
    assert keys(page.items)[:4] == [
        ("comfort", "*", 0), ("comfort", "*", 1), ("comfort", "*", 2), ("comfort", "acme", 0),
    ]  # fmt: skip
    assert all(r.domain == "mob" for r in page.items)


def test_filters_combine(filled: StateStore) -> None:
    page = filled.findings(FindingQuery("mob", goal="punctual", actor="acme"))
    assert keys(page.items) == [("punctual", "acme", 0), ("punctual", "acme", 1),
                                ("punctual", "acme", 2)]  # fmt: skip
    unmet = filled.findings(FindingQuery("mob", status="unmet"))
    assert unmet.total == 10 and {r.status for r in unmet.items} == {"unmet"}
    only = filled.findings(FindingQuery("mob", actors=frozenset({"beta"})))
    assert {r.actor for r in only.items} == {"beta"} and only.total == 6
    assert filled.findings(FindingQuery("mob", actors=frozenset())).total == 0


def test_time_range_is_on_window_end_from_inclusive_to_exclusive(filled: StateStore) -> None:
    start = dt.datetime(2026, 4, 2, tzinfo=TOKYO)
    page = filled.findings(FindingQuery("mob", goal="comfort", actor="beta", start=start,
                                        end="2026-04-02T15:00:00Z"))  # fmt: skip
    # 2026-04-03T00:00+09:00 is 2026-04-02T15:00Z: excluded; the 2nd is included.
    assert keys(page.items) == [("comfort", "beta", 1)]
    naive_utc = filled.findings(FindingQuery("mob", goal="comfort", actor="beta",
                                             start="2026-04-02T15:00:00"))  # fmt: skip
    assert keys(naive_utc.items) == [("comfort", "beta", 2)]


def test_windows_order_by_real_time_across_offsets(state: StateStore) -> None:
    early = replace(finding("g", "a", 0), window_end="2026-04-01T10:00:00+09:00")  # 01:00Z
    late = replace(finding("g", "a", 1), window_end="2026-04-01T02:00:00+00:00")  # 02:00Z
    state.upsert_findings([late, early])
    assert [r.k for r in state.findings(FindingQuery("mob")).items] == [0, 1]


def test_pages_walk_the_whole_listing(filled: StateStore) -> None:
    seen: list[tuple[str, str, int]] = []
    offset: int | None = 0
    while offset is not None:
        page = filled.findings(FindingQuery("mob", limit=5, offset=offset))
        assert page.total == 18 and len(page.items) <= 5
        seen += keys(page.items)
        offset = page.next_offset
    assert seen == keys(filled.findings(FindingQuery("mob", limit=100)).items)
    beyond = filled.findings(FindingQuery("mob", limit=5, offset=40))
    assert (beyond.items, beyond.next_offset, beyond.total) == ([], None, 18)


def test_bad_paging_and_times_are_usage_errors(state: StateStore) -> None:
    with pytest.raises(UsageError) as err:
        state.findings(FindingQuery("mob", limit=0, offset=-1))
    assert [p.field for p in err.value.problems] == ["limit", "offset"]
    with pytest.raises(UsageError, match="from: expected an ISO 8601 time, got 'soon'"):
        state.actions(ActionQuery("mob", start="soon"))


def test_actions_filter_and_order_like_evaluate(state: StateStore) -> None:
    def act(actor: str, k: int, response: int, do: str) -> ActionRow:
        return ActionRow("mob", "g", actor, k, response, f"2026-04-0{k + 1}T00:00:00+09:00", do,
                         None)  # fmt: skip

    state.replace_actions("mob", "g", "acme", [act("acme", 1, 0, "notice"),
                                               act("acme", 0, 1, "plan"),
                                               act("acme", 0, 0, "notice")])  # fmt: skip
    state.replace_actions("mob", "g", "beta", [act("beta", 0, 0, "notice")])
    page = state.actions(ActionQuery("mob"))
    assert [(a.actor, a.k, a.response) for a in page.items] == [
        ("acme", 0, 0), ("acme", 0, 1), ("acme", 1, 0), ("beta", 0, 0)
    ]  # fmt: skip
    ranged = state.actions(ActionQuery("mob", actor="acme", start="2026-04-02T00:00:00+09:00"))
    assert [a.k for a in ranged.items] == [1]
    assert state.actions(ActionQuery("mob", actors=frozenset({"beta"}))).total == 1
    assert state.actions(ActionQuery("mob", state="withdrawn")).total == 0
    assert state.actions(ActionQuery("mob", goal="other")).items == []


def test_history_of_an_unknown_finding_is_not_found(state: StateStore) -> None:
    with pytest.raises(NotFound, match="no finding 3 of goal 'g' for actor 'a'"):
        state.finding_history("mob", "g", "a", 3)
