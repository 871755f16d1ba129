"""Webhook registrations and their delivery log."""

from __future__ import annotations

import pytest

from agilegov.errors import NotFound, UsageError
from agilegov.store.state import StateStore


def test_webhooks_are_listed_per_domain_until_removed(state: StateStore) -> None:
    hook = state.add_webhook("mob", "https://example.org/hook", "s3cret")
    own = state.add_webhook("mob", "http://acme.example/h", "k", operator="acme",
                            events=["action", "finding", "action"])  # fmt: skip
    state.add_webhook("health", "https://example.org/other", "x")
    assert [w.id for w in state.webhooks("mob")] == [hook.id, own.id]
    assert (hook.secret, hook.operator, hook.events, hook.active) == (
        "s3cret", None, ("action",), True
    )  # fmt: skip
    assert own.events == ("action", "finding") and own.operator == "acme"
    state.remove_webhook(hook.id)
    assert [w.id for w in state.webhooks("mob")] == [own.id]
    assert [w.active for w in state.webhooks("mob", active_only=False)] == [False, True]
    assert state.webhook(hook.id).active is False


def test_a_bad_registration_names_every_problem(state: StateStore) -> None:
    with pytest.raises(UsageError) as err:
        state.add_webhook("mob", "ftp://x", "", events=["everything"])
    assert [p.pointer for p in err.value.problems] == ["/url", "/secret", "/events"]
    assert state.webhooks("mob") == []


def test_deliveries_are_logged_newest_first(state: StateStore) -> None:
    hook = state.add_webhook("mob", "https://example.org/hook", "s")
    state.log_delivery(hook.id, "d1", 1, ok=False, status_code=503, payload='{"a":1}')
    state.log_delivery(hook.id, "d1", 2, ok=False, error="connection refused", payload='{"a":1}')
    state.log_delivery(hook.id, "d1", 3, ok=True, status_code=204, payload='{"a":1}')
    log = state.deliveries(hook.id)
    assert [(d.attempt, d.ok, d.status_code, d.error) for d in log] == [
        (3, True, 204, None), (2, False, None, "connection refused"), (1, False, 503, None)
    ]  # fmt: skip
    assert {d.delivery for d in log} == {"d1"} and log[0].payload == '{"a":1}'
    assert [d.attempt for d in state.deliveries(hook.id, limit=1, offset=1)] == [2]


def test_an_unknown_webhook_is_not_found(state: StateStore) -> None:
    with pytest.raises(NotFound, match="no webhook 99"):
        state.log_delivery(99, "d", 1, ok=True)
    with pytest.raises(NotFound, match="no webhook 98"):
        state.deliveries(98)
    with pytest.raises(NotFound, match="no webhook 97"):
        state.remove_webhook(97)
