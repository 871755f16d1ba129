"""A domain with a ladder of responses, and helpers to walk a breach through the API."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from tests.api.helpers import Api
from tests.ledger import independent

D = "/v1/domains/couriers"

LADDER = """\
domain: couriers
title: Couriers on the sidewalks
timezone: UTC
version: 1
effective_from: 2026-04-01
streams:
  trips:
    time: ended_at
    actor: operator
    key: trip_id
    fields:
      trip_id: string
      operator: string
      ended_at: timestamp
      km: {type: float, min: 0}
goals:
  - id: distance
    title: Every operator drives at least 10 km a day
    measure: sum(trips.km)
    target: ">= 10"
    window: 1d
    every: 1d
responses:
  - {goal: distance, unmet_for: 1, do: notice}
  - {goal: distance, unmet_for: 2, do: corrective-plan, due: 5d}
  - {goal: distance, unmet_for: 3, do: suspend}
"""


def ride(n: int, operator: str, day: int, km: float, hour: int = 10) -> dict[str, Any]:
    return {"trip_id": f"{operator}-{n}", "operator": operator,
            "ended_at": f"2026-04-{day:02d}T{hour:02d}:00:00Z", "km": km}


def report(api: Api, items: list[dict[str, Any]]) -> None:
    response = api.post_events(items, domain="couriers")
    assert response.status_code == 200, response.text
    assert response.json()["accepted"] == len(items), response.text


def only_case(api: Api, actor: str) -> dict[str, Any]:
    page = api.get(f"{D}/cases", actor=actor).json()
    assert page["total"] == 1, page
    case: dict[str, Any] = api.get(f"{D}/cases/{page['items'][0]['id']}").json()
    return case


def post(api: Api, path: str, body: dict[str, Any], who: str) -> Any:
    return api.client.post(f"{D}{path}", json=body, headers=api.headers(who))


def check_in_ledger(api: Api, case: dict[str, Any]) -> list[dict[str, Any]]:
    """Every step of the case is a `case.moved` entry, proven included in the signed tree
    by an independent verifier; the entries' bodies, in step order."""
    key = api.get("/v1/ledger/key").text.strip()
    note = api.get("/v1/ledger/checkpoint").text
    _, size, root = independent.open_checkpoint(note, key)
    bodies = []
    for step in case["steps"]:
        index = step["ledger_index"]
        assert index is not None, step
        raw = base64.b64decode(api.get("/v1/ledger/entries", start=index,
                                       end=index + 1).json()["entries"][0])
        proof = api.get("/v1/ledger/proof/inclusion", index=index, size=size).json()
        leaf = independent.sha256(b"\x00" + raw)
        independent.verify_inclusion(index, size, leaf,
                                     [base64.b64decode(h) for h in proof["hashes"]], root)
        entry = json.loads(raw)
        assert entry["kind"] == "case.moved" and entry["domain"] == "couriers"
        body = entry["body"]
        assert (body["case"], body["step"], body["from"], body["to"]) == (
            case["id"], step["step"], step["from"], step["to"])
        assert body["reason_sha256"] == hashlib.sha256(step["reason"].encode()).hexdigest()
        assert step["reason"] not in raw.decode()
        bodies.append(body)
    return bodies


def check_receipt(api: Api, receipt: dict[str, Any]) -> None:
    """A receipt's checkpoint is signed by the ledger's key and includes its entry."""
    key = api.get("/v1/ledger/key").text.strip()
    _, size, root = independent.open_checkpoint(receipt["checkpoint"], key)
    proof = api.get("/v1/ledger/proof/inclusion", index=receipt["index"], size=size).json()
    independent.verify_inclusion(receipt["index"], size, base64.b64decode(receipt["leaf_hash"]),
                                 [base64.b64decode(h) for h in proof["hashes"]], root)
