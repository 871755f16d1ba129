"""The live monitor: watermarks, revisions, rebuilds from the event store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest

from agilegov.monitor import Monitor
from agilegov.rulebook.loader import load_rulebook_text
from agilegov.rulebook.model import Rulebook
from agilegov.store.events import EventStore
from agilegov.store.records import FindingQuery
from agilegov.store.state import StateStore

RULEBOOK = """
domain: town
version: 1
effective_from: 2026-04-01
timezone: Asia/Tokyo
streams:
  trips:
    time: at
    actor: op
    key: id
    fields: {id: string, op: string, at: timestamp, km: {type: float, min: 0}}
goals:
  - {id: km, title: km per day, measure: sum(trips.km), target: ">= 10", window: 1d}
responses:
  - {goal: km, unmet_for: 2, do: notice}
"""
JST = dt.timezone(dt.timedelta(hours=9))


def us(day: int, hour: int) -> int:
    t = dt.datetime(2026, 4, day, hour, tzinfo=JST)
    return int(t.timestamp() * 1_000_000)


def batch(*rows: tuple[str, str, int, float]) -> pa.Table:
    return pa.table(
        {
            "id": pa.array([r[0] for r in rows], pa.string()),
            "op": pa.array([r[1] for r in rows], pa.string()),
            "at": pa.array([r[2] for r in rows], pa.int64()),
            "km": pa.array([r[3] for r in rows], pa.float64()),
        }
    )


@pytest.fixture()
def book() -> Rulebook:
    return load_rulebook_text(RULEBOOK)


@pytest.fixture()
def state(tmp_path: Path) -> StateStore:
    return StateStore(f"sqlite:///{tmp_path / 'state.sqlite'}")


def monitor(
    book: Rulebook, state: StateStore, store: EventStore | None = None, lateness_h: int = 0
) -> Monitor:
    return Monitor(
        None,
        store,
        state,
        rulebook_source=lambda _d: book,  # type: ignore[arg-type]
        default_lateness=dt.timedelta(hours=lateness_h),
    )


def findings(state: StateStore) -> dict[str, tuple[float | None, str, int]]:
    page = state.findings(FindingQuery("town", limit=1000))
    return {f.window_end[:10]: (f.value, f.status, f.revision) for f in page.items}


def test_an_instant_waits_for_the_watermark(book: Rulebook, state: StateStore) -> None:
    m = monitor(book, state, lateness_h=2)
    m.on_batch("town", "trips", batch(("t1", "acme", us(1, 10), 12.0)))
    assert findings(state) == {}  # watermark 08:00 on 1 April: no instant passed yet
    m.on_batch("town", "trips", batch(("t2", "acme", us(2, 1), 1.0)))
    assert findings(state) == {}  # newest 01:00 on 2 April minus 2h is before midnight
    update = m.on_batch("town", "trips", batch(("t3", "acme", us(2, 3), 1.0)))
    assert findings(state) == {"2026-04-02": (12.0, "met", 0)}
    assert [c.kind for c in update.findings] == ["new"]
    assert m.watermark("town") == dt.datetime(2026, 4, 2, 1, tzinfo=JST)


def test_a_late_event_revises_its_window_and_keeps_the_change(
    book: Rulebook, state: StateStore
) -> None:
    m = monitor(book, state)
    m.on_batch(
        "town", "trips", batch(("t1", "acme", us(1, 10), 4.0), ("t2", "acme", us(3, 10), 1.0))
    )
    assert findings(state)["2026-04-02"] == (4.0, "unmet", 0)
    update = m.on_batch("town", "trips", batch(("t3", "acme", us(1, 20), 7.0)))
    assert findings(state)["2026-04-02"] == (11.0, "met", 1)
    assert [(c.kind, c.row.value) for c in update.findings] == [("revised", 11.0)]
    history = state.finding_history("town", "km", "acme", update.findings[0].row.k)
    assert [h.status for h in history][-2:] == ["unmet", "met"] or len(history) >= 1


def test_actions_follow_revisions(book: Rulebook, state: StateStore) -> None:
    m = monitor(book, state)
    first = m.on_batch(
        "town",
        "trips",
        batch(
            ("t1", "acme", us(1, 10), 1.0),
            ("t2", "acme", us(2, 10), 1.0),
            ("t3", "acme", us(3, 10), 1.0),
        ),
    )
    assert [(c.kind, c.row.do, c.row.at[:10]) for c in first.actions] == [
        ("new", "notice", "2026-04-03")
    ]
    later = m.on_batch("town", "trips", batch(("t4", "acme", us(2, 11), 20.0)))
    assert [(c.kind, c.row.do) for c in later.actions] == [("withdrawn", "notice")]


def test_a_batch_touches_only_the_windows_of_its_events(book: Rulebook, state: StateStore) -> None:
    m = monitor(book, state)
    rows = [(f"t{d}", "acme", us(d, 9), 11.0) for d in range(1, 29)]
    m.on_batch("town", "trips", batch(*rows))
    update = m.on_batch("town", "trips", batch(("late", "acme", us(10, 12), 1.0)))
    assert [c.row.window_end[:10] for c in update.findings] == ["2026-04-11"]


def test_rebuild_from_the_event_store_gives_the_same_findings(
    book: Rulebook, tmp_path: Path, state: StateStore
) -> None:
    store = EventStore(tmp_path / "events.duckdb")
    store.ensure_stream("town", book.streams["trips"])
    m = monitor(book, state, store)
    for day in (1, 2, 3, 4):
        table = batch((f"t{day}", "acme", us(day, 9), float(day * 4)))
        result = store.append("town", book.streams["trips"], table)
        m.on_batch("town", "trips", result.accepted_table)
    before = findings(state)
    fresh_state = StateStore(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    again = monitor(book, fresh_state, store)
    again.rebuild("town")
    assert findings(fresh_state) == before
    assert again.watermark("town") == m.watermark("town")
    store.close()
