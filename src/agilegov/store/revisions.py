"""Writing findings and actions: revisions of findings, new and withdrawn actions.

A finding is identified by (domain, goal, actor, k). Storing it again with a different value,
status or target bumps its revision and keeps a history row (old and new, time of change);
the same value, status and target is a no-op (a new rulebook version or window text alone is
updated in place, without a revision). Revision 0, the first state, has a history row too.

An action is identified, within its (domain, goal, actor), by (k, response, at, do, due).
`replace_actions` takes the complete current list: actions no longer in it become
`withdrawn` (kept), new ones are inserted, and a withdrawn action that is called for again
becomes active again (reported as new).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import groupby

from sqlalchemy import insert, select, tuple_, update
from sqlalchemy.orm import Session

from agilegov.store.convert import action_row, epoch_us, now_iso
from agilegov.store.models import ActionModel, FindingModel, FindingRevisionModel
from agilegov.store.records import ActionChange, ActionRow, FindingChange, FindingRow

CHUNK = 400

FindingKey = tuple[str, str, str, int]
ActionKey = tuple[int, int, str, str, str | None]


def _finding_key(r: FindingRow) -> FindingKey:
    return (r.domain, r.goal, r.actor, r.k)


def _existing(
    session: Session, domain: str, goal: str, rows: Sequence[FindingRow]
) -> dict[tuple[str, int], tuple[int, FindingRow]]:
    """The stored state of these findings, by (actor, k): (row id, row)."""
    found: dict[tuple[str, int], tuple[int, FindingRow]] = {}
    f = FindingModel
    for start in range(0, len(rows), CHUNK):
        pairs = [(r.actor, r.k) for r in rows[start : start + CHUNK]]
        stmt = select(
            f.id,
            f.actor,
            f.k,
            f.window_start,
            f.window_end,
            f.value,
            f.target,
            f.status,
            f.version,
            f.revision,
        ).where(f.domain == domain, f.goal == goal, tuple_(f.actor, f.k).in_(pairs))
        for fid, actor, k, ws, we, value, target, status, version, revision in session.execute(
            stmt
        ):
            found[(actor, k)] = (
                fid,
                FindingRow(
                    domain, goal, actor, k, ws, we, value, target, status, version, revision
                ),
            )
    return found


def _history(
    finding_id: int, row: FindingRow, previous: FindingRow | None, at: str
) -> dict[str, object]:
    return {
        "finding_id": finding_id,
        "revision": row.revision,
        "value": row.value,
        "status": row.status,
        "target": row.target,
        "version": row.version,
        "previous_value": None if previous is None else previous.value,
        "previous_status": None if previous is None else previous.status,
        "previous_target": None if previous is None else previous.target,
        "changed_at": at,
    }


def _columns(row: FindingRow, at: str) -> dict[str, object]:
    return {
        "domain": row.domain,
        "goal": row.goal,
        "actor": row.actor,
        "k": row.k,
        "window_start": row.window_start,
        "window_end": row.window_end,
        "window_end_us": epoch_us(row.window_end),
        "value": row.value,
        "target": row.target,
        "status": row.status,
        "version": row.version,
        "revision": row.revision,
        "updated_at": at,
    }


def upsert_findings(session: Session, rows: Iterable[FindingRow]) -> list[FindingChange]:
    """Store findings (the last one wins for a repeated key); return what changed."""
    latest: dict[FindingKey, FindingRow] = {}
    for r in rows:
        latest[_finding_key(r)] = r
    at = now_iso()
    changes: list[FindingChange] = []
    ordered = sorted(latest.values(), key=lambda r: (r.domain, r.goal))
    for (domain, goal), group in groupby(ordered, key=lambda r: (r.domain, r.goal)):
        batch = list(group)
        existing = _existing(session, domain, goal, batch)
        inserts: list[FindingRow] = []
        updates: list[dict[str, object]] = []
        history: list[dict[str, object]] = []
        for r in batch:
            stored = existing.get((r.actor, r.k))
            if stored is None:
                inserts.append(_with_revision(r, 0))
                continue
            fid, old = stored
            if (old.value, old.status, old.target) == (r.value, r.status, r.target):
                if (old.version, old.window_start, old.window_end) != (
                    r.version,
                    r.window_start,
                    r.window_end,
                ):
                    updates.append({"id": fid, **_columns(_with_revision(r, old.revision), at)})
                continue
            new = _with_revision(r, old.revision + 1)
            updates.append({"id": fid, **_columns(new, at)})
            history.append(_history(fid, new, old, at))
            changes.append(FindingChange("revised", new, old, at))
        if updates:
            session.execute(update(FindingModel), updates)
        if inserts:
            ids = session.scalars(
                insert(FindingModel).returning(FindingModel.id, sort_by_parameter_order=True),
                [_columns(r, at) for r in inserts],
            ).all()
            for finding_id, r in zip(ids, inserts, strict=True):
                history.append(_history(finding_id, r, None, at))
                changes.append(FindingChange("new", r, None, at))
        if history:
            session.execute(insert(FindingRevisionModel), history)
    changes.sort(key=lambda c: (c.row.domain, c.row.goal, c.row.actor, epoch_us(c.row.window_end)))
    return changes


def _with_revision(r: FindingRow, revision: int) -> FindingRow:
    if r.revision == revision:
        return r
    return FindingRow(
        r.domain,
        r.goal,
        r.actor,
        r.k,
        r.window_start,
        r.window_end,
        r.value,
        r.target,
        r.status,
        r.version,
        revision,
    )


def _action_key(k: int, response: int, at: str, do: str, due: str | None) -> ActionKey:
    return (k, response, at, do, due)


def replace_actions(
    session: Session, domain: str, goal: str, actor: str, actions: Sequence[ActionRow]
) -> list[ActionChange]:
    """Make `actions` the active actions of (domain, goal, actor); return what changed."""
    for a in actions:
        if (a.domain, a.goal, a.actor) != (domain, goal, actor):
            raise ValueError(
                f"action of {a.domain}/{a.goal}/{a.actor} given for {domain}/{goal}/{actor}"
            )
    wanted = {_action_key(a.k, a.response, a.at, a.do, a.due): a for a in actions}
    stmt = select(ActionModel).where(
        ActionModel.domain == domain, ActionModel.goal == goal, ActionModel.actor == actor
    )
    stored = {_action_key(m.k, m.response, m.at, m.do, m.due): m for m in session.scalars(stmt)}
    at = now_iso()
    changes: list[ActionChange] = []
    withdraw = [m for key, m in stored.items() if m.state == "active" and key not in wanted]
    revive = [m for key, m in stored.items() if m.state != "active" and key in wanted]
    for state, models in (("withdrawn", withdraw), ("active", revive)):
        for m in models:
            m.state = state
            m.updated_at = at
            changes.append(
                ActionChange("withdrawn" if state == "withdrawn" else "new", action_row(m), at)
            )
    fresh = [a for key, a in wanted.items() if key not in stored]
    if fresh:
        session.execute(
            insert(ActionModel),
            [
                {
                    "domain": a.domain,
                    "goal": a.goal,
                    "actor": a.actor,
                    "k": a.k,
                    "response": a.response,
                    "at": a.at,
                    "at_us": epoch_us(a.at),
                    "do": a.do,
                    "due": a.due,
                    "state": "active",
                    "updated_at": at,
                }
                for a in fresh
            ],
        )
        for a in fresh:
            row = (
                a
                if a.state == "active"
                else ActionRow(
                    a.domain, a.goal, a.actor, a.k, a.response, a.at, a.do, a.due, "active"
                )
            )
            changes.append(ActionChange("new", row, at))
    changes.sort(key=lambda c: (epoch_us(c.row.at), c.row.response, c.kind))
    return changes
