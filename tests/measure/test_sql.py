"""SQL compilation, run in DuckDB on small tables, and its PostgreSQL form."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import duckdb
import pytest
from sqlglot import exp

from agilegov.measure.ast import Aggregate, Compare, Literal_
from agilegov.measure.parser import parse_comparison, parse_condition, parse_measure
from agilegov.measure.sql import (
    aggregate_sql,
    comparison_sql,
    condition_sql,
    expr_sql,
    literal_sql,
    value_sql,
)
from agilegov.rulebook.durations import Duration
from agilegov.rulebook.model import FieldSpec, Stream

H = 3_600_000_000  # one hour in microseconds

STREAM = Stream("ev", time="t", actor="who", fields={
    "id": FieldSpec("id", "int"),
    "who": FieldSpec("who", "string"),
    "t": FieldSpec("t", "timestamp"),
    "t2": FieldSpec("t2", "timestamp"),
    "n": FieldSpec("n", "int"),
    "x": FieldSpec("x", "float"),
    "s": FieldSpec("s", "string"),
    "b": FieldSpec("b", "bool"),
})
ROWS: list[tuple[Any, ...]] = [
    # id, who, t, t2, n, x, s, b
    (1, "a", 0, 25 * H, 2, 0.5, "O'Brien", True),
    (2, "a", 0, 24 * H, 0, 2.0, "abc", False),
    (3, "b", 0, None, None, None, None, None),
    (4, "b", 10 * H, 11 * H, -3, 1.5, "", True),
    (5, "c", 0, 7 * 24 * H, 5, 5.0, "é", False),
]


def col(name: str) -> exp.Expression:
    return exp.column(name, quoted=True)


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    connection.execute(
        "CREATE TABLE ev (id BIGINT, who VARCHAR, t BIGINT, t2 BIGINT, n BIGINT, x DOUBLE, "
        "s VARCHAR, b BOOLEAN)"
    )
    connection.executemany("INSERT INTO ev VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ROWS)
    yield connection
    connection.close()


def truth(con: duckdb.DuckDBPyConnection, text: str) -> list[bool | None]:
    """The condition's value on each row, in id order (None: unknown)."""
    cond = condition_sql(parse_condition(text), STREAM, col)
    query = exp.select(cond).from_("ev").order_by("id")
    return [row[0] for row in con.execute(query.sql(dialect="duckdb")).fetchall()]


def matching(con: duckdb.DuckDBPyConnection, text: str) -> list[int]:
    cond = condition_sql(parse_condition(text), STREAM, col)
    query = exp.select(col("id")).from_("ev").where(cond).order_by("id")
    return [row[0] for row in con.execute(query.sql(dialect="duckdb")).fetchall()]


@pytest.mark.parametrize(("text", "expected"), [
    ("n > 0", [True, False, None, False, True]),
    ("not n > 0", [False, True, None, True, False]),
    ("n > 0 and b", [True, False, None, False, False]),
    ("n > 0 or b", [True, False, None, True, True]),
    ("n is null or b", [True, False, True, True, False]),
    ("false and n > 0", [False, False, False, False, False]),
    ("true or n > 0", [True, True, True, True, True]),
    ("x is not null", [True, True, False, True, True]),
    ("n in (2, 5)", [True, False, None, False, True]),
    ("n not in (2, 5)", [False, True, None, True, False]),
    ("n not in (-3)", [True, True, None, False, True]),
    ("n between 0 and 2", [True, True, None, False, False]),
    ("n not between 0 and 2", [False, False, None, True, True]),
    ("x between n and 2", [False, True, None, True, False]),
    ("b", [True, False, None, True, False]),
    ("b = false", [False, True, None, False, True]),
    ("b != true", [False, True, None, False, True]),
    ("n / 0 > 0", [None, None, None, None, None]),
    ("n / 0 is null", [True, True, True, True, True]),
    ("x / n > 0.3", [False, None, None, False, True]),
    ("n / 4 = 0.5", [True, False, None, False, False]),
    ("n + x = 2.5", [True, False, None, False, False]),
    ("n = 2.0", [True, False, None, False, False]),
    ("-n = 3", [False, False, None, True, False]),
])
def test_three_valued_logic_and_arithmetic(
    con: duckdb.DuckDBPyConnection, text: str, expected: list[bool | None]
) -> None:
    assert truth(con, text) == expected


