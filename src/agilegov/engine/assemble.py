"""Windows assembled from buckets, measures, min_evidence and status, all in SQL.

Goals that share their instants and window length share one window join.
Per-actor findings come from an inner join (an actor gets a finding only when
it has events, in any stream, inside the window); `per: all` from an outer
join, so every instant has a finding even when its window holds no event.
"""

from __future__ import annotations

from collections import defaultdict

import duckdb
import pyarrow as pa
import sqlglot
from sqlglot import exp

from agilegov.engine.distinct import sliding_distinct
from agilegov.engine.plan import GoalWindows, Plan
from agilegov.engine.scan import ACTOR, BUCKET, VALUE, register_table
from agilegov.measure.ast import Aggregate, aggregates
from agilegov.measure.sql import comparison_sql, expr_sql
from agilegov.sqlbuild import alias, case, cast, col, ident, lit

FINDINGS = "findings"
_CMP = {
    "=": exp.EQ,
    "==": exp.EQ,
    "!=": exp.NEQ,
    "<": exp.LT,
    "<=": exp.LTE,
    ">": exp.GT,
    ">=": exp.GTE,
}


def _table(name: str, as_: str | None = None) -> exp.Table:
    return exp.Table(this=ident(name), alias=exp.TableAlias(this=ident(as_)) if as_ else None)


def _goal_aggs(gw: GoalWindows) -> list[Aggregate]:
    found = aggregates(gw.goal.measure)
    if gw.goal.min_evidence is not None:
        found += aggregates(gw.goal.min_evidence)
    return found


def _window_table(
    con: duckdb.DuckDBPyConnection, plan: Plan, group: list[tuple[int, GoalWindows]], name: str
) -> None:
    """win(k, lo, hi, op<g>, tv<g>...): each window's bucket range and each goal's target."""
    index = {b: i for i, b in enumerate(plan.boundaries)}
    first = group[0][1]
    columns: dict[str, pa.Array] = {
        "k": pa.array([w.k for w in first.windows], type=pa.int64()),
        "lo": pa.array([index[s] for s in first.starts_us], type=pa.int64()),
        "hi": pa.array([index[e] for e in first.ends_us], type=pa.int64()),
    }
    for gi, gw in group:
        columns[f"op{gi}"] = pa.array([t.op for t in gw.targets], type=pa.string())
        columns[f"tv{gi}"] = pa.array([t.value for t in gw.targets], type=pa.float64())
    register_table(con, name, pa.table(columns))


def _membership(con: duckdb.DuckDBPyConnection, wname: str, name: str) -> None:
    """(k, bucket) for every bucket inside every window: turns the range join into a hash join."""
    rng = exp.Anonymous(this="range", expressions=[col("lo"), col("hi")])
    q = sqlglot.select(col("k"), col(BUCKET)).from_(
        sqlglot.select(col("k"), alias(exp.Anonymous(this="unnest", expressions=[rng]), BUCKET))
        .from_(_table(wname))
        .subquery("m")
    )
    con.execute(
        exp.Create(this=exp.Table(this=ident(name)), kind="TABLE", expression=q).sql(
            dialect="duckdb"
        )
    )


def _window_cols(plan: Plan, aggs: list[Aggregate]) -> list[exp.Expr]:
    seen: set[str] = set()
    out: list[exp.Expr] = []
    for agg in aggs:
        parts = plan.streams[agg.stream].partials.get(agg, [])
        for p in parts:
            if p.name in seen:
                continue
            seen.add(p.name)
            fn = {"sum": exp.Sum, "min": exp.Min, "max": exp.Max}[p.combine]
            out.append(alias(fn(this=col(p.name, "p")), p.name))
    return out


def _agg_value(plan: Plan, agg: Aggregate) -> exp.Expression:
    """The window-level value of one aggregate as DOUBLE (NULL = undefined)."""
    sp = plan.streams[agg.stream]
    zero = cast(lit(0), "DOUBLE")
    if agg in sp.distinct:
        return exp.Coalesce(this=cast(col(sp.distinct[agg]), "DOUBLE"), expressions=[zero])
    parts = sp.partials[agg]
    first = cast(col(parts[0].name), "DOUBLE")
    if agg.func in ("count", "sum"):
        return exp.Coalesce(this=first, expressions=[zero])
    if agg.func == "avg":
        count = exp.Nullif(this=cast(col(parts[1].name), "DOUBLE"), expression=zero.copy())
        return exp.Paren(this=exp.Div(this=first, expression=count))
    return exp.Paren(this=first)


def _status(plan: Plan, gi: int, gw: GoalWindows) -> tuple[exp.Expr, exp.Expr]:
    value = expr_sql(gw.goal.measure, lambda a: _agg_value(plan, a))
    met_checks = [
        (
            exp.EQ(this=col(f"op{gi}"), expression=lit(op)),
            cmp(this=col("value"), expression=col(f"tv{gi}")),
        )
        for op, cmp in _CMP.items()
    ]
    met = case(met_checks)
    whens: list[tuple[exp.Expr, exp.Expr]] = [
        (exp.Is(this=col("value"), expression=exp.null()), lit("insufficient"))
    ]
    if gw.goal.min_evidence is not None:
        evidence = comparison_sql(gw.goal.min_evidence, lambda a: _agg_value(plan, a))
        whens.append(
            (
                exp.Not(this=exp.Coalesce(this=evidence, expressions=[exp.false()])),
                lit("insufficient"),
            )
        )
    whens.append((met, lit("met")))
    return value, case(whens, lit("unmet"))


