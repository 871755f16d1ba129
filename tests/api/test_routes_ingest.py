"""Ingest over HTTP: bodies, answers naming item, pointer and expectation, files, quarantine."""

from __future__ import annotations

import io

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
from tests.api.helpers import Api, trip


def test_a_good_batch_is_accepted_and_a_repeated_key_is_a_duplicate(api: Api) -> None:
    batch = [trip(1, "op-a", 1, 4.0), trip(2, "op-b", 1, 12.0)]
    r = api.post_events(batch)
    assert r.status_code == 200
    body = r.json()
    assert body["received"] == 2 and body["accepted"] == 2 and body["duplicates"] == 0
    assert body["rejected"] == [] and isinstance(body["batch_id"], int)
    again = api.post_events([*batch, trip(3, "op-a", 2, 1.0)]).json()
    assert (again["received"], again["accepted"], again["duplicates"]) == (3, 1, 2)


def test_bad_items_are_named_by_index_pointer_and_expectation(api: Api) -> None:
    items = [
        trip(1, "op-a", 1, 4.0),
        {**trip(2, "op-a", 1, 1.0), "km": "far"},
        {**trip(3, "op-a", 1, 1.0), "ended_at": "yesterday"},
        {"trip_id": "t4", "ended_at": "2026-04-01T10:00:00Z"},
        {**trip(5, "op-a", 1, 1.0), "km": -3},
    ]
    body = api.post_events(items).json()
    assert body["accepted"] == 1
    by_item = {(p["item"], p["pointer"]): p["message"] for p in body["rejected"]}
    assert set(by_item) == {(1, "/1/km"), (2, "/2/ended_at"), (3, "/3/operator"), (4, "/4/km")}
    assert "number" in by_item[(1, "/1/km")]
    assert "ISO 8601" in by_item[(2, "/2/ended_at")]
    assert ">= 0" in by_item[(4, "/4/km")]


def test_ndjson_and_cloudevents_batches(api: Api) -> None:
    lines = b"\n".join(orjson.dumps(trip(n, "op-a", 1, 1.0)) for n in range(3))
    r = api.post_events(lines, content_type="application/x-ndjson")
    assert r.status_code == 200 and r.json()["accepted"] == 3
    events = [
        {"specversion": "1.0", "id": f"e{n}", "source": "/robots", "type": "trip.ended",
         "datacontenttype": "application/json", "data": trip(10 + n, "op-b", 1, 2.0)}
        for n in range(2)
    ]
    r = api.post_events(events, content_type="application/cloudevents-batch+json")
    assert r.status_code == 200 and r.json()["accepted"] == 2


def test_an_unreadable_body_is_a_422_and_stores_nothing(api: Api) -> None:
    r = api.post_events(b'[{"trip_id": "t1",', content_type="application/json")
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["type"] == "data_error" and error["problems"][0]["message"]
    r = api.post_events(b'{"a": 1}\nnot json\n', content_type="application/x-ndjson")
    assert r.status_code == 422
    assert any(p.get("pointer", "").startswith("/1") for p in r.json()["error"]["problems"])
    assert api.get("/v1/domains/robots/quarantine").json()["items"] == []


def test_an_unknown_format_stream_or_domain(api: Api) -> None:
    r = api.post_events(b"trip_id,operator\n", content_type="text/csv")
    assert r.status_code == 415 and r.json()["error"]["type"] == "unsupported_media_type"
    r = api.post_events([trip(1, "op-a", 1, 1.0)], stream="rides")
    assert r.status_code == 404 and "trips" in r.json()["error"]["problems"][0]["message"]
    r = api.post_events([trip(1, "op-a", 1, 1.0)], domain="nowhere")
    assert r.status_code == 404


def test_an_operator_may_report_only_its_own_events(api: Api) -> None:
    body = api.post_events([trip(1, "op-a", 1, 1.0), trip(2, "op-b", 1, 1.0)], who="op-a").json()
    assert body["accepted"] == 1
    (problem,) = body["rejected"]
    assert problem["item"] == 1 and problem["pointer"] == "/1/operator"
    assert "op-a" in problem["message"]


def test_file_uploads_csv_jsonl_and_parquet(api: Api) -> None:
    url = "/v1/domains/robots/streams/trips/files"
    csv = b"trip_id,operator,ended_at,km\nc1,op-a,2026-04-01T10:00:00Z,2.5\nc2,op-a,oops,1\n"
    r = api.client.post(url, headers=api.headers("government"),
                        files={"file": ("trips.csv", csv, "text/csv")})
    assert r.status_code == 200
    body = r.json()
    assert body["accepted"] == 1
    assert [p["pointer"] for p in body["rejected"]] == ["/1/ended_at"]
    jsonl = b"\n".join(orjson.dumps(trip(n, "op-b", 2, 1.0)) for n in range(2))
    r = api.client.post(url, headers=api.headers("government"),
                        files={"file": ("trips.jsonl", jsonl, "application/x-ndjson")})
    assert r.json()["accepted"] == 2
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pylist([trip(9, "op-b", 2, 3.0)]), sink)
    r = api.client.post(url, headers=api.headers("government"),
                        files={"file": ("trips.parquet", sink.getvalue(), "application/vnd")})
    assert r.json()["accepted"] == 1


def test_the_quarantine_keeps_rejected_items_for_their_operator(api: Api) -> None:
    api.post_events([{**trip(1, "op-a", 1, 1.0), "km": "x"}], who="op-a")
    api.post_events([{**trip(2, "op-b", 1, 1.0), "km": -1}], who="op-b")
    mine = api.get("/v1/domains/robots/quarantine", "op-a").json()["items"]
    assert [(q["operator"], q["item"], q["stream"]) for q in mine] == [("op-a", 0, "trips")]
    assert mine[0]["problems"][0]["pointer"] == "/0/km"
    everything = api.get("/v1/domains/robots/quarantine", "government").json()
    assert sorted(q["operator"] for q in everything["items"]) == ["op-a", "op-b"]
    page = api.get("/v1/domains/robots/quarantine", "auditor", limit=1).json()
    assert len(page["items"]) == 1 and page["next_offset"] == 1
    last = api.get("/v1/domains/robots/quarantine", "auditor", limit=1, offset=1).json()
    assert len(last["items"]) == 1 and last["next_offset"] is None


def test_wait_evaluated_answers_after_the_monitor_has_the_batch(api: Api) -> None:
    body = [trip(1, "op-a", 1, 4.0), trip(2, "op-a", 3, 1.0)]
    r = api.client.post("/v1/domains/robots/streams/trips/events?wait=evaluated", json=body,
                        headers=api.headers("op-a"))
    assert r.status_code == 200
    found = api.get("/v1/domains/robots/findings", "op-a", goal="distance").json()["items"]
    assert [(f["window_end"][:10], f["status"]) for f in found] == [("2026-04-02", "unmet")]
    r = api.client.post("/v1/domains/robots/streams/trips/events?wait=soon", json=body,
                        headers=api.headers("op-a"))
    assert r.status_code == 422 and r.json()["error"]["problems"][0]["field"] == "wait"
