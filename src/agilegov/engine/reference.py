"""The reference evaluator: small, slow and written straight from the rulebook spec.

It shares nothing with the fast engine but the parsed `Rulebook` model, the
`Finding`/`Action` types and durations; it exists to define correctness and
to be compared against. Its own calendar arithmetic is in `reference_time`,
file reading in `reference_data`, measures and conditions in
`reference_measure`.

Choices where the spec is silent (every engine must make the same ones):

- An event whose actor is null (possible only when the actor field is
  declared `required: false`) counts for `per: all` goals only: it makes no
  finding of its own and belongs to no actor.
- An event whose time is null belongs to no window.
- A stream's key de-duplication applies over everything read, before windows
  (the first event read with a key is the event, wherever its time is).
- Runs for responses start inside the evaluated range: findings before `from`
  are not looked at.
- See `reference_data` for the choices about data files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from agilegov.engine import reference_time as cal
from agilegov.engine.findings import Action, Finding, Status
from agilegov.engine.reference_data import read_events
from agilegov.engine.reference_measure import comparison, measure
from agilegov.rulebook.model import Goal, Rulebook, Stream

Events = dict[str, list[dict[str, Any]]]


def evaluate_reference(
    rulebook: Rulebook, data_dir: Path, start: dt.datetime, end: dt.datetime
) -> tuple[list[Finding], list[Action]]:
    """Findings and actions, in the contract's order, for instants start <= t <= end."""
    tz = ZoneInfo(rulebook.timezone)
    return evaluate_events(rulebook, read_events(data_dir, rulebook.streams, tz), start, end)


def _prepare(stream: Stream, rows: list[dict[str, Any]], tz: ZoneInfo) -> list[dict[str, Any]]:
    """Typed rows as events: every declared field present, timestamps in UTC, keys merged."""
    seen: set[object] = set()
    out: list[dict[str, Any]] = []
    for row in rows:
        event: dict[str, Any] = {}
        for name, spec in stream.fields.items():
            value = row.get(name)
            if spec.type == "timestamp" and isinstance(value, dt.datetime):
                value = cal.to_utc(value, tz)
            event[name] = value
        if stream.key is not None and event[stream.key] is not None:
            if event[stream.key] in seen:
                continue
            seen.add(event[stream.key])
        out.append(event)
    return out


def evaluate_events(
    rulebook: Rulebook, events: Events, start: dt.datetime, end: dt.datetime
) -> tuple[list[Finding], list[Action]]:
    """Like `evaluate_reference`, over typed events per stream, in read order.

    Timestamps are datetimes (naive ones are local wall time in the domain's
    timezone); a stream missing from `events` has no events.
    """
    tz = ZoneInfo(rulebook.timezone)
    prepared = {
        name: _prepare(stream, events.get(name, []), tz)
        for name, stream in rulebook.streams.items()
    }
    findings: list[Finding] = []
    for goal in rulebook.goals:
        findings.extend(_goal_findings(rulebook, goal, prepared, start, end, tz))
    findings.sort(key=_finding_key)
    return findings, _actions(rulebook, findings, tz)


def _finding_key(f: Finding) -> tuple[str, str, dt.datetime]:
    return (f.goal, f.actor, f.window_end.astimezone(cal.UTC))


def _goal_findings(
    rulebook: Rulebook, goal: Goal, events: Events, start: dt.datetime, end: dt.datetime,
    tz: ZoneInfo,
) -> list[Finding]:
    out: list[Finding] = []
    a = cal.anchor(rulebook.effective_from, tz)
    for t in cal.instants(a, goal.every, tz, start, end):
        w_start = cal.add(t, goal.window, -1, tz)
        window: Events = {}
        for name, stream in rulebook.streams.items():
            window[name] = [
                e for e in events[name]
                if e[stream.time] is not None and w_start <= e[stream.time] < t
            ]
        target = goal.target_on(cal.to_local(w_start, tz).date())
        if goal.per == "all":
            scopes = {"*": window}
        else:
            actors = sorted({
                e[stream.actor]
                for name, stream in rulebook.streams.items()
                for e in window[name]
                if e[stream.actor] is not None
            })
            scopes = {
                actor: {
                    name: [e for e in window[name] if e[stream.actor] == actor]
                    for name, stream in rulebook.streams.items()
                }
                for actor in actors
            }
        for actor, scope in scopes.items():
            value = measure(goal.measure, scope)
            status: Status
            enough = goal.min_evidence is None or comparison(goal.min_evidence, scope) is True
            if value is None or not enough:
                status = "insufficient"
            else:
                status = "met" if target.holds(value) else "unmet"
            out.append(Finding(
                domain=rulebook.domain, version=rulebook.version, goal=goal.id, actor=actor,
                window_start=cal.to_local(w_start, tz), window_end=cal.to_local(t, tz),
                value=value, target=target.text, status=status,
            ))
    return out


def _actions(rulebook: Rulebook, findings: list[Finding], tz: ZoneInfo) -> list[Action]:
    """Walk each goal's and actor's findings in time order; fire responses on run lengths."""
    series: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:  # already in (goal, actor, time) order
        series.setdefault((f.goal, f.actor), []).append(f)
    out: list[Action] = []
    for (goal_id, actor), items in series.items():
        responses = [(i, r) for i, r in enumerate(rulebook.responses) if r.applies_to(goal_id)]
        run_kind: str | None = None
        run_length = 0
        for f in items:
            if f.status == "insufficient":
                continue
            if f.status == run_kind:
                run_length += 1
            else:
                run_kind, run_length = f.status, 1
            for index, response in responses:
                if response.kind == run_kind and response.count == run_length:
                    due = None
                    if response.due is not None:
                        due = cal.to_local(cal.add(f.window_end, response.due, 1, tz), tz)
                    out.append(Action(
                        domain=rulebook.domain, goal=goal_id, actor=actor, at=f.window_end,
                        do=response.do, due=due, response=index,
                    ))
    out.sort(key=lambda x: (x.goal, x.actor, x.at.astimezone(cal.UTC), x.response))
    return out