def assemble(
    con: duckdb.DuckDBPyConnection,
    plan: Plan,
    parts: str,
    parts_all: str,
    distinct_tables: dict[str, str],
    distinct_all: dict[str, str],
) -> None:
    """CREATE TABLE findings(g, a, k, value, status) for every goal (g = goal index)."""
    groups: dict[tuple[object, ...], list[tuple[int, GoalWindows]]] = defaultdict(list)
    for gi, gw in enumerate(plan.goals):
        if gw.windows:
            groups[(gw.goal.per, gw.goal.every, gw.goal.window)].append((gi, gw))
    selects: list[exp.Expr] = []
    for n, group in enumerate(groups.values()):
        wname, mname, bname = f"win{n}", f"wb{n}", f"base{n}"
        _window_table(con, plan, group, wname)
        _membership(con, wname, mname)
        per_all = group[0][1].goal.per == "all"
        aggs = [a for _, gw in group for a in _goal_aggs(gw)]
        base = _base_query(
            plan,
            (mname, wname, _uniform_length(plan, group[0][1])),
            aggs,
            parts_all if per_all else parts,
            per_all,
            distinct_all if per_all else distinct_tables,
        )
        con.execute(
            exp.Create(this=exp.Table(this=ident(bname)), kind="TABLE", expression=base).sql(
                dialect="duckdb"
            )
        )
        for gi, gw in group:
            value, status = _status(plan, gi, gw)
            joined = (
                sqlglot.select(exp.Star())
                .from_(_table(bname))
                .join(_table(wname), using=[ident("k")])
            )
            inner = sqlglot.select(exp.Star(), alias(value, "value")).from_(joined.subquery("b"))
            selects.append(
                sqlglot.select(
                    alias(lit(gi), "g"), col(ACTOR), col("k"), col("value"), alias(status, "status")
                ).from_(inner.subquery("c"))
            )
    if not selects:
        query: exp.Expr = sqlglot.select(
            alias(cast(lit(0), "INTEGER"), "g"),
            alias(cast(exp.null(), "VARCHAR"), ACTOR),
            alias(cast(lit(0), "BIGINT"), "k"),
            alias(cast(exp.null(), "DOUBLE"), "value"),
            alias(cast(exp.null(), "VARCHAR"), "status"),
        ).where(exp.false())
    else:
        query = selects[0]
        for q in selects[1:]:
            query = exp.Union(this=query, expression=q, distinct=False)
    con.execute(
        exp.Create(this=exp.Table(this=ident(FINDINGS)), kind="TABLE", expression=query).sql(
            dialect="duckdb"
        )
    )


def _distinct_counts(
    mname: str, wname: str, length: int | None, table: str, per_all: bool, dname: str
) -> exp.Select:
    if length is not None:
        return sliding_distinct(wname, length, table, per_all, dname)
    dkeys = [col("k", "w")] if per_all else [col("k", "w"), col(ACTOR, "d")]
    dsel = sqlglot.select(
        *dkeys, alias(exp.Count(this=exp.Distinct(expressions=[col(VALUE, "d")])), dname)
    )
    don = exp.EQ(this=col(BUCKET, "d"), expression=col(BUCKET, "w"))
    dsel = dsel.from_(_table(mname, "w")).join(_table(table, "d"), on=don)
    return dsel.group_by(*[k.copy() for k in dkeys])


def _uniform_length(plan: Plan, gw: GoalWindows) -> int | None:
    """The number of buckets every window spans, if it is the same for all of them."""
    index = {b: i for i, b in enumerate(plan.boundaries)}
    lengths = {index[e] - index[s] for s, e in zip(gw.starts_us, gw.ends_us, strict=True)}
    return lengths.pop() if len(lengths) == 1 else None


def _base_query(
    plan: Plan,
    windows: tuple[str, str, int | None],
    aggs: list[Aggregate],
    parts: str,
    per_all: bool,
    distinct_tables: dict[str, str],
) -> exp.Select:
    """Window-level aggregates per (k, actor), or per k for `per: all`.

    `windows` names the membership table (k, bucket) and the window table (k, lo, hi), and
    gives the buckets every window spans when that is uniform (distinct counts then slide).
    """
    mname, wname, length = windows
    keys = [col("k", "w")] if per_all else [col("k", "w"), col(ACTOR, "p")]
    actor = alias(lit("*"), ACTOR) if per_all else alias(col(ACTOR, "p"), ACTOR)
    sel = sqlglot.select(col("k", "w"), actor, *_window_cols(plan, aggs)).from_(_table(mname, "w"))
    on = exp.EQ(this=col(BUCKET, "p"), expression=col(BUCKET, "w"))
    sel = sel.join(_table(parts, "p"), on=on, join_type="LEFT" if per_all else None)
    if not per_all:
        sel = sel.where(exp.Not(this=exp.Is(this=col(ACTOR, "p"), expression=exp.null())))
    sel = sel.group_by(*keys)
    done: set[str] = set()
    for agg in aggs:
        sp = plan.streams[agg.stream]
        if agg not in sp.distinct or sp.distinct[agg] in done:
            continue
        dname = sp.distinct[agg]
        done.add(dname)
        dsel = _distinct_counts(mname, wname, length, distinct_tables[dname], per_all, dname)
        jon: exp.Expr = exp.EQ(this=col("k", "b0"), expression=col("k", dname))
        if not per_all:
            jon = exp.and_(jon, exp.EQ(this=col(ACTOR, "b0"), expression=col(ACTOR, dname)))
        everything = exp.Column(this=exp.Star(), table=ident("b0"))
        outer = sqlglot.select(everything, col(dname, dname)).from_(sel.subquery("b0"))
        sel = outer.join(dsel.subquery(dname), on=jon, join_type="LEFT")
    return sel
