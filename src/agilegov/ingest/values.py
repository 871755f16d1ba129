"""Reading one column of reported values: JSON types, CSV text, ISO 8601 timestamps.

The rules are the batch engine's (see `agilegov.data.jsonl` and `agilegov.data.normalize`):
an `int` is a JSON integer (a boolean is not a number), a `float` any finite JSON
number, a `bool` true or false, a `string` a JSON string, and a `timestamp` an ISO 8601
string: with an offset it is converted, naive it is a wall time of the domain's zone
resolved as PEP 495's fold=0. Work is done column by column so that a clean column
costs a few C-level passes, and only bad values are looked at one by one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import orjson
import pyarrow as pa
import pyarrow.compute as pc

from agilegov.data.localtime import transitions
from agilegov.rulebook.model import FieldType

# Same patterns as the batch engine's text rules (agilegov.data.normalize).
INT_TEXT = re.compile(r"[+-]?[0-9]+")
FLOAT_TEXT = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_TS_BASE = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?)?"
)
_TS_OFFSET = r"(Z|z|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?)"
TIMESTAMP_TEXT = "^" + _TS_BASE + "(" + _TS_OFFSET + ")?$"
NAIVE_TEXT = "^" + _TS_BASE + "$"

ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "timestamp": pa.int64(),
}
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "timestamp": (str,),
}
EXPECTED_JSON = {
    "string": "a JSON string",
    "int": "a JSON integer",
    "float": "a JSON number",
    "bool": "true or false",
    "timestamp": "an ISO 8601 timestamp string such as 2026-04-01T09:30:00+09:00",
}
EXPECTED_TEXT = {
    "string": "text",
    "int": "an integer",
    "float": "a number",
    "bool": "true or false",
    "timestamp": "an ISO 8601 timestamp such as 2026-04-01T09:30:00+09:00",
}
_TS_UTC = pa.timestamp("us", tz="UTC")
_INT64 = (-(2**63), 2**63)
_MAX_VECTOR_SPAN_US = 800 * 86_400 * 1_000_000  # beyond this, naive times are resolved one by one

Problem = tuple[int, str]  # (position in the column, message)


def shown(value: Any, limit: int = 60) -> str:
    """A value as it would be written in JSON, cut to a readable length."""
    try:
        text = orjson.dumps(value).decode()
    except TypeError:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _type_problems(
    ftype: FieldType, values: list[Any], expected: str, personal: bool
) -> tuple[list[Any], list[Problem]]:
    """Values of a wrong JSON type become None, each with a problem."""
    allowed = _JSON_TYPES[ftype]
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if kinds <= set(allowed):
        return values, []
    problems: list[Problem] = []
    fixed = list(values)
    for i, v in enumerate(values):
        if v is not None and type(v) not in allowed:
            got = "a value of another type" if personal else shown(v)
            problems.append((i, f"expected {expected}, got {got}"))
            fixed[i] = None
    return fixed, problems


def _numbers(ftype: FieldType, values: list[Any]) -> tuple[pa.Array, list[Problem]]:
    try:
        return pa.array(values, type=ARROW_TYPES[ftype]), []
    except (OverflowError, pa.ArrowInvalid, pa.ArrowTypeError):
        pass
    problems: list[Problem] = []
    fixed = list(values)
    for i, v in enumerate(values):
        if isinstance(v, int) and not _INT64[0] <= v < _INT64[1]:
            if ftype == "int":
                problems.append((i, "expected an integer between -2^63 and 2^63-1"))
                fixed[i] = None
            else:
                fixed[i] = float(v)
    return pa.array(fixed, type=ARROW_TYPES[ftype]), problems


def _parse_one(text: str, tz: ZoneInfo) -> dt.datetime:
    if text[-1] == "z":
        text = text[:-1] + "Z"
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=tz, fold=0)
    return parsed


def _wall_to_utc(wall: pa.Array, tz: ZoneInfo) -> pa.Array | None:
    """Wall times (epoch-us as if UTC) to UTC with fold=0, by the zone's offset changes."""
    bounds = pc.min_max(wall)
    lo, hi = bounds["min"].as_py(), bounds["max"].as_py()
    if lo is None:
        return wall
    if hi - lo > _MAX_VECTOR_SPAN_US:
        return None  # a very wide batch: resolve item by item instead
    pad = dt.timedelta(days=2)
    start = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=lo) - pad
    end = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=hi) + pad
    offset: pa.Array = pa.nulls(len(wall), pa.int64())
    current = _offset_us(start, tz)
    offset = pc.fill_null(offset, current)
    for utc_us, before, after in transitions(tz, start, end):
        first_wall = utc_us + max(before, after)  # first wall time taking the new offset
        offset = pc.if_else(pc.greater_equal(wall, first_wall), after, offset)
    return pc.subtract(wall, offset)


