"""The contract's output formats: JSONL and CSV lines of findings, then actions."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any, BinaryIO

import orjson

from agilegov.engine.result import Evaluation

FINDING_COLUMNS = [
    "kind",
    "domain",
    "version",
    "goal",
    "actor",
    "window_start",
    "window_end",
    "value",
    "target",
    "status",
]
ACTION_COLUMNS = ["kind", "domain", "goal", "actor", "at", "do", "due"]


def records(evaluation: Evaluation, with_actions: bool) -> Iterator[dict[str, Any]]:
    yield from evaluation.finding_dicts()
    if with_actions:
        for action in evaluation.actions:
            yield action.to_dict()


def write_jsonl(evaluation: Evaluation, out: BinaryIO, with_actions: bool) -> None:
    for record in records(evaluation, with_actions):
        out.write(orjson.dumps(record) + b"\n")


def write_csv(evaluation: Evaluation, out: BinaryIO, with_actions: bool) -> None:
    """Findings under one header; actions, when asked for, under a second header after them."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.DictWriter(text, fieldnames=FINDING_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for record in evaluation.finding_dicts():
        if record["value"] is not None:
            record["value"] = repr(record["value"])
        writer.writerow(record)
    if with_actions and evaluation.actions:
        writer = csv.DictWriter(text, fieldnames=ACTION_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for action in evaluation.actions:
            writer.writerow(action.to_dict())
    text.detach()
