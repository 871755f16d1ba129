"""A ledger served over HTTP (the `/v1/ledger/...` endpoints), read as a verification source."""

from __future__ import annotations

import base64
import binascii
from types import TracebackType
from typing import Any

import httpx

from agilegov.ledger.errors import LedgerError

PAGE = 1000  # entries per request


def decode_hashes(data: Any, what: str) -> list[bytes]:
    hashes = data.get("hashes") if isinstance(data, dict) else None
    if not isinstance(hashes, list):
        raise LedgerError(f"{what}: expected a JSON object with a 'hashes' list")
    out: list[bytes] = []
    for i, text in enumerate(hashes):
        try:
            h = base64.b64decode(str(text), validate=True)
        except binascii.Error:
            h = b""
        if len(h) != 32:
            raise LedgerError(f"{what}: hash {i} is not the base64 of 32 bytes")
        out.append(h)
    return out


class HttpSource:
    def __init__(self, url: str, client: httpx.Client | None = None) -> None:
        self.url = url.rstrip("/")
        self.client = client or httpx.Client(timeout=30.0)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> HttpSource:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _get(self, path: str, **params: int) -> httpx.Response:
        url = f"{self.url}/v1/ledger/{path}"
        try:
            response = self.client.get(url, params=params)
        except httpx.HTTPError as exc:
            raise LedgerError(f"GET {url}: {exc}") from exc
        if response.status_code != 200:
            raise LedgerError(f"GET {response.url}: HTTP {response.status_code}: "
                              f"{response.text[:200]}")
        return response

    def checkpoint_note(self) -> str:
        return self._get("checkpoint").text

    def verifier_key(self) -> str:
        return self._get("key").text.strip()

    def entries(self, start: int, end: int) -> list[bytes]:
        out: list[bytes] = []
        while start + len(out) < end:
            first = start + len(out)
            data = self._get("entries", start=first, end=min(end, first + PAGE)).json()
            items = data.get("entries") if isinstance(data, dict) else None
            if not isinstance(items, list) or not items:
                raise LedgerError(f"/v1/ledger/entries?start={first}: no entries in the answer")
            try:
                out.extend(base64.b64decode(str(e), validate=True) for e in items)
            except binascii.Error as exc:
                raise LedgerError(f"/v1/ledger/entries?start={first}: an entry is not "
                                  "base64") from exc
        return out[: end - start]

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        data = self._get("proof/inclusion", index=index, size=size).json()
        return decode_hashes(data, f"inclusion proof of {index} in {size}")

    def consistency_proof(self, first: int, second: int) -> list[bytes]:
        data = self._get("proof/consistency", first=first, second=second).json()
        return decode_hashes(data, f"consistency proof from {first} to {second}")

    def tile(self, path: str) -> bytes:
        return self._get(path).content
