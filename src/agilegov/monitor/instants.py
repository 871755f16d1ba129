"""Which instants a batch makes due: those newly passed by the watermark, and those
already evaluated whose window holds an event of the batch (they are revised)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from agilegov.engine.calendar import Window, anchor, from_us, shift, windows
from agilegov.rulebook.durations import Duration
from agilegov.rulebook.model import Rulebook

_SLACK = Duration(4, "d")


def due_windows(
    rulebook: Rulebook,
    old_wm_us: int | None,
    new_wm_us: int | None,
    event_lo_us: int | None,
    event_hi_us: int | None,
) -> dict[str, list[Window]]:
    """Windows to (re)evaluate, per goal id; instants run from the anchor A to the watermark."""
    tz = ZoneInfo(rulebook.timezone)
    a = anchor(rulebook.effective_from, tz)
    chosen: dict[str, list[Window]] = {}
    if new_wm_us is None:
        return chosen
    new_wm = from_us(new_wm_us, tz)
    for goal in rulebook.goals:
        found: dict[int, Window] = {}
        fresh_lo = a if old_wm_us is None else max(a, from_us(old_wm_us + 1, tz))
        for w in windows(a, goal.every, goal.window, fresh_lo, new_wm, tz):
            found[w.k] = w
        if old_wm_us is not None and event_lo_us is not None and event_hi_us is not None:
            # A window [t - length, t) holds time e when e < t <= e + length.
            lo = max(a, from_us(event_lo_us, tz) + dt.timedelta(microseconds=1))
            reach = shift(from_us(event_hi_us, tz), goal.window, 1, tz)
            if goal.window.is_calendar:  # month ends and DST days: look a little further
                reach = shift(reach, _SLACK, 1, tz)
            hi = min(from_us(old_wm_us, tz), reach)
            for w in windows(a, goal.every, goal.window, lo, hi, tz):
                found.setdefault(w.k, w)
        chosen[goal.id] = [found[k] for k in sorted(found)]
    return chosen
