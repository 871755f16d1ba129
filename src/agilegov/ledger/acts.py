"""The ledger entries of the platform's governance acts (what each act's body holds).

Every builder is a pure function of the act: no I/O, no clock unless `at` is left out.
Bodies never hold personal values: persons appear only as keyed pseudonyms (and only
inside hashed payloads), accounts only by their numeric id and role.

| kind | body |
| --- | --- |
| `rulebook.adopted` | version, effective_from, title, sha256 of the rulebook text, source, by |
| `events.received` | stream, batch_id, counts (received, accepted, duplicates, rejected), |
| | sha256 of the stored rows, source, pseudonym_key, by |
| `findings.published` | count, new, revised, statuses, goals, watermark, sha256 of the findings |
| `action.taken` | goal, actor, k, response, do, at, due, state, change |
| `pseudonym.rotated` | key_id, previous_key_id, keys, source |
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import rfc8785

from agilegov.ledger.entry import Entry

if TYPE_CHECKING:
    from agilegov.monitor.core import MonitorUpdate
    from agilegov.rulebook.model import Rulebook
    from agilegov.store.records import ActionChange, FindingChange

RULEBOOK_ADOPTED = "rulebook.adopted"
EVENTS_RECEIVED = "events.received"
FINDINGS_PUBLISHED = "findings.published"
ACTION_TAKEN = "action.taken"
PSEUDONYM_ROTATED = "pseudonym.rotated"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Actor:
    """Who did an act: a role and, for an account, its numeric id (never a name)."""

    role: str
    account: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"role": self.role}
        if self.account is not None:
            out["account"] = self.account
        return out


def sha256_text(data: bytes | str) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def rulebook_adopted(book: Rulebook, text: bytes | str, source: str,
                     by: Actor | None = None, at: dt.datetime | None = None) -> Entry:
    """A rulebook version in force: `sha256` is of the rulebook file's exact text (UTF-8)."""
    body: dict[str, Any] = {
        "version": book.version,
        "effective_from": book.effective_from.isoformat(),
        "title": book.title,
        "sha256": sha256_text(text),
        "source": source,
    }
    if by is not None:
        body["by"] = by.to_dict()
    return Entry(RULEBOOK_ADOPTED, at or now(), book.domain, body)


@dataclass(frozen=True)
class BatchFacts:
    """What the ledger keeps of one ingest batch (`sha256`: of the stored rows, after
    pseudonymisation, as the event store computes it)."""

    domain: str
    stream: str
    batch_id: int
    received: int
    accepted: int
    duplicates: int
    rejected: int
    sha256: str
    source: str
    pseudonym_key: str | None = None
    by: Actor | None = None


def events_received(facts: BatchFacts, at: dt.datetime | None = None) -> Entry:
    body: dict[str, Any] = {
        "stream": facts.stream,
        "batch_id": facts.batch_id,
        "received": facts.received,
        "accepted": facts.accepted,
        "duplicates": facts.duplicates,
        "rejected": facts.rejected,
        "sha256": facts.sha256,
        "source": facts.source,
    }
    if facts.pseudonym_key is not None:
        body["pseudonym_key"] = facts.pseudonym_key
    if facts.by is not None:
        body["by"] = facts.by.to_dict()
    return Entry(EVENTS_RECEIVED, at or now(), facts.domain, body)


def _json_safe(value: Any) -> Any:
    """Non-finite floats have no JSON form: they are written as their text."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def finding_key(change: FindingChange) -> tuple[str, str, int, int]:
    row = change.row
    return (row.goal, row.actor, row.k, row.revision)


def findings_digest(changes: Iterable[FindingChange]) -> str:
    """SHA-256 (hex) of the RFC 8785 JSON array of the findings' wire objects (as the API
    serves them), ordered by goal, actor, instant k and revision."""
    rows = [
        {k: _json_safe(v) for k, v in c.row.to_dict().items()}
        for c in sorted(changes, key=finding_key)
    ]
    return hashlib.sha256(rfc8785.dumps(rows)).hexdigest()


def findings_published(update: MonitorUpdate, at: dt.datetime | None = None) -> Entry | None:
    """One entry for the update's findings (None when it has none)."""
    changes = list(update.findings)
    if not changes:
        return None
    kinds = Counter(c.kind for c in changes)
    statuses = Counter(c.row.status for c in changes)
    body: dict[str, Any] = {
        "count": len(changes),
        "new": kinds.get("new", 0),
        "revised": kinds.get("revised", 0),
        "statuses": dict(sorted(statuses.items())),
        "goals": sorted({c.row.goal for c in changes}),
        "sha256": findings_digest(changes),
    }
    if update.watermark_us is not None:
        watermark = dt.datetime.fromtimestamp(update.watermark_us / 1e6, dt.UTC)
        body["watermark"] = watermark.isoformat().replace("+00:00", "Z")
    return Entry(FINDINGS_PUBLISHED, at or now(), update.domain, body)


def action_taken(change: ActionChange, at: dt.datetime | None = None) -> Entry:
    row = change.row
    body: dict[str, Any] = {
        "goal": row.goal,
        "actor": row.actor,
        "k": row.k,
        "response": row.response,
        "do": row.do,
        "at": row.at,
        "state": row.state,
        "change": change.kind,
    }
    if row.due is not None:
        body["due"] = row.due
    return Entry(ACTION_TAKEN, at or now(), row.domain, body)


def update_entries(update: MonitorUpdate, at: dt.datetime | None = None) -> list[Entry]:
    """The entries of a monitor update: its findings (one entry), then each action change."""
    when = at or now()
    out: list[Entry] = []
    published = findings_published(update, when)
    if published is not None:
        out.append(published)
    out.extend(action_taken(change, when) for change in update.actions)
    return out


def pseudonym_rotated(domain: str, key_id: str, previous: str | None, keys: Iterable[str],
                      source: str, at: dt.datetime | None = None) -> Entry:
    """A domain's pseudonym key changed: only key ids, never key material or digests of it."""
    body: dict[str, Any] = {
        "key_id": key_id,
        "previous_key_id": previous,
        "keys": list(keys),
        "source": source,
    }
    return Entry(PSEUDONYM_ROTATED, at or now(), domain, body)
