from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import orjson
import pytest

from agilegov.notify.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from agilegov.notify.webhooks import Webhooks
from agilegov.store.records import ActionChange, ActionRow, Webhook
from agilegov.store.state import StateStore


@dataclass
class Logged:
    webhook_id: int
    delivery: str
    attempt: int
    ok: bool
    status_code: int | None
    error: str | None
    payload: str


@dataclass
class FakeState:
    hooks: dict[str, list[Webhook]]
    log: list[Logged] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def webhooks(self, domain: str) -> Sequence[Webhook]:
        return self.hooks.get(domain, [])

    def log_delivery(self, **kw: Any) -> None:
        with self.lock:
            self.log.append(Logged(**kw))


@dataclass
class Receiver:
    url: str
    fail_first: int
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    rec = Receiver("", fail_first=2)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            rec.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
            code = 503 if len(rec.requests) <= rec.fail_first else 204
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    rec.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        yield rec
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def hook(id: int, url: str, operator: str | None = None, active: bool = True) -> Webhook:
    return Webhook(id, "d", url, f"secret-{id}", operator, active, "2026-01-01T00:00:00+00:00")


def action(actor: str = "acme", kind: str = "new") -> ActionChange:
    row = ActionRow("d", "g", actor, 3, 0, "2026-04-04T00:00:00+09:00", "notice", None)
    return ActionChange(kind, row, "2026-04-04T01:00:00+00:00")  # type: ignore[arg-type]


@dataclass
class Update:
    actions: list[ActionChange]
    findings: list[Any] = field(default_factory=list)


def test_a_failing_receiver_is_retried_until_it_accepts(receiver: Receiver) -> None:
    state = FakeState({"d": [hook(1, receiver.url)]})
    hooks = Webhooks(state, base_delay=0.01, max_attempts=5)
    hooks.start()
    try:
        hooks.on_update(Update([action()]))
        assert hooks.wait_idle(10)
    finally:
        hooks.stop()
    assert len(receiver.requests) == 3
    bodies = {body for _, body in receiver.requests}
    assert len(bodies) == 1  # the same body on every attempt
    headers, body = receiver.requests[-1]
    assert verify("secret-1", body, headers[SIGNATURE_HEADER.lower()])
    assert headers[TIMESTAMP_HEADER.lower()].isdigit()
    data = orjson.loads(body)
    assert data["event"] == "action.new"
    assert data["change"] == "new"
    assert (data["domain"], data["goal"], data["actor"], data["do"]) == ("d", "g", "acme", "notice")
    assert [(r.attempt, r.ok, r.status_code) for r in state.log] == [
        (1, False, 503), (2, False, 503), (3, True, 204)
    ]
    assert len({r.delivery for r in state.log}) == 1
    assert state.log[0].delivery == data["id"]
    assert "retrying" in (state.log[0].error or "")
    assert state.log[0].payload == body.decode()


def test_delivery_gives_up_after_max_attempts(receiver: Receiver) -> None:
    receiver.fail_first = 100
    state = FakeState({"d": [hook(1, receiver.url)]})
    hooks = Webhooks(state, base_delay=0.01, max_attempts=3)
    hooks.start()
    try:
        hooks.on_update(Update([action(kind="withdrawn")]))
        assert hooks.wait_idle(10)
    finally:
        hooks.stop()
    assert len(receiver.requests) == 3
    assert [r.attempt for r in state.log] == [1, 2, 3]
    assert not any(r.ok for r in state.log)
    assert "gave up after 3 attempts" in (state.log[-1].error or "")
    assert orjson.loads(receiver.requests[0][1])["event"] == "action.withdrawn"


def test_an_unreachable_receiver_is_logged_with_the_error() -> None:
    state = FakeState({"d": [hook(1, "http://127.0.0.1:9/nothing")]})
    hooks = Webhooks(state, base_delay=0.01, max_attempts=2, timeout=2)
    hooks.start()
    try:
        hooks.on_update(Update([action()]))
        assert hooks.wait_idle(10)
    finally:
        hooks.stop()
    rows = [(r.attempt, r.ok, r.status_code) for r in state.log]
    assert rows == [(1, False, None), (2, False, None)]
    assert "Error" in (state.log[0].error or "")


def test_only_matching_webhooks_receive_an_action(receiver: Receiver) -> None:
    receiver.fail_first = 0
    state = FakeState({
        "d": [
            hook(1, receiver.url),
            hook(2, receiver.url, operator="acme"),
            hook(3, receiver.url, operator="other"),
            hook(4, receiver.url, active=False),
        ],
    })
    hooks = Webhooks(state, base_delay=0.01)
    hooks.start()
    try:
        hooks.on_update(Update([action("acme")]))
        assert hooks.wait_idle(10)
    finally:
        hooks.stop()
    assert sorted(r.webhook_id for r in state.log) == [1, 2]
    signed_by = set()
    for headers, body in receiver.requests:
        sig = headers[SIGNATURE_HEADER.lower()]
        signed_by |= {i for i in (1, 2, 3, 4) if verify(f"secret-{i}", body, sig)}
    assert signed_by == {1, 2}


def test_stopping_abandons_scheduled_retries_and_logs_them(receiver: Receiver) -> None:
    receiver.fail_first = 100
    state = FakeState({"d": [hook(1, receiver.url)]})
    hooks = Webhooks(state, base_delay=60, max_attempts=5)
    hooks.start()
    hooks.on_update(Update([action()]))
    deadline = threading.Event()
    for _ in range(200):  # bounded wait for the first attempt's log row
        if state.log:
            break
        deadline.wait(0.05)
    hooks.stop()
    assert [r.attempt for r in state.log] == [1, 2]
    assert state.log[-1].error is not None and "abandoned" in state.log[-1].error
    assert hooks.pending() == 0


def test_a_full_schedule_drops_new_deliveries_with_a_log_row() -> None:
    state = FakeState({"d": [hook(1, "http://127.0.0.1:9/")]})
    hooks = Webhooks(state, max_pending=1)  # not started: nothing leaves the schedule
    hooks.on_update(Update([action(), action("beta")]))
    assert hooks.pending() == 1
    assert len(state.log) == 1 and "dropped" in (state.log[0].error or "")
    hooks.stop()
    assert "abandoned" in (state.log[-1].error or "")


def test_deliveries_are_logged_in_the_state_store(receiver: Receiver, tmp_path: Path) -> None:
    state = StateStore(f"sqlite:///{tmp_path / 'state.sqlite'}")
    try:
        registered = state.add_webhook("d", receiver.url, "real-secret")
        hooks = Webhooks(state, base_delay=0.01)
        hooks.start()
        try:
            hooks.on_update(Update([action()]))
            assert hooks.wait_idle(10)
        finally:
            hooks.stop()
        logged = state.deliveries(registered.id)
        assert sorted((d.attempt, d.ok, d.status_code) for d in logged) == [
            (1, False, 503), (2, False, 503), (3, True, 204)
        ]
        headers, body = receiver.requests[-1]
        assert verify("real-secret", body, headers[SIGNATURE_HEADER.lower()])
        assert {d.payload for d in logged} == {body.decode()}
    finally:
        state.close()
