"""Reports in the state database: stored, decided once, listed, counted."""

from __future__ import annotations

import pytest

from agilegov.errors import Conflict, NotFound, UsageError
from agilegov.reports.records import Decision, Submission
from agilegov.reports.store import ReportStore
from agilegov.store.convert import epoch_us
from agilegov.store.state import StateStore


def add(store: ReportStore, day: int, category: str = "noise", domain: str = "robots") -> int:
    s = Submission(category, "text", "op-a", None, None)
    return store.add(domain, s, None, f"2026-04-{day:02d}T10:00:00+00:00", "h" * 64).id


def test_a_report_is_decided_once(state: StateStore) -> None:
    store = ReportStore(state.engine)
    first, second = add(store, 1), add(store, 2)
    assert store.get("robots", first).status == "received"
    decided = store.decide("robots", second, Decision("duplicate", "same", first), 9, "now")
    assert (decided.status, decided.duplicate_of, decided.triaged_by) == ("duplicate", first, 9)
    with pytest.raises(Conflict):
        store.decide("robots", second, Decision("accepted", "again"), 9, "now")
    with pytest.raises(UsageError):
        store.decide("robots", first, Decision("duplicate", "self", first), 9, "now")
    with pytest.raises(NotFound):
        store.decide("robots", first, Decision("duplicate", "x", 999), 9, "now")
    with pytest.raises(NotFound):
        store.get("other", first)  # reports belong to their domain


def test_listing_pages_and_tally_by_period(state: StateStore) -> None:
    store = ReportStore(state.engine)
    ids = [add(store, 1), add(store, 2, "blocking"), add(store, 3), add(store, 3, domain="x")]
    store.decide("robots", ids[0], Decision("accepted", "ok"), 1, "now")
    page = store.list("robots", limit=2)
    assert [r.id for r in page.items] == ids[:2] and page.next_offset == 2 and page.total == 3
    assert [r.id for r in store.list("robots", status="received").items] == ids[1:3]
    tally = store.tally("robots", epoch_us("2026-04-02T00:00:00+00:00"), None)
    assert dict(tally["by_status"]) == {"received": 2}
    assert dict(tally["by_category"]) == {"blocking": 1, "noise": 1}
    assert dict(store.tally("robots", None, None)["by_status"]) == {"accepted": 1,
                                                                    "received": 2}
    with pytest.raises(UsageError):
        store.list("robots", limit=0)
