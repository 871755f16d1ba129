"""Webhooks for actions: signed POSTs, retried with exponential backoff, every attempt logged.

For each action change (a new action, or one withdrawn by a revision) and each webhook of
the action's domain, one *delivery* is made: the same body on every attempt, signed with
the webhook's secret. Attempt n (1-based) that fails (a network error or a status outside
2xx) is retried after `base_delay * 2**(n-1)` seconds, up to `max_attempts` attempts
(defaults: 1, 2, 4, 8 s between 5 attempts). Every attempt writes a delivery log row.

Deliveries wait in a bounded in-memory schedule served by a few worker threads; when it is
full a new delivery is logged as dropped instead of blocking the monitor. Deliveries still
waiting when the service stops are logged as abandoned (they are not resumed on restart).
"""

from __future__ import annotations

import heapq
import logging
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx
import orjson

from agilegov.notify.changes import Update
from agilegov.notify.signing import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    sign,
)
from agilegov.store.records import Webhook

log = logging.getLogger(__name__)

USER_AGENT = "agilegov-webhooks"


@dataclass(order=True)
class _Job:
    due: float
    seq: int
    webhook_id: int = field(compare=False)
    url: str = field(compare=False)
    secret: str = field(compare=False)
    delivery: str = field(compare=False)
    event: str = field(compare=False)
    body: bytes = field(compare=False)
    attempt: int = field(default=1, compare=False)


class WebhookState(Protocol):
    """What webhooks need of `agilegov.store.StateStore`."""

    def webhooks(self, domain: str) -> Sequence[Webhook]: ...

    def log_delivery(
        self,
        webhook_id: int,
        delivery: str,
        attempt: int,
        ok: bool,
        status_code: int | None,
        error: str | None,
        payload: str,
    ) -> object: ...


