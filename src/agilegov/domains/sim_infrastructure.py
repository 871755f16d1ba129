"""Simulated bridge managers in Aichi (streams `bridge_status`, `inspections`, `alarms`).

Twelve road administrators manage 25-70 bridges each, most of them fitted
with 4-16 sensors. Every bridge reports a status snapshot each morning;
honest managers re-inspect a bridge before its five years run out. Failing
managers: `kawase-civil` stops re-inspecting from 30% to 70% of the run and
then works off the backlog; `okumura-bridge-care` acknowledges alarms slowly
from 40% of the run and leaves a bridge newly graded IV open for five days;
`sakura-roads` lets its sensors fail from 35% to 75% of the run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from agilegov.domains.simkit import (
    DAY_US,
    HOUR_US,
    MINUTE_US,
    Rhythm,
    SimContext,
    Trouble,
    pick,
)

FIVE_YEARS_DAYS = 1826
DAYTIME = Rhythm(hours=(0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 3, 3, 1, 3, 3, 3, 2, 1, 0, 0, 0, 0, 0, 0),
                 weekdays=(1.0, 1.0, 1.0, 1.0, 1.0, 0.1, 0.05))
ANY_HOUR = Rhythm(hours=(1,) * 24)
SENSORS = ("strain", "tilt", "vibration", "scour")


@dataclass(frozen=True)
class Manager:
    name: str
    bridges: int
    instrumented: float  # share of bridges with sensors
    backlog: Trouble | None = None  # re-inspections stop, then catch up
    slow: Trouble | None = None  # alarms acknowledged late; a grade IV bridge left open
    neglect: Trouble | None = None  # sensors go offline


MANAGERS = (
    Manager("asahi-road-works", 60, 0.8),
    Manager("hikari-bridges", 45, 0.7),
    Manager("kawase-civil", 50, 0.6, backlog=Trouble(0.30, 0.70)),
    Manager("midori-road-office", 70, 0.75),
    Manager("nishiki-infra", 35, 0.9),
    Manager("okumura-bridge-care", 55, 0.7, slow=Trouble(0.40)),
    Manager("sakura-roads", 50, 0.8, neglect=Trouble(0.35, 0.75)),
    Manager("shinkawa-maintenance", 40, 0.6),
    Manager("tokiwa-structures", 65, 0.75),
    Manager("umemori-roads", 30, 0.5),
    Manager("yamabuki-civil", 45, 0.7),
    Manager("yashio-bridge-office", 25, 0.8),
)


@dataclass
class Bridge:
    id: str
    manager: Manager
    last_inspected: int  # epoch microseconds
    due_after_days: int  # when an honest manager re-inspects
    grade: int
    sensors: int
    restricted: bool = False
    breaks_on_day: int = -1  # sensors reveal grade IV damage on this day...
    open_until_day: int = -1  # ...and the bridge stays open until this day


def simulate_infrastructure(ctx: SimContext) -> None:
    bridges = [b for m in MANAGERS for b in _bridges(ctx, m)]
    for m in MANAGERS:
        if m.slow is not None:
            victim = next(b for b in bridges if b.manager is m and b.sensors and b.grade < 4)
            victim.breaks_on_day = int(m.slow.start * ctx.days) + 2
            victim.open_until_day = victim.breaks_on_day + 5
    for day in range(ctx.days):
        catch_up: dict[str, int] = {}
        for bridge in bridges:
            _maybe_inspect(ctx, bridge, day, catch_up)
            _maybe_alarm(ctx, bridge, day)
            _status(ctx, bridge, day)


def _bridges(ctx: SimContext, m: Manager) -> list[Bridge]:
    rng = ctx.rng
    out = []
    for i in range(m.bridges):
        # The failing manager has an older stock: some bridges come due during the run.
        near_due = m.backlog is not None and rng.random() < 0.3
        age = rng.uniform(1740, 1800) if near_due else rng.uniform(20, 1760)
        grade = pick(rng, (1, 2, 3, 4), (0.45, 0.49, 0.058, 0.002))
        sensors = rng.randint(4, 16) if rng.random() < m.instrumented else 0
        out.append(Bridge(
            id=f"{m.name}-b{i:03d}", manager=m,
            last_inspected=ctx.start_us - int(age * DAY_US) - rng.randrange(8, 16) * HOUR_US,
            due_after_days=_due_after(rng, m), grade=grade, sensors=sensors,
            restricted=grade == 4))
    return out


def _maybe_inspect(ctx: SimContext, b: Bridge, day: int, catch_up: dict[str, int]) -> None:
    m = b.manager
    age_days = (ctx.midnight(day) - b.last_inspected) / DAY_US
    if age_days < b.due_after_days:
        return
    if m.backlog is not None:
        if m.backlog.active(day, ctx.days):
            return
        if day >= m.backlog.stop * ctx.days:  # working off the backlog, four a day
            done = catch_up.get(m.name, 0)
            if done >= 4:
                return
            catch_up[m.name] = done + 1
    rng = ctx.rng
    at = ctx.moment(day, DAYTIME)
    if rng.random() < 0.03:
        b.grade = min(4, b.grade + 1)
        if b.grade == 4:
            b.restricted = True
    ctx.emit("inspections", {
        "inspection_id": f"insp-{b.id}-{at // 1000:x}",
        "manager": m.name,
        "bridge_id": b.id,
        "inspected_at": at,
        "previous_at": b.last_inspected,
        "method": "close-visual-with-sensors" if b.sensors else "close-visual",
        "grade": b.grade,
        "inspector": ctx.pseudonym("inspector", 400),
    })
    b.last_inspected = at
    b.due_after_days = _due_after(rng, m)


def _due_after(rng: random.Random, m: Manager) -> int:
    """Days after an inspection when the manager re-inspects; the failing one leaves it late."""
    return rng.randint(1800, 1820) if m.backlog is not None else rng.randint(1700, 1790)


def _maybe_alarm(ctx: SimContext, b: Bridge, day: int) -> None:
    if not b.sensors:
        return
    rng = ctx.rng
    m = b.manager
    slow = m.slow is not None and m.slow.active(day, ctx.days)
    if day == b.breaks_on_day:
        # Sensors reveal serious damage: the bridge is graded IV but stays open for five days.
        b.grade, b.restricted = 4, False
        _alarm(ctx, b, ctx.moment(day, ANY_HOUR), "critical", slow)
    if b.open_until_day == day:
        b.restricted = True
    if rng.random() < 0.08:
        level = pick(rng, ("advisory", "warning", "critical"), (0.6, 0.33, 0.07))
        _alarm(ctx, b, ctx.moment(day, ANY_HOUR), level, slow)


def _alarm(ctx: SimContext, b: Bridge, raised: int, level: str, slow: bool) -> None:
    rng = ctx.rng
    ack: int | None
    if (level == "advisory" and rng.random() < 0.2) or (slow and rng.random() < 0.05):
        ack = None
    elif slow and rng.random() < 0.35:
        ack = raised + int(rng.uniform(2.5, 10) * HOUR_US)
    elif rng.random() < 0.0015:
        ack = raised + int(rng.uniform(2.5, 6) * HOUR_US)
    else:
        ack = raised + int(min(rng.expovariate(1 / 25), 110) * MINUTE_US)
    ctx.emit("alarms", {
        "alarm_id": f"alarm-{b.id}-{raised // 1000:x}",
        "manager": b.manager.name,
        "bridge_id": b.id,
        "raised_at": raised,
        "acknowledged_at": ack,
        "level": level,
        "sensor": None if rng.random() < 0.02 else pick(rng, SENSORS, (4, 3, 2, 1)),
    })


def _status(ctx: SimContext, b: Bridge, day: int) -> None:
    rng = ctx.rng
    m = b.manager
    neglect = m.neglect is not None and m.neglect.active(day, ctx.days)
    p_online = 0.9 if neglect else 0.995
    online = sum(1 for _ in range(b.sensors) if rng.random() < p_online)
    as_of = ctx.midnight(day) + 5 * HOUR_US + rng.randrange(60) * MINUTE_US
    ctx.emit("bridge_status", {
        "status_id": f"{b.id}-{day:05d}",
        "manager": m.name,
        "bridge_id": b.id,
        "as_of": as_of,
        "last_inspected_at": b.last_inspected,
        "grade": b.grade,
        "traffic_restricted": b.restricted,
        "sensors_installed": b.sensors,
        "sensors_online": online,
    })
