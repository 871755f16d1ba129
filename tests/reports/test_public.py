"""Checking submissions and decisions, and the stream event of an accepted report."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.api.helpers import RULEBOOK
from tests.api.test_routes_reports import TOWN

from agilegov.errors import DataError
from agilegov.reports.public import parse_decision, parse_submission, sha256_text, stream_item
from agilegov.reports.records import PublicReport
from agilegov.rulebook.loader import load_rulebook
from agilegov.rulebook.model import Rulebook

NOW = dt.datetime(2026, 4, 2, 12, tzinfo=dt.UTC)


@pytest.fixture
def town(tmp_path) -> Rulebook:  # type: ignore[no-untyped-def]
    path = tmp_path / "town.yaml"
    path.write_text(TOWN.replace("timezone: UTC", "timezone: Asia/Tokyo"), encoding="utf-8")
    return load_rulebook(path)


@pytest.fixture
def robots(tmp_path) -> Rulebook:  # type: ignore[no-untyped-def]
    path = tmp_path / "robots.yaml"
    path.write_text(RULEBOOK, encoding="utf-8")
    return load_rulebook(path)


def pointers(exc: pytest.ExceptionInfo[DataError]) -> list[str | None]:
    return [p.pointer for p in exc.value.problems]


def test_a_minimal_report_is_text_and_the_default_category(robots: Rulebook) -> None:
    s = parse_submission({"text": "  loud robots  "}, robots, NOW)
    assert (s.text, s.category, s.operator, s.place, s.occurred_at) == (
        "loud robots", "other", None, None, None)


def test_a_naive_time_is_in_the_domain_timezone(town: Rulebook) -> None:
    s = parse_submission({"text": "t", "category": "noise", "at": "2026-04-02T08:00:00"},
                         town, NOW)
    assert s.occurred_at == "2026-04-02T08:00:00+09:00"


def test_every_bad_member_is_named(town: Rulebook) -> None:
    body = {"text": "", "category": "potholes", "operator": 5, "at": "yesterday", "who": "me"}
    with pytest.raises(DataError) as exc:
        parse_submission(body, town, NOW)
    assert sorted(p or "" for p in pointers(exc)) == [
        "/at", "/category", "/operator", "/text", "/who"]


def test_size_limits_and_the_future(robots: Rulebook) -> None:
    with pytest.raises(DataError) as exc:
        parse_submission({"text": "x" * 4001, "place": "p" * 201,
                          "at": "2026-04-03T00:00:00Z"}, robots, NOW)
    assert sorted(p or "" for p in pointers(exc)) == ["/at", "/place", "/text"]
    with pytest.raises(DataError):
        parse_submission(["not", "an", "object"], robots, NOW)
    with pytest.raises(DataError) as exc:
        parse_submission({"text": "a\x00b", "place": "\ud800"}, robots, NOW)
    assert sorted(p or "" for p in pointers(exc)) == ["/place", "/text"]


def test_decisions() -> None:
    assert parse_decision({"status": "accepted", "reason": "ok"}).status == "accepted"
    d = parse_decision({"status": "duplicate", "reason": "same", "duplicate_of": 3})
    assert d.duplicate_of == 3
    for body in ({"status": "maybe", "reason": "r"}, {"status": "accepted"},
                 {"status": "duplicate", "reason": "r"},
                 {"status": "rejected", "reason": "r", "duplicate_of": 2},
                 {"status": "duplicate", "reason": "r", "duplicate_of": True},
                 {"status": "duplicate", "reason": "r", "duplicate_of": 2**63}):
        with pytest.raises(DataError):
            parse_decision(body)


def report(**kw: object) -> PublicReport:
    base: dict[str, object] = dict(
        id=7, domain="town", received_at="2026-04-02T12:00:00+00:00", reporter=None,
        category="noise", text="t", text_sha256=sha256_text("t"), operator="op-a",
        place="Park", occurred_at=None, status="accepted")
    base.update(kw)
    return PublicReport(**base)  # type: ignore[arg-type]


def test_the_stream_event_fills_declared_fields_only(town: Rulebook) -> None:
    item = stream_item(report(), town.streams["public_reports"])
    assert item == {"report_id": "report-7", "operator": "op-a",
                    "reported_at": "2026-04-02T12:00:00+00:00", "category": "noise",
                    "place": "Park"}


def test_key_time_and_actor_fields_of_other_names_are_filled(town: Rulebook) -> None:
    stream = town.streams["public_reports"]
    other = type(stream)(name=stream.name, time="when", actor="company", key="ref",
                         fields=stream.fields)
    item = stream_item(report(occurred_at="2026-04-01T09:00:00+09:00"), other)
    assert item["ref"] == "report-7" and item["company"] == "op-a"
    assert item["when"] == "2026-04-01T09:00:00+09:00"
