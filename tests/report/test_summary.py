from __future__ import annotations

from dataclasses import replace

from agilegov.engine.findings import Finding
from agilegov.report.summary import (
    WORST_ACTORS,
    DomainResult,
    Shares,
    count_actions,
    summarize,
)


def test_shares_count_each_status_and_their_share() -> None:
    shares = Shares(met=6, unmet=3, insufficient=1)
    assert shares.total == 10
    assert shares.share("met") == 0.6
    assert shares.share("unmet") == 0.3
    assert shares.share("insufficient") == 0.1
    assert Shares().share("met") is None


def test_summary_follows_the_rulebook_goal_order(result: DomainResult) -> None:
    summary = summarize(result)
    assert [g.goal.id for g in summary.goals] == ["injury-rate", "timely-reporting"]
    assert summary.shares == Shares(met=9, unmet=5, insufficient=1)
    assert summary.actors == ["alpha", "beta"]  # "*" is not an actor
    assert summary.first_end is not None and summary.last_end is not None
    assert summary.first_end < summary.last_end


def test_goal_summary_counts_and_worst_actors(result: DomainResult) -> None:
    injury = summarize(result).goals[0]
    assert injury.shares == Shares(met=6, unmet=3, insufficient=1)
    assert [r.actor for r in injury.actors] == ["alpha", "beta"]
    alpha, beta = injury.actors
    assert alpha.shares.unmet == 3 and alpha.longest_unmet_run == 3
    assert beta.shares.unmet == 0 and beta.shares.insufficient == 1
    assert [r.actor for r in injury.worst] == ["alpha"]  # beta never missed
    alpha_ends = [f.window_end for f in injury.findings if f.actor == "alpha"]
    assert alpha.latest.window_end == max(alpha_ends)
    assert [a.do for a in injury.actions] == ["notice", "recognize", "corrective-plan"]


def test_insufficient_neither_extends_nor_ends_an_unmet_run(result: DomainResult) -> None:
    base = next(f for f in result.findings if f.goal == "injury-rate")
    statuses = ["unmet", "insufficient", "unmet", "met", "unmet"]
    findings: list[Finding] = [
        replace(base, actor="x", window_end=base.window_end.replace(day=i + 1), status=s)
        for i, s in enumerate(statuses)  # type: ignore[misc]
    ]
    injury = summarize(replace(result, findings=findings)).goals[0]
    assert injury.actors[0].longest_unmet_run == 2


def test_worst_actors_rank_by_unmet_count_then_share_then_name(result: DomainResult) -> None:
    base = next(f for f in result.findings if f.goal == "injury-rate")
    layout = {"a": ["unmet", "met"], "b": ["unmet"], "c": ["unmet", "unmet", "met"],
              "d": ["met"], "e": ["unmet"], "f": ["unmet"], "g": ["unmet"], "h": ["unmet"]}
    findings = [
        replace(base, actor=actor, window_end=base.window_end.replace(day=i + 1), status=s)
        for actor, statuses in layout.items()
        for i, s in enumerate(statuses)  # type: ignore[misc]
    ]
    injury = summarize(replace(result, findings=findings)).goals[0]
    assert [r.actor for r in injury.actors][:3] == ["c", "b", "e"]
    assert len(injury.worst) == WORST_ACTORS
    assert "d" not in [r.actor for r in injury.worst]
    assert [r.actor for r in injury.actors][-2:] == ["a", "d"]


def test_actions_are_counted_in_response_order(result: DomainResult) -> None:
    counts = count_actions(result.actions, result.rulebook)
    assert list(counts) == ["notice", "corrective-plan", "recognize"]
    assert counts == {"notice": 1, "corrective-plan": 1, "recognize": 1}
    extra = [*result.actions, replace(result.actions[0], do="audit")]
    assert list(count_actions(extra, result.rulebook))[-1] == "audit"


def test_domain_result_of_takes_any_evaluation(result: DomainResult) -> None:
    class Evaluation:
        def __init__(self) -> None:
            self.findings = result.findings
            self.actions = result.actions

    made = DomainResult.of(result.rulebook, Evaluation())
    assert made.findings == result.findings and made.actions == result.actions
    assert made.start is None
