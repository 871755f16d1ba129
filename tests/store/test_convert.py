"""Time arithmetic and JSON text of received items."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest

from agilegov.store.convert import bound_us, epoch_us, to_json


def test_epoch_microseconds_follow_the_offset() -> None:
    assert epoch_us("1970-01-01T09:00:00+09:00") == 0
    assert epoch_us("1970-01-01T00:00:00.000001Z") == 1
    assert epoch_us(dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC)) == 1774746000 * 10**6


def test_a_naive_time_is_utc() -> None:
    assert epoch_us("1970-01-02T00:00:00") == 86_400 * 10**6


def test_bounds_name_themselves_when_unreadable() -> None:
    assert bound_us(None, "from") is None
    with pytest.raises(ValueError, match="to: expected an ISO 8601 time, got '31/12'"):
        bound_us("31/12", "to")


def test_items_become_json_text_whatever_they_hold() -> None:
    assert to_json({"a": [1, None, True]}) == '{"a":[1,null,true]}'
    assert to_json({1: b"ok", "d": decimal.Decimal("1.5")}) == '{"1":"ok","d":"1.5"}'
    assert to_json({"t": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)}) == (
        '{"t":"2026-01-01T00:00:00+00:00"}'
    )
