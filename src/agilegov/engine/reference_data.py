"""Reading a stream's data files for the reference evaluator (standard library + pyarrow).

Each row becomes a dict of every declared field, typed: `str`, `int`, `float`,
`bool`, or an aware UTC `datetime` for timestamps; `None` is null. Undeclared
columns and keys are ignored. Choices where the spec is silent:

- Files of a stream are `S.csv`, `S.jsonl`, `S.parquet` and every file ending
  in `.csv`, `.jsonl` or `.parquet` under `S/` (recursively; other files are
  ignored), read in code-point order of their path relative to the data
  directory, written with `/` (so `S.csv` comes before `S/a.csv`).
- An int written `12.0` (CSV, or a JSON float, or a float Parquet column) is
  rejected: an integer is expected. JSON `true`/`false` are not numbers.
- A float that is NaN or infinite is rejected.
- A JSONL timestamp must be an ISO 8601 string; a blank JSONL line is no row.
- Every row is validated, including rows that key de-duplication drops later.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from agilegov.engine.reference_time import to_utc
from agilegov.errors import DataError, Problem
from agilegov.rulebook.model import FieldSpec, Stream

SUFFIXES = (".csv", ".jsonl", ".parquet")
_INT = re.compile(r"^[+-]?[0-9]+$")
_FLOAT = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")
_MAX_PROBLEMS = 50


class _Bad(Exception):
    """One cell that does not match its field; the reader adds where it is."""


def stream_files(data_dir: Path, stream: str) -> list[Path]:
    """A stream's files in path order (see the module docstring)."""
    found: list[Path] = []
    for suffix in SUFFIXES:
        path = data_dir / f"{stream}{suffix}"
        if path.is_file():
            found.append(path)
    folder = data_dir / stream
    if folder.is_dir():
        found.extend(p for p in folder.rglob("*") if p.is_file() and p.suffix in SUFFIXES)
    return sorted(found, key=lambda p: p.relative_to(data_dir).as_posix())


def _timestamp(raw: object, tz: ZoneInfo) -> dt.datetime:
    if isinstance(raw, dt.datetime):
        return to_utc(raw, tz)
    if isinstance(raw, dt.date):
        return to_utc(dt.datetime.combine(raw, dt.time(0, 0)), tz)
    if isinstance(raw, str):
        try:
            return to_utc(dt.datetime.fromisoformat(raw.strip()), tz)
        except ValueError:
            pass
    raise _Bad(f"expected an ISO 8601 timestamp, got {raw!r}")


def _from_text(text: str, spec: FieldSpec, tz: ZoneInfo) -> object:
    """A CSV cell (never empty here) as a typed value."""
    kind = spec.type
    if kind == "string":
        return text
    if kind == "int":
        if not _INT.match(text.strip()):
            raise _Bad(f"expected an integer, got {text!r}")
        return int(text)
    if kind == "float":
        if not _FLOAT.match(text.strip()):
            raise _Bad(f"expected a number, got {text!r}")
        return float(text)
    if kind == "bool":
        low = text.strip().lower()
        if low not in ("true", "false"):
            raise _Bad(f"expected true or false, got {text!r}")
        return low == "true"
    return _timestamp(text, tz)


def _from_native(raw: object, spec: FieldSpec, tz: ZoneInfo) -> object:
    """A JSON or Parquet value (never None here) as a typed value."""
    kind = spec.type
    if kind == "string":
        if not isinstance(raw, str):
            raise _Bad(f"expected a string, got {raw!r}")
        return raw
    if kind == "int":
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise _Bad(f"expected an integer, got {raw!r}")
        return raw
    if kind == "float":
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise _Bad(f"expected a number, got {raw!r}")
        return float(raw)
    if kind == "bool":
        if not isinstance(raw, bool):
            raise _Bad(f"expected true or false, got {raw!r}")
        return raw
    return _timestamp(raw, tz)


def _same(a: object, b: object) -> bool:
    """Equality that does not confuse booleans with numbers."""
    return isinstance(a, bool) == isinstance(b, bool) and a == b


def _check(value: object, spec: FieldSpec) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise _Bad(f"expected a finite number, got {value!r}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if spec.min is not None and value < spec.min:
            raise _Bad(f"expected a value >= {spec.min:g}, got {value!r}")
        if spec.max is not None and value > spec.max:
            raise _Bad(f"expected a value <= {spec.max:g}, got {value!r}")
    if spec.values is not None and not any(_same(value, v) for v in spec.values):
        allowed = ", ".join(repr(v) for v in spec.values)
        raise _Bad(f"expected one of {allowed}, got {value!r}")


def _typed_row(
    raw: dict[str, Any], stream: Stream, tz: ZoneInfo, text: bool, where: Problem
) -> tuple[dict[str, Any], list[Problem]]:
    row: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, spec in stream.fields.items():
        cell = raw.get(name)
        value: object = None
        try:
            if cell is not None and not (text and cell == ""):
                value = _from_text(cell, spec, tz) if text else _from_native(cell, spec, tz)
                _check(value, spec)
            elif spec.required:
                raise _Bad(f"expected a {spec.type} value (the field is required), got null")
        except _Bad as bad:
            problems.append(
                Problem(str(bad), file=where.file, line=where.line, row=where.row, field=name)
            )
        row[name] = value
    return row, problems


def _raw_rows(path: Path) -> list[tuple[Problem, dict[str, Any] | None, str | None]]:
    """(where, raw row or None, error) for every row of a file, in file order."""
    out: list[tuple[Problem, dict[str, Any] | None, str | None]] = []
    name = str(path)
    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                return out
            number = 0
            for cells in reader:
                if not cells:
                    continue
                number += 1
                where = Problem("", file=name, line=reader.line_num, row=number)
                if len(cells) != len(header):
                    msg = f"expected {len(header)} cells as in the header, got {len(cells)}"
                    out.append((where, None, msg))
                else:
                    out.append((where, dict(zip(header, cells, strict=True)), None))
    elif path.suffix == ".jsonl":
        with path.open(encoding="utf-8-sig") as handle:
            number = 0
            for line_no, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                number += 1
                where = Problem("", file=name, line=line_no, row=number)
                try:
                    obj = json.loads(line)
                except ValueError as exc:
                    out.append((where, None, f"expected one JSON object per line ({exc})"))
                    continue
                if not isinstance(obj, dict):
                    out.append((where, None, "expected a JSON object"))
                else:
                    out.append((where, obj, None))
    else:
        import pyarrow.parquet as pq

        for number, obj in enumerate(pq.read_table(path).to_pylist(), start=1):
            out.append((Problem("", file=name, row=number), obj, None))
    return out


def read_stream(data_dir: Path, stream: Stream, tz: ZoneInfo) -> list[dict[str, Any]]:
    """Every row of every file of a stream, typed and validated, in read order."""
    rows: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for path in stream_files(data_dir, stream.name):
        text = path.suffix == ".csv"
        for where, raw, error in _raw_rows(path):
            if raw is None:
                problems.append(Problem(error or "bad row", file=where.file, line=where.line,
                                        row=where.row))
                continue
            row, bad = _typed_row(raw, stream, tz, text, where)
            problems.extend(bad)
            rows.append(row)
            if len(problems) >= _MAX_PROBLEMS:
                raise DataError(problems)
    if problems:
        raise DataError(problems)
    return rows


def read_events(
    data_dir: Path, streams: dict[str, Stream], tz: ZoneInfo
) -> dict[str, list[dict[str, Any]]]:
    """Every stream's rows (a stream with no file has none)."""
    return {name: read_stream(data_dir, stream, tz) for name, stream in streams.items()}
