"""The entries of governance acts: their bodies, canonical bytes and the findings hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import rfc8785
from tests.api.helpers import RULEBOOK

from agilegov.ledger.acts import (
    Actor,
    BatchFacts,
    action_taken,
    events_received,
    findings_digest,
    findings_published,
    pseudonym_rotated,
    rulebook_adopted,
    update_entries,
)
from agilegov.monitor import MonitorUpdate
from agilegov.rulebook.loader import load_rulebook_text
from agilegov.store.records import ActionChange, ActionRow, FindingChange, FindingRow

AT = dt.datetime(2026, 4, 3, 12, 0, tzinfo=dt.UTC)


def finding(actor: str, k: int, status: str, value: float | None = 3.0,
            revision: int = 0) -> FindingChange:
    row = FindingRow("robots", "distance", actor, k, "2026-04-01T00:00:00Z",
                     "2026-04-02T00:00:00Z", value, ">= 10", status, 1, revision)
    return FindingChange("new" if revision == 0 else "revised", row, None, "2026-04-03T00:00:00Z")


def action(kind: str = "new") -> ActionChange:
    row = ActionRow("robots", "distance", "op-a", 0, 0, "2026-04-02T00:00:00Z", "notice", None,
                    "active" if kind == "new" else "withdrawn")
    return ActionChange(kind, row, "2026-04-03T00:00:00Z")  # type: ignore[arg-type]


def test_rulebook_adopted_names_the_version_and_hashes_the_exact_text() -> None:
    book = load_rulebook_text(RULEBOOK, "<test>")
    entry = rulebook_adopted(book, RULEBOOK, "api", Actor("government", 7), AT)
    obj = json.loads(entry.canonical())
    assert obj["kind"] == "rulebook.adopted" and obj["domain"] == "robots"
    assert obj["at"] == "2026-04-03T12:00:00Z"
    assert obj["body"] == {
        "version": 1, "effective_from": "2026-04-01", "title": book.title,
        "sha256": hashlib.sha256(RULEBOOK.encode()).hexdigest(), "source": "api",
        "by": {"role": "government", "account": 7},
    }


def test_events_received_keeps_counts_hash_and_source() -> None:
    facts = BatchFacts("robots", "trips", 4, 10, 7, 2, 1, "ab" * 32, "mqtt", "k2",
                       Actor("operator", 3))
    body = json.loads(events_received(facts, AT).canonical())["body"]
    assert body == {"stream": "trips", "batch_id": 4, "received": 10, "accepted": 7,
                    "duplicates": 2, "rejected": 1, "sha256": "ab" * 32, "source": "mqtt",
                    "pseudonym_key": "k2", "by": {"role": "operator", "account": 3}}
    bare = BatchFacts("robots", "trips", 5, 0, 0, 0, 0, "cd" * 32, "http")
    assert "pseudonym_key" not in events_received(bare, AT).body
    assert "by" not in events_received(bare, AT).body


def test_findings_digest_is_the_sha256_of_the_sorted_canonical_wire_list() -> None:
    changes = [finding("op-b", 0, "unmet"), finding("op-a", 1, "met", 12.5),
               finding("op-a", 0, "insufficient", None)]
    ordered = sorted(changes, key=lambda c: (c.row.goal, c.row.actor, c.row.k))
    expected = hashlib.sha256(rfc8785.dumps([c.row.to_dict() for c in ordered])).hexdigest()
    assert findings_digest(changes) == expected
    assert findings_digest(list(reversed(changes))) == expected
    assert findings_digest(changes[:2]) != expected


def test_a_non_finite_value_still_has_a_digest() -> None:
    assert len(findings_digest([finding("op-a", 0, "met", float("inf"))])) == 64


def test_findings_published_counts_kinds_and_statuses() -> None:
    update = MonitorUpdate("robots", [finding("op-a", 0, "unmet"),
                                      finding("op-b", 0, "met", 11.0, revision=1)],
                           [], watermark_us=1_775_174_400_000_000)
    entry = findings_published(update, AT)
    assert entry is not None
    assert entry.body["count"] == 2 and entry.body["new"] == 1 and entry.body["revised"] == 1
    assert entry.body["statuses"] == {"met": 1, "unmet": 1}
    assert entry.body["goals"] == ["distance"]
    assert entry.body["watermark"] == "2026-04-03T00:00:00Z"
    assert entry.body["sha256"] == findings_digest(update.findings)
    assert findings_published(MonitorUpdate("robots"), AT) is None


def test_action_taken_describes_the_response_and_the_change() -> None:
    body = action_taken(action("withdrawn"), AT).body
    assert body == {"goal": "distance", "actor": "op-a", "k": 0, "response": 0,
                    "do": "notice", "at": "2026-04-02T00:00:00Z", "state": "withdrawn",
                    "change": "withdrawn"}


def test_an_update_gives_one_findings_entry_then_one_entry_per_action() -> None:
    update = MonitorUpdate("robots", [finding("op-a", 0, "unmet")], [action(), action()])
    kinds = [e.kind for e in update_entries(update, AT)]
    assert kinds == ["findings.published", "action.taken", "action.taken"]
    assert update_entries(MonitorUpdate("robots"), AT) == []


def test_pseudonym_rotated_holds_key_ids_only() -> None:
    entry = pseudonym_rotated("robots", "k2", "k1", ["k1", "k2"], "workspace", AT)
    assert entry.kind == "pseudonym.rotated"
    assert entry.body == {"key_id": "k2", "previous_key_id": "k1", "keys": ["k1", "k2"],
                          "source": "workspace"}
