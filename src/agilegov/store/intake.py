"""Rows of the intake side of the state: quarantined items and the batch log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from agilegov.store.convert import now_iso, to_json
from agilegov.store.models import BatchModel, QuarantineModel
from agilegov.store.records import BatchRecord, ItemProblem, QuarantineItem


def quarantine_models(
    domain: str,
    stream: str,
    operator: str | None,
    items: Sequence[tuple[ItemProblem, Any]],
    source: str,
) -> list[QuarantineModel]:
    """One row per rejected item (by batch index), with every problem found in it."""
    grouped: dict[int, tuple[Any, list[tuple[str, str]]]] = {}
    for error, item in items:
        grouped.setdefault(error.index, (item, []))[1].append((error.pointer, error.message))
    at = now_iso()
    return [
        QuarantineModel(
            domain=domain,
            stream=stream,
            operator=operator,
            source=source,
            item_index=index,
            item=to_json(item),
            problems=to_json(problems),
            received_at=at,
        )
        for index, (item, problems) in sorted(grouped.items())
    ]


def quarantine_item(m: QuarantineModel) -> QuarantineItem:
    return QuarantineItem(
        id=m.id,
        domain=m.domain,
        stream=m.stream,
        operator=m.operator,
        source=m.source,
        index=m.item_index,
        item=orjson.loads(m.item),
        problems=tuple((str(p), str(msg)) for p, msg in orjson.loads(m.problems)),
        received_at=m.received_at,
    )


def batch_record(m: BatchModel) -> BatchRecord:
    return BatchRecord(
        domain=m.domain,
        stream=m.stream,
        batch_id=m.batch_id,
        received=m.received,
        accepted=m.accepted,
        duplicates=m.duplicates,
        rejected=m.rejected,
        sha256=m.sha256,
        source=m.source,
        recorded_at=m.recorded_at,
    )
