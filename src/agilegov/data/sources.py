"""Register a stream's files in DuckDB as one normalised, validated view.

The view has one column per declared field (engine representation), plus
`agilegov:file` (path), `agilegov:row` (data row, or line for JSONL) and
`agilegov:error` (`field<US>message` or NULL). Parquet is scanned by DuckDB in
place, never loaded into Python; CSV is read by PyArrow as text; JSONL by orjson.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import sqlglot
from sqlglot import exp

from agilegov.data.files import stream_files
from agilegov.data.jsonl import FILE, PRE_ERROR, ROW, read_jsonl
from agilegov.data.normalize import (
    COMPATIBLE,
    SourceKind,
    TimeContext,
    field_error,
    field_value,
    row_error,
)
from agilegov.errors import DataError, Problem
from agilegov.rulebook.model import FieldSpec, Stream
from agilegov.sqlbuild import alias, cast, col, ident, lit

ERROR = "agilegov:error"


def checks_rows(source: Source, stream: Stream) -> bool:
    """Whether any row of this source can carry an error."""
    if source.fmt != "parquet":
        return True
    return any(
        field_error(spec, source.kinds[n], n, col(n), proven=n in source.proven) is not None
        for n, spec in stream.fields.items()
    )


@dataclass(frozen=True)
class Source:
    view: str  # a registered relation or view name
    files: tuple[Path, ...]
    fmt: str  # csv | jsonl | parquet
    kinds: dict[str, SourceKind]
    proven: frozenset[str] = frozenset()  # fields whose checks Parquet statistics already prove


def _parquet_kind(t: pa.DataType) -> SourceKind | None:
    if pa.types.is_integer(t):
        return "int"
    if pa.types.is_floating(t) or pa.types.is_decimal(t):
        return "float"
    if pa.types.is_boolean(t):
        return "bool"
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return "text"
    if pa.types.is_timestamp(t):
        return "timestamptz" if t.tz is not None else "timestamp"
    if pa.types.is_date(t):
        return "date"
    return None


def _parquet_kinds(path: Path, stream: Stream) -> dict[str, SourceKind]:
    try:
        schema = pq.read_schema(path)
    except (OSError, pa.ArrowInvalid) as exc:
        raise DataError([Problem(f"cannot read this Parquet file: {exc}", file=str(path))]) from exc
    kinds: dict[str, SourceKind] = {}
    for name, spec in stream.fields.items():
        idx = schema.get_field_index(name)
        if idx < 0:
            kinds[name] = "absent"
            continue
        kind = _parquet_kind(schema.field(idx).type)
        if kind is None or kind not in COMPATIBLE[spec.type]:
            raise DataError(
                [
                    Problem(
                        f"expected a column of type {spec.type}, "
                        f"found Parquet type {schema.field(idx).type}",
                        file=str(path),
                        field=name,
                    )
                ]
            )
        kinds[name] = kind
    return kinds


def _stats_prove(paths: list[Path], stream: Stream, kinds: dict[str, SourceKind]) -> frozenset[str]:
    """Fields whose `required`, `min` and `max` checks every row group's statistics prove.

    A proven field needs no per-row check; anything unproven (no statistics,
    a `values` list, text columns) is checked row by row as usual.
    """
    proven: set[str] = set()
    metas = [pq.ParquetFile(p).metadata for p in paths]
    for name, spec in stream.fields.items():
        kind = kinds[name]
        parsed_text = kind == "text" and spec.type != "string"
        if kind == "absent" or parsed_text or spec.values is not None:
            if kind == "absent" and not spec.required:
                proven.add(name)
            continue
        if all(_group_ok(meta, name, spec) for meta in metas):
            proven.add(name)
    return frozenset(proven)


def _group_ok(meta: pq.FileMetaData, name: str, spec: FieldSpec) -> bool:
    index = meta.schema.names.index(name) if name in meta.schema.names else -1
    if index < 0:
        return False
    for g in range(meta.num_row_groups):
        column = meta.row_group(g).column(index)
        stats = column.statistics
        if meta.row_group(g).num_rows == 0:
            continue
        if stats is None:
            return False
        if spec.required and (not stats.has_null_count or stats.null_count != 0):
            return False
        if spec.min is not None or spec.max is not None:
            if not stats.has_min_max:
                return False
            low, high = stats.min, stats.max
            if not isinstance(low, int | float) or not isinstance(high, int | float):
                return False
            if low != low or high != high:  # NaN bounds prove nothing
                return False
            if spec.min is not None and low < spec.min:
                return False
            if spec.max is not None and high > spec.max:
                return False
    return True


def _read_csv(path: Path, stream: Stream) -> pa.Table:
    try:
        first = pacsv.open_csv(path)
        present = [n for n in first.schema.names if n in stream.fields]
        first.close()
        table = pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in present},
                include_columns=present,
                strings_can_be_null=True,
                null_values=[""],
                quoted_strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise DataError([Problem(f"cannot read this CSV file: {exc}", file=str(path))]) from exc
    n = table.num_rows
    table = table.append_column(ROW, pa.array(range(1, n + 1), type=pa.int64()))
    return table.append_column(FILE, pa.array([str(path)] * n, type=pa.string()))


def _empty_csv(path: Path) -> bool:
    return path.stat().st_size == 0


def collect(
    con: duckdb.DuckDBPyConnection, stream: Stream, data_dir: Path, prefix: str
) -> list[Source]:
    """Register every file of a stream; Parquet files with the same columns share one scan."""
    sources: list[Source] = []
    parquet_groups: dict[tuple[tuple[str, SourceKind], ...], list[Path]] = {}
    for i, (path, fmt) in enumerate(stream_files(data_dir, stream.name)):
        name = f"{prefix}_{i}"
        if fmt == "parquet":
            kinds = _parquet_kinds(path, stream)
            parquet_groups.setdefault(tuple(sorted(kinds.items())), []).append(path)
            continue
        if fmt == "csv":
            if _empty_csv(path):
                continue
            table = _read_csv(path, stream)
            kinds = {n: ("text" if n in table.column_names else "absent") for n in stream.fields}
        else:
            table = read_jsonl(path, stream)
            kinds = {
                n: ("text" if s.type in ("string", "timestamp") else s.type)  # type: ignore[misc]
                for n, s in stream.fields.items()
            }
        con.register(name, table)
        sources.append(Source(name, (path,), fmt, kinds))
    for j, (key, paths) in enumerate(parquet_groups.items()):
        name = f"{prefix}_pq{j}"
        rel = con.read_parquet(
            [str(p) for p in paths], filename=True, file_row_number=True, union_by_name=True
        )
        rel.create_view(name)
        kinds = dict(key)
        sources.append(
            Source(name, tuple(paths), "parquet", kinds, _stats_prove(paths, stream, kinds))
        )
    return sources


RAW = "agilegov:raw"


def normalized(
    source: Source, stream: Stream, ctx: TimeContext, with_raw: bool = False
) -> exp.Select:
    """SELECT typed fields, file, row and the row's first error from one source.

    With `with_raw`, also the row's declared fields as read (text), for quarantine.
    """
    values: list[exp.Expr] = []
    errors: list[exp.Expr] = []
    for name, spec in stream.fields.items():
        kind = source.kinds[name]
        value = field_value(spec, kind, name, ctx)
        values.append(alias(value, name))
        err = field_error(spec, kind, name, value, proven=name in source.proven)
        if err is not None:
            errors.append(err)
    if source.fmt == "parquet":
        file_e: exp.Expr = col("filename")
        row_e: exp.Expr = exp.Add(this=col("file_row_number"), expression=lit(1))
        pre = None
    else:
        file_e, row_e = col(FILE), col(ROW)
        pre = col(PRE_ERROR) if source.fmt == "jsonl" else None
    if with_raw:
        raw = [
            exp.PropertyEQ(this=ident(n), expression=cast(col(n), "VARCHAR"))
            for n, k in source.kinds.items()
            if k != "absent"
        ]
        values.append(alias(exp.Struct(expressions=raw) if raw else exp.null(), RAW))
    return sqlglot.select(
        *values, alias(file_e, FILE), alias(row_e, ROW), alias(row_error(errors, pre), ERROR)
    ).from_(exp.Table(this=exp.to_identifier(source.view, quoted=True)))
