"""Run the hand-written SQL: one statement for all goals, or one per goal."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from bench.common import GOALS, RESULT_SCHEMA, STREAMS, stream_path
from bench.competitors.duckdb_sql import build_sql


def _params(data_dir: Path) -> dict[str, str]:
    return {s: str(stream_path(data_dir, s)) for s in STREAMS}


def single_pass(data_dir: Path) -> pa.Table:
    """All 20 goals in one statement: one scan of each stream (default threads, no limit)."""
    con = duckdb.connect()
    try:
        sql = build_sql([g.id for g in GOALS])
        return con.sql(sql, params=_params(data_dir)).to_arrow_table().cast(RESULT_SCHEMA)
    finally:
        con.close()


def per_goal(data_dir: Path) -> pa.Table:
    """Twenty statements, each computing one goal from the files on its own."""
    con = duckdb.connect()
    try:
        parts = [
            con.sql(build_sql([g.id]), params=_params(data_dir)).to_arrow_table()
            .cast(RESULT_SCHEMA)
            for g in GOALS
        ]
        return pa.concat_tables(parts)
    finally:
        con.close()
