"""A stream's events as one DuckDB view: validated, quarantined or refused, de-duplicated."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import orjson
import sqlglot
from sqlglot import exp

from agilegov.data.jsonl import FILE, ROW
from agilegov.data.normalize import TimeContext
from agilegov.data.sources import ERROR, RAW, Source, checks_rows, collect, normalized
from agilegov.errors import DataError, Problem
from agilegov.rulebook.model import Stream
from agilegov.sqlbuild import alias, cast, col, ident, lit

MAX_REPORTED = 20
RANK = "agilegov:rank"


@dataclass
class Quarantine:
    """Bad rows set aside with their reasons (`--quarantine FILE`)."""

    path: Path
    count: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)

    def write(self) -> None:
        with self.path.open("wb") as out:
            for row in self.rows:
                out.write(orjson.dumps(row) + b"\n")


def _union(selects: list[exp.Select]) -> exp.Query:
    query: exp.Query = selects[0]
    for q in selects[1:]:
        query = exp.Union(this=query, expression=q, distinct=False)
    return query


def _empty(stream: Stream) -> exp.Select:
    types = {
        "string": "VARCHAR",
        "int": "BIGINT",
        "float": "DOUBLE",
        "bool": "BOOLEAN",
        "timestamp": "BIGINT",
    }
    cols = [alias(cast(exp.null(), types[s.type]), n) for n, s in stream.fields.items()]
    cols += [
        alias(cast(exp.null(), "VARCHAR"), FILE),
        alias(cast(exp.null(), "BIGINT"), ROW),
        alias(cast(exp.null(), "VARCHAR"), ERROR),
    ]
    return sqlglot.select(*cols).where(exp.false())


def problem_of(fmt: str, file: str, row: int, error: str) -> Problem:
    fld, _, message = error.partition("\x1f")
    where_row = {"row": row} if fmt != "jsonl" else {"line": row}
    return Problem(message, file=file, field=fld or None, **where_row)  # type: ignore[arg-type]


def _format_of(file: str, sources: list[Source]) -> str:
    for s in sources:
        if any(str(p) == file for p in s.files):
            return s.fmt
    return "csv"


@dataclass(frozen=True)
class StreamView:
    name: str  # the view of the stream's events
    sources: list[Source]
    bad: int  # rows of the view that carry an error (0 in quarantine mode: set aside)


def register_stream(
    con: duckdb.DuckDBPyConnection,
    stream: Stream,
    data_dir: Path,
    index: int,
    ctx: TimeContext,
    quarantine: Quarantine | None,
) -> StreamView:
    """Create view `ev{index}`; in quarantine mode bad rows are set aside first."""
    sources = collect(con, stream, data_dir, f"src{index}")
    if not sources:
        view_query: exp.Expr = _empty(stream)
    else:
        view_query = _union([normalized(s, stream, ctx) for s in sources])
        if quarantine is not None:
            _set_aside(con, stream, sources, ctx, quarantine)
            view_query = (
                sqlglot.select("*")
                .from_(view_query.subquery("q"))
                .where(exp.Is(this=col(ERROR), expression=exp.null()))
            )
        if stream.key is not None:
            view_query = _dedup(view_query, stream.key)
    name = f"ev{index}"
    con.execute(
        exp.Create(this=exp.Table(this=ident(name)), kind="VIEW", expression=view_query).sql(
            dialect="duckdb"
        )
    )
    bad = 0
    if quarantine is None:
        bad = sum(_count_bad(con, s, stream, ctx) for s in sources if checks_rows(s, stream))
    return StreamView(name, sources, bad)


def _count_bad(con: duckdb.DuckDBPyConnection, source: Source, stream: Stream,
               ctx: TimeContext) -> int:
    """Bad rows of one source, counted before anything else reads it.

    Only the columns whose checks statistics did not prove are read (DuckDB prunes the
    others), so this pass is cheap next to the scan, which can then filter on time.
    """
    query = sqlglot.select(exp.Count(this=exp.Star())).from_(
        normalized(source, stream, ctx).subquery("n")
    ).where(exp.Not(this=exp.Is(this=col(ERROR), expression=exp.null())))
    return int(con.execute(query.sql(dialect="duckdb")).fetchall()[0][0])


def _dedup(query: exp.Query, key: str) -> exp.Select:
    """First event read with a key wins; a null key is never merged; bad rows are always kept."""
    order = exp.Order(expressions=[exp.Ordered(this=col(FILE)), exp.Ordered(this=col(ROW))])
    rank = exp.Window(this=exp.RowNumber(), partition_by=[col(key)], order=order)
    ranked = sqlglot.select(exp.Star(), alias(rank, RANK)).from_(query.subquery("k"))
    keep = exp.or_(
        exp.Is(this=col(key), expression=exp.null()),
        exp.EQ(this=col(RANK), expression=lit(1)),
        exp.Not(this=exp.Is(this=col(ERROR), expression=exp.null())),
    )
    return sqlglot.select("*").from_(ranked.subquery("r")).where(keep)


def _set_aside(
    con: duckdb.DuckDBPyConnection,
    stream: Stream,
    sources: list[Source],
    ctx: TimeContext,
    quarantine: Quarantine,
) -> None:
    for s in sources:
        q = (
            sqlglot.select(col(FILE), col(ROW), col(ERROR), col(RAW))
            .from_(normalized(s, stream, ctx, with_raw=True).subquery("n"))
            .where(exp.Not(this=exp.Is(this=col(ERROR), expression=exp.null())))
            .order_by(col(FILE), col(ROW))
        )
        for file, row, error, raw in con.execute(q.sql(dialect="duckdb")).fetchall():
            p = problem_of(s.fmt, file, row, error)
            quarantine.count += 1
            quarantine.rows.append(
                {
                    "stream": stream.name,
                    "file": file,
                    "line" if s.fmt == "jsonl" else "row": row,
                    "field": p.field,
                    "reason": p.message,
                    "record": raw,
                }
            )


def refuse_bad_rows(con: duckdb.DuckDBPyConnection, stream: Stream, view: StreamView) -> None:
    """Raise DataError naming the first bad rows (file, row, field, what was expected)."""
    sources = view.sources
    base = (
        sqlglot.select(col(FILE), col(ROW), col(ERROR))
        .from_(exp.Table(this=ident(view.name)))
        .where(exp.Not(this=exp.Is(this=col(ERROR), expression=exp.null())))
    )
    total = con.execute(
        sqlglot.select(exp.Count(this=exp.Star())).from_(base.subquery("e")).sql(dialect="duckdb")
    ).fetchall()[0]
    count = int(total[0]) if total else 0
    if count == 0:
        return
    rows = con.execute(
        base.order_by(col(FILE), col(ROW)).limit(MAX_REPORTED).sql(dialect="duckdb")
    ).fetchall()
    problems = [problem_of(_format_of(f, sources), f, r, e) for f, r, e in rows]
    if count > len(problems):
        problems.append(
            Problem(
                f"... and {count - len(problems)} more bad rows in stream "
                f"'{stream.name}' (use --quarantine FILE to set them aside)"
            )
        )
    raise DataError(problems)