@pytest.mark.parametrize(("text", "ids"), [
    ("t2 - t > 24h", [1, 5]),
    ("t2 - t >= 24h", [1, 2, 5]),
    ("t2 - t >= 1d", [1, 2, 5]),
    ("t2 - t = 1w", [5]),
    ("t2 - t between 1h and 24h", [2, 4]),
    ("t2 - t not between 1h and 24h", [1, 5]),
    ("t + 30m < t2 - 30m", [1, 2, 5]),
    ("30m + t > t2 - 90m", [4]),
    ("t2 > t", [1, 2, 4, 5]),
    ("t2 - t > 2 * 12h and (t2 - t) / 2 < 1d", [1]),
    ("(t2 - t) / 1h = 25", [1]),
    ("-(t2 - t) < -24h", [1, 5]),
    ("t2 - t > 60s * 60 * 24", [1, 5]),
])
def test_timestamps_and_durations(
    con: duckdb.DuckDBPyConnection, text: str, ids: list[int]
) -> None:
    assert matching(con, text) == ids


@pytest.mark.parametrize(("text", "ids"), [
    ("s = 'O''Brien'", [1]),
    ("s in ('abc', '')", [2, 4]),
    ("s < 'a'", [1, 4]),
    ("s > 'z'", [5]),
    ("s between 'a' and 'b'", [2]),
    ("s != 'x''); DROP TABLE ev; --'", [1, 2, 4, 5]),
])
def test_strings_are_literals_compared_by_code_point(
    con: duckdb.DuckDBPyConnection, text: str, ids: list[int]
) -> None:
    assert matching(con, text) == ids
    assert con.execute("SELECT count(*) FROM ev").fetchone() == (5,)


def measure_value(con: duckdb.DuckDBPyConnection, text: str, where: str = "TRUE") -> Any:
    measure = expr_sql(parse_measure(text), lambda a: aggregate_sql(a, STREAM, col))
    query = exp.select(measure).from_("ev").where(exp.condition(where))
    return con.execute(query.sql(dialect="duckdb")).fetchone()[0]  # type: ignore[index]


@pytest.mark.parametrize(("text", "value"), [
    ("count(ev)", 5.0),
    ("count(ev.n)", 4.0),
    ("count_distinct(ev.who)", 3.0),
    ("count_distinct(ev.b)", 2.0),
    ("sum(ev.n)", 4.0),
    ("avg(ev.n)", 1.0),
    ("min(ev.x) + max(ev.x)", 5.5),
    ("count(ev where b)", 2.0),
    ("sum(ev.x where n > 0)", 5.5),
    ("100000 * count(ev where n >= 2) / sum(ev.x)", 100000 * 2 / 9),
    ("count(ev) / 2", 2.5),
    ("-count(ev) - -1", -4.0),
    ("sum(ev.n where n > 100)", 0.0),
    ("count(ev where n > 100)", 0.0),
    ("avg(ev.n where n > 100)", None),
    ("min(ev.x where n > 100)", None),
    ("max(ev.n where n > 100) + 1", None),
    ("count(ev) / count(ev where n > 100)", None),
    ("count(ev) / (count(ev) - 5)", None),
    ("0.1 + 0.2", 0.1 + 0.2),
])
def test_measures_over_a_group(con: duckdb.DuckDBPyConnection, text: str, value: Any) -> None:
    assert measure_value(con, text) == value


def test_aggregates_over_no_rows(con: duckdb.DuckDBPyConnection) -> None:
    assert measure_value(con, "count(ev) + count_distinct(ev.s) + sum(ev.x)", "FALSE") == 0.0
    assert measure_value(con, "avg(ev.x)", "FALSE") is None


