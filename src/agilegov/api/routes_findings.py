"""Findings, their revisions, actions, and the public aggregates of a domain.

Government and auditors read every actor's findings and actions; an operator reads only
its own (asking for another actor is a 403); other roles and the public read only the
aggregates. `from`/`to` bound `window_end` (findings) or `at` (actions), `from` <= t < `to`;
a date or naive time is in the domain's timezone.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from anyio import to_thread
from fastapi import APIRouter, Query

from agilegov.access import Principal, can_read_actor, visible_actors
from agilegov.api.aggregates import goal_aggregate, recent_findings
from agilegov.api.deps import (
    Instant,
    Limit,
    Offset,
    PrincipalDep,
    RulebookDep,
    ServicesDep,
    deny,
    time_bound,
)
from agilegov.api.schemas import ERRORS, ActionsPage, FindingsPage, RevisionOut
from agilegov.api.services import Services
from agilegov.errors import NotFound
from agilegov.rulebook.model import Rulebook
from agilegov.store.records import ActionQuery, FindingQuery, Page

router = APIRouter(prefix="/v1/domains/{domain}", tags=["findings"])

From = Annotated[str | None, Query(alias="from", description="ISO 8601, inclusive")]
To = Annotated[str | None, Query(alias="to", description="ISO 8601, exclusive")]


def readable_actors(principal: Principal, book: Rulebook, actor: str | None
                    ) -> frozenset[str] | None:
    """The actors whose findings the caller may list (None: all); 403 when none or when
    `actor` is one it may not read."""
    domain = book.domain
    visible = visible_actors(principal, domain)
    if visible is not None and not visible:
        raise deny(f"a {principal.role} caller may read only the published aggregates "
                   f"(/v1/domains/{domain}/aggregates)")
    if actor is not None and not can_read_actor(principal, domain, actor):
        raise deny(f"this token may not read the findings of '{actor}'")
    return None if visible is None else frozenset(visible)


def _known_goal(book: Rulebook, goal: str | None) -> None:
    if goal is not None and all(g.id != goal for g in book.goals):
        ids = ", ".join(g.id for g in book.goals)
        raise NotFound(f"domain '{book.domain}' has no goal '{goal}' (goals: {ids})")


def _page(page: Page[Any], offset: int, limit: int) -> dict[str, Any]:
    return {
        "items": [row.to_dict() for row in page.items],
        "total": page.total,
        "offset": offset,
        "limit": limit,
        "next_offset": page.next_offset,
    }


@router.get("/findings", response_model=FindingsPage, responses=ERRORS,
            summary="Latest findings (each at its latest revision)")
async def get_findings(
    book: RulebookDep, services: ServicesDep, principal: PrincipalDep,
    goal: str | None = None, actor: str | None = None,
    status: Literal["met", "unmet", "insufficient"] | None = None,
    from_: From = None, to: To = None, limit: Limit = 100, offset: Offset = 0,
) -> dict[str, Any]:
    actors = readable_actors(principal, book, actor)
    _known_goal(book, goal)
    query = FindingQuery(
        book.domain, goal=goal, actor=actor, status=status,
        start=time_bound(from_, book, "from"), end=time_bound(to, book, "to"),
        limit=limit, offset=offset, actors=actors,
    )
    page = await to_thread.run_sync(services.state.findings, query)
    return _page(page, offset, limit)


@router.get("/findings/{goal}/{actor}/{k}/history", response_model=list[RevisionOut],
            responses=ERRORS, summary="Every revision of one finding, oldest first")
async def get_history(goal: str, actor: str, k: Instant, book: RulebookDep, services: ServicesDep,
                      principal: PrincipalDep) -> list[dict[str, Any]]:
    readable_actors(principal, book, actor)
    _known_goal(book, goal)
    rows = await to_thread.run_sync(services.state.finding_history, book.domain, goal, actor, k)
    if not rows:
        raise NotFound(f"no finding of goal '{goal}' for '{actor}' at instant {k}")
    return [r.to_dict() for r in rows]


@router.get("/actions", response_model=ActionsPage, responses=ERRORS,
            summary="Actions the findings called for")
async def get_actions(
    book: RulebookDep, services: ServicesDep, principal: PrincipalDep,
    goal: str | None = None, actor: str | None = None,
    state: Annotated[Literal["active", "withdrawn", "all"], Query(
        description="withdrawn: called for by a finding since revised")] = "active",
    from_: From = None, to: To = None, limit: Limit = 100, offset: Offset = 0,
) -> dict[str, Any]:
    actors = readable_actors(principal, book, actor)
    _known_goal(book, goal)
    query = ActionQuery(
        book.domain, goal=goal, actor=actor, state=None if state == "all" else state,
        start=time_bound(from_, book, "from"), end=time_bound(to, book, "to"),
        limit=limit, offset=offset, actors=actors,
    )
    page = await to_thread.run_sync(services.state.actions, query)
    return _page(page, offset, limit)


def _aggregates(services: Services, book: Rulebook) -> dict[str, Any]:
    watermark = services.monitor.watermark(book.domain)
    goals = [goal_aggregate(g, recent_findings(services.state, book.domain, g, watermark))
             for g in book.goals]
    return {"domain": book.domain, "version": book.version, "goals": goals}


@router.get("/aggregates", responses=ERRORS,
            summary="Published aggregates: shares met, unmet, insufficient per goal (public)")
async def get_aggregates(book: RulebookDep, services: ServicesDep,
                         principal: PrincipalDep) -> dict[str, Any]:
    return await to_thread.run_sync(_aggregates, services, book)
