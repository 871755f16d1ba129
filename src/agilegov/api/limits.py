"""Request body limits: a body is read whole, up to a bound, before anything parses it."""

from __future__ import annotations

from fastapi import Request

from agilegov.api.errors import PayloadTooLarge

MAX_BODY_BYTES = 64 * 1024 * 1024


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The request body; 413 as soon as it is known to exceed `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the body is over {limit} bytes; send smaller batches")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the body is over {limit} bytes; send smaller batches")
        chunks.append(chunk)
    return b"".join(chunks)
