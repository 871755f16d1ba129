"""The acts of people on cases, self-reports and investigations, each with its receipt.

Who may do what (a domain-scoped account acts only in its domain):

| act | who |
| --- | --- |
| list / get cases | government, auditor: all; an operator: its own; others: counts only |
| submit a plan, appeal | the operator the case is about |
| accept / reject a plan, decide an appeal | government (the regulator) |
| self-report | an operator, about itself |
| investigations: create, correct, publish | government |
| investigations: read | government, auditor: all; everyone: the public part once published |

Each act is stored, appended to the ledger, and answered with the entry's receipt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Engine

from agilegov.access import Principal, can_read_all, is_regulator
from agilegov.access.policy import in_scope
from agilegov.cases.entries import investigation_entry, self_report_received
from agilegov.cases.investigations import Investigation, InvestigationStore, storable
from agilegov.cases.keeper import CaseKeeper
from agilegov.cases.model import CaseRecord, TransitionError
from agilegov.cases.selfreports import KINDS, SelfReport, SelfReportStore
from agilegov.cases.store import By, CaseStore
from agilegov.errors import AccessDenied, Conflict, NotFound, Problem, UsageError
from agilegov.ledger.receipt import Receipt
from agilegov.rulebook.model import Rulebook

MAX_REASON: Final = 20_000
OPERATOR_STEPS: Final = ("submit-plan", "appeal")
REGULATOR_STEPS: Final = ("accept-plan", "reject-plan", "uphold-appeal", "dismiss-appeal")


def _reason(text: str, name: str = "reason") -> str:
    if not text.strip() or len(text) > MAX_REASON or not storable(text):
        raise UsageError([Problem(f"expected a non-empty text of at most {MAX_REASON} "
                                  "characters (UTF-8, no NUL)", pointer=f"/{name}")])
    return text


class CaseService:
    def __init__(self, keeper: CaseKeeper, investigations: InvestigationStore) -> None:
        self.keeper = keeper
        self.cases = keeper.cases
        self.reports = keeper.reports
        self.investigations = investigations

    # -- reading cases --------------------------------------------------------------------

    def scope(self, p: Principal, domain: str) -> str | None:
        """The actor whose cases `p` may read (None: all); AccessDenied for counts-only."""
        if can_read_all(p, domain):
            return None
        if p.role == "operator" and p.operator is not None and in_scope(p, domain):
            return p.operator
        raise AccessDenied(f"a {p.role} caller may read only the counts of cases "
                           f"(/v1/domains/{domain}/cases/counts)")

    def get(self, p: Principal, domain: str, case_id: int) -> CaseRecord:
        actor = self.scope(p, domain)
        case = self.cases.get(case_id)
        if case.domain != domain:
            raise NotFound(f"no case {case_id} in domain '{domain}'")
        if actor is not None and case.actor != actor:
            raise AccessDenied(f"case {case_id} is not about '{actor}'")
        return case

    # -- moving cases ---------------------------------------------------------------------

    def act(self, p: Principal, domain: str, case_id: int, step: str, reason: str
            ) -> tuple[CaseRecord, Receipt]:
        """An operator's or the regulator's step on a case, with the receipt of its entry."""
        reason = _reason(reason)
        if step in OPERATOR_STEPS:
            if p.role != "operator" or p.operator is None or not in_scope(p, domain):
                raise AccessDenied(f"only the operator of the case may '{step}'")
            by = By("operator", p.account_id, p.operator)
        elif step in REGULATOR_STEPS:
            if not is_regulator(p, domain):
                raise AccessDenied(f"only the regulator (government) may '{step}'")
            by = By("government", p.account_id)
        else:
            raise UsageError(f"'{step}' is not a step people take")
        case = self.cases.get(case_id)
        if case.domain != domain:
            raise NotFound(f"no case {case_id} in domain '{domain}'")
        if by.role == "operator" and case.actor != p.operator:
            raise AccessDenied(f"case {case_id} is not about '{p.operator}'")
        try:
            _, record = self.cases.move(case_id, step, by, reason)
        except TransitionError as exc:
            raise Conflict(str(exc)) from exc
        return self.cases.get(case_id), self._receipt_of_step(record.id)

    def _receipt_of_step(self, step_id: int) -> Receipt:
        self.keeper.publish_pending()
        index = self.cases.step(step_id).ledger_index
        if index is None:
            raise RuntimeError("the step was not appended to the ledger (no ledger attached)")
        return self.keeper.receipt(index)

    # -- self-reports ---------------------------------------------------------------------

    def self_report(self, p: Principal, domain: str, kind: str, goal: str | None,
                    occurred: dt.datetime, summary: str, goals: list[str]
                    ) -> tuple[SelfReport, Receipt]:
        if p.role != "operator" or p.operator is None or not in_scope(p, domain):
            raise AccessDenied("only an operator self-reports (about itself)")
        problems: list[Problem] = []
        if kind not in KINDS:
            problems.append(Problem(f"expected one of {', '.join(KINDS)}, got {kind!r}",
                                    pointer="/kind"))
        if goal is not None and goal not in goals:
            problems.append(Problem(f"no goal {goal!r} in domain '{domain}' "
                                    f"(goals: {', '.join(goals)})", pointer="/goal"))
        if problems:
            raise UsageError(problems)
        report = self.reports.add(domain, p.operator, kind, goal, occurred,
                                  _reason(summary, "summary"))
        receipt = self._append(self_report_received(report))
        self.reports.set_ledger_index(report.id, receipt.index)
        return self.reports.get(report.id), receipt

    def _append(self, entry: Any) -> Receipt:
        ledger = self.keeper.ledger
        if ledger is None:
            raise RuntimeError("no ledger is attached")
        return ledger.append(entry)

    def list_self_reports(self, p: Principal, domain: str, limit: int, offset: int
                          ) -> list[SelfReport]:
        actor = self.scope(p, domain)
        return self.reports.search(domain, actor, limit, offset)

    # -- investigations -------------------------------------------------------------------

    def create_investigation(self, p: Principal, domain: str, fields: dict[str, Any],
                             links: list[int]) -> tuple[Investigation, Receipt]:
        self._regulator(p, domain)
        inv = self.investigations.create(domain, fields, links, p.account_id)
        return inv, self._append(investigation_entry(inv, p.account_id))

    def update_investigation(self, p: Principal, domain: str, inv_id: int,
                             fields: dict[str, Any], links: list[int] | None,
                             publish: bool = False) -> tuple[Investigation, Receipt]:
        self._regulator(p, domain)
        inv = self.investigations.update(domain, inv_id, fields, links, publish)
        return inv, self._append(investigation_entry(inv, p.account_id))

    def investigations_for(self, p: Principal, domain: str, limit: int, offset: int
                           ) -> list[dict[str, Any]]:
        full = can_read_all(p, domain)
        items = self.investigations.search(domain, not full, limit, offset)
        return [i.to_dict() if full else i.public_dict() for i in items]

    def investigation_for(self, p: Principal, domain: str, inv_id: int) -> dict[str, Any]:
        inv = self.investigations.get(domain, inv_id)
        if can_read_all(p, domain):
            return inv.to_dict()
        if inv.status != "published":
            raise NotFound(f"no published investigation {inv_id} in domain '{domain}'")
        return inv.public_dict()

    @staticmethod
    def _regulator(p: Principal, domain: str) -> None:
        if not is_regulator(p, domain):
            raise AccessDenied("only the regulator (government) records investigations")


def build_case_service(engine: Engine, workspace_root: Path,
                       rulebooks: Callable[[str], Rulebook]) -> CaseService:
    """Cases on the governance database's engine; subscribe `.keeper.on_update` to the
    monitor and call `.keeper.attach(ledger)` once the ledger is open."""
    keeper = CaseKeeper(CaseStore(engine), SelfReportStore(engine), rulebooks, workspace_root)
    return CaseService(keeper, InvestigationStore(engine))
