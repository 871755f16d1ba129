"""The competitors' copy of the goals matches the benchmark rulebook."""

from __future__ import annotations

import datetime as dt

from bench.common import GOALS, RULEBOOK, day_of, instant_us, status_of

from agilegov.rulebook.loader import load_rulebook


def test_goals_mirror_the_rulebook() -> None:
    book = load_rulebook(RULEBOOK)
    assert book.timezone == "Asia/Tokyo" and book.effective_from == dt.date(2026, 1, 1)
    assert [g.id for g in book.goals] == [g.id for g in GOALS]
    for goal, spec in zip(book.goals, GOALS, strict=True):
        assert goal.window.unit == "d" and goal.window.amount == spec.window_days
        assert (goal.every.amount, goal.every.unit) == (1, "d")
        assert goal.per == spec.per
        assert [(day_of(d), t.op, t.value, t.text) for d, t in goal.targets] == [
            (t.since, t.op, t.value, t.text) for t in spec.targets]


def test_the_target_in_force_follows_the_window_start() -> None:
    injury = GOALS[0]
    july = day_of(dt.date(2026, 7, 1))
    assert injury.target_for(july + 30).text == "<= 30"  # window starts on 1 July
    assert injury.target_for(july + 29).text == "<= 40"  # window starts on 30 June
    assert status_of(injury, july + 30, 35.0, True) == "unmet"
    assert status_of(injury, july + 29, 35.0, True) == "met"
    assert status_of(injury, july + 29, 35.0, False) == "insufficient"
    assert status_of(injury, july + 29, None, True) == "insufficient"


def test_instants_are_local_midnight_in_tokyo() -> None:
    t = dt.datetime(2026, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    assert instant_us(day_of(dt.date(2026, 1, 1))) == int(t.timestamp()) * 1_000_000
