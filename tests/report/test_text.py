from __future__ import annotations

import datetime as dt

from agilegov.report import text
from agilegov.rulebook.durations import Duration
from agilegov.rulebook.model import Response, Target


def test_numbers_read_naturally() -> None:
    assert text.number(2.0) == "2"
    assert text.number(12345.0) == "12,345"
    assert text.number(1.23456) == "1.235"
    assert text.number(1.5) == "1.5"
    assert text.number(0.000123) == "0.000123"
    assert text.number(None) == "undefined"


def test_percent() -> None:
    assert text.percent(0.6) == "60%"
    assert text.percent(0.925) == "92.5%"
    assert text.percent(1 / 3) == "33.3%"
    assert text.percent(None) == "n/a"


def test_durations_and_cadence() -> None:
    assert text.duration(Duration(30, "d")) == "30 days"
    assert text.duration(Duration(1, "mo")) == "1 month"
    assert text.cadence(Duration(1, "d")) == "every day"
    assert text.cadence(Duration(2, "w")) == "every 2 weeks"


def test_targets_in_words() -> None:
    assert text.target(Target("<=", 2.0, "<= 2.0")) == "at most 2"
    assert text.target(Target(">=", 0.95, ">= 0.95")) == "at least 0.95"
    assert text.target(Target("==", 0.0, "== 0")) == "exactly 0"
    assert text.target(Target("<", 8.0, "< 8")) == "below 8"


def test_action_kinds_and_actors() -> None:
    assert text.action_kind("corrective-plan") == "Corrective plan"
    assert text.action_kind("recognize") == "Recognition"
    assert text.action_kind("public-warning_letter") == "Public warning letter"
    assert text.actor("*") == "Everyone (aggregate)"
    assert text.actor("acme") == "acme"


def test_response_sentence() -> None:
    r = Response("*", "met", 90, "recognize")
    assert text.response(r, {}) == "Recognition when any goal is met (90 findings in a row)"
    r = Response("x", "unmet", 3, "corrective-plan", Duration(14, "d"))
    assert text.response(r, {}) == (
        "Corrective plan when x is unmet (3 findings in a row), due within 14 days"
    )


def test_when_drops_midnight() -> None:
    assert text.when(dt.datetime(2026, 4, 2)) == "2026-04-02"
    assert text.when(dt.datetime(2026, 4, 2, 6, 30)) == "2026-04-02 06:30"
