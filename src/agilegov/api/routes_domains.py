"""Domains: list them, read one rulebook's summary, add or update a rulebook (government).

Adding a rulebook version records a `rulebook.adopted` entry in the transparency ledger;
the answer carries its receipt.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from anyio import to_thread
from fastapi import APIRouter, Request, Response

from agilegov.access import Principal, can_manage_domain, is_regulator, require
from agilegov.api.deps import PrincipalDep, RulebookDep, ServicesDep, deny
from agilegov.api.errors import UnsupportedMediaType
from agilegov.api.limits import read_body
from agilegov.api.schemas import ERRORS, DomainAddedOut, DomainOut
from agilegov.api.services import Services
from agilegov.errors import DataError, Problem
from agilegov.ledger.acts import Actor
from agilegov.ledger.receipt import Receipt
from agilegov.rulebook.loader import load_rulebook_text
from agilegov.rulebook.model import Rulebook

router = APIRouter(prefix="/v1/domains", tags=["domains"])

YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain")


def summary(book: Rulebook, watermark: dt.datetime | None) -> dict[str, Any]:
    """The public face of a rulebook: what is governed, by which goals, and how far along."""
    today = dt.datetime.now(ZoneInfo(book.timezone)).date()
    return {
        "domain": book.domain,
        "title": book.title,
        "version": book.version,
        "effective_from": book.effective_from.isoformat(),
        "field": book.field,
        "jurisdiction": book.jurisdiction,
        "timezone": book.timezone,
        "streams": [
            {
                "name": s.name,
                "time": s.time,
                "actor": s.actor,
                "key": s.key,
                "fields": {f.name: f.type for f in s.fields.values()},
                "personal": [f.name for f in s.fields.values() if f.personal],
            }
            for s in book.streams.values()
        ],
        "goals": [
            {
                "id": g.id,
                "title": g.title,
                "per": g.per,
                "window": str(g.window),
                "every": str(g.every),
                "target": g.target_on(today).text,
                "owner": g.owner,
            }
            for g in book.goals
        ],
        "watermark": None if watermark is None else watermark.isoformat(),
    }


def _summaries(services: Services) -> list[dict[str, Any]]:
    books = services.rulebooks()
    return [summary(b, services.monitor.watermark(d)) for d, b in sorted(books.items())]


@router.get("", response_model=list[DomainOut], summary="Every domain of the workspace")
async def list_domains(services: ServicesDep, principal: PrincipalDep) -> list[dict[str, Any]]:
    return await to_thread.run_sync(_summaries, services)


@router.get("/{domain}", response_model=DomainOut, responses=ERRORS,
            summary="A domain's rulebook in force and its watermark")
async def get_domain(domain: str, book: RulebookDep, services: ServicesDep,
                     principal: PrincipalDep) -> dict[str, Any]:
    watermark = await to_thread.run_sync(services.monitor.watermark, domain)
    return summary(book, watermark)


def _add(services: Services, text: str,
         principal: Principal) -> tuple[Rulebook, bool, Receipt | None]:
    """Add or update a rulebook; True when it changed what is in force; the ledger's receipt
    of its adoption (None when this exact text was recorded before)."""
    domain = load_rulebook_text(text, "<request>").domain
    require(can_manage_domain(principal, domain),
            f"this account may not change the rulebook of domain '{domain}'")
    before = {d: b.version for d, b in services.rulebooks().items()}
    book = services.workspace.add_domain(text)
    receipt = None
    if services.acts is not None:
        by = Actor(principal.role, principal.account_id)
        receipt = services.acts.rulebook_adopted(book, text, "api", by)
    services.forget(book.domain)
    changed = before.get(book.domain) != book.version
    if changed:
        services.monitor.rebuild(book.domain)
    return book, changed, receipt


_YAML_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The rulebook, as YAML text",
        "content": {t: {"schema": {"type": "string"}} for t in YAML_TYPES[:1] + YAML_TYPES[4:]},
    }
}


@router.post("", response_model=DomainAddedOut, status_code=201, openapi_extra=_YAML_BODY,
             responses={**ERRORS, 409: {"description": "An older or changed same version"}},
             summary="Add a domain, or a new version of its rulebook (government)")
async def add_domain(request: Request, response: Response, services: ServicesDep,
                     principal: PrincipalDep) -> dict[str, Any]:
    if not is_regulator(principal):
        raise deny("only the government may add or change a rulebook")
    content_type = request.headers.get("content-type", "application/yaml")
    if content_type.split(";")[0].strip().lower() not in YAML_TYPES:
        raise UnsupportedMediaType(f"expected a YAML rulebook ({', '.join(YAML_TYPES)}), "
                                   f"got {content_type}")
    body = await read_body(request)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError([Problem(f"the rulebook is not UTF-8 text (byte {exc.start})",
                                 pointer="")]) from None
    book, changed, receipt = await to_thread.run_sync(_add, services, text, principal)
    if not changed:
        response.status_code = 200
    watermark = await to_thread.run_sync(services.monitor.watermark, book.domain)
    out = summary(book, watermark)
    out["receipt"] = None if receipt is None else receipt.to_dict()
    return out