class Webhooks:
    """Delivers action changes to the domain's webhooks; `start()` then `stop()`."""

    def __init__(
        self,
        state: WebhookState,
        *,
        base_delay: float = 1.0,
        max_attempts: int = 5,
        timeout: float = 10.0,
        workers: int = 4,
        max_pending: int = 10_000,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.state = state
        self.base_delay = base_delay
        self.max_attempts = max_attempts
        self.timeout = timeout
        self.max_pending = max_pending
        self._workers = workers
        self._heap: list[_Job] = []
        self._seq = 0
        self._busy = 0
        self._cond = threading.Condition()
        self._stopping = False
        self._threads: list[threading.Thread] = []
        self._client: httpx.Client | None = None

    # --- life cycle -------------------------------------------------------------------
    def start(self) -> None:
        if self._threads:
            return
        self._stopping = False
        self._client = httpx.Client(timeout=self.timeout, headers={"User-Agent": USER_AGENT})
        for i in range(self._workers):
            t = threading.Thread(target=self._run, name=f"agilegov-webhooks-{i}", daemon=True)
            t.start()
            self._threads.append(t)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the workers; deliveries still scheduled are logged as abandoned."""
        with self._cond:
            self._stopping = True
            left, self._heap = self._heap, []
            self._cond.notify_all()
        for t in self._threads:
            t.join(timeout)
        self._threads = []
        for job in left:
            self._log(job, None, ok=False, error="abandoned: the service stopped", final=True)
        if self._client is not None:
            self._client.close()
            self._client = None

    def pending(self) -> int:
        """Deliveries scheduled or being attempted right now."""
        with self._cond:
            return len(self._heap) + self._busy

    def wait_idle(self, timeout: float) -> bool:
        """Block until nothing is pending (or `timeout` seconds pass); True when idle."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._heap or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.05))
        return True

    # --- intake -----------------------------------------------------------------------
    def on_update(self, update: Update) -> None:
        """Monitor subscriber: schedule one delivery per action change and matching webhook.

        A webhook matches when it is active, subscribes to "action" events, and has no
        operator or the action's actor as its operator.
        """
        hooks_of: dict[str, list[Webhook]] = {}
        for change in update.actions:
            row = change.row
            if row.domain not in hooks_of:
                hooks_of[row.domain] = list(self.state.webhooks(row.domain))
            payload = change.to_dict()
            for hook in hooks_of[row.domain]:
                if not hook.active or "action" not in hook.events:
                    continue
                if hook.operator is not None and hook.operator != row.actor:
                    continue
                self.enqueue(hook.id, hook.url, hook.secret, f"action.{change.kind}", payload)

    def enqueue(
        self, webhook_id: int, url: str, secret: str, event: str, payload: dict[str, Any]
    ) -> str:
        """Schedule one delivery now; returns its delivery id (also in the body and headers)."""
        delivery = uuid.uuid4().hex
        body = orjson.dumps(
            {"id": delivery, "event": event, **payload}, option=orjson.OPT_SORT_KEYS
        )
        with self._cond:
            self._seq += 1
            job = _Job(time.monotonic(), self._seq, webhook_id, url, secret, delivery, event, body)
            refused = None
            if self._stopping:
                refused = "dropped: the service is stopping"
            elif len(self._heap) >= self.max_pending:
                refused = "dropped: too many pending deliveries"
            else:
                heapq.heappush(self._heap, job)
                self._cond.notify()
        if refused is not None:
            self._log(job, None, ok=False, error=refused, final=True)
        return delivery

    # --- workers ----------------------------------------------------------------------
    def _next(self) -> _Job | None:
        with self._cond:
            while not self._stopping:
                if self._heap:
                    wait = self._heap[0].due - time.monotonic()
                    if wait <= 0:
                        self._busy += 1
                        return heapq.heappop(self._heap)
                    self._cond.wait(min(wait, 1.0))
                else:
                    self._cond.wait(1.0)
            return None

    def _run(self) -> None:
        while (job := self._next()) is not None:
            try:
                self._attempt(job)
            except Exception:  # a worker must survive anything one delivery does
                log.exception("webhook delivery %s failed unexpectedly", job.delivery)
            finally:
                with self._cond:
                    self._busy -= 1
                    self._cond.notify_all()

    def _attempt(self, job: _Job) -> None:
        assert self._client is not None
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(job.secret, job.body),
            TIMESTAMP_HEADER: str(int(time.time())),
            DELIVERY_HEADER: job.delivery,
            EVENT_HEADER: job.event,
        }
        status: int | None = None
        error: str | None = None
        try:
            response = self._client.post(job.url, content=job.body, headers=headers)
            status = response.status_code
            if not 200 <= status < 300:
                error = f"HTTP {status}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        ok = error is None
        final = ok or job.attempt >= self.max_attempts
        self._log(job, status, ok=ok, error=error, final=final)
        if final:
            return
        retry = _Job(
            time.monotonic() + self.base_delay * 2 ** (job.attempt - 1),
            0,
            job.webhook_id,
            job.url,
            job.secret,
            job.delivery,
            job.event,
            job.body,
            job.attempt + 1,
        )
        with self._cond:
            if self._stopping:
                abandoned = True
            else:
                abandoned = False
                self._seq += 1
                retry.seq = self._seq
                heapq.heappush(self._heap, retry)
                self._cond.notify()
        if abandoned:
            self._log(retry, None, ok=False, error="abandoned: the service stopped", final=True)

    def _log(
        self, job: _Job, status: int | None, *, ok: bool, error: str | None, final: bool
    ) -> None:
        if final and not ok and error is not None and job.attempt >= self.max_attempts:
            error += f"; gave up after {job.attempt} attempts"
        elif not final and error is not None:
            error += f"; retrying in {self.base_delay * 2 ** (job.attempt - 1):g} s"
        try:
            self.state.log_delivery(
                webhook_id=job.webhook_id,
                delivery=job.delivery,
                attempt=job.attempt,
                ok=ok,
                status_code=status,
                error=error,
                payload=job.body.decode("utf-8"),
            )
        except Exception:
            log.exception("could not log webhook delivery %s", job.delivery)
