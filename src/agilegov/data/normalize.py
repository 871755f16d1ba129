"""Per-field SQL: parse text or take typed columns, and say what is wrong with a row.

Each field of a source becomes two expressions: its value in the engine's
representation (timestamps as UTC epoch microseconds, int BIGINT, float DOUBLE,
bool BOOLEAN, string VARCHAR) and an error message (NULL when the value is fine).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from sqlglot import exp

from agilegov.data.localtime import wall_to_utc
from agilegov.rulebook.model import FieldSpec
from agilegov.sqlbuild import case, cast, col, func, lit, or_, try_cast

SourceKind = Literal["absent", "text", "int", "float", "bool", "timestamp", "timestamptz", "date"]

_INT = r"[+-]?[0-9]+"
_FLOAT = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?"
_TS_BASE = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?)?"
)
_TS_OFFSET = r"(Z|z|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?)"

_EXPECTED = {
    "int": "an integer",
    "float": "a number",
    "bool": "true or false",
    "timestamp": "an ISO 8601 timestamp such as 2026-04-01T09:30:00+09:00",
    "string": "a string",
}


@dataclass(frozen=True)
class TimeContext:
    """What naive local times need: the zone and the span where offsets must be exact."""

    tz: ZoneInfo
    lo: dt.datetime
    hi: dt.datetime


def _match(raw: exp.Expr, pattern: str) -> exp.Expr:
    return func("regexp_full_match", raw.copy(), lit(pattern))


def _text_value(spec: FieldSpec, raw: exp.Expr, ctx: TimeContext) -> exp.Expr:
    if spec.type == "string":
        return raw
    if spec.type == "int":
        return case([(_match(raw, _INT), try_cast(raw.copy(), "BIGINT"))])
    if spec.type == "float":
        return case([(_match(raw, _FLOAT), try_cast(raw.copy(), "DOUBLE"))])
    if spec.type == "bool":
        low = func("lower", raw.copy())
        return case(
            [
                (exp.EQ(this=low, expression=lit("true")), exp.true()),
                (exp.EQ(this=low.copy(), expression=lit("false")), exp.false()),
            ]
        )
    with_offset = func("epoch_us", try_cast(raw.copy(), "TIMESTAMPTZ"))
    naive = wall_to_utc(func("epoch_us", try_cast(raw.copy(), "TIMESTAMP")), ctx.tz, ctx.lo, ctx.hi)
    return case([(_match(raw, _TS_BASE + _TS_OFFSET), with_offset), (_match(raw, _TS_BASE), naive)])


def field_value(spec: FieldSpec, kind: SourceKind, name: str, ctx: TimeContext) -> exp.Expr:
    """The field's value in the engine's representation (NULL where it cannot be read)."""
    raw = col(name)
    if kind == "absent":
        return cast(exp.null(), _SQL_TYPE[spec.type])
    if kind == "text":
        return _text_value(spec, raw, ctx)
    if kind == "timestamptz":
        return func("epoch_us", raw)
    if kind == "timestamp":
        return wall_to_utc(func("epoch_us", raw), ctx.tz, ctx.lo, ctx.hi)
    if kind == "date":
        return wall_to_utc(func("epoch_us", cast(raw, "TIMESTAMP")), ctx.tz, ctx.lo, ctx.hi)
    return cast(raw, _SQL_TYPE[spec.type])


_SQL_TYPE = {
    "string": "VARCHAR",
    "int": "BIGINT",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
    "timestamp": "BIGINT",
}

# Which typed source columns can hold each declared type (anything else is a file-level error).
COMPATIBLE: dict[str, tuple[SourceKind, ...]] = {
    "string": ("text",),
    "int": ("int", "text"),
    "float": ("int", "float", "text"),
    "bool": ("bool", "text"),
    "timestamp": ("timestamp", "timestamptz", "date", "text"),
}


def _message(name: str, text: str, raw: exp.Expr | None = None) -> exp.Expr:
    head = lit(f"{name}\x1f{text}")
    if raw is None:
        return head
    return exp.DPipe(
        this=exp.DPipe(this=head, expression=lit(", got ")),
        expression=func("coalesce", cast(raw, "VARCHAR"), lit("null")),
        safe=True,
    )


def field_error(
    spec: FieldSpec, kind: SourceKind, name: str, value: exp.Expr, proven: bool = False
) -> exp.Expr | None:
    """A message for the first thing wrong with this field in a row, or None if nothing can be.

    `proven`: Parquet statistics already proved `required`, `min` and `max` for every
    row, so only what statistics cannot show (a non-finite float) is checked per row.
    """
    if proven:
        spec = FieldSpec(spec.name, spec.type, values=spec.values)
    raw = col(name)
    whens: list[tuple[exp.Expr, exp.Expr]] = []
    if kind == "text" and spec.type != "string":
        bad = exp.and_(
            exp.Not(this=exp.Is(this=raw.copy(), expression=exp.null())),
            exp.Is(this=value.copy(), expression=exp.null()),
        )
        whens.append((bad, _message(name, f"expected {_EXPECTED[spec.type]}", _quoted(raw))))
    if spec.required:
        whens.append(
            (
                exp.Is(this=value.copy(), expression=exp.null()),
                _message(name, "a value is required here (the field is required)"),
            )
        )
    if spec.min is not None:
        whens.append(
            (
                exp.LT(this=value.copy(), expression=lit(spec.min)),
                _message(name, f"expected a value >= {_num(spec.min)}", value.copy()),
            )
        )
    if spec.max is not None:
        whens.append(
            (
                exp.GT(this=value.copy(), expression=lit(spec.max)),
                _message(name, f"expected a value <= {_num(spec.max)}", value.copy()),
            )
        )
    if spec.values is not None:
        allowed = ", ".join(
            _num(v) if isinstance(v, int | float) and not isinstance(v, bool) else repr(v)
            for v in spec.values
        )
        outside = exp.Not(this=exp.In(this=value.copy(), expressions=[lit(v) for v in spec.values]))
        whens.append((outside, _message(name, f"expected one of {allowed}", _quoted(value.copy()))))
    if spec.type == "float" and kind in ("text", "float"):
        finite = func("isfinite", value.copy())
        whens.append((exp.Not(this=finite), _message(name, "expected a finite number", raw.copy())))
    if not whens:
        return None
    return case(whens)


def _quoted(e: exp.Expr) -> exp.Expr:
    return exp.DPipe(
        this=exp.DPipe(this=lit("'"), expression=cast(e, "VARCHAR"), safe=True),
        expression=lit("'"),
        safe=True,
    )


def _num(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def row_error(parts: list[exp.Expr], pre_error: exp.Expr | None) -> exp.Expr:
    """The first error of a row over its fields (in declaration order), or NULL."""
    items = ([pre_error] if pre_error is not None else []) + parts
    if not items:
        return cast(exp.null(), "VARCHAR")
    return func("coalesce", *items) if len(items) > 1 else items[0]


def any_error(parts: list[exp.Expr]) -> exp.Expr:
    return or_(*[exp.Not(this=exp.Is(this=p.copy(), expression=exp.null())) for p in parts])
