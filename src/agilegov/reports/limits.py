"""Abuse limits of the public report endpoint: token buckets and size limits.

Each caller is known by a key: the keyed hash of its IP address (`ip:<hash>`, the key is
random per process, so the hash is never stored nor comparable across restarts) and, for a
pseudonymous account, its pseudonym (`reporter:<pseudonym>`). Every key has two buckets: a
burst of `per_minute` reports refilled over a minute, and `per_day` refilled over a day. A
report is taken only when every bucket of every key of the caller has a token; otherwise
nothing is taken and the caller is told how many seconds to wait (`Retry-After`).

Buckets live in the memory of the serving process (documented: a restart refills them).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from agilegov.errors import AgilegovError

# Size limits of one report (characters, except the body).
MAX_BODY_BYTES = 16 * 1024
MAX_TEXT = 4000
MAX_CATEGORY = 64
MAX_PLACE = 200
MAX_OPERATOR = 200

PER_MINUTE = 5
PER_DAY = 50
MAX_KEYS = 100_000  # buckets kept; full (idle) ones are dropped first when over


class RateLimited(AgilegovError):
    """Too many reports from one caller: retry after `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class Bucket:
    capacity: float
    rate: float  # tokens per second
    tokens: float
    stamp: float

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait(self) -> float:
        """Seconds until one token is there (0 when there is one)."""
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


@dataclass(frozen=True)
class Rule:
    capacity: int
    period_seconds: float
    name: str


class AbuseLimits:
    """Token buckets per caller key; thread-safe. `clock` is monotonic seconds."""

    def __init__(self, per_minute: int = PER_MINUTE, per_day: int = PER_DAY,
                 clock: Callable[[], float] = time.monotonic, max_keys: int = MAX_KEYS) -> None:
        self.rules = (Rule(per_minute, 60.0, f"{per_minute} per minute"),
                      Rule(per_day, 86400.0, f"{per_day} per day"))
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: dict[tuple[str, int], Bucket] = {}
        self._lock = threading.Lock()
        self._secret = secrets.token_bytes(32)

    def client_key(self, address: str | None) -> str:
        """The key of a network address: a keyed hash, never the address itself."""
        digest = hmac.new(self._secret, (address or "unknown").encode(), hashlib.sha256)
        return "ip:" + digest.hexdigest()[:32]

    def _bucket(self, key: str, i: int, now: float) -> Bucket:
        bucket = self._buckets.get((key, i))
        if bucket is None:
            rule = self.rules[i]
            bucket = Bucket(rule.capacity, rule.capacity / rule.period_seconds,
                            float(rule.capacity), now)
            self._buckets[(key, i)] = bucket
        bucket.refill(now)
        return bucket

    def take(self, keys: Sequence[str]) -> None:
        """Take one report for every key, or raise RateLimited and take nothing."""
        with self._lock:
            now = self.clock()
            waits: list[tuple[float, str]] = []
            buckets = []
            for key in keys:
                for i, rule in enumerate(self.rules):
                    bucket = self._bucket(key, i, now)
                    buckets.append(bucket)
                    if bucket.wait() > 0:
                        waits.append((bucket.wait(), rule.name))
            if waits:
                wait, name = max(waits)
                seconds = max(1, math.ceil(wait))
                raise RateLimited(f"too many reports (at most {name}); retry in {seconds} s",
                                  seconds)
            for bucket in buckets:
                bucket.tokens -= 1
            self._prune()

    def _prune(self) -> None:
        if len(self._buckets) <= self.max_keys:
            return
        full = [k for k, b in self._buckets.items() if b.tokens >= b.capacity]
        for k in full[: len(self._buckets) - self.max_keys]:
            del self._buckets[k]
        while len(self._buckets) > self.max_keys:  # still over: drop the oldest
            del self._buckets[next(iter(self._buckets))]
