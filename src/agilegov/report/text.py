"""Plain-language wording for rulebook terms, shared by the HTML report and the console."""

from __future__ import annotations

import datetime as dt

from agilegov.rulebook.durations import Duration
from agilegov.rulebook.model import Goal, Response, Target

_UNIT_WORDS = {
    "s": ("second", "seconds"),
    "m": ("minute", "minutes"),
    "h": ("hour", "hours"),
    "d": ("day", "days"),
    "w": ("week", "weeks"),
    "mo": ("month", "months"),
    "y": ("year", "years"),
}

_OP_WORDS = {
    "<=": "at most",
    "<": "below",
    ">=": "at least",
    ">": "above",
    "=": "exactly",
    "==": "exactly",
    "!=": "anything but",
}

_ACTION_WORDS = {
    "notice": "Notice",
    "corrective-plan": "Corrective plan",
    "suspend": "Suspension",
    "suspension": "Suspension",
    "recognize": "Recognition",
    "recognise": "Recognition",
    "recognition": "Recognition",
    "warning": "Warning",
    "audit": "Audit",
    "fine": "Fine",
}

_OWNER_WORDS = {
    "government": "Government",
    "companies": "Companies",
    "individuals": "Individuals",
    "communities": "Communities",
}


def number(value: float | None, digits: int = 3) -> str:
    """A value for people: whole numbers without decimals, others to a few significant digits."""
    if value is None:
        return "undefined"
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 1e6 or abs(value) < 1:
        return f"{value:,.{digits}g}"
    return _trim(f"{value:,.{digits}f}")


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(share: float | None) -> str:
    """0.925 -> '92.5%'; None (nothing judged) -> 'n/a'."""
    if share is None:
        return "n/a"
    return _trim(f"{100 * share:.1f}") + "%"


def duration(d: Duration) -> str:
    """`30d` -> '30 days', `1d` -> '1 day'."""
    one, many = _UNIT_WORDS[d.unit]
    return f"{d.amount} {one if d.amount == 1 else many}"


def cadence(d: Duration) -> str:
    """`1d` -> 'every day', `2w` -> 'every 2 weeks'."""
    one, many = _UNIT_WORDS[d.unit]
    return f"every {one}" if d.amount == 1 else f"every {d.amount} {many}"


def target(t: Target) -> str:
    """`<= 2.0` -> 'at most 2'."""
    return f"{_OP_WORDS[t.op]} {number(t.value)}"


def action_kind(do: str) -> str:
    """`corrective-plan` -> 'Corrective plan'; unknown kinds are spelled out from the slug."""
    known = _ACTION_WORDS.get(do)
    if known is not None:
        return known
    words = do.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else do


def owner(value: str | None) -> str:
    return _OWNER_WORDS.get(value or "", "Not stated")


def actor(name: str) -> str:
    """The pseudo-actor of `per: all` goals reads as 'Everyone (aggregate)'."""
    return "Everyone (aggregate)" if name == "*" else name


def response(r: Response, goals: dict[str, Goal]) -> str:
    """One sentence for a graduated response."""
    which = "any goal" if r.goal == "*" else _goal_name(r.goal, goals)
    runs = "unmet" if r.kind == "unmet" else "met"
    step = "finding" if r.count == 1 else f"{r.count} findings in a row"
    text = f"{action_kind(r.do)} when {which} is {runs} ({step})"
    if r.due is not None:
        text += f", due within {duration(r.due)}"
    return text


def _goal_name(goal_id: str, goals: dict[str, Goal]) -> str:
    goal = goals.get(goal_id)
    return f"“{goal.title}”" if goal is not None else goal_id


def when(t: dt.datetime) -> str:
    """A date, or a date and time, in the time's own offset: '2026-04-02', '2026-04-02 06:00'."""
    if (t.hour, t.minute, t.second, t.microsecond) == (0, 0, 0, 0):
        return t.strftime("%Y-%m-%d")
    return t.strftime("%Y-%m-%d %H:%M")
