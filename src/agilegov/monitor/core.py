"""The live monitor: continuous, incremental evaluation of every domain's goals.

Per batch: the batch's partials are appended to the cells (cost independent of
history); the watermark (newest event time minus the allowed lateness) moves;
instants newly passed by it are evaluated, and instants already evaluated whose
window holds an event of the batch are evaluated again (a revision). Windows
are assembled from cells by the same stages as the batch engine, so the latest
findings and actions equal `agilegov evaluate` on the same data.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from agilegov.engine.plan import Plan, plan_for_windows
from agilegov.monitor import cells, grid
from agilegov.monitor.evaluate import Evaluated, evaluate_windows
from agilegov.monitor.instants import due_windows
from agilegov.rulebook.model import Rulebook, Stream
from agilegov.store.records import ActionChange, ActionRow, FindingChange, FindingRow

if TYPE_CHECKING:
    from agilegov.workspace import Workspace


class EventSource(Protocol):
    def read_events(self, domain: str, stream: Stream) -> pa.Table | None: ...


class FindingSink(Protocol):
    def upsert_findings(self, rows: list[FindingRow]) -> list[FindingChange]: ...

    def replace_actions(
        self, domain: str, goal: str, actor: str, actions: list[ActionRow]
    ) -> list[ActionChange]: ...


@dataclass
class MonitorUpdate:
    domain: str
    findings: list[FindingChange] = field(default_factory=list)
    actions: list[ActionChange] = field(default_factory=list)
    watermark_us: int | None = None


@dataclass
class _Domain:
    rulebook: Rulebook
    plan: Plan  # no windows: only the partial columns every batch appends
    con: duckdb.DuckDBPyConnection
    cell_us: int
    origin: int
    max_event_us: int | None = None
    watermark_us: int | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


EMPTY_TYPES = {
    "string": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "timestamp": pa.int64(),
}


class Monitor:
    def __init__(
        self,
        workspace: Workspace,
        store: EventSource | None,
        state: FindingSink,
        lateness: Mapping[str, dt.timedelta] | None = None,
        default_lateness: dt.timedelta = dt.timedelta(hours=1),
        rulebook_source: Callable[[str], Rulebook] | None = None,
    ) -> None:
        """Rulebooks come from the workspace; `store` gives all stored events of a stream for
        rebuilds (None: start empty); `state` takes findings and actions."""
        self._workspace = workspace
        self._rulebooks = rulebook_source or workspace.rulebook
        self._state = state
        self._store = store
        self._lateness = default_lateness
        self._lateness_by_domain = dict(lateness or {})
        self._domains: dict[str, _Domain] = {}
        self._guard = threading.Lock()
        self.subscribers: list[Callable[[MonitorUpdate], None]] = []

    # -- domains --------------------------------------------------------------------------

    def _domain(self, domain: str) -> tuple[_Domain, bool]:
        """The domain's state, and whether it was just (re)built from the event store."""
        with self._guard:
            book = self._rulebooks(domain)
            current = self._domains.get(domain)
            if current is not None and current.rulebook == book:
                return current, False
            d = self._fresh(book)
            self._domains[domain] = d
        if self._store is not None:
            self._load_history(d)
            return d, True
        return d, False

    def _fresh(self, book: Rulebook) -> _Domain:
        con = duckdb.connect(":memory:")
        cell_us = grid.cell_size(book)
        plan = plan_for_windows(book, {})
        d = _Domain(book, plan, con, cell_us, grid.origin(book, cell_us))
        for name, stream in book.streams.items():
            empty = pa.table(
                {n: pa.array([], type=EMPTY_TYPES[f.type]) for n, f in stream.fields.items()}
            )
            cells.append(con, book, plan, name, empty, d.origin, d.cell_us)
        return d

    def _load_history(self, d: _Domain) -> None:
        assert self._store is not None
        for name, stream in d.rulebook.streams.items():
            table = self._store.read_events(d.rulebook.domain, stream)
            if table is not None and table.num_rows:
                self._absorb(d, name, table)

    def lateness(self, domain: str) -> dt.timedelta:
        return self._lateness_by_domain.get(domain, self._lateness)

    def watermark(self, domain: str) -> dt.datetime | None:
        d = self._domains.get(domain)
        if d is None or d.watermark_us is None:
            return None
        return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=d.watermark_us)

    # -- batches --------------------------------------------------------------------------

    def _absorb(self, d: _Domain, stream: str, table: pa.Table) -> tuple[int | None, int | None]:
        book = d.rulebook
        spec = book.streams[stream]
        cols = {
            n: table.column(n)
            if n in table.column_names
            else pa.nulls(table.num_rows, EMPTY_TYPES[f.type])
            for n, f in spec.fields.items()
        }
        cells.append(d.con, book, d.plan, stream, pa.table(cols), d.origin, d.cell_us)
        bounds = pc.min_max(cols[spec.time])
        lo, hi = bounds["min"].as_py(), bounds["max"].as_py()
        if hi is not None and (d.max_event_us is None or hi > d.max_event_us):
            d.max_event_us = hi
        return lo, hi

    def on_batch(self, domain: str, stream: str, table: pa.Table) -> MonitorUpdate:
        """Take accepted events (engine representation); evaluate what they make due."""
        d, rebuilt = self._domain(domain)
        with d.lock:
            # A domain just rebuilt from the store already holds this batch (stored first).
            lo, hi = (None, None) if rebuilt else self._absorb(d, stream, table)
            update = self._advance(d, lo, hi)
        self._publish(update)
        return update

    def rebuild(self, domain: str) -> MonitorUpdate:
        """Forget and recompute a domain from the stored events (startup, new rulebook)."""
        with self._guard:
            self._domains.pop(domain, None)
        d, _ = self._domain(domain)
        with d.lock:
            d.watermark_us = None
            update = self._advance(d, None, None)
        self._publish(update)
        return update

    def _advance(self, d: _Domain, lo: int | None, hi: int | None) -> MonitorUpdate:
        old = d.watermark_us
        lateness_us = int(self.lateness(d.rulebook.domain).total_seconds() * 1_000_000)
        new = None if d.max_event_us is None else d.max_event_us - lateness_us
        if old is not None and (new is None or new < old):
            new = old
        chosen = due_windows(d.rulebook, old, new, lo, hi)
        d.watermark_us = new
        update = MonitorUpdate(d.rulebook.domain, watermark_us=new)
        if not any(chosen.values()):
            return update
        result: Evaluated = evaluate_windows(d.con, d.rulebook, chosen, d.origin, d.cell_us)
        update.findings = list(self._state.upsert_findings(result.findings))
        for (goal, actor), actions in result.actions.items():
            update.actions.extend(
                self._state.replace_actions(d.rulebook.domain, goal, actor, actions)
            )
        return update

    def _publish(self, update: MonitorUpdate) -> None:
        for subscriber in list(self.subscribers):
            subscriber(update)
