"""Simulated delivery-robot operators in Sapporo (streams `trips` and `incidents`).

Ten operators run 30-170 trips a day, busiest at lunch and in the evening.
Most are careful. `kitakaze-robotics` has a bad patch (more near misses and
injuries, some speeding) from 30% to 70% of the run and then recovers;
`lilac-logistics` starts reporting incidents late (or not at all) from 45% of
the run and lets robots stray out of the notified area from 50% to the end.
"""

from __future__ import annotations

from dataclasses import dataclass

from agilegov.domains.simkit import (
    HOUR_US,
    MINUTE_US,
    Rhythm,
    SimContext,
    Trouble,
    clamp,
    lognormal,
    pick,
)

WARDS = ("chuo", "kita", "higashi", "shiroishi", "toyohira", "minami", "nishi", "atsubetsu",
         "teine", "kiyota")

DELIVERY = Rhythm(
    hours=(0, 0, 0, 0, 0, 0, 0, 0, 2, 4, 5, 9, 12, 8, 5, 5, 6, 9, 10, 8, 5, 2, 0, 0),
    weekdays=(1.0, 0.95, 0.95, 1.0, 1.1, 1.2, 1.05),
)


@dataclass(frozen=True)
class Operator:
    name: str
    trips_per_day: float
    robots: int
    unsafe: Trouble | None = None  # near misses, injuries and speeding
    late_reports: Trouble | None = None
    strays: Trouble | None = None  # geofence breaches


OPERATORS = (
    Operator("aurora-delivery", 160, 30),
    Operator("kitakaze-robotics", 120, 24, unsafe=Trouble(0.30, 0.70)),
    Operator("lilac-logistics", 110, 20, late_reports=Trouble(0.45), strays=Trouble(0.50)),
    Operator("minori-robotics", 100, 18),
    Operator("odori-mobility", 130, 25),
    Operator("poplar-express", 90, 16),
    Operator("suzuran-delivery", 95, 15),
    Operator("tanuki-courier", 140, 26),
    Operator("yukimi-robots", 85, 14),
    Operator("snowpath-mini", 30, 5),  # too small to reach the injury-rate evidence threshold
)


def simulate_mobility(ctx: SimContext) -> None:
    for day in range(ctx.days):
        for op in OPERATORS:
            for _ in range(ctx.count(op.trips_per_day, day, DELIVERY)):
                _trip(ctx, op, day)


def _trip(ctx: SimContext, op: Operator, day: int) -> None:
    rng = ctx.rng
    unsafe = op.unsafe is not None and op.unsafe.active(day, ctx.days)
    strays = op.strays is not None and op.strays.active(day, ctx.days)
    ended = ctx.moment(day, DELIVERY)
    km = round(clamp(lognormal(rng, 1.8, 0.5), 0.1, 30.0), 3)
    minutes = km / rng.uniform(3.8, 5.2) * 60 + rng.uniform(2, 8)
    speeding = ctx.chance(0.01 if unsafe else 0.00002)
    speed = rng.uniform(6.1, 7.5) if speeding else rng.uniform(4.6, 5.95)
    robot = f"{op.name}-r{rng.randrange(op.robots):02d}"
    trip_id = f"{op.name}-{ended // 1000:x}-{rng.getrandbits(16):04x}"
    ctx.emit("trips", {
        "trip_id": trip_id,
        "operator": op.name,
        "robot_id": robot,
        "started_at": ended - int(minutes * MINUTE_US),
        "ended_at": ended,
        "km": km,
        "max_speed_kmh": None if ctx.chance(0.01) else round(speed, 2),
        "geofence_breach": ctx.chance(0.004 if strays else 0.00003),
        "ward": pick(rng, WARDS, (14, 12, 10, 9, 9, 8, 9, 8, 7, 6)),
    })
    near_miss = ctx.chance(0.006 if unsafe else 0.0005)
    injury = ctx.chance(km * (25e-5 if unsafe else 0.2e-5))
    minor = ctx.chance(0.0005)
    if near_miss:
        _incident(ctx, op, day, robot, ended, "near-miss", 0)
    if injury:
        severity = pick(rng, (2, 3, 4), (0.75, 0.22, 0.03))
        _incident(ctx, op, day, robot, ended, "collision", severity)
    if minor:
        _incident(ctx, op, day, robot, ended, pick(rng, ("fall", "obstruction"), (1, 2)),
                  rng.randrange(2))


def _incident(ctx: SimContext, op: Operator, day: int, robot: str, ended: int, kind: str,
              severity: int) -> None:
    rng = ctx.rng
    occurred = ended - int(rng.uniform(1, 20) * MINUTE_US)
    late = op.late_reports is not None and op.late_reports.active(day, ctx.days)
    reported: int | None
    if late and ctx.chance(0.08):
        reported = None
    elif late and ctx.chance(0.45):
        reported = occurred + int(rng.uniform(26, 96) * HOUR_US)
    elif ctx.chance(0.001):
        reported = occurred + int(rng.uniform(25, 30) * HOUR_US)
    else:
        reported = occurred + int(min(rng.expovariate(1 / 3.0), 20.0) * HOUR_US)
    ctx.emit("incidents", {
        "incident_id": f"inc-{op.name}-{occurred // 1000:x}-{rng.getrandbits(16):04x}",
        "operator": op.name,
        "robot_id": robot,
        "occurred_at": occurred,
        "reported_at": reported,
        "kind": kind,
        "severity": severity,
        "reporter": None if ctx.chance(0.3) else ctx.pseudonym("person"),
    })
