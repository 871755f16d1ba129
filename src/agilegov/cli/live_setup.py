"""Setting up the live demo's workspace: domains, simulated history, accounts, batch report.

Everything here runs before the server starts, in this process, on the workspace's own
stores (closed again before the server opens them): the history goes through the same
`IngestService` as live events (validation, pseudonyms, idempotent storage), and the
server's monitor catches up on it when it starts.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from agilegov.access.roles import Principal, Role
from agilegov.cli.demo import demo_range
from agilegov.domains.catalog import DOMAINS, rulebook_path
from agilegov.domains.live import history_tables, json_rows
from agilegov.engine.evaluate import evaluate
from agilegov.ingest.service import IngestService
from agilegov.report.html import write_report
from agilegov.report.summary import DomainResult
from agilegov.rulebook.model import Rulebook
from agilegov.settings import Settings
from agilegov.store.events import EventStore
from agilegov.store.state import StateStore
from agilegov.workspace import Workspace

HISTORY_BATCH = 5_000
HISTORY_REPORTER = Principal("government", None, None, None)


@dataclass
class DemoToken:
    name: str
    role: Role
    token: str
    operator: str | None = None
    domain: str | None = None


@dataclass
class DemoSetup:
    workspace: Workspace
    settings: Settings
    rulebooks: dict[str, Rulebook]  # by catalog name (e.g. "mobility"), not domain id
    history_events: dict[str, int] = field(default_factory=dict)
    tokens: list[DemoToken] = field(default_factory=list)

    def token(self, name: str) -> str:
        return next(t.token for t in self.tokens if t.name == name)


def fresh_workspace(root: Path, domains: Iterable[str] = DOMAINS
                    ) -> tuple[Workspace, dict[str, Rulebook]]:
    """An empty workspace at `root` (a previous demo's workspace is removed first) with
    the example domains; their rulebooks by catalog name."""
    if root.exists():
        shutil.rmtree(root)
    ws = Workspace(root)
    return ws, {name: ws.add_domain(rulebook_path(name)) for name in domains}


def _write_history(tables: dict[str, pa.Table], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for stream, table in tables.items():
        pq.write_table(table, folder / f"{stream}.parquet")


def load_history(ingest: IngestService, domain: str, tables: dict[str, pa.Table]) -> int:
    """Report the history through the ingest service, in batches; return events stored."""
    stored = 0
    for stream, table in tables.items():
        for offset in range(0, table.num_rows, HISTORY_BATCH):
            rows = json_rows(table.slice(offset, HISTORY_BATCH))
            result = ingest.ingest(domain, stream, list(rows), HISTORY_REPORTER, "demo-history")
            stored += result.accepted
    return stored


def first_actor(book: Rulebook, tables: dict[str, pa.Table]) -> str | None:
    """The alphabetically first actor reporting to the domain's first stream."""
    for stream, table in tables.items():
        actors = pc.unique(table.column(book.streams[stream].actor)).drop_null().to_pylist()
        if actors:
            return str(sorted(actors)[0])
    return None


def create_tokens(state: StateStore, operators: dict[str, str | None]) -> list[DemoToken]:
    """A regulator, an auditor, a feeder (government role) and one operator per domain."""
    wanted: list[tuple[str, Role, str | None, str | None]] = [
        ("demo-regulator", "government", None, None),
        ("demo-auditor", "auditor", None, None),
        ("demo-feeder", "government", None, None),
    ]
    wanted += [(f"demo-{op}", "operator", op, domain)
               for domain, op in operators.items() if op is not None]
    tokens: list[DemoToken] = []
    for name, role, operator, domain in wanted:
        account = state.create_account(name, role, operator=operator, domain=domain)
        secret = state.create_token(account.id, "live demo")
        tokens.append(DemoToken(name, role, secret, operator, domain))
    return tokens


def history_report(books: dict[str, Rulebook], data_dir: Path, days: int, today: dt.date,
                   report_dir: Path) -> Path:
    """The batch engine's HTML report over the history's whole days."""
    results: list[DomainResult] = []
    for name, book in books.items():
        start = today - dt.timedelta(days=days)
        _, first, last = demo_range(book, start, days)
        evaluation = evaluate(book, data_dir / name, first, last)
        results.append(DomainResult.of(book, evaluation, first, last))
    return write_report(results, report_dir)


def set_up(out_dir: Path, days: int, seed: int, now: dt.datetime,
           domains: Iterable[str] = DOMAINS) -> DemoSetup:
    """Workspace, history (also as Parquet under `out_dir/data`), accounts and tokens."""
    ws, books = fresh_workspace(out_dir / "workspace", domains)
    settings = Settings.from_env(ws.root)
    setup = DemoSetup(ws, settings, books)
    events = EventStore(ws.events_path)
    state = StateStore(settings.database_url)
    try:
        ingest = IngestService(ws, events, state, None)
        operators: dict[str, str | None] = {}
        for name in books:
            tables = history_tables(name, days, seed, now)
            _write_history(tables, out_dir / "data" / name)
            domain = books[name].domain
            setup.history_events[domain] = load_history(ingest, domain, tables)
            operators[domain] = first_actor(books[name], tables)
        setup.tokens = create_tokens(state, operators)
    finally:
        events.close()
        state.close()
    return setup


def local_today(book: Rulebook, now: dt.datetime) -> dt.date:
    return now.astimezone(ZoneInfo(book.timezone)).date()
