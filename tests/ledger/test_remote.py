"""The HTTP source: answers that are not what the endpoints promise are named errors."""

from __future__ import annotations

import base64

import httpx
import pytest

from agilegov.ledger.errors import LedgerError
from agilegov.ledger.remote import HttpSource, decode_hashes


def source(handler: httpx.MockTransport) -> HttpSource:
    return HttpSource("https://gov.example/", client=httpx.Client(transport=handler))


def test_pages_of_entries_are_joined() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        start = int(request.url.params["start"])
        end = int(request.url.params["end"])
        items = [base64.b64encode(str(i).encode()).decode() for i in range(start, end)]
        return httpx.Response(200, json={"start": start, "entries": items})

    with source(httpx.MockTransport(answer)) as src:
        assert src.url == "https://gov.example"
        got = src.entries(990, 2005)
    assert len(got) == 1015 and got[0] == b"990" and got[-1] == b"2004"


def test_http_errors_name_the_url_and_status() -> None:
    src = source(httpx.MockTransport(lambda r: httpx.Response(404, text="no such tile")))
    with pytest.raises(LedgerError, match=r"GET https://gov.example/v1/ledger/tile/0/000: "
                                          r"HTTP 404: no such tile"):
        src.tile("tile/0/000")


def test_malformed_proofs_are_refused() -> None:
    with pytest.raises(LedgerError, match="'hashes' list"):
        decode_hashes([], "proof")
    with pytest.raises(LedgerError, match="hash 1 is not the base64 of 32 bytes"):
        decode_hashes({"hashes": [base64.b64encode(bytes(32)).decode(), "AAAA"]}, "proof")
    src = source(httpx.MockTransport(lambda r: httpx.Response(200, json={"hashes": ["!"]})))
    with pytest.raises(LedgerError, match="inclusion proof of 3 in 9: hash 0"):
        src.inclusion_proof(3, 9)
