"""Reading findings and actions: filters, order, pagination (limit/offset with a total).

Ordered as `agilegov evaluate` writes them: findings by goal, actor, window_end (real time);
actions by goal, actor, at, response. Both tables carry indexes on (domain, goal, actor,
time) and (domain, actor, time), so a page costs an index range scan, not a table scan.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from agilegov.errors import NotFound, Problem, UsageError
from agilegov.store.convert import action_row, bound_us, finding_row, revision_row
from agilegov.store.models import ActionModel, FindingModel, FindingRevisionModel
from agilegov.store.records import (
    ActionQuery,
    ActionRow,
    FindingQuery,
    FindingRevisionRow,
    FindingRow,
    Page,
    TimeBound,
)

MAX_LIMIT = 10_000
T = TypeVar("T")


def _check_page(limit: int, offset: int) -> None:
    problems: list[Problem] = []
    if not 1 <= limit <= MAX_LIMIT:
        problems.append(Problem(f"expected 1 to {MAX_LIMIT}, got {limit}", field="limit"))
    if offset < 0:
        problems.append(Problem(f"expected 0 or more, got {offset}", field="offset"))
    if problems:
        raise UsageError(problems)


def _range(column: Any, start: TimeBound, end: TimeBound) -> list[ColumnElement[bool]]:
    try:
        lo, hi = bound_us(start, "from"), bound_us(end, "to")
    except ValueError as exc:
        raise UsageError([Problem(str(exc))]) from exc
    out: list[ColumnElement[bool]] = []
    if lo is not None:
        out.append(column >= lo)
    if hi is not None:
        out.append(column < hi)
    return out


def _page(
    session: Session, stmt: Select[Any], count: Select[Any], limit: int, offset: int
) -> tuple[list[Any], int | None, int]:
    total = int(session.execute(count).scalar_one())
    items = list(session.scalars(stmt.limit(limit).offset(offset)))
    end = offset + len(items)
    return items, (end if end < total else None), total


def findings(session: Session, q: FindingQuery) -> Page[FindingRow]:
    _check_page(q.limit, q.offset)
    if q.actors is not None and not q.actors:
        return Page([], None, 0)
    f = FindingModel
    where: list[ColumnElement[bool]] = [f.domain == q.domain]
    if q.goal is not None:
        where.append(f.goal == q.goal)
    if q.actor is not None:
        where.append(f.actor == q.actor)
    if q.actors is not None:
        where.append(f.actor.in_(sorted(q.actors)))
    if q.status is not None:
        where.append(f.status == q.status)
    where += _range(f.window_end_us, q.start, q.end)
    stmt = select(f).where(*where).order_by(f.goal, f.actor, f.window_end_us, f.k)
    count = select(func.count(f.id)).where(*where)
    items, next_offset, total = _page(session, stmt, count, q.limit, q.offset)
    return Page([finding_row(m) for m in items], next_offset, total)


def actions(session: Session, q: ActionQuery) -> Page[ActionRow]:
    _check_page(q.limit, q.offset)
    if q.actors is not None and not q.actors:
        return Page([], None, 0)
    a = ActionModel
    where: list[ColumnElement[bool]] = [a.domain == q.domain]
    if q.goal is not None:
        where.append(a.goal == q.goal)
    if q.actor is not None:
        where.append(a.actor == q.actor)
    if q.actors is not None:
        where.append(a.actor.in_(sorted(q.actors)))
    if q.state is not None:
        where.append(a.state == q.state)
    where += _range(a.at_us, q.start, q.end)
    stmt = select(a).where(*where).order_by(a.goal, a.actor, a.at_us, a.response, a.id)
    count = select(func.count(a.id)).where(*where)
    items, next_offset, total = _page(session, stmt, count, q.limit, q.offset)
    return Page([action_row(m) for m in items], next_offset, total)


def finding_history(
    session: Session, domain: str, goal: str, actor: str, k: int
) -> list[FindingRevisionRow]:
    """Every revision of one finding, oldest first; NotFound if there is no such finding."""
    f = session.scalars(
        select(FindingModel).where(
            FindingModel.domain == domain,
            FindingModel.goal == goal,
            FindingModel.actor == actor,
            FindingModel.k == k,
        )
    ).one_or_none()
    if f is None:
        raise NotFound(f"no finding {k} of goal '{goal}' for actor '{actor}' in domain '{domain}'")
    revisions = session.scalars(
        select(FindingRevisionModel)
        .where(FindingRevisionModel.finding_id == f.id)
        .order_by(FindingRevisionModel.revision)
    )
    return [revision_row(f, r) for r in revisions]
