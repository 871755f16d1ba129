"""The recorder appends acts from many threads in batches, in order, with receipts."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import pytest

from agilegov.ledger.entry import Entry
from agilegov.ledger.errors import LedgerError
from agilegov.ledger.recorder import LedgerRecorder
from agilegov.ledger.store import Ledger
from agilegov.ledger.tree import leaf_hash
from agilegov.ledger.verify import verify_log, verify_receipt

AT = dt.datetime(2026, 4, 3, tzinfo=dt.UTC)


def act(n: int) -> Entry:
    return Entry("events.received", AT, "robots", {"n": n})


def test_concurrent_records_each_get_a_receipt_of_their_own_entry(tmp_path: Path) -> None:
    with Ledger(tmp_path) as ledger:
        recorder = LedgerRecorder(ledger, max_batch=64)
        recorder.start()
        receipts: dict[int, object] = {}

        def work(first: int) -> None:
            for n in range(first, first + 50):
                receipts[n] = recorder.record(act(n))

        threads = [threading.Thread(target=work, args=(i * 50,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        recorder.stop()
        assert ledger.size == 400 and recorder.appended == 400
        assert recorder.commits <= 400
        for n, receipt in receipts.items():
            data = act(n).canonical()
            assert ledger.entries(receipt.index, receipt.index + 1) == [data]  # type: ignore[attr-defined]
            assert receipt.leaf_hash == leaf_hash(data)  # type: ignore[attr-defined]
            verify_receipt(ledger, receipt, [ledger.verifier()], ledger.checkpoint(),  # type: ignore[arg-type]
                           data)
        verify_log(ledger, [ledger.verifier()])


def test_submitted_acts_keep_their_order_and_flush_waits_for_them(tmp_path: Path) -> None:
    with Ledger(tmp_path) as ledger:
        recorder = LedgerRecorder(ledger, max_pending=8, max_batch=3)
        recorder.start()
        futures = recorder.submit_many(act(n) for n in range(100))
        recorder.flush()
        assert all(f.done() for f in futures)
        assert [f.result().index for f in futures] == list(range(100))
        bodies = [json.loads(e)["body"]["n"] for e in ledger.entries(0, 100)]
        assert bodies == list(range(100))
        recorder.stop()


def test_stop_appends_what_is_queued_and_refuses_more(tmp_path: Path) -> None:
    with Ledger(tmp_path) as ledger:
        recorder = LedgerRecorder(ledger)
        recorder.start()
        futures = recorder.submit_many(act(n) for n in range(20))
        recorder.stop()
        assert ledger.size == 20 and all(f.done() for f in futures)
        with pytest.raises(LedgerError, match="stopped"):
            recorder.submit(act(99))
        recorder.stop()  # idempotent


def test_an_act_that_cannot_be_appended_fails_alone(tmp_path: Path) -> None:
    with Ledger(tmp_path) as ledger:
        recorder = LedgerRecorder(ledger)
        recorder.start()
        huge = Entry("events.received", AT, "robots", {"blob": "x" * 70_000})
        futures = [recorder.submit(act(0)), recorder.submit(huge), recorder.submit(act(1))]
        recorder.flush()
        with pytest.raises(LedgerError, match="65535"):
            futures[1].result()
        assert futures[0].result().index == 0 and futures[2].result().index == 1
        assert recorder.failures == 1 and ledger.size == 2
        recorder.stop()


def test_without_its_thread_the_recorder_appends_in_the_callers_thread(tmp_path: Path) -> None:
    with Ledger(tmp_path) as ledger:
        recorder = LedgerRecorder(ledger)
        receipt = recorder.record(act(0))
        assert receipt.index == 0 and ledger.size == 1 and not recorder.running


def test_bad_sizes_are_refused(tmp_path: Path) -> None:
    with Ledger(tmp_path) as ledger, pytest.raises(ValueError, match="at least 1"):
        LedgerRecorder(ledger, max_batch=0)
