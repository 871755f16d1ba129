"""Self-reports of operators, and investigations of incidents (apart from blame).

An operator self-reports an incident or a breach of its own (with the goal it concerns, if
any, and when it happened); the answer carries the ledger receipt. Government and auditors
list every self-report, an operator its own. Investigations are recorded, corrected and
published by the regulator; everyone reads the public part of published ones.
"""

from __future__ import annotations

from typing import Any, Literal

from anyio import to_thread
from fastapi import APIRouter
from pydantic import BaseModel, Field

from agilegov.api.deps import (
    Limit,
    Offset,
    PrincipalDep,
    RecordId,
    RulebookDep,
    ServicesDep,
    time_bound,
)
from agilegov.api.routes_cases import MAX_TEXT, case_service
from agilegov.api.schemas import ERRORS
from agilegov.errors import Problem, UsageError

router = APIRouter(prefix="/v1/domains/{domain}", tags=["accountability"])


class SelfReportIn(BaseModel):
    kind: Literal["incident", "breach"]
    goal: str | None = Field(None, description="the goal it concerns, if any")
    occurred_at: str = Field(description="ISO 8601; a naive time is in the domain's timezone")
    summary: str = Field(min_length=1, max_length=MAX_TEXT)


class InvestigationIn(BaseModel):
    title: str = Field(min_length=1, max_length=400)
    cause: str = Field("", max_length=MAX_TEXT)
    lessons: str = Field("", max_length=MAX_TEXT)
    findings: str = Field("", max_length=MAX_TEXT)
    public_summary: str = Field("", max_length=MAX_TEXT)
    self_reports: list[int] = Field(default_factory=list, max_length=1000)


class InvestigationPatch(BaseModel):
    title: str | None = Field(None, min_length=1, max_length=400)
    cause: str | None = Field(None, max_length=MAX_TEXT)
    lessons: str | None = Field(None, max_length=MAX_TEXT)
    findings: str | None = Field(None, max_length=MAX_TEXT)
    public_summary: str | None = Field(None, max_length=MAX_TEXT)
    self_reports: list[int] | None = Field(None, max_length=1000)


@router.post("/self-reports", status_code=201, responses=ERRORS,
             summary="An operator reports an incident or breach of its own")
async def self_report(body: SelfReportIn, book: RulebookDep, services: ServicesDep,
                      principal: PrincipalDep) -> dict[str, Any]:
    cases = case_service(services)
    occurred = time_bound(body.occurred_at, book, "occurred_at")
    if occurred is None:
        raise UsageError([Problem("expected an ISO 8601 time", pointer="/occurred_at")])
    goals = [g.id for g in book.goals]
    report, receipt = await to_thread.run_sync(
        lambda: cases.self_report(principal, book.domain, body.kind, body.goal, occurred,
                                  body.summary, goals))
    return {"self_report": report.to_dict(), "receipt": receipt.to_dict()}


@router.get("/self-reports", responses=ERRORS, summary="Self-reports, newest first")
async def list_self_reports(book: RulebookDep, services: ServicesDep, principal: PrincipalDep,
                            limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    cases = case_service(services)
    items = await to_thread.run_sync(cases.list_self_reports, principal, book.domain, limit,
                                     offset)
    return {"items": [r.to_dict() for r in items], "offset": offset, "limit": limit}


@router.post("/investigations", status_code=201, responses=ERRORS,
             summary="The regulator records an investigation")
async def create_investigation(body: InvestigationIn, book: RulebookDep, services: ServicesDep,
                               principal: PrincipalDep) -> dict[str, Any]:
    cases = case_service(services)
    fields = body.model_dump(exclude={"self_reports"})
    inv, receipt = await to_thread.run_sync(
        cases.create_investigation, principal, book.domain, fields, body.self_reports)
    return {"investigation": inv.to_dict(), "receipt": receipt.to_dict()}


@router.patch("/investigations/{inv_id}", responses=ERRORS,
              summary="The regulator corrects an investigation")
async def update_investigation(inv_id: RecordId, body: InvestigationPatch, book: RulebookDep,
                               services: ServicesDep, principal: PrincipalDep
                               ) -> dict[str, Any]:
    cases = case_service(services)
    fields = body.model_dump(exclude={"self_reports"}, exclude_none=True)
    inv, receipt = await to_thread.run_sync(
        cases.update_investigation, principal, book.domain, inv_id, fields, body.self_reports)
    return {"investigation": inv.to_dict(), "receipt": receipt.to_dict()}


@router.post("/investigations/{inv_id}/publish", responses=ERRORS,
             summary="The regulator publishes an investigation (needs a public summary)")
async def publish_investigation(inv_id: RecordId, book: RulebookDep, services: ServicesDep,
                                principal: PrincipalDep) -> dict[str, Any]:
    cases = case_service(services)
    inv, receipt = await to_thread.run_sync(
        lambda: cases.update_investigation(principal, book.domain, inv_id, {}, None, True))
    return {"investigation": inv.to_dict(), "receipt": receipt.to_dict()}


@router.get("/investigations", responses=ERRORS,
            summary="Investigations (everyone: the public part of published ones)")
async def list_investigations(book: RulebookDep, services: ServicesDep, principal: PrincipalDep,
                              limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    cases = case_service(services)
    items = await to_thread.run_sync(cases.investigations_for, principal, book.domain, limit,
                                     offset)
    return {"items": items, "offset": offset, "limit": limit}


@router.get("/investigations/{inv_id}", responses=ERRORS, summary="One investigation")
async def get_investigation(inv_id: RecordId, book: RulebookDep, services: ServicesDep,
                            principal: PrincipalDep) -> dict[str, Any]:
    cases = case_service(services)
    return await to_thread.run_sync(cases.investigation_for, principal, book.domain, inv_id)
