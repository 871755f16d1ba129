"""A batch end to end: validation, actor checks, pseudonyms, quarantine, store, monitor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from tests.ingest.books import ROBOTS

from agilegov.access.roles import PUBLIC, Principal
from agilegov.errors import AccessDenied, NotFound
from agilegov.ingest.service import IngestService
from agilegov.monitor import Monitor, MonitorUpdate
from agilegov.store.events import EventStore, table_sql
from agilegov.store.records import FindingQuery
from agilegov.store.state import StateStore
from agilegov.workspace import Workspace

GOV = Principal("government", 1, None, None)
OP1 = Principal("operator", 2, "op1", None)
ELSEWHERE = Principal("operator", 3, "op1", "another-domain")


class Recorder:
    """Stands in for the monitor where only the calls matter."""

    def __init__(self, fail: bool = False) -> None:
        self.calls: list[tuple[str, str, pa.Table]] = []
        self.fail = fail

    def on_batch(self, domain: str, stream: str, table: pa.Table) -> None:
        self.calls.append((domain, stream, table))
        if self.fail:
            raise RuntimeError("monitor down")


@pytest.fixture
def parts(tmp_path: Path) -> Iterator[tuple[Workspace, EventStore, StateStore]]:
    ws = Workspace(tmp_path / "ws")
    ws.add_domain(ROBOTS)
    store = EventStore(ws.events_path)
    state = StateStore(f"sqlite:///{tmp_path / 'state.sqlite'}")
    yield ws, store, state
    store.close()
    state.close()


def service(parts: tuple[Workspace, EventStore, StateStore], monitor: Any = None) -> IngestService:
    ws, store, state = parts
    return IngestService(ws, store, state, monitor)


def trip(trip_id: str, operator: str = "op1", **extra: Any) -> dict[str, Any]:
    return {"trip_id": trip_id, "operator": operator, "ended_at": "2026-04-01T10:00", "km": 1.0,
            **extra}


def incident(reporter: str | None, severity: Any = 1, operator: str = "op1") -> dict[str, Any]:
    return {"operator": operator, "occurred_at": "2026-04-01T10:00", "severity": severity,
            "reporter": reporter}


def test_good_items_are_stored_and_bad_ones_reported_and_quarantined(parts: Any) -> None:
    svc = service(parts)
    result = svc.ingest("robots", "trips", [trip("a"), trip("b", km=-2), "junk"], GOV)
    assert (result.received, result.accepted, result.duplicates) == (3, 1, 0)
    assert [(e.index, e.pointer) for e in result.rejected] == [(1, "/1/km"), (2, "/2")]
    assert result.to_dict()["rejected"][0] == {
        "item": 1, "pointer": "/1/km", "message": "expected a value >= 0, got -2"}
    _, store, state = parts
    assert store.count("robots", "trips") == 1
    kept = state.list_quarantine("robots", None, 10, 0)
    assert [(q.index, q.item, q.operator) for q in kept] == [
        (1, trip("b", km=-2), "op1"), (2, "junk", None)]


def test_the_batch_is_recorded(parts: Any) -> None:
    svc = service(parts)
    result = svc.ingest("robots", "trips", [trip("a"), trip("a"), trip("b", km=-1)], GOV,
                        source="file")
    [batch] = parts[2].batches("robots")
    assert (batch.batch_id, batch.received, batch.accepted, batch.duplicates, batch.rejected,
            batch.source) == (result.batch_id, 3, 1, 1, 1, "file")
    assert len(batch.sha256) == 64


def test_repeating_a_batch_is_idempotent(parts: Any) -> None:
    svc = service(parts)
    items = [trip("a"), trip("b")]
    svc.ingest("robots", "trips", items, OP1)
    again = svc.ingest("robots", "trips", items, OP1)
    assert (again.accepted, again.duplicates) == (0, 2)
    assert parts[1].count("robots", "trips") == 2


def test_an_operator_may_only_report_its_own_events(parts: Any) -> None:
    svc = service(parts)
    result = svc.ingest("robots", "trips", [trip("a"), trip("b", operator="op2")], OP1)
    assert result.accepted == 1
    [error] = result.rejected
    assert (error.index, error.pointer) == (1, "/1/operator")
    assert error.message == "this token may only report events of operator op1"
    [kept] = parts[2].list_quarantine("robots", "op1", 10, 0)
    assert kept.index == 1


def test_the_government_may_report_for_any_operator(parts: Any) -> None:
    result = service(parts).ingest("robots", "trips", [trip("a", "op2"), trip("b", "op3")], GOV)
    assert result.accepted == 2 and result.rejected == []


@pytest.mark.parametrize("who", [PUBLIC, Principal("auditor", 4, None, None), ELSEWHERE])
def test_who_may_not_report_is_refused_before_anything_is_stored(parts: Any, who: Principal
                                                                  ) -> None:
    with pytest.raises(AccessDenied):
        service(parts).ingest("robots", "trips", [trip("a")], who)
    assert parts[1].count("robots", "trips") == 0


def test_unknown_domain_or_stream_is_not_found(parts: Any) -> None:
    svc = service(parts)
    with pytest.raises(NotFound, match="no domain"):
        svc.ingest("nowhere", "trips", [], GOV)
    with pytest.raises(NotFound, match="its streams: incidents, trips"):
        svc.ingest("robots", "rides", [], GOV)


def test_personal_fields_are_never_stored_in_clear(parts: Any) -> None:
    svc = service(parts)
    result = svc.ingest("robots", "incidents",
                        [incident("Alice Example"), incident("Bob Example", severity=9)], GOV)
    assert result.accepted == 1
    _, store, state = parts
    with store.lock:
        raw = store.connection.execute(
            f"SELECT reporter FROM {table_sql('robots', 'incidents')}").fetchall()
    assert raw == [(svc.pseudonyms.pseudonym("robots", "Alice Example"),)]
    [kept] = state.list_quarantine("robots", None, 10, 0)
    assert kept.item["reporter"] == svc.pseudonyms.pseudonym("robots", "Bob Example")
    assert "Bob" not in str(kept.to_dict()) and "Bob" not in str(result.to_dict())
    folder = parts[1].path.parent.parent
    for path in [parts[1].path, Path(f"{parts[1].path}.wal"), folder / "state.sqlite"]:
        assert path.exists() or path.suffix == ".wal"
        if path.exists():
            assert b"Alice" not in path.read_bytes() and b"Bob" not in path.read_bytes()


def test_after_rotation_old_pseudonyms_are_still_recognised(parts: Any) -> None:
    svc = service(parts)
    svc.ingest("robots", "incidents", [incident("Alice")], GOV)
    svc.pseudonyms.rotate("robots")
    svc.ingest("robots", "incidents", [incident("Alice")], GOV)
    stored = parts[1].read_events("robots", svc.stream("robots", "incidents")[1])
    old, new = stored.column("reporter").to_pylist()
    assert old.startswith("p:k1:") and new.startswith("p:k2:")
    assert all(svc.pseudonyms.recognises("robots", "Alice", p) for p in (old, new))


def test_the_monitor_gets_only_newly_stored_rows(parts: Any) -> None:
    recorder = Recorder()
    svc = service(parts, recorder)
    svc.ingest("robots", "trips", [trip("a"), trip("b")], GOV)
    svc.ingest("robots", "trips", [trip("b"), trip("c")], GOV)
    svc.ingest("robots", "trips", [trip("c")], GOV)  # nothing new: no call
    assert [(d, s, t.column("trip_id").to_pylist()) for d, s, t in recorder.calls] == [
        ("robots", "trips", ["a", "b"]), ("robots", "trips", ["c"])]


def test_a_failing_monitor_does_not_lose_the_stored_batch(parts: Any) -> None:
    svc = service(parts, Recorder(fail=True))
    result = svc.ingest("robots", "trips", [trip("a")], GOV)
    assert result.accepted == 1 and parts[1].count("robots", "trips") == 1


def test_the_real_monitor_turns_batches_into_findings(parts: Any) -> None:
    ws, store, state = parts
    monitor = Monitor(ws, store, state, default_lateness=dt.timedelta(0))
    updates: list[MonitorUpdate] = []
    monitor.subscribers.append(updates.append)
    svc = service(parts, monitor)
    svc.ingest("robots", "trips", [trip("a", km=12.0)], GOV)
    svc.ingest("robots", "trips", [trip("b") | {"ended_at": "2026-04-03T10:00"}], GOV)
    page = state.findings(FindingQuery("robots", goal="distance", actor="op1"))
    assert [(f.window_end[:10], f.status) for f in page.items][:1] == [("2026-04-02", "met")]
    assert updates and updates[-1].domain == "robots"


def test_csv_upload_rows_go_through_the_same_checks(parts: Any) -> None:
    from agilegov.ingest.parse import parse_upload

    rows = parse_upload("trips.csv", b"trip_id,operator,ended_at,km\nx,op1,2026-04-01,2.5\n"
                                     b"y,op1,2026-04-01,lots\n")
    result = service(parts).ingest("robots", "trips", list(rows), OP1, source="file")
    assert result.accepted == 1
    assert [(e.pointer, e.message) for e in result.rejected] == [
        ("/1/km", 'expected a number, got "lots"')]
