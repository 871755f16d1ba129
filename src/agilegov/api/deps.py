"""Request dependencies: the running services, the caller (from its bearer token), the domain.

No `Authorization` header means the anonymous public. A header that is not
`Bearer <token>`, or a token that is unknown or revoked, is a 401.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from zoneinfo import ZoneInfo

from anyio import to_thread
from fastapi import Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from agilegov.access import PUBLIC, Principal
from agilegov.api.errors import Unauthorized
from agilegov.api.services import Services
from agilegov.engine.calendar import parse_bound
from agilegov.errors import AccessDenied, NotFound, Problem, UsageError
from agilegov.rulebook.model import Rulebook, Stream

# Bounds that keep every number a database can hold (SQLite integers are 64-bit).
MAX_OFFSET = 10**12
MAX_ID = 2**62
Limit = Annotated[int, Query(ge=1, le=1000, description="page size")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="items to skip")]
Instant = Annotated[int, Path(ge=-(10**9), le=10**9, description="instant number k")]
RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="An API token made with `agilegov token create`. Without one you are the public.",
)


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_principal(
    request: Request,
    services: ServicesDep,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)] = None,
) -> Principal:
    header = request.headers.get("authorization")
    if header is None:
        return PUBLIC
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized([Problem("expected the header 'Authorization: Bearer <token>'",
                                    field="Authorization")])
    principal = await to_thread.run_sync(services.state.principal_for_token, token)
    if principal is None:
        raise Unauthorized([Problem("unknown or revoked token", field="Authorization")])
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def get_rulebook(domain: str, services: ServicesDep) -> Rulebook:
    """The rulebook in force of the path's domain; 404 when the workspace has none."""
    return await to_thread.run_sync(services.rulebook, domain)


RulebookDep = Annotated[Rulebook, Depends(get_rulebook)]


def stream_of(book: Rulebook, stream: str) -> Stream:
    found = book.streams.get(stream)
    if found is None:
        names = ", ".join(sorted(book.streams))
        raise NotFound(f"domain '{book.domain}' has no stream '{stream}' (streams: {names})")
    return found


def deny(message: str) -> AccessDenied:
    return AccessDenied([Problem(message)])


def time_bound(text: str | None, book: Rulebook, name: str) -> dt.datetime | None:
    """A `from`/`to` query value: ISO 8601; a date or naive time is in the domain's timezone."""
    if text is None or text == "":
        return None
    try:
        return parse_bound(text, ZoneInfo(book.timezone))
    except (ValueError, OverflowError) as exc:
        raise UsageError([Problem(str(exc), field=name)]) from None
