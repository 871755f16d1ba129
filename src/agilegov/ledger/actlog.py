"""The governance acts of a running service, into its ledger.

`ActLog` wraps a `LedgerRecorder` with what the service knows of its acts:

- an ingest batch: one `events.received` entry, whose receipt goes back to the reporter;
- a monitor update: one `findings.published` entry and one `action.taken` per action change
  (queued: the monitor does not wait for the disk);
- a rulebook version (`rulebook.adopted`) and a pseudonym key change (`pseudonym.rotated`),
  each recorded once. A small index, `DIR/ledger/recorded.json`, says which rulebook texts
  (by SHA-256) and which pseudonym key ids are already in the ledger, so that what was done
  while the service was not running (`agilegov domain add`, `agilegov key rotate`) is
  recorded when it next starts or first sees it, and never twice. The index is written
  after the entry: a crash in between records the act again at the next start (at least
  once, never lost).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from agilegov.errors import Problem
from agilegov.ledger.acts import (
    Actor,
    BatchFacts,
    events_received,
    pseudonym_rotated,
    rulebook_adopted,
    sha256_text,
    update_entries,
)
from agilegov.ledger.errors import LedgerError
from agilegov.ledger.receipt import Receipt
from agilegov.ledger.recorder import LedgerRecorder
from agilegov.ledger.store import Ledger

if TYPE_CHECKING:
    from agilegov.monitor.core import MonitorUpdate
    from agilegov.rulebook.model import Rulebook

log = logging.getLogger("agilegov.ledger")

INDEX_FILE = "recorded.json"


class ActIndex:
    """`{"rulebooks": {domain: [sha256, ...]}, "pseudonym_keys": {domain: [key id, ...]}}`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rulebooks: dict[str, list[str]] = {}
        self.keys: dict[str, list[str]] = {}
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return
        try:
            doc = orjson.loads(raw)
            self.rulebooks = {str(d): [str(h) for h in v]
                              for d, v in doc.get("rulebooks", {}).items()}
            self.keys = {str(d): [str(k) for k in v]
                         for d, v in doc.get("pseudonym_keys", {}).items()}
        except (orjson.JSONDecodeError, AttributeError, TypeError) as exc:
            raise LedgerError([Problem(f"cannot read the index of recorded acts: {exc} "
                                       "(delete it to record every rulebook and key again)",
                                       file=str(path))]) from exc

    def save(self) -> None:
        doc: dict[str, Any] = {"rulebooks": self.rulebooks, "pseudonym_keys": self.keys}
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "wb") as out:
            out.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.path)


class ActLog:
    def __init__(self, ledger: Ledger, max_pending: int = 65_536,
                 max_batch: int = 4_096) -> None:
        self.ledger = ledger
        self.recorder = LedgerRecorder(ledger, max_pending=max_pending, max_batch=max_batch)
        self.index = ActIndex(ledger.folder / INDEX_FILE)
        self._lock = threading.Lock()

    def start(self) -> None:
        self.recorder.start()

    def stop(self) -> None:
        self.recorder.stop()

    def flush(self) -> None:
        self.recorder.flush()

    # -- acts ----------------------------------------------------------------------------

    def batch_received(self, facts: BatchFacts, key_ids: Sequence[str] = ()) -> Receipt:
        """Record an ingest batch (and first a pseudonym key change it reveals); its receipt."""
        if facts.pseudonym_key is not None:
            self.keys_seen(facts.domain, key_ids or [facts.pseudonym_key],
                           facts.pseudonym_key, "workspace")
        return self.recorder.record(events_received(facts))

    def on_update(self, update: MonitorUpdate) -> None:
        """A monitor subscriber: queue the update's entries (never raises into the monitor)."""
        try:
            self.recorder.submit_many(update_entries(update))
        except Exception:
            log.exception("could not queue the ledger entries of an update of %s",
                          update.domain)

    def rulebook_adopted(self, book: Rulebook, text: bytes | str, source: str,
                         by: Actor | None = None) -> Receipt | None:
        """Record a rulebook text once; None when this exact text is already recorded."""
        digest = sha256_text(text)
        with self._lock:
            known = self.index.rulebooks.setdefault(book.domain, [])
            if digest in known:
                return None
            receipt = self.recorder.record(rulebook_adopted(book, text, source, by))
            known.append(digest)
            self.index.save()
            return receipt

    def keys_seen(self, domain: str, key_ids: Sequence[str], current: str,
                  source: str) -> list[Receipt]:
        """Record each pseudonym key id not yet recorded, oldest first, as a rotation from
        the one before it. A domain's very first key is its creation, not a rotation: it
        is noted in the index without an entry."""
        with self._lock:
            known = self.index.keys.get(domain)
            ids = list(key_ids) if current in key_ids else [*key_ids, current]
            if known is not None and all(k in known for k in ids):
                return []
            receipts: list[Receipt] = []
            noted = known if known is not None else []
            previous: str | None = noted[-1] if noted else None
            for i, key_id in enumerate(ids):
                if key_id in noted:
                    previous = key_id
                    continue
                if known is None and i == 0:
                    noted.append(key_id)
                    previous = key_id
                    continue
                entry = pseudonym_rotated(domain, key_id, previous, ids[: i + 1], source)
                receipts.append(self.recorder.record(entry))
                noted.append(key_id)
                previous = key_id
            self.index.keys[domain] = noted
            self.index.save()
            return receipts
