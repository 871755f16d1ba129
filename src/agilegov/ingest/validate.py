"""Checking a batch of reported events against its stream's declaration.

Good items become one Arrow table in the engine's representation (timestamps as
epoch microseconds UTC); each problem of a bad item is an `ItemError` with a JSON
pointer `/<item>/<field>` into the batch. An item with a problem is not stored, and
every problem of it is reported (not only the first). Keys not declared in the
stream are ignored, and a missing key is null, as in data files.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc

from agilegov.ingest.values import EXPECTED_TEXT, from_text, read_column, shown
from agilegov.rulebook.model import FieldSpec, Stream

INDEX = "agilegov:index"


@dataclass(frozen=True)
class ItemError:
    """One problem of one item: its index in the batch, a JSON pointer, what was expected."""

    index: int
    pointer: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"item": self.index, "pointer": self.pointer, "message": self.message}


class TextRow(dict[str, Any]):
    """An item read from CSV: its values are text, read by the CSV rules, not JSON types."""


def escape(token: str) -> str:
    """A JSON pointer reference token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def pointer(index: int, field: str | None = None) -> str:
    return f"/{index}" if field is None else f"/{index}/{escape(field)}"


def _num(v: float | int) -> str:
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def _allowed(spec: FieldSpec) -> str:
    assert spec.values is not None
    return ", ".join(
        shown(v) if isinstance(v, str | bool) else _num(v) for v in spec.values
    )


def _got(spec: FieldSpec, value: Any) -> str:
    if spec.personal:
        return ""
    return f", got {_num(value)}" if isinstance(value, float) else f", got {shown(value)}"


def _true_positions(mask: pa.Array) -> list[int]:
    return pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()  # type: ignore[no-any-return]


def _constraint_problems(
    spec: FieldSpec, array: pa.Array, typed_bad: set[int]
) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    if spec.required and array.null_count:
        for i in _true_positions(pc.is_null(array)):
            if i not in typed_bad:
                out.append((i, "a value is required here (the field is required)"))
    if spec.type == "float" and len(array):
        for i in _true_positions(pc.invert(pc.is_finite(array))):
            got = "" if spec.personal else f", got {array[i].as_py()}"
            out.append((i, f"expected a finite number{got}"))
    if spec.min is not None and len(array):
        for i in _true_positions(pc.less(array, pa.scalar(spec.min))):
            out.append((i, f"expected a value >= {_num(spec.min)}{_got(spec, array[i].as_py())}"))
    if spec.max is not None and len(array):
        for i in _true_positions(pc.greater(array, pa.scalar(spec.max))):
            out.append((i, f"expected a value <= {_num(spec.max)}{_got(spec, array[i].as_py())}"))
    if spec.values is not None and len(array):
        allowed = pa.array(list(spec.values), type=array.type)
        outside = pc.and_(pc.invert(pc.is_in(array, value_set=allowed)), pc.is_valid(array))
        for i in _true_positions(outside):
            message = f"expected one of {_allowed(spec)}{_got(spec, array[i].as_py())}"
            out.append((i, message))
    return out


def _read_text_rows(
    stream: Stream, records: list[dict[str, Any]], errors: list[ItemError]
) -> list[dict[str, Any]]:
    """CSV rows to JSON-typed dicts; a cell that cannot be read becomes null plus an error."""
    out: list[dict[str, Any]] = []
    for i, record in enumerate(records):
        if not isinstance(record, TextRow):
            out.append(record)
            continue
        typed: dict[str, Any] = {}
        for name, spec in stream.fields.items():
            raw = record.get(name)
            try:
                typed[name] = from_text(spec.type, raw)
            except ValueError:
                got = "" if spec.personal else f", got {shown(raw)}"
                message = f"expected {EXPECTED_TEXT[spec.type]}{got}"
                errors.append(ItemError(i, pointer(i, name), message))
                typed[name] = _UNREADABLE
        out.append(typed)
    return out


class _Unreadable:
    """Marks a CSV cell already reported, so that it is null without a second problem."""


_UNREADABLE = _Unreadable()


def validate_items(
    stream: Stream, items: list[Any], tz: ZoneInfo
) -> tuple[pa.Table, list[int], list[ItemError]]:
    """Check every item; return the good ones as a table, their indexes, and every problem.

    The table has one column per declared field (declaration order) plus `agilegov:index`.
    Problems are ordered by item, then by field in declaration order.
    """
    errors: list[ItemError] = []
    kinds = set(map(type, items))
    records: list[dict[str, Any]] = items
    not_objects: set[int] = set()
    if kinds - {dict}:
        records = []
        for i, item in enumerate(items):
            if isinstance(item, dict):
                records.append(item)
            else:
                errors.append(ItemError(i, pointer(i), "expected a JSON object with the "
                                        f"stream's fields, got {shown(item)}"))
                not_objects.add(i)
                records.append({})
    if TextRow in kinds:
        records = _read_text_rows(stream, records, errors)
    arrays: dict[str, pa.Array] = {}
    order = {name: n for n, name in enumerate(stream.fields)}
    for name, spec in stream.fields.items():
        column = list(map(dict.get, records, repeat(name)))
        unreadable = {i for i, v in enumerate(column) if v is _UNREADABLE} if errors else set()
        for i in unreadable:
            column[i] = None
        array, problems = read_column(spec.type, column, tz, personal=spec.personal)
        typed_bad = unreadable | not_objects | {i for i, _ in problems}
        problems += [p for p in _constraint_problems(spec, array, typed_bad)
                     if p[0] not in not_objects]
        errors.extend(ItemError(i, pointer(i, name), message) for i, message in problems)
        arrays[name] = array
    errors.sort(key=lambda e: (e.index, order.get(e.pointer.split("/", 2)[-1], -1)))
    bad = {e.index for e in errors}
    good = [i for i in range(len(items)) if i not in bad]
    arrays[INDEX] = pa.array(range(len(items)), type=pa.int64())
    table = pa.table(arrays)
    if bad:
        table = table.take(pa.array(good, type=pa.int64()))
    return table, good, errors
