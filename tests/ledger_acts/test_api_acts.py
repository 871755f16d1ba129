"""Every governance act of the running service goes into its ledger, through the real app:
ingest answers carry receipts an independent verifier accepts (and rejects when altered),
every act kind appears in `/v1/ledger/entries`, and no entry holds a personal value."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.api.helpers import RULEBOOK, Api, trip
from tests.ledger import independent

from agilegov.api.app import create_app
from agilegov.ingest.pseudonym import Pseudonymizer
from agilegov.rulebook.durations import Duration
from agilegov.settings import Settings


def b64(items: list[str]) -> list[bytes]:
    return [base64.b64decode(i) for i in items]


def entries(client: TestClient) -> list[bytes]:
    out: list[bytes] = []
    while True:
        page = client.get("/v1/ledger/entries", params={"start": len(out)})
        if page.status_code == 404:
            return out
        out += b64(page.json()["entries"])


def objects(client: TestClient) -> list[dict[str, Any]]:
    return [json.loads(e) for e in entries(client)]


def settle(api: Api) -> None:
    api.settle()
    api.client.app.state.services.acts.flush()  # type: ignore[attr-defined]


def test_an_ingest_receipt_verifies_independently(api_any_db: Api) -> None:
    api = api_any_db
    answer = api.post_events([trip(1, "op-a", 1, 4.0), trip(2, "op-a", 1, 3.0)], who="op-a")
    assert answer.status_code == 200, answer.text
    receipt = answer.json()["receipt"]
    key = api.get("/v1/ledger/key").text.strip()
    origin, size, root = independent.open_checkpoint(receipt["checkpoint"], key)
    assert size > receipt["index"]
    data = entries(api.client)
    entry = data[receipt["index"]]
    obj = json.loads(entry)
    assert obj["kind"] == "events.received" and obj["domain"] == "robots"
    assert obj["body"]["accepted"] == 2 and obj["body"]["stream"] == "trips"
    assert obj["body"]["source"] == "http" and obj["body"]["by"]["role"] == "operator"
    leaf = independent.sha256(b"\x00" + entry)
    assert base64.b64decode(receipt["leaf_hash"]) == leaf
    assert independent.mth(data[:size]) == root
    proof = b64(api.get("/v1/ledger/proof/inclusion", index=receipt["index"],
                        size=size).json()["hashes"])
    independent.verify_inclusion(receipt["index"], size, leaf, proof, root)
    # the served checkpoint extends the receipt's
    current = api.get("/v1/ledger/checkpoint").text
    _, now_size, now_root = independent.open_checkpoint(current, key)
    cons = b64(api.get("/v1/ledger/proof/consistency", first=size).json()["hashes"])
    independent.verify_consistency(size, now_size, root, now_root, cons)

    altered = entry.replace(b'"accepted":2', b'"accepted":3')
    assert altered != entry
    with pytest.raises(independent.Rejected):
        independent.verify_inclusion(receipt["index"], size,
                                     independent.sha256(b"\x00" + altered), proof, root)
    with pytest.raises(independent.Rejected):
        independent.verify_inclusion(receipt["index"], size, leaf, proof,
                                     independent.sha256(root))
    text, _, sigs = receipt["checkpoint"].rpartition("\n\n")
    forged = text.replace(f"\n{size}\n", f"\n{size + 1}\n", 1) + "\n\n" + sigs
    with pytest.raises(independent.Rejected):
        independent.open_checkpoint(forged, key)
    assert origin == api.client.app.state.ledger.origin  # type: ignore[attr-defined]


def test_every_act_kind_appears_and_no_entry_holds_a_personal_value(api: Api) -> None:
    added = api.client.post("/v1/domains", content=RULEBOOK.replace("domain: robots",
                                                                    "domain: robots-two"),
                            headers={**api.headers("government"),
                                     "Content-Type": "application/yaml"})
    assert added.status_code == 201, added.text
    assert added.json()["receipt"]["index"] >= 0
    again = api.client.post("/v1/domains", content=RULEBOOK.replace("domain: robots",
                                                                    "domain: robots-two"),
                            headers={**api.headers("government"),
                                     "Content-Type": "application/yaml"})
    assert again.status_code == 200 and again.json()["receipt"] is None
    api.post_events([trip(1, "op-a", 1, 2.0), trip(2, "op-b", 1, 30.0)])
    Pseudonymizer(api.workspace / "keys").rotate("robots")  # as `agilegov key rotate` does
    api.post_events([trip(3, "op-a", 3, 1.0), trip(4, "op-b", 3, 1.0)])
    settle(api)
    found = objects(api.client)
    kinds = [o["kind"] for o in found]
    for kind in ("rulebook.adopted", "events.received", "findings.published", "action.taken",
                 "pseudonym.rotated"):
        assert kind in kinds, kind
    adopted = [(o["domain"], o["body"]["source"]) for o in found
               if o["kind"] == "rulebook.adopted"]
    assert adopted == [("robots", "workspace"), ("robots-two", "api")]
    rotated = kinds.index("pseudonym.rotated")
    assert kinds[rotated + 1] == "events.received"
    assert found[rotated]["body"]["key_id"] == "k2"
    assert found[rotated + 1]["body"]["pseudonym_key"] == "k2"
    notice = [o for o in found if o["kind"] == "action.taken"]
    assert notice[0]["body"]["actor"] == "op-a" and notice[0]["body"]["do"] == "notice"
    published = [o for o in found if o["kind"] == "findings.published"]
    served = api.get("/v1/domains/robots/findings", limit=1000).json()["items"]
    assert sum(o["body"]["count"] for o in published) >= len(served)
    raw = b"".join(entries(api.client))
    assert b"rider-" not in raw and b"p:k1:" not in raw and b"p:k2:" not in raw


def _restart(workspace: Path) -> TestClient:
    settings = Settings(workspace, f"sqlite:///{workspace / 'state.sqlite'}", None,
                        Duration(0, "s"))
    return TestClient(create_app(settings), raise_server_exceptions=False)


def test_offline_acts_are_recorded_at_the_next_start_once(api: Api) -> None:
    workspace = api.workspace
    api.post_events([trip(1, "op-a", 1, 12.0)])
    before = len(entries(api.client))
    api.client.__exit__(None, None, None)
    Pseudonymizer(workspace / "keys").rotate("robots")  # `agilegov key rotate`, offline
    changed = RULEBOOK.replace("version: 1", "version: 2")
    (workspace / "domains" / "robots.yaml").write_text(changed, "utf-8")  # `domain add`
    with _restart(workspace) as client:
        found = objects(client)
        new = [(o["kind"], o["body"].get("version"), o["body"].get("key_id"))
               for o in found[before:]]
        assert ("rulebook.adopted", 2, None) in new
        assert ("pseudonym.rotated", None, "k2") in new
        size = len(found)
    with _restart(workspace) as client:
        again = objects(client)
        assert [o["kind"] for o in again[size:]] == []


def test_a_rulebook_added_while_serving_is_recorded_when_first_seen(api: Api) -> None:
    changed = RULEBOOK.replace("version: 1", "version: 3")
    (api.workspace / "domains" / "robots.yaml").write_text(changed, "utf-8")
    assert api.get("/v1/domains/robots").json()["version"] == 3
    found = objects(api.client)
    assert [o["body"]["version"] for o in found if o["kind"] == "rulebook.adopted"] == [1, 3]


def test_mqtt_batches_get_entries_without_a_receipt_channel(api: Api) -> None:
    from agilegov.ingest.mqtt import MQTT_PRINCIPAL, SOURCE

    services = api.client.app.state.services  # type: ignore[attr-defined]
    result = services.ingest.ingest("robots", "trips", [trip(9, "op-a", 1, 5.0)],
                                    MQTT_PRINCIPAL, SOURCE)
    assert result.receipt is not None
    obj = json.loads(entries(api.client)[result.receipt.index])
    assert obj["body"]["source"] == SOURCE and obj["body"]["accepted"] == 1
