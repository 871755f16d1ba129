"""Writing simulated streams to Parquet."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from agilegov.domains.declared import StreamDecl
from agilegov.domains.parquet_out import StreamWriter, arrow_schema

DECL = StreamDecl("trips", time="at", actor="op", fields={
    "op": "string", "at": "timestamp", "n": "int", "km": "float", "ok": "bool"})


def test_schema_maps_each_declared_type() -> None:
    schema = arrow_schema(DECL)
    assert schema.names == ["op", "at", "n", "km", "ok"]
    assert schema.field("at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("n").type == pa.int64()
    assert schema.field("km").type == pa.float64()
    assert schema.field("ok").type == pa.bool_()
    assert schema.field("op").type == pa.string()


def test_rows_are_written_in_row_groups_sorted_by_time(tmp_path: Path) -> None:
    path = tmp_path / "trips.parquet"
    w = StreamWriter(path, DECL, row_group_rows=3)
    for at in (5, 3, 4, 2, 1, 9, 7):
        w.add({"op": "a", "at": at, "n": at, "km": at / 2, "ok": at % 2 == 0})
    assert w.close() == 7
    meta = pq.ParquetFile(path).metadata
    assert meta.num_row_groups == 3
    table = pq.read_table(path)
    assert table.column("n").to_pylist() == [3, 4, 5, 1, 2, 9, 7]
    assert table.schema == arrow_schema(DECL)


def test_missing_keys_are_null(tmp_path: Path) -> None:
    path = tmp_path / "trips.parquet"
    w = StreamWriter(path, DECL)
    w.add({"op": "a", "at": 1})
    w.close()
    row = pq.read_table(path).to_pylist()[0]
    assert row["n"] is None and row["km"] is None and row["ok"] is None


def test_a_stream_without_rows_still_gets_a_file_with_its_columns(tmp_path: Path) -> None:
    path = tmp_path / "trips.parquet"
    assert StreamWriter(path, DECL).close() == 0
    table = pq.read_table(path)
    assert table.num_rows == 0
    assert table.schema == arrow_schema(DECL)


def test_an_undeclared_field_is_refused(tmp_path: Path) -> None:
    w = StreamWriter(tmp_path / "trips.parquet", DECL)
    with pytest.raises(ValueError, match="declares no field 'speed'"):
        w.add({"op": "a", "at": 1, "speed": 3.0})
