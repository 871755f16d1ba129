"""The event store: idempotent appends, durability across a killed process, export."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.ingest.books import ROBOTS, robots

from agilegov.engine.evaluate import evaluate
from agilegov.errors import Conflict
from agilegov.ingest.pseudonym import Pseudonymizer, pseudonymize
from agilegov.ingest.validate import INDEX, validate_items
from agilegov.rulebook.loader import load_rulebook_text
from agilegov.rulebook.model import Stream
from agilegov.store.events import BATCH, SEQ, EventStore, canonical_sha256, table_sql

BOOK = robots()
TRIPS = BOOK.streams["trips"]
INCIDENTS = BOOK.streams["incidents"]
NY = ZoneInfo(BOOK.timezone)


def rows(stream: Stream, items: list[dict[str, Any]]) -> pa.Table:
    table, _, errors = validate_items(stream, items, NY)
    assert errors == []
    return table.drop_columns([INDEX])


def trip(trip_id: str | None, km: float = 1.0, day: int = 1) -> dict[str, Any]:
    return {"trip_id": trip_id, "operator": "op1", "ended_at": f"2026-04-0{day}T10:00", "km": km}


@pytest.fixture
def store(tmp_path: Path) -> EventStore:
    s = EventStore(tmp_path / "events.duckdb")
    yield s  # type: ignore[misc]
    s.close()


def stored(store: EventStore, stream: Stream) -> list[dict[str, Any]]:
    table = store.read_events("robots", stream)
    assert table is not None
    return table.to_pylist()


def test_append_stores_rows_and_reports_them(store: EventStore) -> None:
    result = store.append("robots", TRIPS, rows(TRIPS, [trip("a"), trip("b", 2.0)]))
    assert (result.accepted, result.duplicates, result.batch_id) == (2, 0, 1)
    assert result.accepted_table.column_names == [*TRIPS.fields, BATCH, SEQ]
    assert result.accepted_table.column(SEQ).to_pylist() == [0, 1]
    assert [r["trip_id"] for r in stored(store, TRIPS)] == ["a", "b"]
    assert store.count("robots", "trips") == 2


def test_a_repeated_key_within_a_batch_keeps_the_first(store: EventStore) -> None:
    result = store.append("robots", TRIPS, rows(TRIPS, [trip("a", 1.0), trip("a", 9.0)]))
    assert (result.accepted, result.duplicates) == (1, 1)
    assert [r["km"] for r in stored(store, TRIPS)] == [1.0]


def test_a_key_already_stored_is_a_duplicate(store: EventStore) -> None:
    store.append("robots", TRIPS, rows(TRIPS, [trip("a", 1.0)]))
    result = store.append("robots", TRIPS, rows(TRIPS, [trip("a", 5.0), trip("b", 2.0)]))
    assert (result.accepted, result.duplicates, result.batch_id) == (1, 1, 2)
    assert result.accepted_table.column("trip_id").to_pylist() == ["b"]
    assert [(r["trip_id"], r["km"]) for r in stored(store, TRIPS)] == [("a", 1.0), ("b", 2.0)]


def test_null_keys_are_never_merged(store: EventStore) -> None:
    store.append("robots", TRIPS, rows(TRIPS, [trip(None), trip(None)]))
    result = store.append("robots", TRIPS, rows(TRIPS, [trip(None)]))
    assert result.accepted == 1 and store.count("robots", "trips") == 3


def test_a_stream_without_key_keeps_every_event(store: EventStore) -> None:
    item = {"operator": "op1", "occurred_at": "2026-04-01T10:00", "severity": 1}
    store.append("robots", INCIDENTS, rows(INCIDENTS, [item, item]))
    assert store.append("robots", INCIDENTS, rows(INCIDENTS, [item])).accepted == 1
    assert store.count("robots", "incidents") == 3


def test_the_unique_index_guards_the_key(store: EventStore) -> None:
    store.append("robots", TRIPS, rows(TRIPS, [trip("a")]))
    with store.lock, pytest.raises(duckdb.ConstraintException):
        store.connection.execute(
            f"INSERT INTO {table_sql('robots', 'trips')} (trip_id, operator, ended_at, "
            f"agilegov_batch, agilegov_seq) VALUES ('a', 'op1', 0, 99, 99)"
        )


def test_an_empty_batch_is_still_a_batch(store: EventStore) -> None:
    result = store.append("robots", TRIPS, rows(TRIPS, []))
    assert (result.accepted, result.batch_id) == (0, 1)
    assert store.append("robots", TRIPS, rows(TRIPS, [trip("a")])).batch_id == 2


def test_batch_ids_and_sequence_continue_after_reopening(tmp_path: Path) -> None:
    path = tmp_path / "events.duckdb"
    first = EventStore(path)
    first.append("robots", TRIPS, rows(TRIPS, [trip("a"), trip("b")]))
    first.close()
    again = EventStore(path)
    result = again.append("robots", TRIPS, rows(TRIPS, [trip("c"), trip("a")]))
    assert (result.batch_id, result.accepted, result.duplicates) == (2, 1, 1)
    assert result.accepted_table.column(SEQ).to_pylist() == [2]
    again.close()


def test_sha256_is_over_the_canonical_accepted_rows(store: EventStore) -> None:
    table = rows(TRIPS, [trip("a"), trip("b")])
    result = store.append("robots", TRIPS, table)
    assert result.sha256 == canonical_sha256(table, list(TRIPS.fields))
    again = store.append("robots", TRIPS, rows(TRIPS, [trip("a")]))
    assert again.sha256 == canonical_sha256(table.slice(0, 0), list(TRIPS.fields))


def test_a_new_field_in_a_new_rulebook_version_is_added(store: EventStore) -> None:
    store.append("robots", TRIPS, rows(TRIPS, [trip("a")]))
    book = load_rulebook_text(ROBOTS.replace("      night: bool\n",
                                             "      night: bool\n      zone: string\n"), "r.yaml")
    wider = book.streams["trips"]
    store.append("robots", wider, rows(wider, [{**trip("b"), "zone": "north"}]))
    assert [r.get("zone") for r in stored(store, wider)] == [None, "north"]


def test_a_changed_field_type_is_a_conflict(store: EventStore) -> None:
    store.append("robots", TRIPS, rows(TRIPS, [trip("a")]))
    book = load_rulebook_text(ROBOTS.replace("      night: bool", "      night: int"), "r.yaml")
    with pytest.raises(Conflict, match="night"):
        store.ensure_stream("robots", book.streams["trips"])


def test_count_of_a_stream_never_written_is_zero(store: EventStore) -> None:
    assert store.count("robots", "trips") == 0


CHILD = textwrap.dedent("""
    import sys
    import pyarrow as pa
    from agilegov.store.events import EventStore
    from agilegov.rulebook.loader import load_rulebook
    stream = load_rulebook(sys.argv[2]).streams["trips"]
    store = EventStore(sys.argv[1])
    for batch in range(int(sys.argv[3])):
        table = pa.table({"trip_id": [f"t{batch}-{i}" for i in range(50)],
                          "operator": ["op1"] * 50, "ended_at": [1775005200000000] * 50})
        result = store.append("robots", stream, table)
        print(result.batch_id, result.accepted, flush=True)
    print("done", flush=True)
    sys.stdin.read()  # wait, never closing the store: the parent kills this process
