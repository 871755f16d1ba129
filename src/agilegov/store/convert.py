"""Conversions between records and table rows, and the time arithmetic they need."""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson

from agilegov.store.models import ActionModel, FindingModel, FindingRevisionModel
from agilegov.store.records import (
    ActionRow,
    ActionState,
    FindingRevisionRow,
    FindingRow,
    TimeBound,
)

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MICROSECOND = dt.timedelta(microseconds=1)


def now_iso() -> str:
    """The current time, UTC, ISO 8601 with microseconds."""
    return dt.datetime.now(dt.UTC).isoformat()


def epoch_us(value: dt.datetime | str) -> int:
    """Microseconds since the epoch of an ISO time or a datetime (naive = UTC)."""
    t = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    return (t - EPOCH) // MICROSECOND


def bound_us(value: TimeBound, what: str) -> int | None:
    """A query bound in epoch microseconds; ValueError naming the bound if unreadable."""
    if value is None:
        return None
    try:
        return epoch_us(value)
    except ValueError as exc:
        raise ValueError(f"{what}: expected an ISO 8601 time, got {value!r}") from exc


def to_json(value: Any) -> str:
    """JSON text of a received item; what JSON cannot say (bytes, decimals...) as text."""
    return orjson.dumps(
        value, default=_fallback, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY
    ).decode("utf-8")


def _fallback(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def finding_row(m: FindingModel) -> FindingRow:
    return FindingRow(
        domain=m.domain,
        goal=m.goal,
        actor=m.actor,
        k=m.k,
        window_start=m.window_start,
        window_end=m.window_end,
        value=m.value,
        target=m.target,
        status=m.status,
        version=m.version,
        revision=m.revision,
    )


def action_row(m: ActionModel) -> ActionRow:
    state: ActionState = "withdrawn" if m.state == "withdrawn" else "active"
    return ActionRow(
        domain=m.domain,
        goal=m.goal,
        actor=m.actor,
        k=m.k,
        response=m.response,
        at=m.at,
        do=m.do,
        due=m.due,
        state=state,
    )


def revision_row(f: FindingModel, r: FindingRevisionModel) -> FindingRevisionRow:
    return FindingRevisionRow(
        domain=f.domain,
        goal=f.goal,
        actor=f.actor,
        k=f.k,
        revision=r.revision,
        value=r.value,
        status=r.status,
        target=r.target,
        version=r.version,
        previous_value=r.previous_value,
        previous_status=r.previous_status,
        previous_target=r.previous_target,
        changed_at=r.changed_at,
    )
