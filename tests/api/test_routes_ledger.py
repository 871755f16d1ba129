"""The ledger over HTTP: served checkpoints, proofs and tiles verify independently, and the
HTTP verification source checks the whole log through them."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.ledger import independent

from agilegov.api.errors import install_error_handlers
from agilegov.api.routes_ledger import router
from agilegov.ledger.entry import Entry
from agilegov.ledger.remote import HttpSource
from agilegov.ledger.store import Ledger
from agilegov.ledger.verify import verify_log, verify_receipt

AT = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[TestClient, Ledger]]:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    with Ledger(tmp_path, origin="gov.example/ledger") as led:
        led.append_many(Entry("vote.cast", AT, "robots", {"n": i}) for i in range(1300))
        app.state.ledger = led
        with TestClient(app) as client:
            yield client, led


def b64list(items: list[str]) -> list[bytes]:
    return [base64.b64decode(i) for i in items]


def test_checkpoint_and_key_verify_independently(
        served: tuple[TestClient, Ledger]) -> None:
    client, led = served
    note = client.get("/v1/ledger/checkpoint")
    key = client.get("/v1/ledger/key").text.strip()
    assert note.headers["content-type"].startswith("text/plain")
    assert independent.open_checkpoint(note.text, key) == ("gov.example/ledger", 1300,
                                                           led.root())


def test_entries_and_proofs_verify_independently(served: tuple[TestClient, Ledger]) -> None:
    client, led = served
    page = client.get("/v1/ledger/entries", params={"start": 0, "end": 5000}).json()
    assert (page["start"], page["end"], page["size"]) == (0, 1000, 1300)
    first = b64list(page["entries"])
    rest = b64list(client.get("/v1/ledger/entries", params={"start": 1000}).json()["entries"])
    data = first + rest
    assert independent.mth(data) == led.root()
    proof = client.get("/v1/ledger/proof/inclusion", params={"index": 700, "size": 1100}).json()
    independent.verify_inclusion(700, 1100, independent.sha256(b"\x00" + data[700]),
                                 b64list(proof["hashes"]), independent.mth(data[:1100]))
    cons = client.get("/v1/ledger/proof/consistency", params={"first": 333}).json()
    assert cons["second"] == 1300
    independent.verify_consistency(333, 1300, independent.mth(data[:333]), led.root(),
                                   b64list(cons["hashes"]))


def test_tiles_are_served_with_their_paths(served: tuple[TestClient, Ledger]) -> None:
    client, led = served
    tile = client.get("/v1/ledger/tile/0/001")
    assert tile.status_code == 200 and tile.content == led.tile("tile/0/001")
    assert "immutable" in tile.headers["cache-control"]
    bundle = client.get("/v1/ledger/tile/entries/005.p/20").content
    assert independent.bundle_entries(bundle) == led.entries(1280, 1300)
    assert client.get("/v1/ledger/tile/0/005").status_code == 404
    assert client.get("/v1/ledger/tile/0/5").status_code == 404


def test_bad_requests_say_what_is_wrong(served: tuple[TestClient, Ledger]) -> None:
    client, _ = served
    answer = client.get("/v1/ledger/proof/inclusion", params={"index": 5, "size": 2000})
    assert answer.status_code == 422
    assert "larger than the checkpoint's tree size 1300" in answer.text
    answer = client.get("/v1/ledger/proof/inclusion", params={"index": 1300})
    assert answer.status_code == 422 and "index 1300" in answer.text
    assert client.get("/v1/ledger/entries", params={"start": 1300}).status_code == 404


def test_the_http_source_verifies_the_whole_log(served: tuple[TestClient, Ledger]) -> None:
    client, led = served
    receipt = led.append(Entry("decision.made", AT, "robots", {"p": "p1"}))
    led.append_many(Entry("vote.cast", AT, "robots", {"n": -i}) for i in range(10))
    source = HttpSource("http://testserver", client=client)
    report = verify_log(source, [led.verifier()])
    assert report.entries == 1311 and report.tiles == 6 + 1
    verify_receipt(source, receipt, [led.verifier()], report.checkpoint)


def test_without_a_ledger_the_endpoints_are_404() -> None:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    with TestClient(app) as client:
        assert client.get("/v1/ledger/checkpoint").status_code == 404
