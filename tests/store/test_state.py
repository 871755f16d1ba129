"""StateStore on SQLite and PostgreSQL: accounts, tokens, quarantine, batches, reopening."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest

from agilegov.access.roles import Principal
from agilegov.errors import NotFound, UsageError
from agilegov.store.state import FindingQuery, FindingRow, StateStore


@dataclass(frozen=True)
class Err:
    index: int
    pointer: str
    message: str


def test_an_operator_token_acts_as_its_operator(state: StateStore) -> None:
    account = state.create_account("Acme Mobility", "operator", operator="acme", domain="mob")
    token = state.create_token(account.id, "ingest box")
    assert token.startswith("agt_") and len(token) == 47
    assert state.principal_for_token(token) == Principal("operator", account.id, "acme", "mob")


def test_only_the_hash_of_a_token_is_stored(state: StateStore) -> None:
    account = state.create_account("Ministry", "government")
    token = state.create_token(account.id)
    with state.engine.connect() as conn:
        dumped = " ".join(
            str(row) for row in conn.exec_driver_sql("SELECT hash, hint, label FROM tokens")
        )
    assert token not in dumped
    assert token[4:12] not in dumped  # only 4 random characters are kept in the hint
    (info,) = state.tokens(account.id)
    assert info.hint == token[:8] + "…" and info.revoked_at is None


def test_unknown_malformed_and_revoked_tokens_give_no_principal(state: StateStore) -> None:
    account = state.create_account("Auditor", "auditor")
    token = state.create_token(account.id)
    other = state.create_token(account.id)
    assert state.principal_for_token("agt_" + "x" * 43) is None
    assert state.principal_for_token("not a token") is None
    assert state.principal_for_token("") is None
    (first, _) = state.tokens(account.id)
    state.revoke_token(first.id)
    state.revoke_token(first.id)  # idempotent
    assert state.principal_for_token(token) is None
    assert state.principal_for_token(other) == Principal("auditor", account.id, None, None)
    assert state.tokens(account.id)[0].revoked_at is not None


def test_a_deactivated_account_loses_every_token(state: StateStore) -> None:
    account = state.create_account("Old operator", "operator", operator="gone")
    token = state.create_token(account.id)
    state.deactivate_account(account.id)
    assert state.principal_for_token(token) is None
    assert state.account(account.id).active is False


def test_account_rules_are_checked_with_every_problem_named(state: StateStore) -> None:
    with pytest.raises(UsageError) as err:
        state.create_account(" ", "operator")
    fields = [p.field for p in err.value.problems]
    assert fields == ["name", "operator"]
    with pytest.raises(UsageError, match="only operator accounts"):
        state.create_account("Ministry", "government", operator="acme")
    with pytest.raises(UsageError, match="expected one of government"):
        state.create_account("Anyone", "public")
    assert state.accounts() == []


def test_tokens_need_an_existing_account(state: StateStore) -> None:
    with pytest.raises(NotFound, match="no account 41"):
        state.create_token(41)
    with pytest.raises(NotFound, match="no token 7"):
        state.revoke_token(7)


def test_quarantine_keeps_each_item_once_with_all_its_problems(state: StateStore) -> None:
    bad_a = {"operator": "acme", "km": -3, "ended_at": "yesterday"}
    bad_b = {"operator": "acme", "km": "far"}
    state.quarantine(
        "mob",
        "trips",
        "acme",
        [
            (Err(0, "/0/km", "expected a number >= 0"), bad_a),
            (Err(0, "/0/ended_at", "expected an ISO 8601 time"), bad_a),
            (Err(3, "/3/km", "expected a number"), bad_b),
        ],
        "http",
    )
    state.quarantine("mob", "trips", "beta", [(Err(1, "/1", "expected an object"), [1, 2])], "mqtt")
    state.quarantine("mob", "trips", "acme", [], "http")  # nothing to keep
    acme = state.list_quarantine("mob", "acme", limit=10, offset=0)
    assert [(q.index, q.item, q.problems) for q in acme] == [
        (
            0,
            bad_a,
            (("/0/km", "expected a number >= 0"), ("/0/ended_at", "expected an ISO 8601 time")),
        ),
        (3, bad_b, (("/3/km", "expected a number"),)),
    ]
    everyone = state.list_quarantine("mob", None, limit=10, offset=0)
    assert [(q.operator, q.source) for q in everyone] == [
        ("acme", "http"),
        ("acme", "http"),
        ("beta", "mqtt"),
    ]
    assert [q.index for q in state.list_quarantine("mob", None, limit=1, offset=2)] == [1]
    assert state.list_quarantine("other", None, limit=10, offset=0) == []
    assert acme[1].to_dict()["problems"] == [{"pointer": "/3/km", "message": "expected a number"}]


def test_quarantine_keeps_what_json_cannot_say_as_text(state: StateStore) -> None:
    item = {"raw": b"\xff\x00abc", "when": object.__name__}
    state.quarantine("mob", "trips", None, [(Err(0, "/0/raw", "expected a string"), item)], "file")
    (q,) = state.list_quarantine("mob", None, limit=5, offset=0)
    assert q.item == {"raw": "\ufffd\x00abc", "when": "object"} and q.operator is None


def test_batches_are_logged_in_order(state: StateStore) -> None:
    state.record_batch("mob", "trips", 1, 5, 3, 1, 1, "a" * 64, "http")
    state.record_batch("mob", "trips", 2, 2, 2, 0, 0, "b" * 64, "mqtt")
    state.record_batch("mob", "stops", 3, 1, 1, 0, 0, "c" * 64, "file")
    logged = state.batches("mob", "trips")
    assert [(b.batch_id, b.received, b.accepted, b.duplicates, b.rejected, b.source)
            for b in logged] == [(1, 5, 3, 1, 1, "http"), (2, 2, 2, 0, 0, "mqtt")]  # fmt: skip
    assert [b.stream for b in state.batches("mob")] == ["trips", "trips", "stops"]


def test_reopening_keeps_the_state_and_migrates_nothing_twice(state_url: str) -> None:
    first = StateStore(state_url)
    account = first.create_account("Ministry", "government")
    token = first.create_token(account.id)
    first.close()
    second = StateStore(state_url)
    try:
        assert second.principal_for_token(token) == Principal("government", account.id, None, None)
    finally:
        second.close()


def test_threads_writing_at_once_all_succeed(state: StateStore) -> None:
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for k in range(10):
                state.upsert_findings([FindingRow(
                    "mob", f"g{n}", "acme", k, "2026-04-01T00:00:00+09:00",
                    "2026-04-02T00:00:00+09:00", float(k), ">= 1", "met", 1,
                )])  # fmt: skip
                account = state.create_account(f"a{n}-{k}", "community")
                state.create_token(account.id)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert state.findings(FindingQuery("mob", limit=100)).total == 40
    assert len(state.accounts()) == 40
