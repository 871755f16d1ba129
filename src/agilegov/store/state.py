"""The governance state: accounts and tokens, quarantine, batches, findings, actions, webhooks.

One `StateStore` per process, safe to share between threads (a session per call). Opening it
brings the database to the newest schema (Alembic `upgrade head`, a no-op when current).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agilegov.access.roles import ACCOUNT_ROLES, PUBLIC, Principal, Role
from agilegov.access.tokens import hash_token, looks_like_token, new_token, token_hint
from agilegov.errors import NotFound, Problem, UsageError
from agilegov.store import intake, queries, revisions
from agilegov.store import webhooks as hooks
from agilegov.store.convert import now_iso
from agilegov.store.db import make_engine, sessions, upgrade
from agilegov.store.models import AccountModel, BatchModel, QuarantineModel, TokenModel
from agilegov.store.records import (
    Account,
    ActionChange,
    ActionQuery,
    ActionRow,
    BatchRecord,
    Delivery,
    FindingChange,
    FindingQuery,
    FindingRevisionRow,
    FindingRow,
    ItemProblem,
    Page,
    QuarantineItem,
    TokenInfo,
    Webhook,
)

__all__ = [
    "PUBLIC",
    "Account",
    "ActionChange",
    "ActionQuery",
    "ActionRow",
    "BatchRecord",
    "Delivery",
    "FindingChange",
    "FindingQuery",
    "FindingRevisionRow",
    "FindingRow",
    "Page",
    "Principal",
    "QuarantineItem",
    "Role",
    "StateStore",
    "TokenInfo",
    "Webhook",
]


def _account(m: AccountModel) -> Account:
    role: Role = next(r for r in ACCOUNT_ROLES if r == m.role)
    return Account(m.id, m.name, role, m.operator, m.domain, m.created_at, m.active)


class StateStore:
    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        upgrade(self.engine)
        self._read, self._write = sessions(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        with self._read() as session:
            yield session

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        with self._write() as session, session.begin():
            yield session

    # accounts and tokens -------------------------------------------------------------

    def create_account(
        self, name: str, role: Role, operator: str | None = None, domain: str | None = None
    ) -> Account:
        """A new account. An operator account names the actor it reports for."""
        problems: list[Problem] = []
        if not name.strip():
            problems.append(Problem("expected a non-empty account name", field="name"))
        if role not in ACCOUNT_ROLES:
            problems.append(
                Problem(f"expected one of {', '.join(ACCOUNT_ROLES)}, got {role!r}", field="role")
            )
        if role == "operator" and not operator:
            problems.append(Problem("an operator account needs --operator", field="operator"))
        if role != "operator" and operator is not None:
            problems.append(
                Problem(f"only operator accounts have an operator, not {role}", field="operator")
            )
        if problems:
            raise UsageError(problems)
        with self._writing() as s:
            m = AccountModel(
                name=name,
                role=role,
                operator=operator,
                domain=domain,
                active=True,
                created_at=now_iso(),
            )
            s.add(m)
            s.flush()
            return _account(m)

    def account(self, account_id: int) -> Account:
        with self._reading() as s:
            m = s.get(AccountModel, account_id)
            if m is None:
                raise NotFound(f"no account {account_id}")
            return _account(m)

    def accounts(self) -> list[Account]:
        with self._reading() as s:
            return [_account(m) for m in s.scalars(select(AccountModel).order_by(AccountModel.id))]

    def deactivate_account(self, account_id: int) -> None:
        """The account's tokens stop working (kept for the record)."""
        with self._writing() as s:
            m = s.get(AccountModel, account_id)
            if m is None:
                raise NotFound(f"no account {account_id}")
            m.active = False

    def create_token(self, account_id: int, label: str = "") -> str:
        """A new API token for the account: returned once, only its SHA-256 is stored."""
        token = new_token()
        with self._writing() as s:
            if s.get(AccountModel, account_id) is None:
                raise NotFound(f"no account {account_id}")
            s.add(
                TokenModel(
                    account_id=account_id,
                    label=label,
                    hash=hash_token(token),
                    hint=token_hint(token),
                    created_at=now_iso(),
                )
            )
        return token

    def tokens(self, account_id: int) -> list[TokenInfo]:
        with self._reading() as s:
            stmt = select(TokenModel).where(TokenModel.account_id == account_id)
            return [
                TokenInfo(m.id, m.account_id, m.label, m.hint, m.created_at, m.revoked_at)
                for m in s.scalars(stmt.order_by(TokenModel.id))
            ]

    def revoke_token(self, token_id: int) -> None:
        """The token stops working at once (idempotent; the record is kept)."""
        with self._writing() as s:
            m = s.get(TokenModel, token_id)
            if m is None:
                raise NotFound(f"no token {token_id}")
            if m.revoked_at is None:
                m.revoked_at = now_iso()

    def principal_for_token(self, token: str) -> Principal | None:
        """Who the token acts as; None for an unknown, revoked or deactivated token."""
        if not looks_like_token(token):
            return None
        with self._reading() as s:
            row = s.execute(
                select(TokenModel.revoked_at, AccountModel)
                .join(AccountModel, AccountModel.id == TokenModel.account_id)
                .where(TokenModel.hash == hash_token(token))
            ).one_or_none()
            if row is None or row[0] is not None or not row[1].active:
                return None
            account = _account(row[1])
        return Principal(account.role, account.id, account.operator, account.domain)

    # quarantine and batches ----------------------------------------------------------

    def quarantine(
        self,
        domain: str,
        stream: str,
        operator: str | None,
        items: list[tuple[ItemProblem, Any]],
        source: str,
    ) -> None:
        """Keep rejected items: one entry per item, with every problem found in it."""
        if items:
            with self._writing() as s:
                s.add_all(intake.quarantine_models(domain, stream, operator, items, source))

    def list_quarantine(
        self, domain: str, operator: str | None, limit: int, offset: int
    ) -> list[QuarantineItem]:
        """Quarantined items of the domain, oldest first; `operator` None = every operator."""
        stmt = select(QuarantineModel).where(QuarantineModel.domain == domain)
        if operator is not None:
            stmt = stmt.where(QuarantineModel.operator == operator)
        stmt = stmt.order_by(QuarantineModel.id).limit(max(limit, 0)).offset(max(offset, 0))
        with self._reading() as s:
            return [intake.quarantine_item(m) for m in s.scalars(stmt)]

    def record_batch(
        self,
        domain: str,
        stream: str,
        batch_id: int,
        received: int,
        accepted: int,
        duplicates: int,
        rejected: int,
        sha256: str,
        source: str,
    ) -> None:
        with self._writing() as s:
            s.add(
                BatchModel(
                    domain=domain,
                    stream=stream,
                    batch_id=batch_id,
                    received=received,
                    accepted=accepted,
                    duplicates=duplicates,
                    rejected=rejected,
                    sha256=sha256,
                    source=source,
                    recorded_at=now_iso(),
                )
            )

    def batches(self, domain: str, stream: str | None = None) -> list[BatchRecord]:
        stmt = select(BatchModel).where(BatchModel.domain == domain)
        if stream is not None:
            stmt = stmt.where(BatchModel.stream == stream)
        with self._reading() as s:
            return [intake.batch_record(m) for m in s.scalars(stmt.order_by(BatchModel.id))]

    # findings and actions ------------------------------------------------------------

    def upsert_findings(self, rows: Sequence[FindingRow]) -> list[FindingChange]:
        with self._writing() as s:
            return revisions.upsert_findings(s, rows)

    def replace_actions(
        self, domain: str, goal: str, actor: str, actions: Sequence[ActionRow]
    ) -> list[ActionChange]:
        with self._writing() as s:
            return revisions.replace_actions(s, domain, goal, actor, actions)

    def findings(self, q: FindingQuery) -> Page[FindingRow]:
        with self._reading() as s:
            return queries.findings(s, q)

    def actions(self, q: ActionQuery) -> Page[ActionRow]:
        with self._reading() as s:
            return queries.actions(s, q)

    def finding_history(
        self, domain: str, goal: str, actor: str, k: int
    ) -> list[FindingRevisionRow]:
        with self._reading() as s:
            return queries.finding_history(s, domain, goal, actor, k)

    # webhooks ------------------------------------------------------------------------

    def add_webhook(
        self,
        domain: str,
        url: str,
        secret: str,
        operator: str | None = None,
        events: Sequence[str] = ("action",),
    ) -> Webhook:
        with self._writing() as s:
            return hooks.add_webhook(s, domain, url, secret, operator, tuple(events))

    def webhooks(self, domain: str, active_only: bool = True) -> list[Webhook]:
        with self._reading() as s:
            return hooks.webhooks(s, domain, active_only)

    def webhook(self, webhook_id: int) -> Webhook:
        with self._reading() as s:
            return hooks.to_webhook(hooks.get_webhook(s, webhook_id))

    def remove_webhook(self, webhook_id: int) -> None:
        """Stop delivering to it (the registration and its log are kept)."""
        with self._writing() as s:
            hooks.get_webhook(s, webhook_id).active = False

    def log_delivery(
        self,
        webhook_id: int,
        delivery: str,
        attempt: int,
        ok: bool,
        status_code: int | None = None,
        error: str | None = None,
        payload: str = "",
    ) -> Delivery:
        with self._writing() as s:
            return hooks.log_delivery(
                s, webhook_id, delivery, attempt, ok, status_code, error, payload
            )

    def deliveries(self, webhook_id: int, limit: int = 100, offset: int = 0) -> list[Delivery]:
        with self._reading() as s:
            return hooks.deliveries(s, webhook_id, limit, offset)
