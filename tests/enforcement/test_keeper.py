"""The keeper's ledger outbox: steps made before a ledger is attached are appended then,
each exactly once; a monitor update it cannot read never stops the monitor."""

from __future__ import annotations

import json
from pathlib import Path

from tests.enforcement.ladder import LADDER

from agilegov.cases.service import build_case_service
from agilegov.ledger.store import Ledger
from agilegov.monitor.core import MonitorUpdate
from agilegov.rulebook.loader import load_rulebook_text
from agilegov.store.records import ActionChange, ActionRow
from agilegov.store.state import StateStore

BOOK = load_rulebook_text(LADDER, "couriers.yaml")


def notice(at: str) -> ActionChange:
    return ActionChange("new", ActionRow("couriers", "distance", "op-a", 1, 0, at, "notice",
                                         None), at)


def test_steps_wait_for_the_ledger_and_go_in_once(tmp_path: Path) -> None:
    state = StateStore(f"sqlite:///{tmp_path / 'state.sqlite'}")
    service = build_case_service(state.engine, tmp_path, lambda _: BOOK)
    keeper = service.keeper
    keeper.on_update(MonitorUpdate("couriers", actions=[notice("2026-04-02T00:00:00+00:00")]))
    (case,) = service.cases.search("couriers")[0]
    assert service.cases.get(case.id).steps[0].ledger_index is None
    with Ledger(tmp_path) as ledger:
        keeper.attach(ledger)
        keeper.attach(ledger)
        assert ledger.size == 1
        entry = json.loads(ledger.entries(0, 1)[0])
        assert entry["kind"] == "case.moved" and entry["body"]["step"] == "notice"
    assert service.cases.get(case.id).steps[0].ledger_index == 0
    state.close()


def test_an_update_naming_an_unknown_response_moves_nothing(tmp_path: Path) -> None:
    state = StateStore(f"sqlite:///{tmp_path / 'state.sqlite'}")
    service = build_case_service(state.engine, tmp_path, lambda _: BOOK)
    bad = ActionChange("new", ActionRow("couriers", "distance", "op-a", 1, 42,
                                        "2026-04-02T00:00:00+00:00", "notice", None), "x")
    service.keeper.on_update(MonitorUpdate("couriers", actions=[bad]))
    assert service.cases.search("couriers") == ([], 0)
    state.close()
