"""The reference evaluator over typed events: findings, actions, silent-spec choices."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from agilegov.engine.reference import evaluate_events, evaluate_reference
from agilegov.errors import DataError
from agilegov.measure.parser import parse_comparison, parse_measure
from agilegov.rulebook.durations import parse_duration
from agilegov.rulebook.model import FieldSpec, Goal, Response, Rulebook, Stream, Target

UTC = dt.UTC
DAY1 = dt.datetime(2026, 4, 1, tzinfo=UTC)


def stream(required: bool = True, key: str | None = None) -> Stream:
    return Stream(
        name="x", time="at", actor="op", key=key,
        fields={
            "id": FieldSpec("id", "string"),
            "op": FieldSpec("op", "string", required=required),
            "at": FieldSpec("at", "timestamp", required=required),
            "v": FieldSpec("v", "float"),
        },
    )


def goal(measure: str, target: str = "<= 1", per: str = "actor", window: str = "1d",
         evidence: str | None = None, gid: str = "g") -> Goal:
    op, value = target.split()
    return Goal(
        id=gid, title=gid, measure=parse_measure(measure), measure_text=measure,
        targets=((dt.date(2026, 4, 1), Target(op, float(value), target)),),  # type: ignore[arg-type]
        window=parse_duration(window), every=parse_duration("1d"), per=per,  # type: ignore[arg-type]
        min_evidence=parse_comparison(evidence) if evidence else None, min_evidence_text=evidence,
    )


def rulebook(*goals: Goal, responses: tuple[Response, ...] = (), tz: str = "UTC",
             s: Stream | None = None) -> Rulebook:
    return Rulebook(domain="d", version=7, effective_from=dt.date(2026, 4, 1),
                    streams={"x": s or stream()}, goals=goals, responses=responses, timezone=tz)


def ev(op: str | None, hours: float, v: float | None = None, **extra: Any) -> dict[str, Any]:
    at = None if hours < 0 else DAY1 + dt.timedelta(hours=hours)
    return {"op": op, "at": at, "v": v, "id": extra.get("id")}


def day(n: int) -> dt.datetime:
    return DAY1 + dt.timedelta(days=n)


def test_findings_carry_the_contract_fields() -> None:
    rb = rulebook(goal("count(x)"))
    findings, actions = evaluate_events(rb, {"x": [ev("A", 1), ev("A", 2)]}, day(1), day(1))
    assert [f.to_dict() for f in findings] == [{
        "kind": "finding", "domain": "d", "version": 7, "goal": "g", "actor": "A",
        "window_start": "2026-04-01T00:00:00+00:00", "window_end": "2026-04-02T00:00:00+00:00",
        "value": 2.0, "target": "<= 1", "status": "unmet",
    }]
    assert actions == []


def test_null_actor_counts_only_for_per_all() -> None:
    rb = rulebook(goal("count(x)", per="actor", gid="a"), goal("count(x)", per="all", gid="b"),
                  s=stream(required=False))
    findings, _ = evaluate_events(rb, {"x": [ev(None, 1), ev("A", 2)]}, day(1), day(1))
    assert [(f.goal, f.actor, f.value) for f in findings] == [("a", "A", 1.0), ("b", "*", 2.0)]


def test_null_time_is_in_no_window() -> None:
    rb = rulebook(goal("count(x)", per="all"), s=stream(required=False))
    findings, _ = evaluate_events(rb, {"x": [ev("A", -1), ev("A", 3)]}, day(1), day(1))
    assert [f.value for f in findings] == [1.0]


def test_key_deduplication_first_read_wins_and_null_keys_never_merge() -> None:
    rb = rulebook(goal("sum(x.v)", "<= 100", per="all"), s=stream(key="id"))
    rows = [ev("A", 1, 1, id="k"), ev("A", 2, 10, id="k"), ev("A", 3, 100, id=None),
            ev("A", 4, 1000, id=None), ev("A", 30, 5, id="k")]
    findings, _ = evaluate_events(rb, {"x": rows}, day(1), day(2))
    assert [f.value for f in findings] == [1101.0, 0.0]


def test_naive_event_times_are_local_wall_times() -> None:
    rb = rulebook(goal("count(x)", per="all"), tz="Asia/Tokyo")
    rows = [{"op": "A", "at": dt.datetime(2026, 4, 1, 8, 0), "v": None, "id": None}]
    start = dt.datetime(2026, 4, 2, tzinfo=UTC)  # 09:00 in Tokyo: the 04-02 midnight is before
    findings, _ = evaluate_events(rb, {"x": rows}, start - dt.timedelta(hours=9), start)
    assert [(f.window_end.isoformat(), f.value) for f in findings] == [
        ("2026-04-02T00:00:00+09:00", 1.0)]


def test_min_evidence_failing_keeps_the_value() -> None:
    rb = rulebook(goal("avg(x.v)", ">= 0", per="all", evidence="count(x) >= 3"))
    findings, _ = evaluate_events(rb, {"x": [ev("A", 1, 4), ev("A", 2, 6)]}, day(1), day(1))
    assert [(f.value, f.status) for f in findings] == [(5.0, "insufficient")]


def test_runs_skip_insufficient_and_fire_once_per_run() -> None:
    responses = (Response("g", "unmet", 2, "notice", parse_duration("1mo")),
                 Response("*", "met", 1, "thanks"))
    rb = rulebook(goal("avg(x.v)", "<= 1", per="all"), responses=responses)
    # days: unmet, insufficient, unmet, unmet, met, unmet, unmet
    values: list[float | None] = [5, None, 5, 5, 0, 5, 5]
    rows = [ev("A", 24 * i + 1, v) for i, v in enumerate(values) if v is not None]
    findings, actions = evaluate_events(rb, {"x": rows}, day(1), day(7))
    assert [f.status for f in findings] == [
        "unmet", "insufficient", "unmet", "unmet", "met", "unmet", "unmet"]
    assert [(a.at.date().day, a.do, a.due and a.due.date().isoformat()) for a in actions] == [
        (4, "notice", "2026-05-04"), (6, "thanks", None), (8, "notice", "2026-05-08")]


def test_actions_are_ordered_by_goal_actor_time_and_response_order() -> None:
    responses = (Response("*", "unmet", 1, "first"), Response("b", "unmet", 1, "second"))
    rb = rulebook(goal("count(x)", "<= 0", gid="b"), goal("count(x)", "<= 0", gid="a"),
                  responses=responses)
    findings, actions = evaluate_events(rb, {"x": [ev("B", 1), ev("A", 2)]}, day(1), day(1))
    assert [(f.goal, f.actor) for f in findings] == [("a", "A"), ("a", "B"), ("b", "A"),
                                                     ("b", "B")]
    assert [(a.goal, a.actor, a.do) for a in actions] == [
        ("a", "A", "first"), ("a", "B", "first"), ("b", "A", "first"), ("b", "A", "second"),
        ("b", "B", "first"), ("b", "B", "second")]


def test_evaluate_reference_reads_files_and_reports_bad_rows(tmp_path: Path) -> None:
    rb = rulebook(goal("count(x)", per="all"))
    (tmp_path / "x.csv").write_text("op,at,v\nA,2026-04-01T01:00:00Z,1\n")
    findings, _ = evaluate_reference(rb, tmp_path, day(1), day(1))
    assert [f.value for f in findings] == [1.0]
    (tmp_path / "x.jsonl").write_text('{"op": "A", "at": "2026-04-01T02:00:00Z", "v": "high"}\n')
    with pytest.raises(DataError) as err:
        evaluate_reference(rb, tmp_path, day(1), day(1))
    assert "x.jsonl" in str(err.value) and "field 'v'" in str(err.value)
    assert "expected a number" in str(err.value)
