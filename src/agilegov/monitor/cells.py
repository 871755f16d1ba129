"""The monitor's partial aggregates: per stream, rows of (actor, cell, partials...).

Each accepted batch appends the partials of its own events (one GROUP BY over the
batch only), so the cost of a batch does not depend on the length of history;
rows of several batches for one (actor, cell) are combined when windows are
assembled. The tables live in a private in-memory DuckDB and are rebuilt from
the event store when the service starts or the rulebook changes.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
from sqlglot import exp

from agilegov.engine.plan import Plan
from agilegov.engine.scan import CELL, partials_query
from agilegov.rulebook.model import Rulebook
from agilegov.sqlbuild import col, ident, lit

BATCH = "monitor_batch"


def table_of(stream: str) -> str:
    return f"cells:{stream}"


def _cell(time_field: str, grid_origin: int, cell_us: int) -> exp.Expr:
    shifted = exp.Paren(this=exp.Sub(this=col(time_field), expression=lit(grid_origin)))
    return exp.IntDiv(this=shifted, expression=lit(cell_us))


def append(
    con: duckdb.DuckDBPyConnection,
    rulebook: Rulebook,
    plan: Plan,
    stream: str,
    events: pa.Table | str,
    grid_origin: int,
    cell_us: int,
) -> None:
    """Add the partials of some events (Arrow table, or a table name) to a stream's cells."""
    spec = rulebook.streams[stream]
    source = BATCH
    if isinstance(events, str):
        source = events
    else:
        con.register(BATCH, events)
    query = partials_query(
        plan.streams[stream], spec, source, _cell(spec.time, grid_origin, cell_us)
    )
    query = query.where(exp.Not(this=exp.Is(this=col(spec.time), expression=exp.null())))
    target = exp.Table(this=ident(table_of(stream)))
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table_of(stream)]
    ).fetchall()[0][0]
    if exists:
        statement: exp.Expr = exp.Insert(this=target, expression=query)
    else:
        statement = exp.Create(this=target, kind="TABLE", expression=query)
    con.execute(statement.sql(dialect="duckdb"))
    if not isinstance(events, str):
        con.unregister(BATCH)


def select_range(
    con: duckdb.DuckDBPyConnection, stream: str, lo_cell: int, hi_cell: int
) -> pa.Table | None:
    """The cell rows of a stream with lo_cell <= cell < hi_cell, or None if it has none yet."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table_of(stream)]
    ).fetchall()[0][0]
    if not exists:
        return None
    where = exp.and_(
        exp.GTE(this=col(CELL), expression=lit(lo_cell)),
        exp.LT(this=col(CELL), expression=lit(hi_cell)),
    )
    query = exp.select("*").from_(exp.Table(this=ident(table_of(stream)))).where(where)
    table: pa.Table = con.sql(query.sql(dialect="duckdb")).to_arrow_table()
    return table
