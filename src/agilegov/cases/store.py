"""Cases and their steps in the governance database (shares the StateStore's engine).

Every step is written in one transaction with the case's new state, and starts with no
ledger index: the caller appends it to the ledger and records the index
(`set_ledger_index`); steps still without one are `pending_steps` (appended again after
a crash between the two, so a step is in the ledger at least once).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from agilegov.cases.model import (
    CLOSED_STATES,
    NEW,
    OPEN_STATES,
    STEP_ROLES,
    CaseRecord,
    StepRecord,
    advance,
)
from agilegov.errors import NotFound
from agilegov.store.cases_models import CaseModel, CaseStepModel
from agilegov.store.convert import epoch_us, now_iso
from agilegov.store.db import sessions


@dataclass(frozen=True)
class By:
    """Who takes a step: a role ("system" for the monitor), an account id, an operator id."""

    role: str
    account: int | None = None
    operator: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"role": self.role}
        if self.account is not None:
            out["account"] = self.account
        if self.operator is not None:
            out["operator"] = self.operator
        return out


SYSTEM = By("system")


@dataclass(frozen=True)
class Move:
    """What a step changes besides the state (None: unchanged)."""

    event_at: str | None = None
    due: str | None = None
    rung: int | None = None
    sanction_at: str | None = None
    add_action: tuple[str, int] | None = None
    drop_action: tuple[str, int] | None = None
    credit: dict[str, Any] | None = None


def reason_hash(reason: str) -> str:
    return hashlib.sha256(reason.encode("utf-8")).hexdigest()


def _step(m: CaseStepModel) -> StepRecord:
    return StepRecord(m.id, m.case_id, m.step, m.from_state, m.to_state, m.by_role,
                      m.by_account, m.by_operator, m.reason, m.reason_sha256, m.at,
                      m.event_at, m.due, m.ledger_index)


def _case(m: CaseModel, steps: list[StepRecord] | None = None) -> CaseRecord:
    credit = orjson.loads(m.credit) if m.credit else None
    return CaseRecord(m.id, m.domain, m.goal, m.actor, m.state, m.opened_at, m.updated_at,
                      m.closed_at, m.rung, m.due, m.appeal_from, credit, steps or [])


class CaseStore:
    def __init__(self, engine: Engine) -> None:
        self._read, self._write = sessions(engine)

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        with self._write() as session, session.begin():
            yield session

    # -- moving ---------------------------------------------------------------------------

    def open_case_of(self, domain: str, goal: str, actor: str) -> CaseRecord | None:
        with self._read() as s:
            m = s.scalars(self._open_stmt(domain, goal, actor)).first()
            return None if m is None else _case(m)

    @staticmethod
    def _open_stmt(domain: str, goal: str, actor: str) -> Any:
        return (select(CaseModel)
                .where(CaseModel.domain == domain, CaseModel.goal == goal,
                       CaseModel.actor == actor, CaseModel.state.in_(OPEN_STATES))
                .order_by(CaseModel.id.desc()))

    def open(self, domain: str, goal: str, actor: str, step: str, by: By, reason: str,
             move: Move) -> tuple[CaseRecord, StepRecord]:
        """A new case taking its opening `step` (a case already open for the subject is a
        ValueError: the caller advances that one instead)."""
        with self._writing() as s:
            if s.scalars(self._open_stmt(domain, goal, actor)).first() is not None:
                raise ValueError(f"a case of {domain}/{goal}/{actor} is already open")
            now = now_iso()
            m = CaseModel(domain=domain, goal=goal, actor=actor, state=NEW, opened_at=now,
                          updated_at=now, rung=0, actions="[]")
            s.add(m)
            s.flush()
            record = self._apply(s, m, step, by, reason, move)
            return _case(m), record

    def move(self, case_id: int, step: str, by: By, reason: str,
             move: Move | None = None) -> tuple[CaseRecord, StepRecord]:
        """Take `step` on a case (TransitionError when its state does not allow it)."""
        with self._writing() as s:
            m = s.get(CaseModel, case_id, with_for_update=True)
            if m is None:
                raise NotFound(f"no case {case_id}")
            record = self._apply(s, m, step, by, reason, move or Move())
            return _case(m), record

    def _apply(self, s: Session, m: CaseModel, step: str, by: By, reason: str,
               move: Move) -> StepRecord:
        if by.role not in STEP_ROLES[step]:
            raise PermissionError(f"the step '{step}' is taken by "
                                  f"{' or '.join(sorted(STEP_ROLES[step]))}, not {by.role}")
        before = m.state
        m.state, m.appeal_from = advance(before, step, m.appeal_from)
        now = now_iso()
        m.updated_at = now
        if m.state in CLOSED_STATES:
            m.closed_at = now
        if move.due is not None:
            m.due, m.due_us = move.due, epoch_us(move.due)
        if move.rung is not None:
            m.rung = max(m.rung, move.rung)
        if move.sanction_at is not None:
            m.sanction_us = max(m.sanction_us or 0, epoch_us(move.sanction_at))
        if move.credit is not None:
            m.credit = orjson.dumps(move.credit).decode()
        actions = [tuple(a) for a in orjson.loads(m.actions)]
        if move.add_action is not None and move.add_action not in actions:
            actions.append(move.add_action)
        if move.drop_action is not None and move.drop_action in actions:
            actions.remove(move.drop_action)
        m.actions = orjson.dumps(actions).decode()
        row = CaseStepModel(
            case_id=m.id, step=step, from_state=before, to_state=m.state, by_role=by.role,
            by_account=by.account, by_operator=by.operator, reason=reason,
            reason_sha256=reason_hash(reason), at=now, event_at=move.event_at, due=move.due,
        )
        s.add(row)
        s.flush()
        return _step(row)

    def step(self, step_id: int) -> StepRecord:
        with self._read() as s:
            m = s.get(CaseStepModel, step_id)
            if m is None:
                raise NotFound(f"no case step {step_id}")
            return _step(m)

    def active_actions(self, case_id: int) -> list[tuple[str, int]]:
        with self._read() as s:
            m = s.get(CaseModel, case_id)
            return [] if m is None else [(str(a), int(r)) for a, r in orjson.loads(m.actions)]

    def sanction_us(self, case_id: int) -> int | None:
        with self._read() as s:
            m = s.get(CaseModel, case_id)
            return None if m is None else m.sanction_us

    def overdue(self, domain: str, watermark_us: int, states: tuple[str, ...]) -> list[int]:
        """Open cases in `states` whose due date the watermark has passed."""
        with self._read() as s:
            stmt = (select(CaseModel.id)
                    .where(CaseModel.domain == domain, CaseModel.state.in_(states),
                           CaseModel.due_us.is_not(None), CaseModel.due_us <= watermark_us)
                    .order_by(CaseModel.id))
            return list(s.scalars(stmt))

    # -- the ledger outbox ----------------------------------------------------------------

    def pending_steps(self, limit: int = 1000) -> list[tuple[CaseRecord, StepRecord]]:
        with self._read() as s:
            stmt = (select(CaseStepModel, CaseModel)
                    .join(CaseModel, CaseModel.id == CaseStepModel.case_id)
                    .where(CaseStepModel.ledger_index.is_(None))
                    .order_by(CaseStepModel.id).limit(limit))
            return [(_case(c), _step(st)) for st, c in s.execute(stmt).all()]

    def set_ledger_index(self, step_id: int, index: int) -> None:
        with self._writing() as s:
            m = s.get(CaseStepModel, step_id)
            if m is not None:
                m.ledger_index = index

    # -- reading --------------------------------------------------------------------------

    def get(self, case_id: int) -> CaseRecord:
        with self._read() as s:
            m = s.get(CaseModel, case_id)
            if m is None:
                raise NotFound(f"no case {case_id}")
            stmt = (select(CaseStepModel).where(CaseStepModel.case_id == case_id)
                    .order_by(CaseStepModel.id))
            return _case(m, [_step(x) for x in s.scalars(stmt)])

    def search(self, domain: str, actor: str | None = None, goal: str | None = None,
             state: str | None = None, limit: int = 100, offset: int = 0
             ) -> tuple[list[CaseRecord], int]:
        """Cases of a domain, newest first, and how many match in all."""
        conds = [CaseModel.domain == domain]
        if actor is not None:
            conds.append(CaseModel.actor == actor)
        if goal is not None:
            conds.append(CaseModel.goal == goal)
        if state is not None:
            conds.append(CaseModel.state == state)
        with self._read() as s:
            total = s.scalar(select(func.count()).select_from(CaseModel).where(*conds)) or 0
            stmt = (select(CaseModel).where(*conds).order_by(CaseModel.id.desc())
                    .limit(limit).offset(offset))
            return [_case(m) for m in s.scalars(stmt)], total

    def counts(self, domain: str) -> dict[str, int]:
        """How many cases of the domain are in each state (every state listed)."""
        with self._read() as s:
            stmt = (select(CaseModel.state, func.count()).where(CaseModel.domain == domain)
                    .group_by(CaseModel.state))
            found = {str(k): int(v) for k, v in s.execute(stmt).all()}
        return {state: found.get(state, 0) for state in (*OPEN_STATES, *CLOSED_STATES)}