""")


def test_an_acknowledged_batch_survives_sigkill(tmp_path: Path) -> None:
    path = tmp_path / "events.duckdb"
    book = tmp_path / "robots.yaml"
    book.write_text(ROBOTS, "utf-8")
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), str(book), "5"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert child.stdout is not None
    acknowledged = []
    for line in child.stdout:
        if line.strip() == "done":
            break
        acknowledged.append(tuple(int(x) for x in line.split()))
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert acknowledged == [(b, 50) for b in range(1, 6)]
    reopened = EventStore(path)
    try:
        assert reopened.count("robots", "trips") == 250
        again = reopened.append("robots", TRIPS, pa.table({
            "trip_id": ["t0-0", "new"], "operator": ["op1", "op1"],
            "ended_at": [1775005200000000] * 2}))
        assert (again.batch_id, again.accepted, again.duplicates) == (6, 1, 1)
    finally:
        reopened.close()


def test_export_writes_utc_timestamps_in_insertion_order(store: EventStore, tmp_path: Path) -> None:
    store.append("robots", TRIPS, rows(TRIPS, [trip("b"), trip("a", day=2)]))
    out = tmp_path / "trips.parquet"
    assert store.export("robots", TRIPS, out) == 2
    table = pq.read_table(out)
    assert table.schema.field("ended_at").type == pa.timestamp("us", tz="UTC")
    assert table.column_names == list(TRIPS.fields)
    assert table.column("trip_id").to_pylist() == ["b", "a"]
    assert table.column("ended_at").to_pylist()[0] == dt.datetime(2026, 4, 1, 14, tzinfo=dt.UTC)


def test_export_of_an_empty_stream_is_an_empty_file(store: EventStore, tmp_path: Path) -> None:
    out = tmp_path / "trips.parquet"
    assert store.export("robots", TRIPS, out) == 0
    assert pq.read_table(out).num_rows == 0


def test_exported_events_evaluate_like_the_same_items_as_jsonl(
    store: EventStore, tmp_path: Path
) -> None:
    trips = [trip(f"t{i}", km=float(i % 7), day=1 + i % 5) | {"operator": f"op{i % 3}"}
             for i in range(60)]
    trips += [trip("t1", km=100.0)]  # a repeated key: the first one read counts
    incidents = [{"operator": f"op{i % 3}", "occurred_at": f"2026-04-0{1 + i % 6}T2{i % 4}:15",
                  "severity": i % 5, "reporter": f"person {i % 4}"} for i in range(40)]
    jsonl = tmp_path / "jsonl"
    jsonl.mkdir()
    (jsonl / "trips.jsonl").write_bytes(b"\n".join(orjson.dumps(t) for t in trips))
    (jsonl / "incidents.jsonl").write_bytes(b"\n".join(orjson.dumps(t) for t in incidents))
    keys = Pseudonymizer(tmp_path / "keys")
    for stream, items in ((TRIPS, trips), (INCIDENTS, incidents)):
        table = pseudonymize(rows(stream, items), stream, "robots", keys)
        store.append("robots", stream, table)
    exported = tmp_path / "exported"
    exported.mkdir()
    for stream in (TRIPS, INCIDENTS):
        store.export("robots", stream, exported / f"{stream.name}.parquet")
    start = dt.datetime(2026, 4, 1, tzinfo=NY)
    end = dt.datetime(2026, 4, 10, tzinfo=NY)
    expected = evaluate(BOOK, jsonl, start, end)
    got = evaluate(BOOK, exported, start, end)
    assert len(expected.findings) > 10 and expected.actions
    assert got.findings == expected.findings
    assert got.actions == expected.actions
