"""Request bodies and uploaded files to items."""

from __future__ import annotations

import datetime as dt
import io

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from agilegov.errors import DataError
from agilegov.ingest.parse import media_type, parse_body, parse_upload
from agilegov.ingest.validate import TextRow

EVENT = {"trip_id": "t1", "operator": "op1", "ended_at": "2026-04-01T10:00:00+09:00", "km": 1.5}


def ce(data: object, **extra: object) -> dict[str, object]:
    return {"specversion": "1.0", "id": "e1", "source": "/robots", "type": "trip", "data": data,
            **extra}


def test_a_json_array_is_its_items() -> None:
    body = orjson.dumps([EVENT, {**EVENT, "trip_id": "t2"}])
    assert parse_body(body, "application/json; charset=utf-8") == [
        EVENT, {**EVENT, "trip_id": "t2"}]


def test_one_json_object_is_one_item() -> None:
    assert parse_body(orjson.dumps(EVENT), "application/json") == [EVENT]


def test_no_content_type_is_read_as_json() -> None:
    assert parse_body(b"[]", "") == []


def test_ndjson_is_one_item_per_line_and_skips_blank_lines() -> None:
    body = b'{"a": 1}\n\n{"a": 2}\r\n'
    assert parse_body(body, "application/x-ndjson") == [{"a": 1}, {"a": 2}]


def test_a_broken_ndjson_line_names_the_item_and_the_line() -> None:
    body = b'{"a": 1}\n\n{"a": \n{"a": 3}\n'
    with pytest.raises(DataError) as info:
        parse_body(body, "application/x-ndjson")
    [problem] = info.value.problems
    assert problem.pointer == "/1" and problem.line == 3
    assert "not valid JSON" in problem.message


def test_invalid_json_names_line_and_column() -> None:
    with pytest.raises(DataError) as info:
        parse_body(b'[\n  {"a": 1,}\n]', "application/json")
    [problem] = info.value.problems
    assert problem.line == 2 and problem.column is not None and problem.pointer == ""


@pytest.mark.parametrize("body", [b"", b"  ", b"3", b'"x"'])
def test_a_json_body_must_be_an_array_or_an_object(body: bytes) -> None:
    with pytest.raises(DataError) as info:
        parse_body(body, "application/json")
    assert info.value.problems[0].pointer == ""


def test_a_cloudevents_batch_gives_each_events_data() -> None:
    body = orjson.dumps([ce(EVENT), ce({**EVENT, "trip_id": "t2"}, id="e2")])
    assert parse_body(body, "application/cloudevents-batch+json") == [
        EVENT, {**EVENT, "trip_id": "t2"}]


def test_one_structured_cloudevent() -> None:
    assert parse_body(orjson.dumps(ce(EVENT)), "application/cloudevents+json") == [EVENT]


def test_cloudevent_envelopes_are_checked_with_pointers() -> None:
    bad = [ce(EVENT), {"specversion": "0.3", "id": "", "source": "/s", "type": "t"},
           ce(EVENT, datacontenttype="text/csv"), 7]
    with pytest.raises(DataError) as info:
        parse_body(orjson.dumps(bad), "application/cloudevents-batch+json")
    pointers = [p.pointer for p in info.value.problems]
    assert pointers == ["/1/specversion", "/1/id", "/1/data", "/2/datacontenttype", "/3"]


def test_cloudevent_binary_data_is_refused() -> None:
    event = {k: v for k, v in ce(EVENT).items() if k != "data"}
    event["data_base64"] = "AAAA"
    with pytest.raises(DataError) as info:
        parse_body(orjson.dumps(event), "application/cloudevents+json")
    assert [p.pointer for p in info.value.problems] == ["/data_base64"]


def test_a_cloudevents_batch_must_be_an_array() -> None:
    with pytest.raises(DataError):
        parse_body(orjson.dumps(ce(EVENT)), "application/cloudevents-batch+json")


def test_an_unknown_content_type_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(DataError, match="application/x-ndjson"):
        parse_body(b"a,b", "text/csv")


def test_media_type_drops_parameters_and_case() -> None:
    assert media_type("Application/JSON ; charset=utf-8") == "application/json"


def test_csv_rows_are_text_rows_with_empty_cells_null() -> None:
    data = "\ufefftrip_id,km,night\nt1,1.5,TRUE\nt2,,\n".encode()
    rows = parse_upload("trips.CSV", data)
    assert rows == [{"trip_id": "t1", "km": "1.5", "night": "TRUE"},
                    {"trip_id": "t2", "km": "", "night": ""}]
    assert all(isinstance(r, TextRow) for r in rows)


def test_a_csv_row_with_the_wrong_number_of_cells_is_named() -> None:
    with pytest.raises(DataError) as info:
        parse_upload("trips.csv", b"a,b\n1,2\n1,2,3\n")
    [problem] = info.value.problems
    assert problem.row == 2 and problem.file == "trips.csv"


def test_jsonl_upload() -> None:
    assert parse_upload("t.jsonl", b'{"a": 1}\n\n{"a": null}\n') == [{"a": 1}, {"a": None}]
    with pytest.raises(DataError) as info:
        parse_upload("t.jsonl", b'{"a": 1}\n[1]\n')
    assert info.value.problems[0].line == 2


def test_parquet_upload_turns_timestamps_into_iso_text() -> None:
    aware = dt.datetime(2026, 4, 1, 1, 0, tzinfo=dt.UTC)
    table = pa.table({
        "ended_at": pa.array([aware], pa.timestamp("us", tz="UTC")),
        "local": pa.array([dt.datetime(2026, 4, 1, 9, 30)], pa.timestamp("ns")),
        "day": pa.array([dt.date(2026, 4, 1)], pa.date32()),
        "km": pa.array([2], pa.int32()),
    })
    sink = io.BytesIO()
    pq.write_table(table, sink)
    [row] = parse_upload("t.parquet", sink.getvalue())
    assert row == {"ended_at": "2026-04-01T01:00:00+00:00", "local": "2026-04-01T09:30:00",
                   "day": "2026-04-01", "km": 2}


def test_a_broken_parquet_file_or_unknown_extension_is_refused() -> None:
    with pytest.raises(DataError, match="Parquet"):
        parse_upload("t.parquet", b"not parquet")
    with pytest.raises(DataError, match=r"\.csv, \.jsonl or \.parquet"):
        parse_upload("t.xlsx", b"")