def test_measure_results_are_doubles(con: duckdb.DuckDBPyConnection) -> None:
    measure = expr_sql(parse_measure("sum(ev.n) + 1"), lambda a: aggregate_sql(a, STREAM, col))
    query = exp.select(exp.func("typeof", measure)).from_("ev")
    assert con.execute(query.sql(dialect="duckdb")).fetchone() == ("DOUBLE",)


@pytest.mark.parametrize(("text", "holds"), [
    ("count(ev) >= 5", True),
    ("count(ev) > 5", False),
    ("sum(ev.x) == 9", True),
    ("avg(ev.x where n > 100) >= 0", None),
])
def test_comparisons(con: duckdb.DuckDBPyConnection, text: str, holds: bool | None) -> None:
    cmp = comparison_sql(parse_comparison(text), lambda a: aggregate_sql(a, STREAM, col))
    query = exp.select(cmp).from_("ev")
    assert con.execute(query.sql(dialect="duckdb")).fetchone() == (holds,)


def test_aggregate_callback_receives_each_aggregate() -> None:
    seen: list[Aggregate] = []

    def aggregate(agg: Aggregate) -> exp.Expression:
        seen.append(agg)
        return exp.column(f"a{len(seen)}")

    node = expr_sql(parse_measure("count(ev) / sum(ev.x where b)"), aggregate)
    assert [a.func for a in seen] == ["count", "sum"]
    assert node.sql(dialect="duckdb") == "(CAST(a1 AS DOUBLE) / NULLIF(a2, 0))"


@pytest.mark.parametrize(("value", "sql"), [
    (Literal_(3), "CAST(3 AS BIGINT)"),
    (Literal_(-3), "(-CAST(3 AS BIGINT))"),
    (Literal_(2.5), "CAST(2.5 AS DOUBLE)"),
    (Literal_(True), "TRUE"),
    (Literal_("it's"), "'it''s'"),
    (Literal_(Duration(2, "d")), f"CAST({2 * 24 * H} AS BIGINT)"),
    (Literal_(Duration(1, "w")), f"CAST({7 * 24 * H} AS BIGINT)"),
    (Literal_(Duration(90, "s")), "CAST(90000000 AS BIGINT)"),
])
def test_literals(value: Literal_, sql: str) -> None:
    assert literal_sql(value).sql(dialect="duckdb") == sql


def test_value_sql_uses_the_column_callback() -> None:
    cond = parse_condition("a + 1 > 0")
    assert isinstance(cond, Compare)
    node = value_sql(cond.left, STREAM, lambda name: exp.column(name, table="e", quoted=True))
    assert node.sql(dialect="duckdb") == '("e"."a" + CAST(1 AS BIGINT))'


def test_postgres_form_keeps_grouping_division_and_quoting() -> None:
    cond = condition_sql(
        parse_condition("(n + 1) / (x - 2) > 0.5 and s not in ('O''Brien') or not b"),
        STREAM, col,
    )
    assert exp.select(cond).from_("ev").sql(dialect="postgres") == (
        'SELECT ((((CAST(("n" + CAST(1 AS BIGINT)) AS DOUBLE PRECISION)'
        ' / NULLIF(("x" - CAST(2 AS BIGINT)), 0)) > CAST(0.5 AS DOUBLE PRECISION))'
        " AND (NOT (\"s\" IN ('O''Brien')))) OR (NOT \"b\")) FROM ev"
    )


def test_postgres_form_of_a_measure() -> None:
    measure = expr_sql(
        parse_measure("100000 * count(ev where n >= 2) / sum(ev.x)"),
        lambda a: aggregate_sql(a, STREAM, col),
    )
    text = measure.sql(dialect="postgres")
    assert 'COUNT(*) FILTER(WHERE ("n" >= CAST(2 AS BIGINT)))' in text
    assert "NULLIF(COALESCE(CAST(SUM(\"x\") AS DOUBLE PRECISION)" in text
    assert "CAST(100000.0 AS DOUBLE PRECISION)" in text
