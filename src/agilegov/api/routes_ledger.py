"""The transparency ledger, public: the signed checkpoint, the verifier key, entries,
inclusion and consistency proofs, and the C2SP tiles.

The ledger is `request.app.state.ledger` (an `agilegov.ledger.store.Ledger`). Hashes in JSON
answers are base64, entries are the base64 of their exact bytes (canonical JSON), and every
proof is a list of hashes in RFC 9162's order. Tiles are served as C2SP `tlog-tiles` under
`/v1/ledger/tile/...`; a tile the tree does not have (yet) is a 404.
"""

from __future__ import annotations

import base64
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import PlainTextResponse, Response

from agilegov.errors import NotFound, UsageError
from agilegov.ledger.errors import LedgerError
from agilegov.ledger.store import Ledger

router = APIRouter(prefix="/v1/ledger", tags=["ledger"])

MAX_ENTRIES = 1000
NOTE_TYPE = "text/plain; charset=utf-8"


def get_ledger(request: Request) -> Ledger:
    ledger: Ledger | None = getattr(request.app.state, "ledger", None)
    if ledger is None:
        raise NotFound("this service keeps no ledger")
    return ledger


LedgerDep = Annotated[Ledger, Depends(get_ledger)]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@router.get("/checkpoint", response_class=PlainTextResponse,
            summary="The latest signed checkpoint (C2SP tlog-checkpoint, signed note)")
async def checkpoint(ledger: LedgerDep) -> PlainTextResponse:
    return PlainTextResponse(ledger.checkpoint_note(), media_type=NOTE_TYPE,
                             headers={"Cache-Control": "no-cache"})


@router.get("/key", response_class=PlainTextResponse,
            summary="The verifier key of the checkpoints (note verifier-key format)")
async def key(ledger: LedgerDep) -> PlainTextResponse:
    return PlainTextResponse(ledger.verifier_key() + "\n", media_type=NOTE_TYPE)


@router.get("/entries", summary="Entries start <= i < end (at most 1000), base64 of their bytes")
async def entries(
    ledger: LedgerDep,
    start: Annotated[int, Query(ge=0)],
    end: Annotated[int | None, Query(ge=0, description="default: start + 1000")] = None,
) -> dict[str, Any]:
    size = ledger.size
    stop = min(size, start + MAX_ENTRIES, end if end is not None else start + MAX_ENTRIES)
    if start >= size or stop <= start:
        raise NotFound(f"no entries from {start} (the log has {size})")
    items = await to_thread.run_sync(ledger.entries, start, stop)
    return {"start": start, "end": stop, "size": size, "entries": [_b64(e) for e in items]}


def _size(ledger: Ledger, size: int | None, name: str) -> int:
    if size is None:
        return ledger.size
    if size > ledger.size:
        raise UsageError(f"{name}={size} is larger than the checkpoint's tree size "
                         f"{ledger.size}")
    return size


@router.get("/proof/inclusion", summary="RFC 9162 inclusion proof of entry `index` in `size`")
async def inclusion(
    ledger: LedgerDep,
    index: Annotated[int, Query(ge=0)],
    size: Annotated[int | None, Query(ge=1, description="default: the current size")] = None,
) -> dict[str, Any]:
    n = _size(ledger, size, "size")
    if index >= n:
        raise UsageError(f"index {index} is not in a tree of size {n}")
    proof = await to_thread.run_sync(ledger.inclusion_proof, index, n)
    leaf = await to_thread.run_sync(ledger.node, 0, index)
    return {"index": index, "size": n, "leaf_hash": _b64(leaf),
            "hashes": [_b64(h) for h in proof]}


@router.get("/proof/consistency",
            summary="RFC 9162 consistency proof from tree size `first` to `second`")
async def consistency(
    ledger: LedgerDep,
    first: Annotated[int, Query(ge=0)],
    second: Annotated[int | None, Query(ge=0, description="default: the current size")] = None,
) -> dict[str, Any]:
    n = _size(ledger, second, "second")
    if first > n:
        raise UsageError(f"first={first} is larger than second={n}")
    proof = await to_thread.run_sync(ledger.consistency_proof, first, n)
    return {"first": first, "second": n, "hashes": [_b64(h) for h in proof]}


@router.get("/tile/{path:path}", summary="A C2SP tlog-tiles tile or entry bundle",
            response_class=Response,
            responses={200: {"content": {"application/octet-stream": {}}}})
async def tile(ledger: LedgerDep, path: str) -> Response:
    try:
        data = await to_thread.run_sync(ledger.tile, "tile/" + path)
    except LedgerError as exc:
        raise NotFound(str(exc)) from exc
    return Response(data, media_type="application/octet-stream",
                    headers={"Cache-Control": "public, max-age=31536000, immutable"})
