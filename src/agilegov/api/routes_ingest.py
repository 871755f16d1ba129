"""Ingest: batches of events (JSON array, NDJSON, CloudEvents batch), file uploads, quarantine.

The answer comes only once the accepted events are durable; evaluation follows in the
background. The answer carries the ledger's `receipt` of the batch (its `events.received`
entry: index, leaf hash, a signed checkpoint that includes it). With `?wait=evaluated`
the answer waits until the monitor has also evaluated every batch stored so far
(read-your-writes for findings). A batch is accepted in part: good items are stored, each
bad one is quarantined and named in `rejected` with its index, the JSON pointer of the
offending field and what was expected. A body that cannot be read at all (not JSON, not a
batch) is a 422 and nothing is stored.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from anyio import to_thread
from fastapi import APIRouter, File, Query, Request, UploadFile

from agilegov.access import Principal, can_ingest, quarantine_scope
from agilegov.api.deps import (
    Limit,
    Offset,
    PrincipalDep,
    RulebookDep,
    ServicesDep,
    deny,
    stream_of,
)
from agilegov.api.errors import PayloadTooLarge, UnsupportedMediaType
from agilegov.api.limits import MAX_BODY_BYTES, read_body
from agilegov.api.schemas import ERRORS, IngestOut, QuarantinePage
from agilegov.api.services import Services
from agilegov.ingest.parse import parse_body, parse_upload
from agilegov.ingest.service import IngestResult
from agilegov.rulebook.model import Rulebook

router = APIRouter(prefix="/v1/domains/{domain}", tags=["ingest"])

BODY_TYPES = ("application/json", "application/x-ndjson", "application/cloudevents-batch+json")

_EVENTS_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "Events of the stream: a JSON array (or one object), NDJSON (one "
        "object per line) or a CloudEvents 1.0 batch whose items' `data` are the events.",
        "content": {
            "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
            "application/x-ndjson": {"schema": {"type": "string"}},
            "application/cloudevents-batch+json": {
                "schema": {"type": "array", "items": {"type": "object"}}
            },
        },
    }
}


def answer(result: IngestResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "batch_id": result.batch_id,
        "received": result.received,
        "accepted": result.accepted,
        "duplicates": result.duplicates,
        "rejected": [
            {"item": e.index, "pointer": e.pointer, "message": e.message} for e in result.rejected
        ],
    }
    if result.receipt is not None:
        out["receipt"] = result.receipt.to_dict()
    return out


Wait = Annotated[Literal["stored", "evaluated"], Query(
    description="answer once the events are stored (default), or once they are evaluated")]


async def _settle(services: Services, wait: str) -> None:
    if wait == "evaluated":
        await to_thread.run_sync(services.worker.flush)


def _may_ingest(principal: Principal, book: Rulebook) -> None:
    if not can_ingest(principal, book.domain, None):
        raise deny(f"a {principal.role} caller may not report events to domain '{book.domain}'")


@router.post("/streams/{stream}/events", response_model=IngestOut, openapi_extra=_EVENTS_BODY,
             responses={**ERRORS, 413: {"description": "Body too large"},
                        415: {"description": "Unsupported body format"}},
             summary="Report a batch of events (answered once durable)")
async def post_events(stream: str, request: Request, book: RulebookDep, services: ServicesDep,
                      principal: PrincipalDep, wait: Wait = "stored") -> dict[str, Any]:
    stream_of(book, stream)
    _may_ingest(principal, book)
    content_type = request.headers.get("content-type", "application/json")
    media = content_type.split(";")[0].strip().lower()
    if media not in BODY_TYPES:
        raise UnsupportedMediaType(f"expected one of {', '.join(BODY_TYPES)}, got {content_type}")
    body = await read_body(request)
    items = await to_thread.run_sync(parse_body, body, media)
    result = await to_thread.run_sync(
        services.ingest.ingest, book.domain, stream, items, principal, "http"
    )
    await _settle(services, wait)
    return answer(result)


@router.post("/streams/{stream}/files", response_model=IngestOut,
             responses={**ERRORS, 413: {"description": "File too large"}},
             summary="Upload a CSV, JSONL or Parquet file of events")
async def post_file(stream: str, file: Annotated[UploadFile, File(description="the data file")],
                    book: RulebookDep, services: ServicesDep,
                    principal: PrincipalDep, wait: Wait = "stored") -> dict[str, Any]:
    stream_of(book, stream)
    _may_ingest(principal, book)
    data = await file.read(MAX_BODY_BYTES + 1)
    if len(data) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"the file is over {MAX_BODY_BYTES} bytes; split it")
    name = file.filename or "upload"
    items = await to_thread.run_sync(parse_upload, name, data)
    result = await to_thread.run_sync(
        services.ingest.ingest, book.domain, stream, list(items), principal, "file"
    )
    await _settle(services, wait)
    return answer(result)


@router.get("/quarantine", response_model=QuarantinePage, responses=ERRORS,
            summary="Rejected items: an operator sees its own, regulators all")
async def get_quarantine(
    book: RulebookDep, services: ServicesDep, principal: PrincipalDep,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    operator = quarantine_scope(principal, book.domain)
    rows = await to_thread.run_sync(
        services.state.list_quarantine, book.domain, operator, limit + 1, offset
    )
    more = len(rows) > limit
    return {
        "items": [r.to_dict() for r in rows[:limit]],
        "offset": offset,
        "limit": limit,
        "next_offset": offset + limit if more else None,
    }
