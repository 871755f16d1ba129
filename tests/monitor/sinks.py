"""Helpers for monitor tests: events in the engine's representation, batches, comparison."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa

from agilegov.engine.calendar import to_us
from agilegov.rulebook.model import Rulebook

TYPES = {
    "string": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "timestamp": pa.int64(),
}


def to_engine(rulebook: Rulebook, stream: str, rows: list[dict[str, Any]]) -> pa.Table:
    spec = rulebook.streams[stream]
    cols: dict[str, list[Any]] = {n: [] for n in spec.fields}
    for row in rows:
        for name, f in spec.fields.items():
            v = row.get(name)
            if f.type == "timestamp" and isinstance(v, dt.datetime):
                v = to_us(v)
            if f.type == "float" and isinstance(v, int) and not isinstance(v, bool):
                v = float(v)
            cols[name].append(v)
    return pa.table({n: pa.array(v, type=TYPES[spec.fields[n].type]) for n, v in cols.items()})


def dedup(rulebook: Rulebook, stream: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    key = rulebook.streams[stream].key
    if key is None:
        return rows
    seen: set[Any] = set()
    out = []
    for row in rows:
        k = row.get(key)
        if k is not None:
            if k in seen:
                continue
            seen.add(k)
        out.append(row)
    return out
