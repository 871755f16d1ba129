"""The monitor's fixed time grid: partials are kept per (actor, cell) of G microseconds.

The grid starts at the rulebook's anchor A (local midnight of effective_from) and
its step G divides every distance between window boundaries: a day for calendar
units (an hour where the zone changes offset), and every absolute duration. So
windows are unions of whole cells. Cells are counted from a far-past grid point
so they are never negative. A boundary off the grid is detected (`aligned`) and
the monitor then falls back to evaluating from the stored events.
"""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

from agilegov.data.localtime import transitions
from agilegov.engine.calendar import anchor, to_us
from agilegov.rulebook.model import Rulebook

QUARTER_HOUR_US = 900 * 1_000_000


DAY_US = 86400 * 1_000_000


def cell_size(rulebook: Rulebook) -> int:
    """The coarsest grid every window boundary of the rulebook falls on.

    Calendar units step by whole local days, so boundaries move by days and by the
    zone's offset changes (DST: one hour); absolute units step by their length.
    """
    tz = ZoneInfo(rulebook.timezone)
    a = anchor(rulebook.effective_from, tz)
    g = 0
    calendar = any(d.is_calendar for goal in rulebook.goals for d in (goal.window, goal.every))
    if calendar:
        g = DAY_US
        lo = a - dt.timedelta(days=366 * 30)
        hi = a + dt.timedelta(days=366 * 30)
        for _at, before, after in transitions(tz, lo, hi):
            g = math.gcd(g, abs(after - before))
    for goal in rulebook.goals:
        for d in (goal.window, goal.every):
            if not d.is_calendar:
                g = math.gcd(g, d.seconds * 1_000_000)
    return math.gcd(g, QUARTER_HOUR_US) if g == 0 else max(g, 1)


def origin(rulebook: Rulebook, cell_us: int) -> int:
    """A grid point far before any event (the anchor minus a multiple of the cell size)."""
    a = to_us(anchor(rulebook.effective_from, ZoneInfo(rulebook.timezone)))
    return a - ((2**60) // cell_us) * cell_us


def aligned(boundaries: list[int], grid_origin: int, cell_us: int) -> bool:
    return all((b - grid_origin) % cell_us == 0 for b in boundaries)
