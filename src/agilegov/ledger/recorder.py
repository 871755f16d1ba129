"""Appending acts to the ledger from many threads at once, in batches (group commit).

Each `Ledger.append_many` fsyncs the entries and hashes and signs one checkpoint, so its
cost is per call, not per entry. `LedgerRecorder` gathers whatever acts are waiting (up
to `max_batch`) and appends them in one call from its own thread:

- `submit(entry)` queues an act and returns a `Future` of its receipt (for acts whose
  submitter does not wait, such as published findings);
- `record(entry)` waits for the receipt (for acts whose submitter gets one, such as an
  ingest batch); concurrent callers share one append.

The queue is bounded (`max_pending`): when it is full, `submit` waits, which slows the
submitters down to what the disk can take instead of growing without limit. `stop`
appends everything already queued before the thread ends.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterable
from concurrent.futures import Future

from agilegov.ledger.entry import Entry
from agilegov.ledger.errors import LedgerError
from agilegov.ledger.receipt import Receipt
from agilegov.ledger.store import Ledger

log = logging.getLogger("agilegov.ledger")

_Item = tuple[Entry | None, "Future[Receipt]"]  # None: a flush marker


class LedgerRecorder:
    def __init__(self, ledger: Ledger, max_pending: int = 65_536,
                 max_batch: int = 4_096) -> None:
        if max_pending < 1 or max_batch < 1:
            raise ValueError("max_pending and max_batch must be at least 1")
        self.ledger = ledger
        self.max_batch = max_batch
        self._queue: queue.Queue[_Item | None] = queue.Queue(maxsize=max_pending)
        self._thread: threading.Thread | None = None
        self._state = threading.Lock()
        self._stopped = False
        self.appended = 0  # entries appended by this recorder
        self.commits = 0  # append_many calls (checkpoints signed)
        self.failures = 0  # entries that could not be appended

    # -- life ----------------------------------------------------------------------------

    def start(self) -> None:
        with self._state:
            if self._stopped:
                raise LedgerError("the ledger recorder is stopped")
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="ledger-recorder",
                                                daemon=True)
                self._thread.start()

    def stop(self) -> None:
        """Append what is queued, then end the thread (idempotent)."""
        with self._state:
            if self._stopped:
                return
            self._stopped = True
            thread = self._thread
        if thread is None:
            self._drain_inline()
            return
        self._queue.put(None)
        thread.join()
        self._drain_inline()  # acts queued while the thread was ending

    @property
    def running(self) -> bool:
        return self._thread is not None and not self._stopped

    # -- submitting ----------------------------------------------------------------------

    def submit(self, entry: Entry) -> Future[Receipt]:
        """Queue an act; its receipt comes in the future (waits while the queue is full)."""
        future: Future[Receipt] = Future()
        if self._stopped:
            raise LedgerError("the ledger recorder is stopped")
        if self._thread is None:  # not started: append in the caller's thread
            self._append([(entry, future)])
            return future
        self._queue.put((entry, future))
        return future

    def submit_many(self, entries: Iterable[Entry]) -> list[Future[Receipt]]:
        return [self.submit(e) for e in entries]

    def record(self, entry: Entry) -> Receipt:
        """Append an act and wait for its receipt (the checkpoint in it includes the act)."""
        return self.submit(entry).result()

    def record_many(self, entries: Iterable[Entry]) -> list[Receipt]:
        return [f.result() for f in self.submit_many(entries)]

    def flush(self) -> None:
        """Wait until every act submitted before this call is in the ledger."""
        if self._thread is None or self._stopped:
            return
        marker: Future[Receipt] = Future()
        self._queue.put((None, marker))
        marker.exception()

    # -- the thread ----------------------------------------------------------------------

    def _run(self) -> None:
        done = False
        while not done:
            first = self._queue.get()
            batch: list[_Item] = []
            if first is None:
                done = True
            else:
                batch.append(first)
            while len(batch) < self.max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    done = True
                    continue
                batch.append(item)
            if batch:
                self._append(batch)
        self._drain_inline()

    def _drain_inline(self) -> None:
        rest: list[_Item] = []
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                rest.append(item)
        if rest:
            self._append(rest)

    def _append(self, batch: list[_Item]) -> None:
        acts = [(e, f) for e, f in batch if e is not None]
        self._append_acts(acts)
        for entry, future in batch:
            if entry is None:  # a flush marker: everything before it is appended
                future.set_result(FLUSHED)

    def _append_acts(self, acts: list[tuple[Entry, Future[Receipt]]]) -> None:
        if not acts:
            return
        try:
            receipts = self.ledger.append_many(e for e, _ in acts)
        except Exception as exc:
            if len(acts) > 1:  # append the others; only the act at fault fails
                for act in acts:
                    self._append_acts([act])
                return
            entry, future = acts[0]
            self.failures += 1
            log.exception("could not append a %s entry of domain %s to the ledger",
                          entry.kind, entry.domain)
            future.set_exception(exc)
            return
        self.appended += len(receipts)
        self.commits += 1
        for (_, future), receipt in zip(acts, receipts, strict=True):
            future.set_result(receipt)


FLUSHED = Receipt(-1, b"", "")  # what a flush marker's future holds
