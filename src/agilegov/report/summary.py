"""What a report says about an evaluation: shares met, worst actors, actions by kind.

Both the HTML report and the demo's console tables are built from these
summaries, so the two always agree.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol

from agilegov.engine.findings import Action, Finding, Status
from agilegov.rulebook.model import Goal, Rulebook

WORST_ACTORS = 5


class EvaluationLike(Protocol):
    """Anything holding findings and actions, such as the engine's `Evaluation`."""

    @property
    def findings(self) -> list[Finding]: ...

    @property
    def actions(self) -> list[Action]: ...


@dataclass(frozen=True)
class DomainResult:
    """One domain's rulebook with the findings and actions of one evaluated range."""

    rulebook: Rulebook
    findings: list[Finding]
    actions: list[Action]
    start: dt.datetime | None = None  # the evaluated range, shown when known
    end: dt.datetime | None = None

    @classmethod
    def of(
        cls,
        rulebook: Rulebook,
        evaluation: EvaluationLike,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
    ) -> DomainResult:
        return cls(rulebook, list(evaluation.findings), list(evaluation.actions), start, end)


@dataclass(frozen=True)
class Shares:
    """How many findings had each status."""

    met: int = 0
    unmet: int = 0
    insufficient: int = 0

    @property
    def total(self) -> int:
        return self.met + self.unmet + self.insufficient

    def share(self, status: Status) -> float | None:
        """The share of findings with a status, or None when there are no findings."""
        if self.total == 0:
            return None
        return {"met": self.met, "unmet": self.unmet, "insufficient": self.insufficient}[
            status
        ] / self.total

    @staticmethod
    def count(findings: list[Finding]) -> Shares:
        c = Counter(f.status for f in findings)
        return Shares(c["met"], c["unmet"], c["insufficient"])


@dataclass(frozen=True)
class ActorRecord:
    """One actor's findings for one goal."""

    actor: str
    shares: Shares
    latest: Finding
    longest_unmet_run: int


@dataclass(frozen=True)
class GoalSummary:
    goal: Goal
    findings: list[Finding]  # in time order, all actors
    shares: Shares
    actors: list[ActorRecord]  # worst first
    actions: list[Action]  # in time order
    action_counts: dict[str, int]  # by kind, in the rulebook's response order

    @property
    def worst(self) -> list[ActorRecord]:
        """Up to five actors with at least one unmet finding, worst first."""
        return [a for a in self.actors if a.shares.unmet > 0][:WORST_ACTORS]


@dataclass(frozen=True)
class DomainSummary:
    result: DomainResult
    goals: list[GoalSummary]
    shares: Shares
    action_counts: dict[str, int]
    actors: list[str] = field(default_factory=list)  # every actor with a finding, "*" excluded

    @property
    def rulebook(self) -> Rulebook:
        return self.result.rulebook

    @property
    def actions(self) -> list[Action]:
        return sorted(self.result.actions, key=_action_time)

    @property
    def first_end(self) -> dt.datetime | None:
        return min((f.window_end for f in self.result.findings), default=None)

    @property
    def last_end(self) -> dt.datetime | None:
        return max((f.window_end for f in self.result.findings), default=None)


def _action_time(a: Action) -> tuple[dt.datetime, str, str, int]:
    return (a.at, a.goal, a.actor, a.response)


def _longest_unmet_run(findings: list[Finding]) -> int:
    """Longest run of unmet findings; `insufficient` neither extends nor ends a run."""
    best = run = 0
    for f in findings:
        if f.status == "unmet":
            run += 1
            best = max(best, run)
        elif f.status == "met":
            run = 0
    return best


def _actor_records(findings: list[Finding]) -> list[ActorRecord]:
    by_actor: dict[str, list[Finding]] = {}
    for f in findings:
        by_actor.setdefault(f.actor, []).append(f)
    records = [
        ActorRecord(actor, Shares.count(fs), fs[-1], _longest_unmet_run(fs))
        for actor, fs in by_actor.items()
    ]
    # Worst first: most unmet findings, then the highest unmet share, then by name.
    records.sort(key=lambda r: (-r.shares.unmet, -(r.shares.share("unmet") or 0.0), r.actor))
    return records


def count_actions(actions: list[Action], rulebook: Rulebook) -> dict[str, int]:
    """Actions by kind, kinds in the order the rulebook's responses first name them."""
    order: list[str] = []
    for r in rulebook.responses:
        if r.do not in order:
            order.append(r.do)
    counts = Counter(a.do for a in actions)
    for kind in sorted(counts):
        if kind not in order:
            order.append(kind)
    return {kind: counts[kind] for kind in order if counts[kind] > 0}


def summarize(result: DomainResult) -> DomainSummary:
    """Summarise one domain's evaluation, goal by goal in the rulebook's order."""
    rulebook = result.rulebook
    goals: list[GoalSummary] = []
    for goal in rulebook.goals:
        findings = sorted(
            (f for f in result.findings if f.goal == goal.id),
            key=lambda f: (f.window_end, f.actor),
        )
        actions = sorted((a for a in result.actions if a.goal == goal.id), key=_action_time)
        goals.append(
            GoalSummary(
                goal=goal,
                findings=findings,
                shares=Shares.count(findings),
                actors=_actor_records(findings),
                actions=actions,
                action_counts=count_actions(actions, rulebook),
            )
        )
    actors = sorted({f.actor for f in result.findings if f.actor != "*"})
    return DomainSummary(
        result=result,
        goals=goals,
        shares=Shares.count(result.findings),
        action_counts=count_actions(result.actions, rulebook),
        actors=actors,
    )
