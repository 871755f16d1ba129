"""Reports from the public and the accountability report of a domain.

- `POST /v1/domains/{d}/reports`: anyone, no token needed. 201 with the ledger receipt;
  429 with `Retry-After` over the abuse limits; 413 for a body over 16 KiB.
- `GET /v1/domains/{d}/reports`, `GET .../reports/{id}`: the regulator and auditors.
- `POST /v1/domains/{d}/reports/{id}/triage`: the regulator (government), with
  `{"status": "accepted" | "rejected" | "duplicate", "reason": ..., "duplicate_of": id}`.
- `GET /v1/domains/{d}/accountability?from=&to=&format=json|html|oscal`: anyone
  (aggregates); `detail=true` for the regulator and auditors.
- `GET /v1/report-static/{name}`: the report's style, script and vendored chart libraries.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from typing import Annotated, Any, Literal

from anyio import to_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from agilegov.access import Principal, can_read_all
from agilegov.api.deps import (
    Limit,
    Offset,
    PrincipalDep,
    RecordId,
    RulebookDep,
    ServicesDep,
    deny,
    time_bound,
)
from agilegov.api.errors import error_body
from agilegov.api.limits import read_body
from agilegov.api.services import Services
from agilegov.cases.store import CaseStore
from agilegov.errors import DataError, NotFound, Problem
from agilegov.ledger.store import Ledger
from agilegov.report import assets
from agilegov.reports import limits
from agilegov.reports.accountability import Period, build_report
from agilegov.reports.cases import CaseOutcomes
from agilegov.reports.oscal import to_oscal
from agilegov.reports.public import ReportDesk, Submitted, Triaged
from agilegov.reports.records import STATUSES
from agilegov.reports.render import render_html
from agilegov.reports.store import ReportStore
from agilegov.rulebook.model import Rulebook

router = APIRouter(tags=["reports"])
D = "/v1/domains/{domain}"
STATIC_PREFIX = "/v1/report-static/"
MEDIA = {".js": "text/javascript", ".css": "text/css", ".md": "text/markdown"}

_REPORT_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "object", "required": ["text"], "properties": {
        "text": {"type": "string", "maxLength": limits.MAX_TEXT},
        "category": {"type": "string", "maxLength": limits.MAX_CATEGORY},
        "operator": {"type": "string", "maxLength": limits.MAX_OPERATOR},
        "place": {"type": "string", "maxLength": limits.MAX_PLACE},
        "at": {"type": "string", "format": "date-time"}}}}}}}
_TRIAGE_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "object", "required": ["status", "reason"],
                                    "properties": {
        "status": {"enum": ["accepted", "rejected", "duplicate"]},
        "reason": {"type": "string"}, "duplicate_of": {"type": "integer"}}}}}}}


def desk_of(request: Request, services: Services) -> ReportDesk:
    """The app's report desk, made on first use for the running services."""
    held = getattr(request.app.state, "report_desk", None)
    if held is not None and held[0] is services:
        desk: ReportDesk = held[1]
        return desk
    ledger: Ledger | None = getattr(request.app.state, "ledger", None)
    desk = ReportDesk(ReportStore(services.state.engine), ledger, services.ingest,
                      services.ingest.service.pseudonyms)
    request.app.state.report_desk = (services, desk)
    return desk


async def _json_body(request: Request) -> Any:
    raw = await read_body(request, limits.MAX_BODY_BYTES)
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError([Problem(f"the body is not JSON: {exc}", pointer="")]) from exc


def _regulator_or_auditor(p: Principal, domain: str) -> None:
    if not can_read_all(p, domain):
        raise deny(f"a {p.role} caller may not read the reports of domain '{domain}'")


@router.post(D + "/reports", status_code=201, openapi_extra=_REPORT_BODY,
             summary="Report a problem (no account needed); returns a ledger receipt",
             responses={429: {"description": "over the abuse limits; see Retry-After"}})
async def submit_report(request: Request, book: RulebookDep, services: ServicesDep,
                        principal: PrincipalDep) -> Response:
    desk = desk_of(request, services)
    body = await _json_body(request)
    address = request.client.host if request.client else None
    try:
        done: Submitted = await to_thread.run_sync(desk.submit, book, body, principal, address)
    except limits.RateLimited as exc:
        return JSONResponse(error_body("too_many_requests", [{"message": str(exc)}]),
                            status_code=429, headers={"Retry-After": str(exc.retry_after)})
    r = done.report
    out = {"report": {"id": r.id, "domain": r.domain, "received_at": r.received_at,
                      "status": r.status, "category": r.category,
                      "text_sha256": r.text_sha256},
           "entry": done.entry,
           "receipt": done.receipt.to_dict() if done.receipt else None}
    return JSONResponse(out, status_code=201,
                        headers={"Location": f"/v1/domains/{r.domain}/reports/{r.id}"})


