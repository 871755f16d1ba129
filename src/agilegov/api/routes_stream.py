"""A live Server-Sent Events stream of a domain's new and revised findings and actions.

Events are `finding` and `action`, each `data:` one JSON object; a comment line confirms
the subscription and keeps idle connections alive. Each caller receives only what it may
read (an operator: its own; regulators: all); the public reads the aggregates instead.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from agilegov.access import can_stream, require
from agilegov.api.deps import PrincipalDep, RulebookDep, ServicesDep
from agilegov.api.schemas import ERRORS

router = APIRouter(prefix="/v1/domains/{domain}", tags=["stream"])


@router.get(
    "/stream",
    response_class=StreamingResponse,
    responses={**ERRORS, 200: {"content": {"text/event-stream": {}},
                               "description": "SSE: `event: finding` and `event: action`"}},
    summary="Live stream of findings and actions (Server-Sent Events)",
)
async def get_stream(book: RulebookDep, services: ServicesDep,
                     principal: PrincipalDep) -> StreamingResponse:
    require(can_stream(principal, book.domain),
            f"a {principal.role} caller may read only the published aggregates")
    return StreamingResponse(
        services.hub.subscribe(book.domain, principal),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
