"""Small builders for SQLGlot expressions: every identifier quoted, every value a literal."""

from __future__ import annotations

from sqlglot import exp


def col(name: str, table: str | None = None) -> exp.Column:
    return exp.column(name, table=table, quoted=True)


def ident(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def lit(value: object) -> exp.Expression:
    if value is None:
        return exp.null()
    if isinstance(value, bool):
        return exp.true() if value else exp.false()
    if isinstance(value, int | float):
        if isinstance(value, float) and value != value:
            raise ValueError("NaN has no SQL literal")
        node: exp.Expression = exp.Literal.number(repr(value) if isinstance(value, float) else value)
        return exp.Neg(this=exp.Literal.number(-value)) if value < 0 else node
    return exp.Literal.string(str(value))


def func(name: str, *args: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this=name, expressions=list(args))


def cast(e: exp.Expression, to: str) -> exp.Expression:
    return exp.Cast(this=e, to=exp.DataType.build(to))


def try_cast(e: exp.Expression, to: str) -> exp.Expression:
    return exp.TryCast(this=e, to=exp.DataType.build(to))


def alias(e: exp.Expression, name: str) -> exp.Alias:
    return exp.alias_(e, ident(name))


def and_(*items: exp.Expression) -> exp.Expression:
    return exp.and_(*items) if len(items) > 1 else items[0]


def or_(*items: exp.Expression) -> exp.Expression:
    return exp.or_(*items) if len(items) > 1 else items[0]


def case(whens: list[tuple[exp.Expression, exp.Expression]], default: exp.Expression | None = None) -> exp.Expression:
    node = exp.Case()
    for cond, value in whens:
        node = node.when(cond, value)
    if default is not None:
        node = node.else_(default)
    return node
