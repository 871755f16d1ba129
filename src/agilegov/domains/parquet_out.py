"""Writing one simulated stream to Parquet, a row group at a time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from agilegov.domains.declared import StreamDecl

ROW_GROUP_ROWS = 65_536

_ARROW_TYPES: dict[str, Any] = {
    "string": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "timestamp": pa.timestamp("us", tz="UTC"),
}


def arrow_schema(decl: StreamDecl) -> Any:
    """The Parquet schema of a stream: declared fields in order; timestamps in UTC microseconds."""
    return pa.schema([pa.field(n, _ARROW_TYPES[t], nullable=True) for n, t in decl.fields.items()])


class StreamWriter:
    """Buffers rows of one stream and writes them as Parquet row groups.

    Rows are dicts from field name to value (timestamps as epoch microseconds,
    UTC); a missing key is null. Each buffer is sorted by event time before it
    is written, so files are in time order within a row group.
    """

    def __init__(self, path: Path, decl: StreamDecl, row_group_rows: int = ROW_GROUP_ROWS) -> None:
        self.path = path
        self.decl = decl
        self.rows_written = 0
        self._schema = arrow_schema(decl)
        self._limit = row_group_rows
        self._buffer: list[dict[str, Any]] = []
        self._writer: Any = None

    def add(self, row: dict[str, Any]) -> None:
        unknown = [k for k in row if k not in self.decl.fields]
        if unknown:
            raise ValueError(f"stream '{self.decl.name}' declares no field {unknown[0]!r}")
        self._buffer.append(row)
        if len(self._buffer) >= self._limit:
            self._flush()

    def _table(self, rows: list[dict[str, Any]]) -> Any:
        columns = [
            pa.array([r.get(name) for r in rows], type=self._schema.field(name).type)
            for name in self.decl.fields
        ]
        return pa.Table.from_arrays(columns, schema=self._schema)

    def _flush(self) -> None:
        if self._writer is None:
            self._writer = pq.ParquetWriter(str(self.path), self._schema)
        rows = sorted(self._buffer, key=lambda r: r[self.decl.time])
        self._buffer = []
        self._writer.write_table(self._table(rows), row_group_size=self._limit)
        self.rows_written += len(rows)

    def close(self) -> int:
        """Write what is left (an empty file when nothing was written) and return the row count."""
        if self._buffer or self._writer is None:
            self._flush()
        self._writer.close()
        return self.rows_written
