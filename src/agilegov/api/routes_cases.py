"""Enforcement cases: listing and reading them, and the steps people take on them.

Government and auditors read every case, an operator its own, everyone the counts per
state. The operator of a case submits a corrective plan and appeals; the regulator
(government) accepts or rejects a plan and decides an appeal, with reasons. Every step
answers with the case and the ledger receipt of its `case.moved` entry. A step the case's
state does not allow is a 409 naming the steps it allows.
"""

from __future__ import annotations

from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from agilegov.api.deps import Limit, Offset, PrincipalDep, RecordId, RulebookDep, ServicesDep
from agilegov.api.schemas import ERRORS
from agilegov.api.services import Services
from agilegov.cases.model import STATES
from agilegov.cases.service import CaseService
from agilegov.errors import NotFound, UsageError
from agilegov.ledger.receipt import Receipt

router = APIRouter(prefix="/v1/domains/{domain}/cases", tags=["cases"])
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: ERRORS[422] | {"description": "The case's state does not allow this step"}}
MAX_TEXT = 20_000


class PlanIn(BaseModel):
    plan: str = Field(min_length=1, max_length=MAX_TEXT,
                      description="The corrective plan (or where to read it)")


class DecisionIn(BaseModel):
    accept: bool
    reason: str = Field(min_length=1, max_length=MAX_TEXT)


class AppealIn(BaseModel):
    reason: str = Field(min_length=1, max_length=MAX_TEXT)


class AppealDecisionIn(BaseModel):
    uphold: bool = Field(description="true: the sanction is annulled; false: it stands")
    reason: str = Field(min_length=1, max_length=MAX_TEXT)


def case_service(services: Services) -> CaseService:
    if services.cases is None:
        raise NotFound("this service keeps no enforcement cases")
    return services.cases


def answer(case: Any, receipt: Receipt) -> dict[str, Any]:
    return {"case": case.to_dict(), "receipt": receipt.to_dict()}


@router.get("", responses=ERRORS, summary="Cases of the domain, newest first")
async def list_cases(
    book: RulebookDep, services: ServicesDep, principal: PrincipalDep,
    actor: str | None = None, goal: str | None = None,
    state: Annotated[str | None, Query(description=f"one of {', '.join(STATES)}")] = None,
    limit: Limit = 100, offset: Offset = 0,
) -> dict[str, Any]:
    cases = case_service(services)
    scope = cases.scope(principal, book.domain)
    if state is not None and state not in STATES:
        raise UsageError(f"state: expected one of {', '.join(STATES)}, got {state!r}")
    if scope is not None and actor is not None and actor != scope:
        raise UsageError(f"actor: this token reads only the cases of '{scope}'")
    items, total = await to_thread.run_sync(
        lambda: cases.cases.search(book.domain, scope or actor, goal, state, limit, offset))
    nxt = offset + len(items) if offset + len(items) < total else None
    return {"items": [c.to_dict(with_steps=False) for c in items], "total": total,
            "offset": offset, "limit": limit, "next_offset": nxt}


@router.get("/counts", responses=ERRORS, summary="How many cases are in each state (public)")
async def counts(book: RulebookDep, services: ServicesDep,
                 _principal: PrincipalDep) -> dict[str, Any]:
    found = await to_thread.run_sync(case_service(services).cases.counts, book.domain)
    return {"domain": book.domain, "total": sum(found.values()), "states": found}


@router.get("/{case_id}", responses=ERRORS, summary="A case with every step")
async def get_case(case_id: RecordId, book: RulebookDep, services: ServicesDep,
                   principal: PrincipalDep) -> dict[str, Any]:
    cases = case_service(services)
    case = await to_thread.run_sync(cases.get, principal, book.domain, case_id)
    return case.to_dict()


async def _act(services: Services, principal: Any, domain: str, case_id: int, step: str,
               reason: str) -> dict[str, Any]:
    cases = case_service(services)
    case, receipt = await to_thread.run_sync(cases.act, principal, domain, case_id, step, reason)
    return answer(case, receipt)


@router.post("/{case_id}/plan", responses={**ERRORS, **CONFLICT},
             summary="The operator submits its corrective plan")
async def submit_plan(case_id: RecordId, body: PlanIn, book: RulebookDep,
                      services: ServicesDep, principal: PrincipalDep) -> dict[str, Any]:
    return await _act(services, principal, book.domain, case_id, "submit-plan", body.plan)


@router.post("/{case_id}/plan/decision", responses={**ERRORS, **CONFLICT},
             summary="The regulator accepts or rejects the plan, with reasons")
async def decide_plan(case_id: RecordId, body: DecisionIn, book: RulebookDep,
                      services: ServicesDep, principal: PrincipalDep) -> dict[str, Any]:
    step = "accept-plan" if body.accept else "reject-plan"
    return await _act(services, principal, book.domain, case_id, step, body.reason)


@router.post("/{case_id}/appeal", responses={**ERRORS, **CONFLICT},
             summary="The operator appeals the case's sanction, with reasons")
async def appeal(case_id: RecordId, body: AppealIn, book: RulebookDep, services: ServicesDep,
                 principal: PrincipalDep) -> dict[str, Any]:
    return await _act(services, principal, book.domain, case_id, "appeal", body.reason)


@router.post("/{case_id}/appeal/decision", responses={**ERRORS, **CONFLICT},
             summary="The regulator decides the appeal, with reasons")
async def decide_appeal(case_id: RecordId, body: AppealDecisionIn, book: RulebookDep,
                        services: ServicesDep, principal: PrincipalDep) -> dict[str, Any]:
    step = "uphold-appeal" if body.uphold else "dismiss-appeal"
    return await _act(services, principal, book.domain, case_id, step, body.reason)
