"""A stream's events as one view: bad rows refused or quarantined, keys de-duplicated."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from agilegov.data.jsonl import FILE, ROW
from agilegov.data.load import (
    MAX_REPORTED,
    Quarantine,
    StreamView,
    problem_of,
    refuse_bad_rows,
    register_stream,
)
from agilegov.data.normalize import TimeContext
from agilegov.errors import DataError, Problem
from agilegov.rulebook.model import FieldSpec, Stream

UTC = dt.UTC
CTX = TimeContext(
    ZoneInfo("UTC"), dt.datetime(2026, 1, 1, tzinfo=UTC), dt.datetime(2027, 1, 1, tzinfo=UTC)
)
FIELDS = {
    "id": FieldSpec("id", "string"),
    "op": FieldSpec("op", "string", required=True),
    "at": FieldSpec("at", "timestamp", required=True),
    "km": FieldSpec("km", "float", min=0),
    "n": FieldSpec("n", "int", max=4),
    "ok": FieldSpec("ok", "bool"),
    "kind": FieldSpec("kind", "string", values=("car", "bike")),
}
STREAM = Stream(name="trips", time="at", actor="op", fields=FIELDS)
KEYED = Stream(name="trips", time="at", actor="op", fields=FIELDS, key="id")
T0 = dt.datetime(2026, 4, 1, tzinfo=UTC)


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect()
    yield c
    c.close()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    return write(path, "".join(json.dumps(r) + "\n" for r in records))


def events(con: duckdb.DuckDBPyConnection, view: StreamView) -> list[dict[str, Any]]:
    cur = con.execute(f'SELECT * FROM "{view.name}" ORDER BY "{FILE}", "{ROW}"')
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def refused(
    con: duckdb.DuckDBPyConnection, data: Path, stream: Stream = STREAM
) -> list[Problem]:
    view = register_stream(con, stream, data, 0, CTX, None)
    with pytest.raises(DataError) as info:
        refuse_bad_rows(con, stream, view)
    return info.value.problems


CSV_HEADER = "id,op,at,km,n,ok,kind\n"
CSV_BAD = [
    # (row text, field, message)
    ("t,A,2026-04-01,1,12.0,,", "n", "expected an integer, got '12.0'"),
    ("t,A,2026-04-01,1,1e3,,", "n", "expected an integer, got '1e3'"),
    ("t,A,2026-04-01,abc,,,", "km", "expected a number, got 'abc'"),
    ("t,A,2026-04-01,-1,,,", "km", "expected a value >= 0, got -1.0"),
    ("t,A,2026-04-01,,5,,", "n", "expected a value <= 4, got 5"),
    ("t,A,2026-04-01,,,yes,", "ok", "expected true or false, got 'yes'"),
    ("t,A,2026-04-01,,,,bus", "kind", "expected one of 'car', 'bike', got 'bus'"),
    ("t,,2026-04-01,,,,", "op", "a value is required here (the field is required)"),
    ("t,A,,,,,", "at", "a value is required here (the field is required)"),
    ("t,A,01/04/2026,,,,", "at", "expected an ISO 8601 timestamp such as "
     "2026-04-01T09:30:00+09:00, got '01/04/2026'"),
]


@pytest.mark.parametrize(("row", "field", "message"), CSV_BAD)
def test_every_bad_csv_value_names_file_row_field_and_expectation(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, row: str, field: str, message: str
) -> None:
    path = write(tmp_path / "trips.csv", CSV_HEADER + "t0,A,2026-04-01,1,1,true,car\n" + row + "\n")
    (problem,) = refused(con, tmp_path)
    assert (problem.file, problem.row, problem.line, problem.field) == (str(path), 2, None, field)
    assert problem.message == message
    assert str(problem) == f"{path}, row 2, field '{field}': {message}"


def test_good_csv_values_any_case_booleans_and_empty_cells(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    write(
        tmp_path / "trips.csv",
        "ignored," + CSV_HEADER.rstrip("\n") + ",also_ignored\n"
        "x,t1,A,2026-04-01T02:00:00Z,1.5,3,TRUE,car,y\n"
        "x,,B,2026-04-01 03:00,,,False,,\n"
        "x,t3,C,2026-04-01,0,-7,fAlSe,bike,\n",
    )
    view = register_stream(con, STREAM, tmp_path, 0, CTX, None)
    refuse_bad_rows(con, STREAM, view)  # nothing to refuse
    rows = events(con, view)
    assert [(r["id"], r["op"], r["km"], r["n"], r["ok"], r["kind"]) for r in rows] == [
        ("t1", "A", 1.5, 3, True, "car"),
        (None, "B", None, None, False, None),
        ("t3", "C", 0.0, -7, False, "bike"),
    ]
    assert "ignored" not in rows[0] and "also_ignored" not in rows[0]


JSONL_BAD = [
    ({"op": "A", "at": "2026-04-01", "n": 12.0}, "n", "expected a JSON integer, got 12.0"),
    ({"op": "A", "at": "2026-04-01", "n": "3"}, "n", 'expected a JSON integer, got "3"'),
    ({"op": "A", "at": "2026-04-01", "km": "1"}, "km", 'expected a JSON number, got "1"'),
    ({"op": "A", "at": "2026-04-01", "km": -2}, "km", "expected a value >= 0, got -2.0"),
    ({"op": "A", "at": "2026-04-01", "n": 5}, "n", "expected a value <= 4, got 5"),
    ({"op": "A", "at": "2026-04-01", "ok": "true"}, "ok", 'expected true or false, got "true"'),
    ({"op": "A", "at": "2026-04-01", "kind": "bus"}, "kind",
     "expected one of 'car', 'bike', got 'bus'"),
    ({"at": "2026-04-01"}, "op", "a value is required here (the field is required)"),
    ({"op": "A", "at": None}, "at", "a value is required here (the field is required)"),
    ({"op": "A", "at": "soon"}, "at",
     "expected an ISO 8601 timestamp such as 2026-04-01T09:30:00+09:00, got 'soon'"),
]


@pytest.mark.parametrize(("record", "field", "message"), JSONL_BAD)
def test_every_bad_jsonl_value_names_file_line_field_and_expectation(
    tmp_path: Path,
    con: duckdb.DuckDBPyConnection,
    record: dict[str, Any],
    field: str,
    message: str,
) -> None:
    good = json.dumps({"op": "A", "at": "2026-04-01", "km": 1})
    path = write(tmp_path / "trips.jsonl", good + "\n\n" + json.dumps(record) + "\n")
    (problem,) = refused(con, tmp_path)
    assert (problem.file, problem.line, problem.row, problem.field) == (str(path), 3, None, field)
    assert problem.message == message


def test_invalid_json_line_names_the_line(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    path = write(tmp_path / "trips.jsonl", '{"op": "A", "at": "2026-04-01"}\n{"op": \n')
    (problem,) = refused(con, tmp_path)
    assert (problem.file, problem.line, problem.field) == (str(path), 2, None)
    assert problem.message.startswith("not valid JSON")


def parquet(path: Path, columns: dict[str, pa.Array], statistics: bool) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns), path, write_statistics=statistics)
    return path


@pytest.mark.parametrize("statistics", [True, False])
@pytest.mark.parametrize(
    ("column", "values", "bad_row", "message"),
    [
        ("km", pa.array([1.0, 2.0, -3.0]), 3, "expected a value >= 0, got -3.0"),
        ("n", pa.array([1, 9, 2], pa.int64()), 2, "expected a value <= 4, got 9"),
        ("op", pa.array(["A", None, "A"]), 2, "a value is required here (the field is required)"),
        ("kind", pa.array(["car", "car", "boat"]), 3, "expected one of 'car', 'bike', got 'boat'"),
        ("n", pa.array(["1", "2", "3.5"]), 3, "expected an integer, got '3.5'"),
    ],
)
def test_bad_parquet_rows_with_and_without_statistics(
    tmp_path: Path,
    con: duckdb.DuckDBPyConnection,
    statistics: bool,
    column: str,
    values: pa.Array,
    bad_row: int,
    message: str,
) -> None:
    columns: dict[str, pa.Array] = {
        "op": pa.array(["A", "A", "A"]),
        "at": pa.array([T0] * 3, pa.timestamp("us", "UTC")),
    }
    columns[column] = values
    path = parquet(tmp_path / "trips" / "p.parquet", columns, statistics)
    (problem,) = refused(con, tmp_path)
    assert (problem.file, problem.row, problem.field) == (str(path), bad_row, column)
    assert problem.message == message


def test_good_parquet_with_statistics_is_not_checked_row_by_row(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    columns = {
        "op": pa.array(["A", "B"]),
        "at": pa.array([T0, T0], pa.timestamp("us", "UTC")),
        "n": pa.array([4, -1], pa.int64()),
    }
    parquet(tmp_path / "trips.parquet", columns, True)
    stream = Stream(
        name="trips", time="at", actor="op",
        fields={k: FIELDS[k] for k in ("id", "op", "at", "n", "ok")},
    )
    view = register_stream(con, stream, tmp_path, 0, CTX, None)
    assert view.bad == 0
    refuse_bad_rows(con, stream, view)
    assert [r["op"] for r in events(con, view)] == ["A", "B"]


@pytest.mark.parametrize("statistics", [True, False])
def test_non_finite_parquet_floats_are_bad_rows(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, statistics: bool
) -> None:
    columns = {
        "op": pa.array(["A", "A", "A"]),
        "at": pa.array([T0] * 3, pa.timestamp("us", "UTC")),
        "km": pa.array([1.0, float("nan"), float("inf")]),
    }
    path = parquet(tmp_path / "trips.parquet", columns, statistics)
    problems = refused(con, tmp_path)
    where = [(p.file, p.row, p.field) for p in problems]
    assert where == [(str(path), 2, "km"), (str(path), 3, "km")]
    assert all(p.message.startswith("expected a finite number") for p in problems)


def test_parquet_column_of_incompatible_type_is_refused_for_the_file(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    columns = {"op": pa.array(["A"]), "at": pa.array([T0], pa.timestamp("us", "UTC")),
               "n": pa.array([1.0])}
    path = parquet(tmp_path / "trips.parquet", columns, True)
    with pytest.raises(DataError) as info:
        register_stream(con, STREAM, tmp_path, 0, CTX, None)
    (problem,) = info.value.problems
    assert (problem.file, problem.field, problem.row) == (str(path), "n", None)
    assert "expected a column of type int" in problem.message


def test_bad_rows_are_all_counted_and_the_first_ones_listed(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    lines = ["t,A,2026-04-01,,x,," for _ in range(MAX_REPORTED + 5)]
    write(tmp_path / "trips" / "b.csv", CSV_HEADER + "\n".join(lines) + "\n")
    write(tmp_path / "trips" / "a.csv", CSV_HEADER + "t,A,2026-04-01,,,maybe,\n")
    problems = refused(con, tmp_path)
    assert len(problems) == MAX_REPORTED + 1
    assert problems[0].file is not None and problems[0].file.endswith("a.csv")
    assert problems[0].field == "ok"
    assert [p.row for p in problems[1:MAX_REPORTED]] == list(range(1, MAX_REPORTED))
    assert problems[-1].file is None
    assert problems[-1].message.startswith("... and 6 more bad rows in stream 'trips'")
    assert "--quarantine" in problems[-1].message


def test_quarantine_sets_every_bad_row_aside_and_keeps_the_rest(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    data = tmp_path / "data"
    csv_path = write(
        data / "trips.csv",
        CSV_HEADER + "t1,A,2026-04-01,1,,,\nt2,A,2026-04-01,1,12.0,,\nt3,B,2026-04-01,2,,,\n",
    )
    jsonl_path = jsonl(
        data / "trips" / "x.jsonl",
        [{"op": "C", "at": "2026-04-01", "km": -1}, {"op": "D", "at": "2026-04-01"}],
    )
    pq_path = parquet(
        data / "trips" / "y.parquet",
        {"op": pa.array(["E", None]), "at": pa.array([T0, T0], pa.timestamp("us", "UTC"))},
        False,
    )
    target = tmp_path / "bad.jsonl"
    quarantine = Quarantine(target)
    view = register_stream(con, STREAM, data, 0, CTX, quarantine)
    quarantine.write()
    refuse_bad_rows(con, STREAM, view)  # what is left is good
    assert sorted(r["op"] for r in events(con, view)) == ["A", "B", "D", "E"]
    assert quarantine.count == 3
    written = [orjson.loads(line) for line in target.read_bytes().splitlines()]
    assert written == quarantine.rows
    by_file = {r["file"]: r for r in written}
    assert by_file[str(csv_path)] == {
        "stream": "trips",
        "file": str(csv_path),
        "row": 2,
        "field": "n",
        "reason": "expected an integer, got '12.0'",
        "record": {"id": "t2", "op": "A", "at": "2026-04-01", "km": "1", "n": "12.0",
                   "ok": None, "kind": None},
    }
    assert by_file[str(jsonl_path)]["line"] == 1
    assert "row" not in by_file[str(jsonl_path)]
    assert by_file[str(jsonl_path)]["field"] == "km"
    assert by_file[str(jsonl_path)]["record"]["op"] == "C"
    assert by_file[str(pq_path)]["row"] == 2
    assert by_file[str(pq_path)]["field"] == "op"
    assert by_file[str(pq_path)]["reason"] == "a value is required here (the field is required)"


def test_quarantine_with_no_bad_rows_writes_an_empty_file(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    write(tmp_path / "trips.csv", CSV_HEADER + "t1,A,2026-04-01,1,,,\n")
    quarantine = Quarantine(tmp_path / "q.jsonl")
    register_stream(con, STREAM, tmp_path, 0, CTX, quarantine)
    quarantine.write()
    assert quarantine.count == 0
    assert (tmp_path / "q.jsonl").read_bytes() == b""


def test_first_read_key_wins_across_files_in_path_order(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    write(tmp_path / "trips.csv", CSV_HEADER + "t1,A,2026-04-01,1,,,\n,A,2026-04-01,2,,,\n"
          ",A,2026-04-01,2,,,\n")
    jsonl(tmp_path / "trips.jsonl", [{"id": "t1", "op": "A", "at": "2026-04-01", "km": 100},
                                     {"id": "t5", "op": "A", "at": "2026-04-01", "km": 5}])
    write(tmp_path / "trips" / "b.csv",
          CSV_HEADER + "t2,A,2026-04-01,30,,,\nt5,A,2026-04-01,9,,,\n")
    write(tmp_path / "trips" / "a.csv",
          CSV_HEADER + "t2,A,2026-04-01,20,,,\nt2,A,2026-04-01,21,,,\n")
    view = register_stream(con, KEYED, tmp_path, 0, CTX, None)
    refuse_bad_rows(con, KEYED, view)
    got = sorted(((r["id"] or ""), r["km"]) for r in events(con, view))
    # t1 from trips.csv (not trips.jsonl), t5 from trips.jsonl (before trips/b.csv), t2 the first
    # row of trips/a.csv; the two null keys are two events.
    assert got == [("", 2.0), ("", 2.0), ("t1", 1.0), ("t2", 20.0), ("t5", 5.0)]


def test_key_dedup_across_parquet_files(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    for name, km in (("b.parquet", 2.0), ("a.parquet", 1.0)):
        parquet(
            tmp_path / "trips" / name,
            {"id": pa.array(["k", None]), "op": pa.array(["A", "A"]),
             "at": pa.array([T0, T0], pa.timestamp("us", "UTC")), "km": pa.array([km, km])},
            True,
        )
    view = register_stream(con, KEYED, tmp_path, 0, CTX, None)
    got = sorted(((r["id"] or ""), r["km"]) for r in events(con, view))
    assert got == [("", 1.0), ("", 2.0), ("k", 1.0)]


def test_a_bad_duplicate_row_is_still_reported(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    write(tmp_path / "trips.csv", CSV_HEADER + "t1,A,2026-04-01,1,,,\n")
    path = jsonl(tmp_path / "trips.jsonl", [{"id": "t1", "op": "A", "at": "2026-04-01", "n": "x"}])
    (problem,) = refused(con, tmp_path, KEYED)
    assert (problem.file, problem.line, problem.field) == (str(path), 1, "n")


def test_a_bad_first_row_does_not_hide_behind_a_good_duplicate(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    rows = "t1,A,2026-04-01,-5,,,\nt1,A,2026-04-01,1,,,\n"
    path = write(tmp_path / "trips.csv", CSV_HEADER + rows)
    (problem,) = refused(con, tmp_path, KEYED)
    assert (problem.file, problem.row, problem.field) == (str(path), 1, "km")


def test_a_stream_with_no_file_has_no_events(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    view = register_stream(con, KEYED, tmp_path, 3, CTX, None)
    assert view.name == "ev3" and view.sources == [] and view.bad == 0
    refuse_bad_rows(con, KEYED, view)
    assert events(con, view) == []


def test_problem_of_uses_row_or_line_by_format() -> None:
    assert problem_of("csv", "f.csv", 4, "km\x1fbad") == Problem("bad", file="f.csv", row=4,
                                                                   field="km")
    assert problem_of("jsonl", "f.jsonl", 4, "\x1fnot valid JSON") == Problem(
        "not valid JSON", file="f.jsonl", line=4
    )