def _offset_us(t: dt.datetime, tz: ZoneInfo) -> int:
    off = t.astimezone(tz).utcoffset()
    assert off is not None
    return int(off.total_seconds()) * 1_000_000 + off.microseconds


def _vectorized(text: pa.Array, tz: ZoneInfo) -> pa.Array | None:
    """Epoch-us of a column whose strings all match the pattern, or None to go item by item."""
    if pc.any(pc.ends_with(text, "z")).as_py():
        text = pc.replace_substring_regex(text, "z$", "Z")
    naive = pc.match_substring_regex(text, NAIVE_TEXT)
    try:
        aware = pc.cast(pc.if_else(naive, None, text), _TS_UTC).cast(pa.int64())
        wall = pc.cast(pc.if_else(naive, text, None), pa.timestamp("us")).cast(pa.int64())
    except (pa.ArrowInvalid, OverflowError):
        return None
    local = _wall_to_utc(wall, tz)
    if local is None:
        return None
    return pc.if_else(naive, local, aware)


def _timestamps(values: list[Any], tz: ZoneInfo, expected: str) -> tuple[pa.Array, list[Problem]]:
    """ISO 8601 strings to epoch microseconds (UTC); a string that is not one is a problem."""
    text = pa.array(values, type=pa.string())
    well_formed = pc.fill_null(pc.match_substring_regex(text, TIMESTAMP_TEXT), True)
    if pc.all(well_formed).as_py():
        fast = _vectorized(text, tz)
        if fast is not None:
            return fast, []
    problems: list[Problem] = []
    parsed: list[dt.datetime | None] = []
    for i, (v, good) in enumerate(zip(values, well_formed.to_pylist(), strict=True)):
        if v is None:
            parsed.append(None)
            continue
        try:
            if not good:
                raise ValueError(v)
            parsed.append(_parse_one(v, tz))
        except ValueError:
            problems.append((i, f"expected {expected}, got {shown(v)}"))
            parsed.append(None)
    try:
        stamps = pa.array(parsed, type=_TS_UTC)
    except (OverflowError, pa.ArrowInvalid):
        stamps = pa.array([_in_range(d) for d in parsed], type=_TS_UTC)
    return stamps.cast(pa.int64()), problems


def _in_range(d: dt.datetime | None) -> dt.datetime | None:
    try:
        pa.array([d], type=_TS_UTC)
    except (OverflowError, pa.ArrowInvalid):
        return None
    return d


def read_column(
    ftype: FieldType, values: list[Any], tz: ZoneInfo, *, personal: bool = False
) -> tuple[pa.Array, list[Problem]]:
    """One field's values (JSON-typed, None for null) as an Arrow array and its type problems."""
    fixed, problems = _type_problems(ftype, values, EXPECTED_JSON[ftype], personal)
    if ftype in ("int", "float"):
        array, more = _numbers(ftype, fixed)
    elif ftype == "timestamp":
        array, more = _timestamps(fixed, tz, EXPECTED_JSON["timestamp"])
    else:
        array, more = pa.array(fixed, type=ARROW_TYPES[ftype]), []
    if more:
        problems = sorted(problems + more)
    return array, problems


def _text_int(text: str) -> int:
    if INT_TEXT.fullmatch(text) is None:
        raise ValueError(text)
    return int(text)


def _text_float(text: str) -> float:
    if FLOAT_TEXT.fullmatch(text) is None:
        raise ValueError(text)
    return float(text)


def _text_bool(text: str) -> bool:
    low = text.lower()
    if low not in ("true", "false"):
        raise ValueError(text)
    return low == "true"


_TEXT_READERS: dict[str, Callable[[str], Any]] = {
    "int": _text_int,
    "float": _text_float,
    "bool": _text_bool,
}


def from_text(ftype: FieldType, text: str | None) -> Any:
    """A CSV cell as the JSON value it stands for (ValueError when it cannot be one).

    An empty cell is null for every type; timestamps and strings stay text.
    """
    if text is None or text == "":
        return None
    reader = _TEXT_READERS.get(ftype)
    return text if reader is None else reader(text)
