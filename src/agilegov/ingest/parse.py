"""Request bodies and uploaded files to a list of items (one reported event each).

Bodies: `application/json` (an array of event objects, or one object),
`application/x-ndjson` (one JSON value per line; blank lines are skipped) and
`application/cloudevents-batch+json` (a JSON array of structured CloudEvents 1.0,
whose `data` is the event; `application/cloudevents+json` is one such event).
A body that cannot be read as a whole (not JSON, a broken line, a CloudEvents
envelope without its required attributes) raises `DataError` naming the place by
JSON pointer (and line for NDJSON); nothing of it is stored. A well-formed body
whose items do not fit the stream is checked item by item later (`validate_items`).

Files: `.csv` (header row; values are text read by the CSV rules), `.jsonl` (or
`.ndjson`) and `.parquet` (columns carry their types; timestamps become ISO 8601).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from agilegov.errors import DataError, Problem
from agilegov.ingest.validate import TextRow, pointer

JSON_TYPES = ("application/json", "text/json")
NDJSON_TYPES = (
    "application/x-ndjson",
    "application/ndjson",
    "application/jsonl",
    "application/x-jsonlines",
    "application/jsonlines",
)
CE_BATCH = "application/cloudevents-batch+json"
CE_SINGLE = "application/cloudevents+json"
_CE_REQUIRED = ("id", "source", "type")


def media_type(content_type: str) -> str:
    """`application/json; charset=utf-8` -> `application/json`."""
    return content_type.split(";", 1)[0].strip().lower()


def _json_problem(exc: orjson.JSONDecodeError, ptr: str = "", line: int | None = None) -> Problem:
    where_line = line if line is not None else exc.lineno
    column = None if line is not None else exc.colno
    return Problem(f"not valid JSON ({exc.msg})", line=where_line, column=column, pointer=ptr)


def _load_json(body: bytes) -> Any:
    if not body.strip():
        raise DataError([Problem("the body is empty: expected a JSON array of events", pointer="")])
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise DataError([_json_problem(exc)]) from exc


def parse_json(body: bytes) -> list[Any]:
    doc = _load_json(body)
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        return [doc]
    raise DataError(
        [Problem("expected a JSON array of events, or one event object", pointer="")]
    )


def parse_ndjson(body: bytes) -> list[Any]:
    items: list[Any] = []
    problems: list[Problem] = []
    for number, line in enumerate(body.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            items.append(orjson.loads(line))
        except orjson.JSONDecodeError as exc:
            problems.append(_json_problem(exc, pointer(len(items)), line=number))
            items.append(None)
    if problems:
        raise DataError(problems)
    return items


def _ce_data(index: int, event: Any, problems: list[Problem]) -> Any:
    """The `data` of one structured CloudEvent, after checking its envelope."""
    if not isinstance(event, dict):
        problems.append(Problem("expected a CloudEvents 1.0 event object", pointer=pointer(index)))
        return None
    if event.get("specversion") != "1.0":
        problems.append(Problem(
            f"expected specversion \"1.0\", got {orjson.dumps(event.get('specversion')).decode()}",
            pointer=pointer(index, "specversion"),
        ))
    for name in _CE_REQUIRED:
        value = event.get(name)
        if not isinstance(value, str) or not value:
            problems.append(Problem(f"a CloudEvent needs a non-empty string '{name}'",
                                    pointer=pointer(index, name)))
    kind = event.get("datacontenttype")
    if kind is not None and not (
        isinstance(kind, str)
        and (media_type(kind) in JSON_TYPES or media_type(kind).endswith("+json"))
    ):
        problems.append(Problem("only JSON event data is supported (datacontenttype "
                                "application/json)", pointer=pointer(index, "datacontenttype")))
    if "data_base64" in event:
        problems.append(Problem("binary event data is not supported: send the event as a JSON "
                                "object in 'data'", pointer=pointer(index, "data_base64")))
    elif "data" not in event:
        problems.append(Problem("expected the event's fields as a JSON object in 'data'",
                                pointer=pointer(index, "data")))
    return event.get("data")


def parse_cloudevents(body: bytes, batch: bool = True) -> list[Any]:
    doc = _load_json(body)
    if batch and not isinstance(doc, list):
        raise DataError([Problem("expected a JSON array of CloudEvents (a batch)", pointer="")])
    events = doc if batch else [doc]
    problems: list[Problem] = []
    items = [_ce_data(i, event, problems) for i, event in enumerate(events)]
    if not batch and problems:  # one event: its pointers start at the document
        problems = [
            Problem(p.message, pointer=(p.pointer or "/0")[2:] or "") for p in problems
        ]
    if problems:
        raise DataError(problems)
    return items


def parse_body(body: bytes, content_type: str) -> list[Any]:
    """The items of a request body, by its media type (no type: JSON)."""
    kind = media_type(content_type or "application/json")
    if kind == CE_BATCH:
        return parse_cloudevents(body, batch=True)
    if kind == CE_SINGLE:
        return parse_cloudevents(body, batch=False)
    if kind in NDJSON_TYPES:
        return parse_ndjson(body)
    if kind in JSON_TYPES or kind.endswith("+json"):
        return parse_json(body)
    raise DataError([Problem(
        f"unsupported content type '{kind}': expected application/json, "
        f"application/x-ndjson or {CE_BATCH}"
    )])


# -- files ----------------------------------------------------------------------------------


def parse_csv(name: str, data: bytes) -> list[dict[str, Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError([Problem(f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                                 file=name)]) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        return []
    seen: set[str] = set()
    for column in header:
        if column in seen:
            raise DataError([Problem(f"the header names column '{column}' twice", file=name,
                                     line=1)])
        seen.add(column)
    rows: list[dict[str, Any]] = []
    for number, cells in enumerate(reader, start=1):
        if not cells:
            continue
        if len(cells) != len(header):
            raise DataError([Problem(
                f"expected {len(header)} cells as in the header, found {len(cells)}",
                file=name, line=reader.line_num, row=number)])
        rows.append(TextRow(zip(header, cells, strict=True)))
    return rows


def parse_jsonl(name: str, data: bytes) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise DataError([Problem(f"not valid JSON ({exc.msg})", file=name, line=number)]
                            ) from exc
        if not isinstance(record, dict):
            raise DataError([Problem("expected a JSON object with the stream's fields",
                                     file=name, line=number)])
        rows.append(record)
    return rows


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def parse_parquet(name: str, data: bytes) -> list[dict[str, Any]]:
    try:
        table = pq.read_table(pa.BufferReader(data))
    except (OSError, pa.ArrowInvalid) as exc:
        raise DataError([Problem(f"cannot read this Parquet file: {exc}", file=name)]) from exc
    columns: dict[str, list[Any]] = {}
    for field, column in zip(table.schema, table.columns, strict=True):
        if pa.types.is_timestamp(field.type) and field.type.unit == "ns":
            column = column.cast(pa.timestamp("us", tz=field.type.tz), safe=False)
        if pa.types.is_decimal(field.type):
            column = column.cast(pa.float64())
        values = column.to_pylist()
        if pa.types.is_timestamp(field.type) or pa.types.is_date(field.type):
            values = [_plain(v) for v in values]
        columns[field.name] = values
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def parse_upload(filename: str, data: bytes) -> list[dict[str, Any]]:
    """The rows of an uploaded file, by its extension (.csv, .jsonl or .ndjson, .parquet)."""
    lower = filename.lower()
    if lower.endswith(".csv"):
        return parse_csv(filename, data)
    if lower.endswith((".jsonl", ".ndjson")):
        return parse_jsonl(filename, data)
    if lower.endswith(".parquet"):
        return parse_parquet(filename, data)
    raise DataError([Problem("expected a .csv, .jsonl or .parquet file", file=filename)])
