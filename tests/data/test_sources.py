"""Registering a stream's files in DuckDB: readers, Parquet types and statistics, the view."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from agilegov.data.jsonl import FILE, ROW
from agilegov.data.normalize import TimeContext
from agilegov.data.sources import ERROR, RAW, checks_rows, collect, normalized
from agilegov.engine.calendar import to_us
from agilegov.errors import DataError
from agilegov.rulebook.model import FieldSpec, Stream

UTC = dt.UTC
CTX = TimeContext(
    ZoneInfo("UTC"), dt.datetime(2026, 1, 1, tzinfo=UTC), dt.datetime(2027, 1, 1, tzinfo=UTC)
)
STREAM = Stream(
    name="trips",
    time="at",
    actor="op",
    fields={
        "op": FieldSpec("op", "string", required=True),
        "at": FieldSpec("at", "timestamp", required=True),
        "km": FieldSpec("km", "float", min=0),
        "sev": FieldSpec("sev", "int", min=0, max=4),
    },
)
T0 = dt.datetime(2026, 4, 1, tzinfo=UTC)


@pytest.fixture
def con() -> Any:
    c = duckdb.connect()
    yield c
    c.close()


def parquet(path: Path, columns: dict[str, pa.Array], **options: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns), path, **options)
    return path


def good_columns(n: int = 3) -> dict[str, pa.Array]:
    return {
        "op": pa.array(["A"] * n),
        "at": pa.array([T0 + dt.timedelta(hours=i) for i in range(n)], pa.timestamp("us", "UTC")),
        "km": pa.array([float(i) for i in range(n)]),
        "sev": pa.array([i % 5 for i in range(n)], pa.int64()),
    }


def view_rows(con: duckdb.DuckDBPyConnection, source: Any, with_raw: bool = False) -> list[Any]:
    q = normalized(source, STREAM, CTX, with_raw=with_raw)
    cur = con.execute(q.sql(dialect="duckdb"))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def test_csv_is_read_as_text_and_undeclared_columns_are_ignored(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    (tmp_path / "trips.csv").write_text(
        "extra,op,at,km\n1,A,2026-04-01T00:00:00Z,1.5\n2,B,2026-04-01T01:00:00Z,\n",
        encoding="utf-8",
    )
    (source,) = collect(con, STREAM, tmp_path, "s")
    assert source.fmt == "csv"
    assert source.kinds == {"op": "text", "at": "text", "km": "text", "sev": "absent"}
    rows = view_rows(con, source)
    assert [(r["op"], r["at"], r["km"], r["sev"]) for r in rows] == [
        ("A", to_us(T0), 1.5, None),
        ("B", to_us(T0 + dt.timedelta(hours=1)), None, None),
    ]
    assert [r[ROW] for r in rows] == [1, 2]  # data rows, header excluded
    assert {r[FILE] for r in rows} == {str(tmp_path / "trips.csv")}
    assert [r[ERROR] for r in rows] == [None, None]
    assert "extra" not in rows[0]


def test_csv_cells_are_never_inferred(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    (tmp_path / "trips.csv").write_text(
        'op,at,km\n007,2026-04-01,"1.50"\n"",2026-04-01,00\n', encoding="utf-8"
    )
    (source,) = collect(con, STREAM, tmp_path, "s")
    rows = view_rows(con, source)
    assert rows[0]["op"] == "007"  # a string stays a string, leading zeros and all
    assert rows[0]["km"] == 1.5
    assert rows[1]["op"] is None  # an empty cell is null, quoted or not
    assert rows[1][ERROR] == "op\x1fa value is required here (the field is required)"


def test_empty_and_header_only_csv_files(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    (tmp_path / "trips").mkdir()
    (tmp_path / "trips" / "a.csv").write_bytes(b"")
    (tmp_path / "trips" / "b.csv").write_text("op,at\n", encoding="utf-8")
    sources = collect(con, STREAM, tmp_path, "s")
    assert [s.files for s in sources] == [(tmp_path / "trips" / "b.csv",)]
    assert view_rows(con, sources[0]) == []


def test_malformed_csv_is_a_file_error(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    path = tmp_path / "trips.csv"
    path.write_text("op,at\nA,2026-04-01,surplus\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        collect(con, STREAM, tmp_path, "s")
    (problem,) = info.value.problems
    assert problem.file == str(path)
    assert "cannot read this CSV file" in problem.message


def test_parquet_types_and_rows(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    columns = good_columns()
    columns["km"] = pa.array([1, 2, 3], pa.int32())  # an int column may feed a float field
    columns["note"] = pa.array(["x", "y", "z"])
    path = parquet(tmp_path / "trips.parquet", columns)
    (source,) = collect(con, STREAM, tmp_path, "s")
    assert source.fmt == "parquet"
    assert source.kinds == {"op": "text", "at": "timestamptz", "km": "int", "sev": "int"}
    rows = view_rows(con, source)
    assert [r[ROW] for r in rows] == [1, 2, 3]
    assert {r[FILE] for r in rows} == {str(path)}
    assert [r["km"] for r in rows] == [1.0, 2.0, 3.0]
    assert "note" not in rows[0]


@pytest.mark.parametrize(
    ("field", "array", "shown"),
    [
        ("sev", pa.array([1.0]), "double"),
        ("op", pa.array([1]), "int64"),
        ("at", pa.array([1]), "int64"),
        ("km", pa.array([True]), "bool"),
        ("sev", pa.array([[1]]), "list<element: int64>"),
    ],
)
def test_parquet_column_of_incompatible_type_is_a_file_error(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, field: str, array: pa.Array, shown: str
) -> None:
    columns = {k: v.slice(0, 1) for k, v in good_columns().items()}
    columns[field] = array
    path = parquet(tmp_path / "trips" / "x.parquet", columns)
    with pytest.raises(DataError) as info:
        collect(con, STREAM, tmp_path, "s")
    (problem,) = info.value.problems
    assert problem.file == str(path) and problem.field == field
    assert problem.row is None  # the whole file, not one row
    expected = STREAM.fields[field].type
    assert problem.message == f"expected a column of type {expected}, found Parquet type {shown}"


def test_unreadable_parquet_is_a_file_error(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    path = tmp_path / "trips.parquet"
    path.write_bytes(b"not parquet at all")
    with pytest.raises(DataError) as info:
        collect(con, STREAM, tmp_path, "s")
    assert info.value.problems[0].file == str(path)
    assert "cannot read this Parquet file" in info.value.problems[0].message


def test_parquet_files_with_the_same_columns_share_one_scan(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    parquet(tmp_path / "trips" / "a.parquet", good_columns(2))
    parquet(tmp_path / "trips" / "b.parquet", good_columns(3))
    other = good_columns(1)
    del other["km"]
    parquet(tmp_path / "trips" / "c.parquet", other)
    sources = collect(con, STREAM, tmp_path, "s")
    assert [len(s.files) for s in sources] == [2, 1]
    rows = view_rows(con, sources[0])
    by_file = sorted((Path(r[FILE]).name, r[ROW]) for r in rows)
    assert by_file == [("a.parquet", 1), ("a.parquet", 2), ("b.parquet", 1), ("b.parquet", 2),
                       ("b.parquet", 3)]
    assert sources[1].kinds["km"] == "absent"


def test_statistics_prove_good_columns(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    parquet(tmp_path / "trips.parquet", good_columns())
    (source,) = collect(con, STREAM, tmp_path, "s")
    assert source.proven == frozenset(STREAM.fields)
    # statistics cannot show that a float is finite: float columns stay checked row by row
    assert checks_rows(source, STREAM)
    assert [r[ERROR] for r in view_rows(con, source)] == [None, None, None]
    no_float = Stream("trips", "at", "op", {k: v for k, v in STREAM.fields.items() if k != "km"})
    assert not checks_rows(source, no_float)


def test_without_statistics_nothing_is_proven(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    parquet(tmp_path / "trips.parquet", good_columns(), write_statistics=False)
    (source,) = collect(con, STREAM, tmp_path, "s")
    assert source.proven == frozenset()
    assert checks_rows(source, STREAM)
    assert [r[ERROR] for r in view_rows(con, source)] == [None, None, None]


@pytest.mark.parametrize("statistics", [True, False])
def test_violations_are_row_errors_with_or_without_statistics(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, statistics: bool
) -> None:
    columns = good_columns(4)
    columns["km"] = pa.array([1.0, -0.5, 2.0, 3.0])
    columns["sev"] = pa.array([0, 1, 9, 2], pa.int64())
    columns["op"] = pa.array(["A", "A", "A", None])
    parquet(tmp_path / "trips.parquet", columns, write_statistics=statistics)
    (source,) = collect(con, STREAM, tmp_path, "s")
    assert {"op", "km", "sev"}.isdisjoint(source.proven)
    assert checks_rows(source, STREAM)
    errors = [(r[ROW], r[ERROR]) for r in view_rows(con, source)]
    assert errors == [
        (1, None),
        (2, "km\x1fexpected a value >= 0, got -0.5"),
        (3, "sev\x1fexpected a value <= 4, got 9"),
        (4, "op\x1fa value is required here (the field is required)"),
    ]


def test_statistics_are_per_row_group(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    columns = good_columns(6)
    columns["sev"] = pa.array([0, 1, 2, 3, 4, 5], pa.int64())  # only the last group is bad
    parquet(tmp_path / "trips.parquet", columns, row_group_size=2)
    assert pq.ParquetFile(tmp_path / "trips.parquet").metadata.num_row_groups == 3
    (source,) = collect(con, STREAM, tmp_path, "s")
    assert "sev" not in source.proven and "km" in source.proven
    bad = [(r[ROW], r[ERROR]) for r in view_rows(con, source) if r[ERROR] is not None]
    assert bad == [(6, "sev\x1fexpected a value <= 4, got 5")]


def test_text_columns_in_parquet_are_parsed_and_checked(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    columns = good_columns(2)
    columns["sev"] = pa.array(["3", "3.0"])
    columns["at"] = pa.array(["2026-04-01T00:00:00Z", "2026-04-01T01:00:00"])
    parquet(tmp_path / "trips.parquet", columns)
    (source,) = collect(con, STREAM, tmp_path, "s")
    assert "sev" not in source.proven and "at" not in source.proven
    rows = view_rows(con, source)
    assert [r["at"] for r in rows] == [to_us(T0), to_us(T0 + dt.timedelta(hours=1))]
    assert [r[ERROR] for r in rows] == [None, "sev\x1fexpected an integer, got '3.0'"]


def test_raw_record_for_quarantine(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    (tmp_path / "trips.csv").write_text("op,at,km,x\nA,2026-04-01,abc,1\n", encoding="utf-8")
    (source,) = collect(con, STREAM, tmp_path, "s")
    (row,) = view_rows(con, source, with_raw=True)
    assert row[RAW] == {"op": "A", "at": "2026-04-01", "km": "abc"}
    assert row[ERROR] == "km\x1fexpected a number, got 'abc'"


def test_jsonl_source(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    (tmp_path / "trips.jsonl").write_text(
        '{"op": "A", "at": "2026-04-01T00:00:00Z", "sev": 2}\n\n{"op": "A", "at": "x"}\n',
        encoding="utf-8",
    )
    (source,) = collect(con, STREAM, tmp_path, "s")
    assert source.fmt == "jsonl"
    rows = view_rows(con, source)
    assert [(r[ROW], r["sev"], r[ERROR]) for r in rows] == [
        (1, 2, None),
        (3, None, "at\x1fexpected an ISO 8601 timestamp such as 2026-04-01T09:30:00+09:00, "
         "got 'x'"),
    ]


def test_no_files_no_sources(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    assert collect(con, STREAM, tmp_path, "s") == []
