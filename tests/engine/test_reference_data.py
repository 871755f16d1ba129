"""Reading data files for the reference evaluator: types, nulls, validation, file order."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from agilegov.engine.reference_data import read_stream, stream_files
from agilegov.errors import DataError
from agilegov.rulebook.model import FieldSpec, Stream

TOKYO = ZoneInfo("Asia/Tokyo")
UTC = dt.UTC

STREAM = Stream(
    name="trips", time="at", actor="op", key="id",
    fields={
        "id": FieldSpec("id", "string"),
        "op": FieldSpec("op", "string", required=True),
        "at": FieldSpec("at", "timestamp", required=True),
        "km": FieldSpec("km", "float", min=0),
        "n": FieldSpec("n", "int", max=4),
        "ok": FieldSpec("ok", "bool"),
        "kind": FieldSpec("kind", "string", values=("a", "b")),
    },
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_cells_are_typed_and_empty_cells_are_null(tmp_path: Path) -> None:
    write(tmp_path / "trips.csv", "id,op,at,km,n,ok,kind,extra\n"
          "t1,x,2026-04-01T10:00:00,1.5,3,TRUE,a,ignored\n"
          "t2,y,2026-04-01T10:00:00+00:00,,,False,,\n")
    rows = read_stream(tmp_path, STREAM, TOKYO)
    assert rows[0] == {
        "id": "t1", "op": "x", "at": dt.datetime(2026, 4, 1, 1, 0, tzinfo=UTC),
        "km": 1.5, "n": 3, "ok": True, "kind": "a",
    }
    assert rows[1]["at"] == dt.datetime(2026, 4, 1, 10, 0, tzinfo=UTC)
    assert rows[1]["km"] is None and rows[1]["n"] is None and rows[1]["kind"] is None
    assert rows[1]["ok"] is False
    assert "extra" not in rows[0]


def test_jsonl_missing_key_and_null_are_null(tmp_path: Path) -> None:
    lines = [{"id": "t1", "op": "x", "at": "2026-04-01T00:00:00Z", "km": 2},
             {"id": None, "op": "x", "at": "2026-04-01T09:00:00", "ok": None}]
    write(tmp_path / "trips.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n\n")
    rows = read_stream(tmp_path, STREAM, TOKYO)
    assert len(rows) == 2
    assert rows[0]["km"] == 2.0 and isinstance(rows[0]["km"], float)
    assert rows[0]["n"] is None
    assert rows[1]["id"] is None and rows[1]["ok"] is None
    assert rows[1]["at"] == dt.datetime(2026, 4, 1, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "cells", "field", "expected"),
    [
        ("n", "12.0", "n", "expected an integer"),
        ("km", "-1", "km", "expected a value >= 0"),
        ("n", "5", "n", "expected a value <= 4"),
        ("ok", "yes", "ok", "expected true or false"),
        ("kind", "c", "kind", "expected one of 'a', 'b'"),
        ("km", "nan", "km", "expected a number"),
        ("km", "1_0", "km", "expected a number"),
    ],
)
def test_bad_csv_cells_name_file_row_field_and_expectation(
    tmp_path: Path, header: str, cells: str, field: str, expected: str
) -> None:
    write(tmp_path / "trips.csv", f"op,at,{header}\nx,2026-04-01,\nx,2026-04-01,{cells}\n")
    with pytest.raises(DataError) as err:
        read_stream(tmp_path, STREAM, TOKYO)
    [problem] = err.value.problems
    assert problem.file is not None and problem.file.endswith("trips.csv")
    assert problem.row == 2 and problem.field == field
    assert expected in problem.message


def test_missing_required_actor_and_bad_timestamp_are_errors(tmp_path: Path) -> None:
    write(tmp_path / "trips.jsonl",
          '{"at": "2026-04-01"}\n{"op": "x", "at": "April 1st"}\n{"op": "x", "at": 5}\n')
    with pytest.raises(DataError) as err:
        read_stream(tmp_path, STREAM, TOKYO)
    got = [(p.row, p.field) for p in err.value.problems]
    assert got == [(1, "op"), (2, "at"), (3, "at")]
    assert "required" in err.value.problems[0].message
    assert "ISO 8601" in err.value.problems[1].message


def test_json_types_are_strict(tmp_path: Path) -> None:
    write(tmp_path / "trips.jsonl",
          '{"op": "x", "at": "2026-04-01", "n": 1.0}\n'
          '{"op": "x", "at": "2026-04-01", "n": true}\n'
          '{"op": 3, "at": "2026-04-01", "ok": "true"}\n'
          '{"op": "x", "at": "2026-04-01", "km": Infinity}\n'
          '[1]\n{broken\n')
    with pytest.raises(DataError) as err:
        read_stream(tmp_path, STREAM, TOKYO)
    got = [(p.row, p.field) for p in err.value.problems]
    assert got == [(1, "n"), (2, "n"), (3, "op"), (3, "ok"), (4, "km"), (5, None), (6, None)]
    assert err.value.problems[5].line == 5


def test_csv_row_with_wrong_cell_count_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "trips.csv", "op,at\nx,2026-04-01,3\n")
    with pytest.raises(DataError, match="expected 2 cells"):
        read_stream(tmp_path, STREAM, TOKYO)


def test_files_are_read_in_path_order(tmp_path: Path) -> None:
    write(tmp_path / "trips" / "b" / "z.csv", "op,at,id\nfrom-b-z,2026-04-01,1\n")
    write(tmp_path / "trips" / "a.jsonl", '{"op": "from-a", "at": "2026-04-01"}\n')
    write(tmp_path / "trips.csv", "op,at\nfrom-top,2026-04-01\n")
    write(tmp_path / "trips" / "notes.txt", "not data")
    write(tmp_path / "tripsx.csv", "op,at\nother,2026-04-01\n")
    names = [p.relative_to(tmp_path).as_posix() for p in stream_files(tmp_path, "trips")]
    assert names == ["trips.csv", "trips/a.jsonl", "trips/b/z.csv"]
    assert [r["op"] for r in read_stream(tmp_path, STREAM, TOKYO)] == [
        "from-top", "from-a", "from-b-z",
    ]


def test_parquet_columns_carry_their_types(tmp_path: Path) -> None:
    table = pa.table({
        "op": ["x", "y"],
        "at": pa.array([dt.datetime(2026, 4, 1, 9), dt.datetime(2026, 4, 1, 9, tzinfo=UTC)],
                       type=pa.timestamp("us")),
        "km": pa.array([1, None], type=pa.int64()),
        "ok": [True, None],
    })
    pq.write_table(table, tmp_path / "trips.parquet")
    tz_table = pa.table({"op": ["z"], "at": pa.array(
        [dt.datetime(2026, 4, 1, 9, tzinfo=UTC)], type=pa.timestamp("us", tz="UTC"))})
    (tmp_path / "trips").mkdir()
    pq.write_table(tz_table, tmp_path / "trips" / "more.parquet")
    rows = read_stream(tmp_path, STREAM, TOKYO)
    assert rows[0]["at"] == dt.datetime(2026, 4, 1, 0, tzinfo=UTC)  # naive: Tokyo time
    assert rows[0]["km"] == 1.0 and rows[1]["km"] is None and rows[1]["ok"] is None
    assert rows[2]["at"] == dt.datetime(2026, 4, 1, 9, tzinfo=UTC)


def test_stream_without_files_has_no_rows(tmp_path: Path) -> None:
    assert read_stream(tmp_path, STREAM, TOKYO) == []
