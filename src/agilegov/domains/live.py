"""Seeded "now"-ish events of the example domains, for the live demo and the benchmarks.

Two pieces, both pure functions of (domain, seed, times):

- `history_tables`: `days` days of simulated data ending at `now` (events at or after
  `now` are left out), so that live reporting continues it without a gap.
- `LiveFeed`: an endless sequence of new events. The domain's simulator is run for a
  chunk of days at a time (a fresh seed per chunk) and its rows are replayed on the wall
  clock `speed` times faster than simulated time: a row simulated `x` seconds after the
  chunk series' origin is due `x / speed` seconds after the feed started. Each due row is
  restamped: its event time becomes its due time, and its other timestamp fields keep
  their distance to the event time (a report 3 hours after the incident stays 3 hours
  after it). Stream keys get a `live<chunk>-` prefix, so a live event never repeats the
  key of a history event nor one of another chunk.

Rows are handed out JSON-ready (timestamps as ISO 8601 strings in UTC), the form the
ingest API takes.
"""

from __future__ import annotations

import bisect
import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from agilegov.domains.catalog import rulebook_path
from agilegov.domains.simulate import simulate
from agilegov.rulebook.loader import load_rulebook
from agilegov.rulebook.model import Rulebook

US = 1_000_000
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def epoch_us(moment: dt.datetime) -> int:
    """Epoch microseconds of an aware datetime."""
    return (moment - EPOCH) // dt.timedelta(microseconds=1)


def iso_utc(us: int) -> str:
    """ISO 8601 text of epoch microseconds, in UTC with a `Z`."""
    moment = EPOCH + dt.timedelta(microseconds=us)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _simulated(domain: str, days: int, seed: int, start: dt.date) -> dict[str, pa.Table]:
    with tempfile.TemporaryDirectory(prefix="agilegov-live-") as tmp:
        counts = simulate(domain, days, Path(tmp), seed, start)
        return {s: pq.read_table(Path(tmp) / f"{s}.parquet") for s in counts}


def history_tables(domain: str, days: int, seed: int, now: dt.datetime
                   ) -> dict[str, pa.Table]:
    """Simulated events of the `days` local days before `now`'s local date, and of that
    date up to (not including) `now`; timestamps as `timestamp[us, UTC]`."""
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    book = load_rulebook(rulebook_path(domain))
    today = now.astimezone(ZoneInfo(book.timezone)).date()
    tables = _simulated(domain, days + 1, seed, today - dt.timedelta(days=days))
    cutoff = pa.scalar(epoch_us(now), pa.int64())
    out: dict[str, pa.Table] = {}
    for name, table in tables.items():
        times = table.column(book.streams[name].time).cast(pa.int64())
        out[name] = table.filter(pc.less(times, cutoff))
    return out


def json_rows(table: pa.Table) -> list[dict[str, Any]]:
    """Rows of a table as JSON-ready dicts: timestamp columns as ISO 8601 text in UTC."""
    columns: dict[str, list[Any]] = {}
    for name in table.column_names:
        column = table.column(name)
        if pa.types.is_timestamp(column.type):
            values = column.cast(pa.int64()).to_pylist()
            columns[name] = [None if v is None else iso_utc(v) for v in values]
        else:
            columns[name] = column.to_pylist()
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]


@dataclass(frozen=True)
class _Due:
    at_us: int
    stream: str
    row: dict[str, Any]  # event times still simulated, as epoch microseconds


class LiveFeed:
    """New events of one example domain, due on the wall clock (see the module docstring)."""

    def __init__(self, domain: str, seed: int, start: dt.datetime, speed: float = 60.0,
                 chunk_days: int = 2, rulebook: Rulebook | None = None) -> None:
        if speed <= 0:
            raise ValueError(f"speed must be positive, got {speed}")
        if chunk_days < 1:
            raise ValueError(f"chunk_days must be at least 1, got {chunk_days}")
        self.domain = domain
        self.seed = seed
        self.speed = speed
        self.chunk_days = chunk_days
        self.book = rulebook or load_rulebook(rulebook_path(domain))
        tz = ZoneInfo(self.book.timezone)
        self.start_us = epoch_us(start)
        # The simulated series starts at the next local midnight (after any history day);
        # `start` is mapped to the same local time of day on its first day, so the feed
        # begins with the activity of that hour, not with a quiet night.
        local = start.astimezone(tz)
        self.origin = local.date() + dt.timedelta(days=1)
        self._origin_us = epoch_us(dt.datetime.combine(self.origin, dt.time(), tz))
        since_midnight = local - dt.datetime.combine(local.date(), dt.time(), tz)
        self._anchor_us = self._origin_us + since_midnight // dt.timedelta(microseconds=1)
        self._chunks = 0
        self._pending: list[_Due] = []
        self._stamps: list[int] = []
        self.sent = 0

    def _wall(self, simulated_us: int) -> int:
        return self.start_us + int((simulated_us - self._anchor_us) / self.speed)

    def _chunk_start_wall(self, k: int) -> int:
        return self._wall(self._origin_us + k * self.chunk_days * 86_400 * US)

    def _load_chunk(self) -> None:
        k = self._chunks
        start = self.origin + dt.timedelta(days=k * self.chunk_days)
        tables = _simulated(self.domain, self.chunk_days, self.seed * 1000 + k + 1, start)
        fresh: list[_Due] = []
        for name, table in tables.items():
            spec = self.book.streams[name]
            stamps = [n for n, f in spec.fields.items() if f.type == "timestamp"]
            for col in stamps:
                table = table.set_column(table.column_names.index(col), col,
                                         table.column(col).cast(pa.int64()))
            for row in table.to_pylist():
                if spec.key is not None and row.get(spec.key) is not None:
                    row[spec.key] = f"live{k}-{row[spec.key]}"
                at = self._wall(row[spec.time])
                if at >= self.start_us:  # the first chunk starts before `start`
                    fresh.append(_Due(at, name, row))
        self._chunks += 1
        self._pending = sorted(self._pending + fresh, key=lambda d: d.at_us)
        self._stamps = [d.at_us for d in self._pending]

    def _restamp(self, due: _Due) -> dict[str, Any]:
        spec = self.book.streams[due.stream]
        shift = due.at_us - due.row[spec.time]
        out = dict(due.row)
        for name, field in spec.fields.items():
            if field.type == "timestamp" and out.get(name) is not None:
                out[name] = iso_utc(out[name] + shift)
        return out

    def due(self, until: dt.datetime) -> dict[str, list[dict[str, Any]]]:
        """Events due up to `until` (inclusive) not handed out before, by stream."""
        until_us = epoch_us(until)
        while self._chunk_start_wall(self._chunks) <= until_us:
            self._load_chunk()
        cut = bisect.bisect_right(self._stamps, until_us)
        taken, self._pending = self._pending[:cut], self._pending[cut:]
        self._stamps = self._stamps[cut:]
        out: dict[str, list[dict[str, Any]]] = {}
        for d in taken:
            out.setdefault(d.stream, []).append(self._restamp(d))
        self.sent += len(taken)
        return out
