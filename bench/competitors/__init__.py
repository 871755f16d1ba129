"""The competitors: each computes all 20 goals' findings in the common form.

`COMPETITORS` maps a name to its `run` (a function of the data directory, the
part that is timed) and `to_result`, which turns `run`'s output into the
common table (`bench.common.RESULT_SCHEMA`) outside the timing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from bench.competitors import agilegov_engines, duckdb_runs, polars_lazy, python_loop


def _same(raw: Any) -> pa.Table:
    table: pa.Table = raw
    return table


@dataclass(frozen=True)
class Competitor:
    name: str
    label: str
    run: Callable[[Path], Any]  # timed
    to_result: Callable[[Any], pa.Table]  # not timed
    max_events: int | None  # larger data sets are not attempted


COMPETITORS: dict[str, Competitor] = {
    "agilegov": Competitor(
        "agilegov", "agilegov engine (`evaluate`)", agilegov_engines.run_engine,
        agilegov_engines.evaluation_table, None),
    "agilegov-objects": Competitor(
        "agilegov-objects", "agilegov engine + `Finding` objects",
        agilegov_engines.run_engine_objects, agilegov_engines.to_table, None),
    "duckdb-single": Competitor(
        "duckdb-single", "DuckDB SQL, single pass", duckdb_runs.single_pass, _same, None),
    "duckdb-per-goal": Competitor(
        "duckdb-per-goal", "DuckDB SQL, one query per goal", duckdb_runs.per_goal, _same, None),
    "polars": Competitor(
        "polars", "Polars lazy", polars_lazy.findings, _same, None),
    "python": Competitor(
        "python", "plain-Python loop", python_loop.findings, _same, 10_000_000),
    "reference": Competitor(
        "reference", "agilegov reference evaluator", agilegov_engines.run_reference,
        agilegov_engines.to_table, 100_000),
}
