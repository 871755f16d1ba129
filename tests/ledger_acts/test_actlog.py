"""Acts are recorded once each, across restarts, through a small index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.api.helpers import RULEBOOK

from agilegov.ledger.actlog import INDEX_FILE, ActLog
from agilegov.ledger.acts import Actor, BatchFacts
from agilegov.ledger.errors import LedgerError
from agilegov.ledger.store import Ledger
from agilegov.monitor import MonitorUpdate
from agilegov.rulebook.loader import load_rulebook_text

BOOK = load_rulebook_text(RULEBOOK, "<test>")


def kinds(ledger: Ledger) -> list[str]:
    return [json.loads(e)["kind"] for e in ledger.entries(0, ledger.size)]


def test_a_rulebook_text_is_recorded_once_even_after_a_restart(tmp_path: Path) -> None:
    with Ledger(tmp_path) as ledger:
        acts = ActLog(ledger)
        acts.start()
        first = acts.rulebook_adopted(BOOK, RULEBOOK, "api", Actor("government", 1))
        assert first is not None and first.index == 0
        assert acts.rulebook_adopted(BOOK, RULEBOOK, "workspace") is None
        acts.stop()
    with Ledger(tmp_path) as ledger:
        acts = ActLog(ledger)
        assert acts.rulebook_adopted(BOOK, RULEBOOK.encode(), "workspace") is None
        changed = RULEBOOK.replace("version: 1", "version: 2")
        assert acts.rulebook_adopted(load_rulebook_text(changed, "<t>"), changed,
                                     "workspace") is not None
        assert kinds(ledger) == ["rulebook.adopted", "rulebook.adopted"]
        acts.stop()


def test_the_first_key_is_noted_and_each_later_key_is_a_rotation(tmp_path: Path) -> None:
    with Ledger(tmp_path) as ledger:
        acts = ActLog(ledger)
        assert acts.keys_seen("robots", ["k1"], "k1", "workspace") == []
        assert acts.keys_seen("robots", ["k1"], "k1", "workspace") == []
        receipts = acts.keys_seen("robots", ["k1", "k2", "k3"], "k3", "workspace")
        assert len(receipts) == 2
        bodies = [json.loads(e)["body"] for e in ledger.entries(0, ledger.size)]
        assert [(b["previous_key_id"], b["key_id"]) for b in bodies] == [("k1", "k2"),
                                                                       ("k2", "k3")]
        assert acts.keys_seen("robots", ["k1", "k2", "k3"], "k3", "workspace") == []
        assert acts.keys_seen("robots", ["k3"], "k3", "workspace") == []  # k1, k2 retired
        acts.stop()


def test_a_batch_that_reveals_a_new_key_records_the_rotation_first(tmp_path: Path) -> None:
    with Ledger(tmp_path) as ledger:
        acts = ActLog(ledger)
        acts.start()
        facts = BatchFacts("robots", "trips", 1, 2, 2, 0, 0, "00" * 32, "http", "k1")
        assert acts.batch_received(facts, ["k1"]).index == 0
        second = BatchFacts("robots", "trips", 2, 2, 2, 0, 0, "11" * 32, "mqtt", "k2")
        assert acts.batch_received(second, ["k1", "k2"]).index == 2
        acts.stop()
        assert kinds(ledger) == ["events.received", "pseudonym.rotated", "events.received"]


def test_monitor_updates_are_queued_and_never_raise(tmp_path: Path) -> None:
    with Ledger(tmp_path) as ledger:
        acts = ActLog(ledger)
        acts.start()
        acts.on_update(MonitorUpdate("robots"))
        acts.flush()
        assert ledger.size == 0
        acts.stop()
        acts.on_update(MonitorUpdate("robots"))  # stopped: logged, not raised


def test_a_broken_index_is_named(tmp_path: Path) -> None:
    with Ledger(tmp_path) as ledger:
        (ledger.folder / INDEX_FILE).write_text("{not json", "utf-8")
        with pytest.raises(LedgerError, match="index of recorded acts") as err:
            ActLog(ledger)
        assert err.value.problems[0].file == str(ledger.folder / INDEX_FILE)
