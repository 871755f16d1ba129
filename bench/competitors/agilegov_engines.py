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


def run_engine(data_dir: Path) -> list[Any]:
    """Load the rulebook and evaluate it: the part that is timed."""
    from agilegov.engine.evaluate import evaluate
    from agilegov.rulebook.loader import load_rulebook

    return list(evaluate(load_rulebook(RULEBOOK), data_dir, EVAL_START, EVAL_END).findings)


def run_reference(data_dir: Path) -> list[Any]:
    from agilegov.engine.reference import evaluate_reference
    from agilegov.rulebook.loader import load_rulebook

    findings, _actions = evaluate_reference(load_rulebook(RULEBOOK), data_dir, EVAL_START,
                                            EVAL_END)
    return list(findings)