@router.get(D + "/reports", summary="Reports received (regulator, auditor)")
async def list_reports(book: RulebookDep, request: Request, services: ServicesDep,
                       principal: PrincipalDep, limit: Limit = 100, offset: Offset = 0,
                       status: Annotated[Literal["received", "accepted", "rejected",
                                                 "duplicate"] | None, Query()] = None
                       ) -> dict[str, Any]:
    _regulator_or_auditor(principal, book.domain)
    desk = desk_of(request, services)
    page = await to_thread.run_sync(desk.store.list, book.domain, status, limit, offset)
    return {"items": [r.to_dict() for r in page.items], "next_offset": page.next_offset,
            "total": page.total, "statuses": list(STATUSES)}


@router.get(D + "/reports/{report_id}", summary="One report (regulator, auditor)")
async def get_report(book: RulebookDep, report_id: RecordId, request: Request,
                     services: ServicesDep, principal: PrincipalDep) -> dict[str, Any]:
    _regulator_or_auditor(principal, book.domain)
    desk = desk_of(request, services)
    report = await to_thread.run_sync(desk.store.get, book.domain, report_id)
    return report.to_dict()


@router.post(D + "/reports/{report_id}/triage", openapi_extra=_TRIAGE_BODY,
             summary="Triage a report (regulator): accepted, rejected or duplicate")
async def triage_report(book: RulebookDep, report_id: RecordId, request: Request,
                        services: ServicesDep, principal: PrincipalDep) -> dict[str, Any]:
    desk = desk_of(request, services)
    if not can_read_all(principal, book.domain) or principal.role != "government":
        raise deny(f"a {principal.role} caller may not triage reports of '{book.domain}'")
    body = await _json_body(request)
    done: Triaged = await to_thread.run_sync(desk.triage, book, report_id, body, principal)
    event = None
    if done.event is not None:
        event = {"stream": "public_reports", "batch_id": done.event.batch_id,
                 "accepted": done.event.accepted, "duplicates": done.event.duplicates,
                 "rejected": [e.to_dict() for e in done.event.rejected]}
    return {"report": done.report.to_dict(), "entry": done.entry,
            "receipt": done.receipt.to_dict() if done.receipt else None, "event": event}


def _period(book: Rulebook, start: str | None, end: str | None) -> Period:
    return Period(time_bound(start, book, "from"), time_bound(end, book, "to"))


def _accountability(request: Request, services: Services, book: Rulebook, period: Period,
                    detail: bool) -> dict[str, Any]:
    ledger: Ledger | None = getattr(request.app.state, "ledger", None)
    info = {"size": ledger.size, "origin": ledger.origin} if ledger is not None else None
    desk = desk_of(request, services)
    cases = CaseOutcomes(CaseStore(services.state.engine))
    return build_report(book, services.state, period, reports=desk.store, cases=cases,
                        ledger=info, detail=detail, generated=dt.datetime.now(dt.UTC))


@router.get(D + "/accountability", response_model=None,
            summary="The accountability report of a period: HTML, JSON or OSCAL")
async def accountability(
    book: RulebookDep, request: Request, services: ServicesDep, principal: PrincipalDep,
    start: Annotated[str | None, Query(alias="from", description="ISO date or time")] = None,
    end: Annotated[str | None, Query(alias="to", description="ISO date or time (excluded)")
                   ] = None,
    format: Annotated[Literal["html", "json", "oscal"], Query()] = "json",
    detail: Annotated[bool, Query(description="every finding (regulator, auditor)")] = False,
) -> Response:
    if detail and not can_read_all(principal, book.domain):
        raise deny(f"a {principal.role} caller sees the published aggregates only")
    period = _period(book, start, end)
    data = await to_thread.run_sync(_accountability, request, services, book, period, detail)
    if format == "html":
        return HTMLResponse(render_html(data, STATIC_PREFIX))
    if format == "oscal":
        return JSONResponse(to_oscal(data))
    return JSONResponse(data)


@router.get("/v1/report-static/{name}", response_class=Response, include_in_schema=False)
async def static_file(name: str) -> Response:
    if name not in assets.static_files():
        raise NotFound(f"no report file '{name}'")
    data = resources.files("agilegov.report").joinpath(assets.STATIC_DIR, name).read_bytes()
    suffix = name[name.rfind("."):] if "." in name else ""
    return Response(data, media_type=MEDIA.get(suffix, "text/plain"),
                    headers={"Cache-Control": "public, max-age=86400"})
