"""Findings keep revisions; actions are replaced as a whole, withdrawn ones kept."""

from __future__ import annotations

from dataclasses import replace

import pytest

from agilegov.store.state import ActionQuery, ActionRow, FindingQuery, FindingRow, StateStore

BASE = FindingRow(
    domain="mob",
    goal="punctual",
    actor="acme",
    k=0,
    window_start="2026-04-01T00:00:00+09:00",
    window_end="2026-04-08T00:00:00+09:00",
    value=0.95,
    target=">= 0.9",
    status="met",
    version=1,
)


def notice(k: int, at: str, due: str | None = None, response: int = 0) -> ActionRow:
    return ActionRow("mob", "punctual", "acme", k, response, at, "notice", due)


def test_a_new_finding_is_revision_zero(state: StateStore) -> None:
    (change,) = state.upsert_findings([BASE])
    assert (change.kind, change.row, change.previous) == ("new", BASE, None)
    assert state.findings(FindingQuery("mob")).items == [BASE]


def test_storing_the_same_finding_again_changes_nothing(state: StateStore) -> None:
    state.upsert_findings([BASE])
    assert state.upsert_findings([BASE]) == []
    assert [r.revision for r in state.finding_history("mob", "punctual", "acme", 0)] == [0]


def test_a_changed_value_or_status_bumps_the_revision_and_keeps_history(
    state: StateStore,
) -> None:
    state.upsert_findings([BASE])
    late = replace(BASE, value=0.85, status="unmet")
    (change,) = state.upsert_findings([late])
    assert change.kind == "revised"
    assert change.row == replace(late, revision=1)
    assert change.previous == BASE
    (change2,) = state.upsert_findings([replace(BASE, value=0.86, status="unmet")])
    assert change2.row.revision == 2 and change2.previous is not None
    assert change2.previous.value == 0.85
    history = state.finding_history("mob", "punctual", "acme", 0)
    assert [(h.revision, h.value, h.status, h.previous_value, h.previous_status)
            for h in history] == [
        (0, 0.95, "met", None, None),
        (1, 0.85, "unmet", 0.95, "met"),
        (2, 0.86, "unmet", 0.85, "unmet"),
    ]  # fmt: skip
    assert history[0].changed_at <= history[1].changed_at <= history[2].changed_at
    (stored,) = state.findings(FindingQuery("mob")).items
    assert stored.revision == 2 and stored.value == 0.86


def test_a_changed_target_alone_is_a_revision(state: StateStore) -> None:
    state.upsert_findings([BASE])
    (change,) = state.upsert_findings([replace(BASE, target=">= 0.8")])
    assert change.kind == "revised" and change.row.target == ">= 0.8"


def test_an_undefined_value_is_kept_and_compared_as_such(state: StateStore) -> None:
    undefined = replace(BASE, value=None, status="insufficient")
    state.upsert_findings([undefined])
    assert state.upsert_findings([undefined]) == []
    (change,) = state.upsert_findings([BASE])
    assert change.previous == undefined and change.row.value == 0.95


def test_a_new_rulebook_version_alone_is_updated_without_a_revision(state: StateStore) -> None:
    state.upsert_findings([BASE])
    assert state.upsert_findings([replace(BASE, version=2)]) == []
    (stored,) = state.findings(FindingQuery("mob")).items
    assert (stored.version, stored.revision) == (2, 0)


def test_a_batch_mixes_new_and_revised_findings_in_evaluate_order(state: StateStore) -> None:
    state.upsert_findings([BASE])
    rows = [
        replace(BASE, actor="beta", k=1, window_end="2026-04-15T00:00:00+09:00"),
        replace(BASE, value=0.5, status="unmet"),
        replace(BASE, actor="beta"),
        replace(BASE, goal="comfort"),
    ]
    changes = state.upsert_findings(rows)
    assert [(c.kind, c.row.goal, c.row.actor, c.row.k) for c in changes] == [
        ("new", "comfort", "acme", 0),
        ("revised", "punctual", "acme", 0),
        ("new", "punctual", "beta", 0),
        ("new", "punctual", "beta", 1),
    ]


def test_the_last_of_repeated_keys_in_one_call_wins(state: StateStore) -> None:
    (change,) = state.upsert_findings([BASE, replace(BASE, value=0.1, status="unmet")])
    assert (change.kind, change.row.value) == ("new", 0.1)


def test_many_findings_in_one_call(state: StateStore) -> None:
    rows = [replace(BASE, actor=f"op{i % 7}", k=i) for i in range(1500)]
    assert len(state.upsert_findings(rows)) == 1500
    assert state.upsert_findings(rows) == []
    bumped = [replace(r, value=0.2, status="unmet") if r.k % 500 == 0 else r for r in rows]
    assert [c.row.k for c in state.upsert_findings(bumped)] == [0, 500, 1000]


def test_actions_appear_then_are_withdrawn_and_kept(state: StateStore) -> None:
    first = notice(0, "2026-04-08T00:00:00+09:00")
    second = notice(1, "2026-04-15T00:00:00+09:00", due="2026-04-29T00:00:00+09:00")
    changes = state.replace_actions("mob", "punctual", "acme", [second, first])
    assert [(c.kind, c.row.k) for c in changes] == [("new", 0), ("new", 1)]
    assert state.replace_actions("mob", "punctual", "acme", [first, second]) == []
    (gone,) = state.replace_actions("mob", "punctual", "acme", [second])
    assert (gone.kind, gone.row) == ("withdrawn", replace(first, state="withdrawn"))
    active = state.actions(ActionQuery("mob")).items
    assert active == [second]
    everything = state.actions(ActionQuery("mob", state=None)).items
    assert everything == [replace(first, state="withdrawn"), second]


def test_an_action_called_for_again_becomes_active_again(state: StateStore) -> None:
    first = notice(0, "2026-04-08T00:00:00+09:00")
    state.replace_actions("mob", "punctual", "acme", [first])
    state.replace_actions("mob", "punctual", "acme", [])
    (back,) = state.replace_actions("mob", "punctual", "acme", [first])
    assert (back.kind, back.row) == ("new", first)
    assert state.actions(ActionQuery("mob", state=None)).total == 1


def test_a_changed_due_date_withdraws_the_old_action(state: StateStore) -> None:
    old = notice(0, "2026-04-08T00:00:00+09:00", due="2026-04-22T00:00:00+09:00")
    new = replace(old, due="2026-04-29T00:00:00+09:00")
    state.replace_actions("mob", "punctual", "acme", [old])
    changes = state.replace_actions("mob", "punctual", "acme", [new])
    assert sorted((c.kind, c.row.due) for c in changes) == [
        ("new", "2026-04-29T00:00:00+09:00"),
        ("withdrawn", "2026-04-22T00:00:00+09:00"),
    ]


def test_replacing_leaves_other_actors_alone(state: StateStore) -> None:
    mine = notice(0, "2026-04-08T00:00:00+09:00")
    theirs = replace(mine, actor="beta")
    state.replace_actions("mob", "punctual", "acme", [mine])
    state.replace_actions("mob", "punctual", "beta", [theirs])
    state.replace_actions("mob", "punctual", "acme", [])
    assert state.actions(ActionQuery("mob")).items == [theirs]


def test_an_action_of_another_actor_is_refused(state: StateStore) -> None:
    with pytest.raises(ValueError, match="mob/punctual/beta given for mob/punctual/acme"):
        state.replace_actions(
            "mob", "punctual", "acme", [replace(notice(0, "2026-04-08T00:00:00Z"), actor="beta")]
        )
