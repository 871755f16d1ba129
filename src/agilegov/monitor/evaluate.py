"""Evaluate chosen windows from the monitor's cells, and recompute the actions they affect."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa

from agilegov.engine.calendar import Window, anchor, instant, shift
from agilegov.engine.findings import iso
from agilegov.engine.plan import Plan, plan_for_windows
from agilegov.engine.responses import fired
from agilegov.engine.scan import bucket_table
from agilegov.engine.windows import assemble_from_scans
from agilegov.monitor import cells, grid
from agilegov.rulebook.model import Rulebook
from agilegov.store.records import ActionRow, FindingRow

FINDINGS = "findings:all"


@dataclass
class Evaluated:
    findings: list[FindingRow] = field(default_factory=list)
    actions: dict[tuple[str, str], list[ActionRow]] = field(default_factory=dict)


def ensure_findings_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f'CREATE TABLE IF NOT EXISTS "{FINDINGS}" (g INTEGER, a VARCHAR, k BIGINT, '
        "value DOUBLE, status VARCHAR, PRIMARY KEY (g, a, k))"
    )


def _window_findings(
    con: duckdb.DuckDBPyConnection, book: Rulebook, plan: Plan, origin: int, cell_us: int
) -> pa.Table:
    if not grid.aligned(plan.boundaries, origin, cell_us):
        raise RuntimeError(
            f"domain {book.domain}: a window boundary falls off the monitor's time grid "
            f"({cell_us} us); this rulebook's calendar cannot be evaluated incrementally"
        )
    lo_cell = (plan.boundaries[0] - origin) // cell_us
    hi_cell = (plan.boundaries[-1] - origin) // cell_us
    mem = duckdb.connect(":memory:")
    try:
        scans: dict[str, str] = {}
        for i, name in enumerate(book.streams):
            scans[name] = f"s{i}"
            rows = cells.select_range(con, name, lo_cell, hi_cell)
            mem.register(f"in{i}", rows)
            mem.execute(f'CREATE TABLE "s{i}" AS SELECT * FROM "in{i}"')
        bucket_table(mem, plan, "buckets", origin=origin, cell_us=cell_us)
        assemble_from_scans(mem, plan, scans, "buckets")
        return mem.sql("SELECT g, a, k, value, status FROM findings").to_arrow_table()
    finally:
        mem.close()


def evaluate_windows(
    con: duckdb.DuckDBPyConnection,
    book: Rulebook,
    chosen: dict[str, list[Window]],
    origin: int,
    cell_us: int,
) -> Evaluated:
    """Findings of the chosen windows, and the complete actions of every (goal, actor) whose
    findings changed status or appeared."""
    ensure_findings_table(con)
    plan = plan_for_windows(book, chosen)
    table = _window_findings(con, book, plan, origin, cell_us)
    con.register("monitor_new", table)
    changed = con.execute(
        f'SELECT DISTINCT n.g, n.a FROM monitor_new n LEFT JOIN "{FINDINGS}" f '
        "ON f.g = n.g AND f.a = n.a AND f.k = n.k WHERE f.status IS DISTINCT FROM n.status"
    ).fetchall()
    con.execute(
        f'INSERT OR REPLACE INTO "{FINDINGS}" SELECT g, a, k, value, status FROM monitor_new'
    )
    con.unregister("monitor_new")
    out = Evaluated()
    position = [{w.k: j for j, w in enumerate(gw.windows)} for gw in plan.goals]
    columns = (table.column(c).to_pylist() for c in ("g", "a", "k", "value", "status"))
    for g, a, k, value, status in zip(*columns, strict=True):
        gw = plan.goals[g]
        j = position[g][k]
        w = gw.windows[j]
        out.findings.append(
            FindingRow(
                book.domain,
                gw.goal.id,
                a,
                k,
                iso(w.start),
                iso(w.end),
                value,
                gw.targets[j].text,
                status,
                book.version,
            )
        )
    if changed:
        out.actions = _actions(con, book, plan, [(int(g), str(a)) for g, a in changed])
    return out


def _actions(
    con: duckdb.DuckDBPyConnection, book: Rulebook, plan: Plan, pairs: list[tuple[int, str]]
) -> dict[tuple[str, str], list[ActionRow]]:
    con.register(
        "monitor_pairs", pa.table({"g": [g for g, _ in pairs], "a": [a for _, a in pairs]})
    )
    history = con.sql(
        f'SELECT f.g, f.a, f.k, f.value, f.status FROM "{FINDINGS}" f '
        "JOIN monitor_pairs p ON p.g = f.g AND p.a = f.a"
    ).to_arrow_table()
    con.unregister("monitor_pairs")
    mem = duckdb.connect(":memory:")
    try:
        mem.register("history", history)
        mem.execute("CREATE TABLE findings AS SELECT * FROM history")
        fired_rows = fired(mem, book, plan, "findings")
    finally:
        mem.close()
    tz = ZoneInfo(book.timezone)
    a0 = anchor(book.effective_from, tz)
    result: dict[tuple[str, str], list[ActionRow]] = {
        (plan.goals[g].goal.id, a): [] for g, a in pairs
    }
    for g, actor, k, ri in sorted(fired_rows, key=lambda r: (r[0], r[1], r[2], r[3])):
        goal = plan.goals[g].goal
        at = instant(a0, goal.every, k, tz)
        response = book.responses[ri]
        due = iso(shift(at, response.due, 1, tz)) if response.due is not None else None
        result[(goal.id, actor)].append(
            ActionRow(book.domain, goal.id, actor, k, ri, iso(at), response.do, due)
        )
    return result
