"""JSONL files to Arrow, checking each value's JSON type against its field's declared type.

Timestamps stay strings here and are parsed with the CSV text rules in SQL; a
value of the wrong JSON type becomes a row error (never a silent null).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa

from agilegov.rulebook.model import Stream

ROW = "agilegov:row"
FILE = "agilegov:file"
PRE_ERROR = "agilegov:pre_error"

_ARROW = {
    "string": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "timestamp": pa.string(),
}
_EXPECTED = {
    "string": "a JSON string",
    "int": "a JSON integer",
    "float": "a JSON number",
    "bool": "true or false",
    "timestamp": "an ISO 8601 timestamp string",
}


def _accepts(kind: str, value: Any) -> bool:
    if kind in ("string", "timestamp"):
        return isinstance(value, str)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63
    return isinstance(value, int | float) and not isinstance(value, bool)


def read_jsonl(path: Path, stream: Stream) -> pa.Table:
    """One row per line (blank lines are not rows but still count as lines)."""
    names = list(stream.fields)
    columns: dict[str, list[Any]] = {n: [] for n in names}
    rows: list[int] = []
    errors: list[str | None] = []
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            rows.append(number)
            error: str | None = None
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                record, error = {}, f"\x1fnot valid JSON ({exc.msg})"
            if not isinstance(record, dict):
                record, error = {}, error or "\x1fexpected a JSON object with the stream's fields"
            for name in names:
                value = record.get(name)
                spec = stream.fields[name]
                if value is not None and not _accepts(spec.type, value):
                    got = orjson.dumps(value).decode()
                    error = error or f"{name}\x1fexpected {_EXPECTED[spec.type]}, got {got}"
                    value = None
                if spec.type == "float" and isinstance(value, int):
                    value = float(value)
                columns[name].append(value)
            errors.append(error)
    arrays = {n: pa.array(columns[n], type=_ARROW[stream.fields[n].type]) for n in names}
    arrays[ROW] = pa.array(rows, type=pa.int64())
    arrays[FILE] = pa.array([str(path)] * len(rows), type=pa.string())
    arrays[PRE_ERROR] = pa.array(errors, type=pa.string())
    return pa.table(arrays)
