"""One batch of reported events, from items to durable storage and the monitor.

Flow: check the caller may report to the domain -> validate every item against its
stream -> refuse items of actors the caller may not report for -> replace personal
fields by pseudonyms -> keep rejected items in the quarantine (their personal fields
pseudonymised too) -> append the good items to the event store (durable, idempotent)
-> record the batch -> record it in the transparency ledger (when the service keeps
one: an `events.received` entry whose receipt is part of the answer) -> hand the newly
stored rows to the monitor.

Partial acceptance: good items are stored even when others in the batch are bad;
every bad item is reported (item index, JSON pointer, what was expected) and kept in
the quarantine, never dropped silently.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc

from agilegov.access.policy import can_ingest
from agilegov.access.roles import Principal
from agilegov.errors import AccessDenied, NotFound
from agilegov.ingest.pseudonym import Pseudonymizer, as_text, pseudonymize
from agilegov.ingest.validate import INDEX, ItemError, pointer, validate_items
from agilegov.ledger.acts import Actor, BatchFacts
from agilegov.ledger.receipt import Receipt
from agilegov.rulebook.model import Rulebook, Stream
from agilegov.store.records import ItemProblem

if TYPE_CHECKING:
    from agilegov.ledger.actlog import ActLog
    from agilegov.monitor.core import Monitor
    from agilegov.store.events import EventStore
    from agilegov.store.state import StateStore
    from agilegov.workspace import Workspace

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestResult:
    batch_id: int
    received: int
    accepted: int
    duplicates: int
    rejected: list[ItemError]
    receipt: Receipt | None = None  # the ledger's receipt of the batch (when kept)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "batch_id": self.batch_id,
            "received": self.received,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": [e.to_dict() for e in self.rejected],
        }
        if self.receipt is not None:
            out["receipt"] = self.receipt.to_dict()
        return out


def _refusal(principal: Principal, actor: str) -> str:
    if principal.role == "operator" and principal.operator is not None:
        return f"this token may only report events of operator {principal.operator}"
    return f"a {principal.role} account may not report events of '{actor}'"


class IngestService:
    def __init__(
        self,
        workspace: Workspace,
        store: EventStore,
        state: StateStore,
        monitor: Monitor | None,
        acts: ActLog | None = None,
    ) -> None:
        self.workspace = workspace
        self.store = store
        self.state = state
        self.monitor = monitor
        self.acts = acts  # the ledger of governance acts, when the service keeps one
        self.pseudonyms = Pseudonymizer(workspace.keys_dir)

    def rulebook(self, domain: str) -> Rulebook:
        """The domain's rulebook in force (the workspace re-reads it only when it changes)."""
        return self.workspace.rulebook(domain)

    def stream(self, domain: str, name: str) -> tuple[Rulebook, Stream]:
        book = self.rulebook(domain)
        stream = book.streams.get(name)
        if stream is None:
            known = ", ".join(sorted(book.streams))
            raise NotFound(f"domain '{domain}' has no stream '{name}' (its streams: {known})")
        return book, stream

    def ingest(
        self,
        domain: str,
        stream: str,
        items: list[Any],
        principal: Principal,
        source: str = "http",
    ) -> IngestResult:
        """Validate, pseudonymise and store one batch; report what was accepted and refused."""
        book, spec = self.stream(domain, stream)
        if not can_ingest(principal, domain, None):
            raise AccessDenied(f"a {principal.role} account may not report events to "
                               f"domain '{domain}'")
        table, _good, errors = validate_items(spec, items, ZoneInfo(book.timezone))
        table, refused = self._own_actors_only(table, spec, domain, principal)
        if refused:
            errors = sorted(errors + refused, key=lambda e: e.index)
        table = pseudonymize(table.drop_columns([INDEX]), spec, domain, self.pseudonyms)
        self._quarantine(domain, spec, items, errors, principal, source)
        appended = self.store.append(domain, spec, table)
        rejected = len({e.index for e in errors})
        self.state.record_batch(domain, stream, appended.batch_id, len(items), appended.accepted,
                                appended.duplicates, rejected, appended.sha256, source)
        receipt = None
        if self.acts is not None:
            facts = BatchFacts(domain, stream, appended.batch_id, len(items), appended.accepted,
                               appended.duplicates, rejected, appended.sha256, source,
                               by=Actor(principal.role, principal.account_id))
            receipt = self._record(spec, facts)
        if self.monitor is not None and appended.accepted:
            try:
                self.monitor.on_batch(domain, stream, appended.accepted_table)
            except Exception:  # the batch is stored: a rebuild of the monitor will see it
                log.exception("monitor failed on batch %s of %s/%s", appended.batch_id, domain,
                              stream)
        return IngestResult(appended.batch_id, len(items), appended.accepted,
                            appended.duplicates, errors, receipt)

    def _record(self, spec: Stream, facts: BatchFacts) -> Receipt:
        """The batch's ledger entry (naming the pseudonym key in force when the stream has
        personal fields); the answer waits for it, so a receipt always comes with it."""
        assert self.acts is not None
        if any(f.personal for f in spec.fields.values()):
            ring = self.pseudonyms.ring(facts.domain)
            facts = replace(facts, pseudonym_key=ring.current)
            return self.acts.batch_received(facts, list(ring.keys))
        return self.acts.batch_received(facts)

    def _own_actors_only(
        self, table: pa.Table, spec: Stream, domain: str, principal: Principal
    ) -> tuple[pa.Table, list[ItemError]]:
        """Drop (and report) rows whose actor the principal may not report for."""
        if not table.num_rows:
            return table, []
        actors = table.column(spec.actor)
        distinct = pc.unique(actors.combine_chunks()).drop_null().to_pylist()
        refused = [a for a in distinct if not can_ingest(principal, domain, a)]
        if not refused:
            return table, []
        mask = pc.fill_null(pc.is_in(actors, value_set=pa.array(refused, pa.string())), False)
        bad = table.filter(mask)
        errors = [
            ItemError(index, pointer(index, spec.actor), _refusal(principal, actor))
            for index, actor in zip(bad.column(INDEX).to_pylist(),
                                    bad.column(spec.actor).to_pylist(), strict=True)
        ]
        return table.filter(pc.invert(mask)), errors

    def _quarantine(
        self,
        domain: str,
        spec: Stream,
        items: list[Any],
        errors: list[ItemError],
        principal: Principal,
        source: str,
    ) -> None:
        """Keep every rejected item, its personal fields replaced by pseudonyms."""
        if not errors:
            return
        personal = [n for n, f in spec.fields.items() if f.personal]
        make = self.pseudonyms.hasher(domain) if personal else None
        by_owner: dict[str | None, list[tuple[ItemProblem, Any]]] = {}
        for error in errors:
            item = items[error.index]
            if isinstance(item, dict):
                if make is not None:
                    item = {k: make(as_text(v))
                            if k in personal and v is not None else v for k, v in item.items()}
                actor = item.get(spec.actor)
            else:
                actor = None
            owner = principal.operator if principal.role == "operator" else (
                actor if isinstance(actor, str) else None)
            by_owner.setdefault(owner, []).append((error, item))
        for owner, rows in by_owner.items():
            self.state.quarantine(domain, spec.name, owner, rows, source)
