"""The event store: every accepted event, durable and idempotent, in one DuckDB file.

One table per (domain, stream), `"d_<domain>"."<stream>"`, with the declared fields in
the engine's representation (timestamps BIGINT epoch microseconds UTC; personal
fields VARCHAR pseudonyms), plus `agilegov_batch` and `agilegov_seq` (global
insertion order). A stream with a `key` has a UNIQUE index on it. The batch log is
`agilegov.batches`.

Idempotency: within a batch the first item with a key wins; an item whose key is
already stored is a duplicate and not stored again; a null key is never merged.
Durability: each batch is one transaction, and DuckDB writes and `fdatasync`s its
write-ahead log at commit, so when `append` returns the batch survives a crash of
the process (checked by tests that SIGKILL a writer and reopen the file).

One process writes this file (the server). Every use of `connection` holds `lock`.
Nothing from a request is spliced into SQL: identifiers are quoted by SQLGlot and
values are bound parameters or a registered Arrow table.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlglot import exp

from agilegov.errors import Conflict
from agilegov.rulebook.model import FieldSpec, Stream
from agilegov.sqlbuild import ident

BATCH = "agilegov_batch"
SEQ = "agilegov_seq"
_INCOMING = "agilegov_incoming"
_SQL_TYPES = {"string": "VARCHAR", "int": "BIGINT", "float": "DOUBLE", "bool": "BOOLEAN",
              "timestamp": "BIGINT"}
_ARROW_TYPES = {"VARCHAR": pa.string(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(),
                "BOOLEAN": pa.bool_()}
_TS_UTC = pa.timestamp("us", tz="UTC")


@dataclass(frozen=True)
class AppendResult:
    accepted: int
    duplicates: int
    batch_id: int
    sha256: str
    accepted_table: pa.Table  # stored columns of the rows inserted, in item order


def sql_type(spec: FieldSpec) -> str:
    """How a field is stored: personal fields hold pseudonym strings."""
    return "VARCHAR" if spec.personal else _SQL_TYPES[spec.type]


def schema_name(domain: str) -> str:
    return f"d_{domain}"


def table_of(domain: str, stream: str) -> exp.Table:
    """The quoted table of a stream, for building queries with SQLGlot."""
    return exp.Table(this=ident(stream), db=ident(schema_name(domain)))


def table_sql(domain: str, stream: str) -> str:
    return table_of(domain, stream).sql("duckdb")


def _q(name: str) -> str:
    return ident(name).sql("duckdb")


def canonical_sha256(table: pa.Table, names: list[str]) -> str:
    """SHA-256 of the rows as JSON lines (`{field: value}` with sorted keys, each + LF)."""
    digest = hashlib.sha256()
    columns = [table.column(n).to_pylist() for n in names]
    for values in zip(*columns, strict=True):
        digest.update(orjson.dumps(dict(zip(names, values, strict=True)),
                                   option=orjson.OPT_SORT_KEYS))
        digest.update(b"\n")
    return digest.hexdigest()


class EventStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.lock = threading.RLock()
        self._con = duckdb.connect(str(self.path))
        self._ready: set[tuple[str, str, tuple[tuple[str, str], ...], str | None]] = set()
        with self.lock:
            self._con.execute("CREATE SCHEMA IF NOT EXISTS agilegov")
            self._con.execute(
                "CREATE TABLE IF NOT EXISTS agilegov.batches (batch_id BIGINT PRIMARY KEY, "
                "domain VARCHAR NOT NULL, stream VARCHAR NOT NULL, first_seq BIGINT NOT NULL, "
                "accepted BIGINT NOT NULL, duplicates BIGINT NOT NULL, sha256 VARCHAR NOT NULL, "
                "stored_at_us BIGINT NOT NULL)"
            )
            row = self._con.execute(
                "SELECT coalesce(max(batch_id), 0), coalesce(max(first_seq + accepted), 0) "
                "FROM agilegov.batches"
            ).fetchone()
            assert row is not None
            self._last_batch, self._next_seq = int(row[0]), int(row[1])

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        return self._con

    def close(self) -> None:
        with self.lock:
            self._con.close()

    # -- tables ---------------------------------------------------------------------------

    def _existing_columns(self, domain: str, stream: str) -> dict[str, str] | None:
        rows = self._con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() "
            "WHERE database_name = current_database() AND schema_name = ? AND table_name = ?",
            [schema_name(domain), stream],
        ).fetchall()
        return {str(name): str(kind) for name, kind in rows} if rows else None

    def ensure_stream(self, domain: str, stream: Stream) -> None:
        """Create (or extend with newly declared fields) the stream's table and key index."""
        columns = tuple((n, sql_type(s)) for n, s in stream.fields.items())
        signature = (domain, stream.name, columns, stream.key)
        with self.lock:
            if signature in self._ready:
                return
            table = table_sql(domain, stream.name)
            self._con.execute(f"CREATE SCHEMA IF NOT EXISTS {_q(schema_name(domain))}")
            existing = self._existing_columns(domain, stream.name)
            if existing is None:
                body = ", ".join(f"{_q(n)} {t}" for n, t in columns)
                self._con.execute(
                    f"CREATE TABLE {table} ({body}, {_q(BATCH)} BIGINT NOT NULL, "
                    f"{_q(SEQ)} BIGINT NOT NULL)"
                )
            else:
                for name, kind in columns:
                    if name not in existing:
                        self._con.execute(f"ALTER TABLE {table} ADD COLUMN {_q(name)} {kind}")
                    elif existing[name] != kind:
                        raise Conflict(
                            f"stream '{stream.name}' of '{domain}' stores field '{name}' as "
                            f"{existing[name]}, but the rulebook now declares {kind}: a changed "
                            f"field type needs a new field name"
                        )
            if stream.key is not None:
                index = _q(f"{stream.name}__key__{stream.key}")
                try:
                    self._con.execute(
                        f"CREATE UNIQUE INDEX IF NOT EXISTS {index} ON {table} ({_q(stream.key)})"
                    )
                except duckdb.ConstraintException as exc:
                    raise Conflict(
                        f"stream '{stream.name}' of '{domain}' already holds repeated values of "
                        f"'{stream.key}', so it cannot become the key: {exc}"
                    ) from exc
            self._ready.add(signature)

    # -- writing --------------------------------------------------------------------------

    def _conform(self, stream: Stream, table: pa.Table) -> pa.Table:
        """The declared columns in declaration order, in their stored types (absent: null)."""
        arrays = []
        for name, spec in stream.fields.items():
            kind = _ARROW_TYPES[sql_type(spec)]
            if name in table.column_names:
                arrays.append(table.column(name).cast(kind))
            else:
                arrays.append(pa.nulls(table.num_rows, kind))
        return pa.table(arrays, names=list(stream.fields))

    def _first_of_each_key(self, key: pa.ChunkedArray) -> tuple[list[int], int]:
        seen: set[Any] = set()
        keep: list[int] = []
        for i, value in enumerate(key.to_pylist()):
            if value is None:
                keep.append(i)
            elif value not in seen:
                seen.add(value)
                keep.append(i)
        return keep, len(key) - len(keep)

    def append(self, domain: str, stream: Stream, table: pa.Table) -> AppendResult:
        """Store the events not stored before, as one durable transaction.

        Keys already stored are found through the stream's unique index (`ON CONFLICT
        DO NOTHING ... RETURNING`), so the cost of a batch does not grow with history.
        """
        names = list(stream.fields)
        rows = self._conform(stream, table)
        with self.lock:
            self.ensure_stream(domain, stream)
            duplicates = 0
            if stream.key is not None and rows.num_rows:
                keep, duplicates = self._first_of_each_key(rows.column(stream.key))
                if duplicates:
                    rows = rows.take(pa.array(keep, type=pa.int64()))
            batch_id, first_seq = self._last_batch + 1, self._next_seq
            rows = rows.append_column(BATCH, pa.array([batch_id] * rows.num_rows, pa.int64()))
            rows = rows.append_column(
                SEQ, pa.array(range(first_seq, first_seq + rows.num_rows), pa.int64())
            )
            offered = rows.num_rows
            rows, sha = self._insert(domain, stream, rows, batch_id, first_seq, names, duplicates)
            duplicates += offered - rows.num_rows
            self._last_batch, self._next_seq = batch_id, first_seq + offered
        return AppendResult(rows.num_rows, duplicates, batch_id, sha, rows)

    def _insert(self, domain: str, stream: Stream, rows: pa.Table, batch_id: int,
                first_seq: int, names: list[str], duplicates: int) -> tuple[pa.Table, str]:
        """Insert in one transaction; returns the rows actually stored (new keys only) and
        their hash."""
        columns = ", ".join(_q(n) for n in rows.column_names)
        self._con.execute("BEGIN TRANSACTION")
        try:
            stored = rows
            if rows.num_rows:
                self._con.register(_INCOMING, rows)
                target = f"INSERT INTO {table_sql(domain, stream.name)} ({columns}) "
                if stream.key is None:
                    self._con.execute(f"{target}SELECT {columns} FROM {_q(_INCOMING)}")
                else:
                    # DuckDB treats NULLs as conflicting inside one ON CONFLICT insert, so rows
                    # without a key (never merged) go in separately.
                    key = _q(stream.key)
                    self._con.execute(
                        f"{target}SELECT {columns} FROM {_q(_INCOMING)} WHERE {key} IS NULL"
                    )
                    returned = self._con.execute(
                        f"{target}SELECT {columns} FROM {_q(_INCOMING)} WHERE {key} IS NOT NULL "
                        f"ON CONFLICT DO NOTHING RETURNING {_q(SEQ)}"
                    ).fetchall()
                    offered = rows.num_rows - rows.column(stream.key).null_count
                    if len(returned) != offered:
                        kept = pa.array([r[0] for r in returned], pa.int64())
                        new = pc.or_(pc.is_null(rows.column(stream.key)),
                                     pc.is_in(rows.column(SEQ), value_set=kept))
                        stored = rows.filter(new)
            sha = canonical_sha256(stored, names)
            dupes = duplicates + rows.num_rows - stored.num_rows
            self._con.execute(
                "INSERT INTO agilegov.batches VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [batch_id, domain, stream.name, first_seq, stored.num_rows, dupes, sha,
                 time.time_ns() // 1000],
            )
            self._con.execute("COMMIT")
        except BaseException:
            self._con.execute("ROLLBACK")
            raise
        finally:
            if rows.num_rows:
                self._con.unregister(_INCOMING)
        return stored, sha

    # -- reading --------------------------------------------------------------------------

    def _select(self, domain: str, stream: Stream) -> str | None:
        if self._existing_columns(domain, stream.name) is None:
            return None
        columns = ", ".join(_q(n) for n in stream.fields)
        return f"SELECT {columns} FROM {table_sql(domain, stream.name)} ORDER BY {_q(SEQ)}"

    def read_events(self, domain: str, stream: Stream) -> pa.Table | None:
        """Every stored event of a stream (declared fields, stored types), in insertion order."""
        with self.lock:
            self.ensure_stream(domain, stream)
            query = self._select(domain, stream)
            if query is None:
                return None
            events: pa.Table = self._con.sql(query).to_arrow_table()
            return events

    def export(self, domain: str, stream: Stream, path: Path) -> int:
        """Write every stored event to Parquet, timestamps as timestamp[us, tz=UTC]."""
        times = {n for n, s in stream.fields.items() if s.type == "timestamp" and not s.personal}
        fields = [
            pa.field(n, _TS_UTC if n in times else _ARROW_TYPES[sql_type(s)])
            for n, s in stream.fields.items()
        ]
        schema = pa.schema(fields)
        count = 0
        with self.lock, pq.ParquetWriter(str(path), schema) as writer:
            self.ensure_stream(domain, stream)
            query = self._select(domain, stream)
            assert query is not None
            reader: pa.RecordBatchReader = self._con.sql(query).to_arrow_reader(100_000)
            for batch in reader:
                arrays = [
                    batch.column(i).cast(f.type) for i, f in enumerate(fields)
                ]
                writer.write_table(pa.table(arrays, schema=schema))
                count += batch.num_rows
        return count

    def count(self, domain: str, stream: str) -> int:
        with self.lock:
            if self._existing_columns(domain, stream) is None:
                return 0
            row = self._con.execute(f"SELECT count(*) FROM {table_sql(domain, stream)}").fetchone()
        return int(row[0]) if row else 0
