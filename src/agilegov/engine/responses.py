"""Responses: runs of met / unmet findings fire actions (the spec's "Responses").

For each goal and actor, findings are walked in time order; `insufficient`
neither extends nor ends a run. A run is an island of equal statuses among the
non-insufficient findings; a response with `unmet_for: N` fires at the N-th
finding of an unmet run, once per run. Computed in SQL with the classic
gaps-and-islands difference of row numbers.
"""

from __future__ import annotations

import duckdb
import sqlglot
from sqlglot import exp

from agilegov.engine.plan import Plan
from agilegov.rulebook.model import Rulebook
from agilegov.sqlbuild import alias, col, ident, lit


def _rownum(partition: list[str]) -> exp.Expr:
    return exp.Window(
        this=exp.RowNumber(),
        partition_by=[col(c) for c in partition],
        order=exp.Order(expressions=[exp.Ordered(this=col("k"))]),
    )


def fired(
    con: duckdb.DuckDBPyConnection, rulebook: Rulebook, plan: Plan, findings: str
) -> list[tuple[int, str, int, int]]:
    """(goal index, actor, k, response index) of every action, unordered."""
    rows: list[exp.Expr] = []
    for ri, r in enumerate(rulebook.responses):
        for gi, gw in enumerate(plan.goals):
            if r.applies_to(gw.goal.id):
                rows.append(exp.Tuple(expressions=[lit(ri), lit(gi), lit(r.kind), lit(r.count)]))
    if not rows:
        return []
    resp = exp.Values(
        expressions=rows,
        alias=exp.TableAlias(
            this=ident("r"), columns=[ident(n) for n in ("ri", "g", "status", "n")]
        ),
    )
    decided = (
        sqlglot.select("*")
        .from_(exp.Table(this=ident(findings)))
        .where(exp.NEQ(this=col("status"), expression=lit("insufficient")))
    )
    islands = sqlglot.select(
        exp.Star(),
        alias(
            exp.Sub(this=_rownum(["g", "a"]), expression=_rownum(["g", "a", "status"])), "island"
        ),
    ).from_(decided.subquery("d"))
    positioned = sqlglot.select(
        exp.Star(), alias(_rownum(["g", "a", "status", "island"]), "pos")
    ).from_(islands.subquery("i"))
    on = exp.and_(
        exp.EQ(this=col("g", "p"), expression=col("g", "r")),
        exp.EQ(this=col("status", "p"), expression=col("status", "r")),
        exp.EQ(this=col("pos", "p"), expression=col("n", "r")),
    )
    query = (
        sqlglot.select(col("g", "p"), col("a", "p"), col("k", "p"), col("ri", "r"))
        .from_(positioned.subquery("p"))
        .join(resp, on=on)
    )
    result: list[tuple[int, str, int, int]] = con.execute(query.sql(dialect="duckdb")).fetchall()
    return result
