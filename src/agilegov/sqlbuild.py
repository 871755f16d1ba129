"""Small builders for SQLGlot expressions: every identifier quoted, every value a literal."""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp


def col(name: str, table: str | None = None) -> exp.Column:
    return exp.column(name, table=table, quoted=True)


def ident(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def lit(value: object) -> exp.Expr:
    if value is None:
        return exp.null()
    if isinstance(value, bool):
        return exp.true() if value else exp.false()
    if isinstance(value, int | float):
        if isinstance(value, float) and value != value:
            raise ValueError("NaN has no SQL literal")
        node: exp.Expr = exp.Literal.number(
            repr(value) if isinstance(value, float) else value
        )
        return exp.Neg(this=exp.Literal.number(-value)) if value < 0 else node
    return exp.Literal.string(str(value))


def func(name: str, *args: exp.Expr) -> exp.Expr:
    return exp.Anonymous(this=name, expressions=list(args))


def cast(e: exp.Expr, to: str) -> exp.Expr:
    return exp.Cast(this=e, to=exp.DataType.build(to))


def try_cast(e: exp.Expr, to: str) -> exp.Expr:
    return exp.TryCast(this=e, to=exp.DataType.build(to))


def alias(e: exp.Expr, name: str) -> exp.Expr:
    return exp.alias_(e, ident(name))


def and_(*items: exp.Expr) -> exp.Expr:
    return exp.and_(*items) if len(items) > 1 else items[0]


def or_(*items: exp.Expr) -> exp.Expr:
    return exp.or_(*items) if len(items) > 1 else items[0]


def case(
    whens: Sequence[tuple[exp.Expr, exp.Expr]], default: exp.Expr | None = None
) -> exp.Expr:
    node = exp.Case()
    for cond, value in whens:
        node = node.when(cond, value)
    if default is not None:
        node = node.else_(default)
    return node
