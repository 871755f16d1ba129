"""The case keeper: actions, findings and deadlines from the monitor move the cases.

Subscribed to the monitor (`monitor.subscribers.append(keeper.on_update)`). Per update and
per (goal, actor), actions and met findings are taken in event-time order:

- a new action of an `unmet_for` response opens a case (none open) or advances the open
  one: `notice` -> notice; `corrective-plan` (or any `do` naming a plan) -> request-plan,
  with the action's `due`; any other `do` (suspend...) -> escalate. An action whose step
  the state does not allow (a notice after an escalation) leaves the case as it is.
- with credit (a self-report, see `credit`), the case opens with a `credit-cap` step and a
  later response above the cap is a `credit-cap` step instead of its own.
- a new action of a `met_for` response (recognize) resolves the open case;
- a met finding whose window ends after the case's latest sanction resolves it;
- a withdrawn action (its finding was revised) is an `action-withdrawn` step; when no
  action of the case remains, the case is `withdraw`n;
- after that, open cases whose plan was due at or before the watermark, with no plan
  accepted (`plan-requested`, `plan-rejected`), escalate.

Every step is appended to the ledger as a `case.moved` entry once a ledger is attached
(`attach`); steps made before are kept and appended then (an outbox in the database).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from agilegov.cases.credit import CreditPolicy, load_policy, rung_of
from agilegov.cases.entries import case_moved
from agilegov.cases.model import TRANSITIONS, CaseRecord
from agilegov.cases.selfreports import SelfReportStore
from agilegov.cases.store import SYSTEM, CaseStore, Move
from agilegov.errors import RulebookError
from agilegov.ledger.receipt import Receipt
from agilegov.ledger.store import Ledger
from agilegov.monitor.core import MonitorUpdate
from agilegov.rulebook.model import Response, Rulebook
from agilegov.store.convert import epoch_us, now_iso
from agilegov.store.records import ActionChange, FindingChange

log = logging.getLogger("agilegov.cases")
DEADLINE_STATES = ("plan-requested", "plan-rejected")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def ladder_step(do: str) -> str:
    if do == "notice":
        return "notice"
    if "plan" in do:
        return "request-plan"
    return "escalate"


@dataclass(order=True)
class _Event:
    time_us: int
    order: int
    change: ActionChange | FindingChange = field(compare=False)


class CaseKeeper:
    def __init__(self, cases: CaseStore, reports: SelfReportStore,
                 rulebooks: Callable[[str], Rulebook], workspace_root: Path) -> None:
        self.cases = cases
        self.reports = reports
        self.rulebooks = rulebooks
        self.workspace_root = Path(workspace_root)
        self.ledger: Ledger | None = None
        self._publishing = threading.Lock()
        self._moving = threading.Lock()
        self.failures = 0
        self.policy_problems: list[str] = []

    # -- the ledger -----------------------------------------------------------------------

    def attach(self, ledger: Ledger) -> None:
        """Append every step from now on (and those made before) to `ledger`."""
        self.ledger = ledger
        self.publish_pending()

    def publish_pending(self) -> int:
        """Append steps not yet in the ledger, oldest first; how many were appended."""
        ledger = self.ledger
        if ledger is None:
            return 0
        done = 0
        with self._publishing:
            while batch := self.cases.pending_steps():
                receipts = ledger.append_many(case_moved(c, s) for c, s in batch)
                for (_, step), receipt in zip(batch, receipts, strict=True):
                    self.cases.set_ledger_index(step.id, receipt.index)
                done += len(batch)
        return done

    def receipt(self, index: int) -> Receipt:
        """A receipt of an entry already in the ledger, with the latest checkpoint."""
        if self.ledger is None:
            raise RuntimeError("no ledger is attached")
        return Receipt(index, self.ledger.node(0, index), self.ledger.checkpoint_note())

    def policy(self, book: Rulebook) -> CreditPolicy:
        """The domain's credit policy; a policy file in error grants no credit (enforcement
        goes on) and its problems are logged and kept in `policy_problems`."""
        try:
            return load_policy(self.workspace_root, book)
        except RulebookError as exc:
            self.policy_problems = [str(p) for p in exc.problems]
            log.error("credit policy of %s ignored: %s", book.domain, exc)
            return CreditPolicy()

    # -- monitor updates ------------------------------------------------------------------

    def on_update(self, update: MonitorUpdate) -> None:
        """Move the cases of one monitor update (never raises: the monitor goes on)."""
        try:
            with self._moving:
                self.apply(update)
        except Exception:
            self.failures += 1
            log.exception("cases of %s were not moved by an update", update.domain)
        try:
            self.publish_pending()
        except Exception:
            self.failures += 1
            log.exception("case steps were not appended to the ledger")

    def apply(self, update: MonitorUpdate) -> None:
        if not update.actions and not update.findings and update.watermark_us is None:
            return
        book = self.rulebooks(update.domain)
        events: dict[tuple[str, str], list[_Event]] = {}
        for a in update.actions:
            key = (a.row.goal, a.row.actor)
            events.setdefault(key, []).append(_Event(epoch_us(a.row.at), 1, a))
        for f in update.findings:
            if f.row.status == "met":
                key = (f.row.goal, f.row.actor)
                events.setdefault(key, []).append(_Event(epoch_us(f.row.window_end), 0, f))
        for key in sorted(events):
            for event in sorted(events[key]):
                if isinstance(event.change, ActionChange):
                    self._action(book, event.change)
                else:
                    self._finding(event.change)
        if update.watermark_us is not None:
            self._deadlines(book, update.watermark_us)

    def _finding(self, change: FindingChange) -> None:
        row = change.row
        case = self.cases.open_case_of(row.domain, row.goal, row.actor)
        if case is None:
            return
        sanction = self.cases.sanction_us(case.id)
        if sanction is not None and epoch_us(row.window_end) > sanction:
            self.cases.move(case.id, "resolve", SYSTEM,
                            f"the goal holds again: met in the window ending {row.window_end}",
                            Move(event_at=row.window_end))

    def _action(self, book: Rulebook, change: ActionChange) -> None:
        row = change.row
        if not 0 <= row.response < len(book.responses):
            log.warning("action of %s/%s names response %d, not in the rulebook",
                        row.goal, row.actor, row.response)
            return
        response = book.responses[row.response]
        case = self.cases.open_case_of(row.domain, row.goal, row.actor)
        ref = (row.at, row.response)
        if change.kind == "withdrawn":
            if case is None or ref not in self.cases.active_actions(case.id):
                return
            why = f"the '{row.do}' action at {row.at} was withdrawn (its finding was revised)"
            case, _ = self.cases.move(case.id, "action-withdrawn", SYSTEM, why,
                                      Move(event_at=row.at, drop_action=ref))
            if not self.cases.active_actions(case.id):
                self.cases.move(case.id, "withdraw", SYSTEM,
                                "no action of the case remains: every one was withdrawn",
                                Move(event_at=row.at))
            return
        if response.kind == "met":
            if case is not None:
                self.cases.move(case.id, "resolve", SYSTEM,
                                f"the rulebook's '{row.do}' response (met for "
                                f"{response.count}) at {row.at}", Move(event_at=row.at))
            return
        self._sanction(book, response, case, change)

    def _sanction(self, book: Rulebook, response: Response, case: CaseRecord | None,
                  change: ActionChange) -> None:
        row = change.row
        step = ladder_step(row.do)
        reason = (f"the rulebook's '{row.do}' response: unmet for {response.count} "
                  f"finding(s) in a row, at {row.at}")
        move = Move(event_at=row.at, due=row.due if step == "request-plan" else None,
                    rung=response.count, sanction_at=row.at, add_action=(row.at, row.response))
        cap = self.policy(book).cap_for(row.goal)
        cap_rung = rung_of(book, row.goal, cap) if cap is not None else None
        if case is None:
            credit = None
            if cap_rung is not None:
                credit = self.reports.find_credit(row.domain, row.actor, row.goal,
                                                  epoch_us(row.at), epoch_us(now_iso()))
            if credit is not None and cap is not None and cap_rung is not None \
                    and response.count > cap_rung:
                step = ladder_step(cap)
                reason += f"; capped at '{cap}' by the credit of self-report {credit.id}"
                move = Move(event_at=row.at, due=row.due if step == "request-plan" else None,
                            rung=cap_rung, sanction_at=row.at, add_action=move.add_action)
            opened, _ = self.cases.open(row.domain, row.goal, row.actor, step, SYSTEM,
                                        reason, move)
            if credit is not None:
                self.reports.link(credit.id, opened.id)
                self.cases.move(opened.id, "credit-cap", SYSTEM,
                                f"self-report {credit.id} of {credit.occurred_at} earns "
                                f"credit: this case climbs no higher than '{cap}'",
                                Move(event_at=row.at, credit={"self_report": credit.id,
                                                              "cap": cap}))
            return
        if case.credit and cap_rung is not None and response.count > cap_rung:
            self.cases.move(case.id, "credit-cap", SYSTEM,
                            f"{reason}; capped at '{case.credit.get('cap')}' by the credit of "
                            f"self-report {case.credit.get('self_report')}",
                            Move(event_at=row.at, add_action=move.add_action))
            return
        if (case.state, step) not in TRANSITIONS:
            log.info("case %d in state %s: the '%s' action at %s does not move it",
                     case.id, case.state, row.do, row.at)
            return
        self.cases.move(case.id, step, SYSTEM, reason, move)

    def _deadlines(self, book: Rulebook, watermark_us: int) -> None:
        mark = (EPOCH + dt.timedelta(microseconds=watermark_us)).isoformat()
        for case_id in self.cases.overdue(book.domain, watermark_us, DEADLINE_STATES):
            case = self.cases.get(case_id)
            self.cases.move(case_id, "escalate", SYSTEM,
                            f"the corrective plan was due {case.due}; the watermark "
                            f"({mark}) passed it with no plan accepted",
                            Move(event_at=case.due))
