"""Abuse limits: token buckets per caller key, nothing taken when refused."""

from __future__ import annotations

import pytest

from agilegov.reports.limits import AbuseLimits, RateLimited


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_five_a_minute_then_a_wait_that_says_how_long() -> None:
    clock = Clock()
    limits = AbuseLimits(clock=clock)
    for _ in range(5):
        limits.take(["ip:a"])
    with pytest.raises(RateLimited) as refused:
        limits.take(["ip:a"])
    assert refused.value.retry_after == 12  # a token comes back every 60/5 s
    clock.now += 12
    limits.take(["ip:a"])


def test_the_daily_limit_holds_when_minutes_pass() -> None:
    clock = Clock()
    limits = AbuseLimits(per_minute=5, per_day=7, clock=clock)
    for _ in range(5):
        limits.take(["ip:a"])
    clock.now += 60
    limits.take(["ip:a"])
    limits.take(["ip:a"])
    with pytest.raises(RateLimited) as refused:
        limits.take(["ip:a"])
    assert "7 per day" in str(refused.value)
    assert refused.value.retry_after > 60


def test_keys_are_counted_apart_and_a_refusal_takes_nothing() -> None:
    limits = AbuseLimits(per_minute=1, per_day=10, clock=Clock())
    limits.take(["ip:a", "reporter:x"])
    limits.take(["ip:b"])
    with pytest.raises(RateLimited):
        limits.take(["ip:c", "reporter:x"])  # the reporter is out, so ip:c is not charged
    limits.take(["ip:c"])


def test_a_client_key_is_a_hash_never_the_address() -> None:
    limits = AbuseLimits()
    key = limits.client_key("192.0.2.7")
    assert key.startswith("ip:") and "192.0.2.7" not in key
    assert key == limits.client_key("192.0.2.7") != limits.client_key("192.0.2.8")
    assert AbuseLimits().client_key("192.0.2.7") != key  # the hash key is per process


def test_buckets_stay_bounded() -> None:
    limits = AbuseLimits(clock=Clock(), max_keys=10)
    for i in range(50):
        limits.take([f"ip:{i}"])
    assert len(limits._buckets) <= 10
