"""agilegov itself: the DuckDB engine and the reference evaluator, in the common form.

The engines are imported when called, so the other competitors run (and the
benchmark reports them) even when an engine cannot be imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from bench.common import EVAL_END, EVAL_START, RESULT_SCHEMA, RULEBOOK


def to_table(findings: Sequence[Any]) -> pa.Table:
    """agilegov Findings as the common result table."""
    return pa.table({
        "goal": [f.goal for f in findings],
        "actor": [f.actor for f in findings],
        "window_end_us": [int(f.window_end.timestamp()) * 1_000_000
                          + f.window_end.microsecond for f in findings],
        "value": [None if f.value is None else float(f.value) for f in findings],
        "status": [f.status for f in findings],
    }, schema=RESULT_SCHEMA)


def run_engine(data_dir: Path) -> Any:
    """Load the rulebook and evaluate it (findings and actions): the part that is timed."""
    from agilegov.engine.evaluate import evaluate
    from agilegov.rulebook.loader import load_rulebook

    return evaluate(load_rulebook(RULEBOOK), data_dir, EVAL_START, EVAL_END)


def run_engine_objects(data_dir: Path) -> list[Any]:
    """As `run_engine`, and also build every `Finding` object (`Evaluation.findings`)."""
    return list(run_engine(data_dir).findings)


def evaluation_table(evaluation: Any) -> pa.Table:
    """An `Evaluation` as the common table, from its columnar findings when it keeps them."""
    table, plan = getattr(evaluation, "table", None), getattr(evaluation, "plan", None)
    if not isinstance(table, pa.Table) or plan is None:
        return to_table(evaluation.findings)
    ends: dict[tuple[int, int], int] = {}
    goals, window_end = [], []
    for g, k in zip(table.column("g").to_pylist(), table.column("k").to_pylist(), strict=True):
        if (g, k) not in ends:
            windows = plan.goals[g].windows
            end = windows[k - windows[0].k].end
            ends[(g, k)] = int(end.timestamp()) * 1_000_000 + end.microsecond
        goals.append(plan.goals[g].goal.id)
        window_end.append(ends[(g, k)])
    return pa.table({
        "goal": goals,
        "actor": table.column("a"),
        "window_end_us": window_end,
        "value": table.column("value"),
        "status": table.column("status"),
    }).cast(RESULT_SCHEMA)


def run_reference(data_dir: Path) -> list[Any]:
    from agilegov.engine.reference import evaluate_reference
    from agilegov.rulebook.loader import load_rulebook

    findings, _actions = evaluate_reference(load_rulebook(RULEBOOK), data_dir, EVAL_START,
                                            EVAL_END)
    return list(findings)
