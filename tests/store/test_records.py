"""The wire form of the state's records."""

from __future__ import annotations

from agilegov.store.records import ActionChange, ActionRow, FindingChange, FindingRow

ROW = FindingRow("mob", "g", "acme", 3, "2026-04-01T00:00:00+09:00",
                 "2026-04-08T00:00:00+09:00", 0.5, ">= 1", "unmet", 2, 1)  # fmt: skip


def test_a_finding_reads_like_evaluate_output_plus_k_and_revision() -> None:
    assert ROW.to_dict() == {
        "kind": "finding", "domain": "mob", "version": 2, "goal": "g", "actor": "acme", "k": 3,
        "window_start": "2026-04-01T00:00:00+09:00", "window_end": "2026-04-08T00:00:00+09:00",
        "value": 0.5, "target": ">= 1", "status": "unmet", "revision": 1,
    }  # fmt: skip


def test_a_revision_carries_what_it_replaced() -> None:
    before = FindingRow(**{**ROW.__dict__, "value": 1.0, "status": "met", "revision": 0})
    out = FindingChange("revised", ROW, before, "2026-05-01T00:00:00+00:00").to_dict()
    assert out["change"] == "revised" and out["revision"] == 1
    assert out["previous"] == {"value": 1.0, "status": "met", "target": ">= 1", "revision": 0}
    assert "previous" not in FindingChange("new", before, None, "t").to_dict()


def test_an_action_has_due_only_when_it_has_one() -> None:
    act = ActionRow("mob", "g", "acme", 3, 0, "2026-04-08T00:00:00+09:00", "notice", None)
    assert "due" not in act.to_dict()
    due = ActionRow("mob", "g", "acme", 3, 1, "2026-04-08T00:00:00+09:00", "plan",
                    "2026-04-22T00:00:00+09:00", "withdrawn")  # fmt: skip
    out = ActionChange("withdrawn", due, "t").to_dict()
    assert (out["due"], out["state"], out["change"], out["kind"]) == (
        "2026-04-22T00:00:00+09:00", "withdrawn", "withdrawn", "action"
    )  # fmt: skip
