"""Simulated departments of a Tokyo municipality (decisions, accessibility checks, feedback).

Twelve departments decide 40-200 applications each working day (applications
arrive online at any hour, decisions are made in office hours on weekdays),
check their web pages for accessibility and collect satisfaction ratings.
Failing departments: `building-permits` falls behind its standard periods from
30% to 75% of the run; `tax-certificates` has few online users until 55% of
the run, when a redesigned form lifts them; `waste-collection` publishes
pages that fail level AA checks from 40% of the run.
"""

from __future__ import annotations

from dataclasses import dataclass

from agilegov.domains.simkit import (
    DAY_US,
    HOUR_US,
    Rhythm,
    SimContext,
    Trouble,
    clamp,
    lognormal,
    pick,
)

WORKDAY = Rhythm(hours=(0, 0, 0, 0, 0, 0, 0, 0, 0, 6, 8, 8, 3, 7, 8, 8, 7, 3, 0, 0, 0, 0, 0, 0),
                 weekdays=(1.1, 1.0, 1.0, 1.0, 0.95, 0.0, 0.0))
SURVEY = Rhythm(hours=(1, 1, 0, 0, 0, 0, 1, 2, 3, 5, 6, 6, 5, 6, 6, 6, 5, 5, 5, 5, 5, 4, 3, 2),
                weekdays=(1.1, 1.0, 1.0, 1.0, 1.0, 0.6, 0.5))
RATING_WEIGHTS = (0.08, 0.14, 0.42, 0.26, 0.10)


@dataclass(frozen=True)
class Procedure:
    name: str
    standard_days: int
    online: bool
    weight: float


@dataclass(frozen=True)
class Department:
    name: str
    decisions_per_day: float
    online_share: float
    procedures: tuple[Procedure, ...]
    backlog: Trouble | None = None
    offline_until: float | None = None  # online share is low until this fraction of the run
    inaccessible: Trouble | None = None


def _p(name: str, days: int, online: bool = True, weight: float = 1.0) -> Procedure:
    return Procedure(name, days, online, weight)


DEPARTMENTS = (
    Department("building-permits", 60, 0.7, (_p("building-confirmation", 35), _p(
        "completion-inspection", 7), _p("road-occupancy", 14, online=False)),
        backlog=Trouble(0.30, 0.75)),
    Department("business-licences", 70, 0.72, (_p("food-business", 10), _p("outdoor-ads", 20))),
    Department("childcare-support", 150, 0.8, (_p("nursery-admission", 30), _p(
        "child-allowance", 14, weight=2.0))),
    Department("elderly-care", 110, 0.66, (_p("care-certification", 30), _p(
        "care-equipment-subsidy", 20, online=False))),
    Department("health-insurance", 180, 0.75, (_p("card-reissue", 7, weight=2.0), _p(
        "high-cost-refund", 30))),
    Department("parking-permits", 50, 0.78, (_p("residential-parking", 5),)),
    Department("pension-desk", 80, 0.64, (_p("basic-pension-claim", 30), _p(
        "exemption-request", 20, online=False))),
    Department("resident-registry", 200, 0.65, (_p("moving-in", 1, weight=2.0), _p(
        "seal-registration", 1, online=False), _p("certificate-copy", 1, weight=3.0))),
    Department("school-enrolment", 40, 0.7, (_p("school-change", 7),)),
    Department("tax-certificates", 120, 0.72, (_p("income-certificate", 3), _p(
        "tax-payment-certificate", 3)), offline_until=0.55),
    Department("waste-collection", 60, 0.82, (_p("bulky-waste", 5, weight=3.0),),
               inaccessible=Trouble(0.40)),
    Department("welfare-office", 90, 0.62, (_p("public-assistance", 14, online=False), _p(
        "welfare-benefit", 30))),
)


def simulate_public_services(ctx: SimContext) -> None:
    for day in range(ctx.days):
        for dept in DEPARTMENTS:
            for _ in range(ctx.count(dept.decisions_per_day, day, WORKDAY)):
                _decision(ctx, dept, day)
            for _ in range(ctx.count(5, day, WORKDAY)):
                _check(ctx, dept, day)
            for _ in range(ctx.count(dept.decisions_per_day / 10, day, SURVEY)):
                _feedback(ctx, dept, day)


def _decision(ctx: SimContext, dept: Department, day: int) -> None:
    rng = ctx.rng
    proc: Procedure = pick(rng, dept.procedures, [p.weight for p in dept.procedures])
    decided = ctx.moment(day, WORKDAY)
    behind = dept.backlog is not None and dept.backlog.active(day, ctx.days)
    factor = lognormal(rng, 0.9 if behind else 0.45, 0.4)
    processing = round(clamp(proc.standard_days * factor, 0.1, 3 * proc.standard_days), 1)
    correction = round(rng.uniform(0.5, 10), 1) if ctx.chance(0.15) else None
    received = decided - int((processing + (correction or 0.0)) * DAY_US) \
        - rng.randrange(0, 8) * HOUR_US
    share = dept.online_share
    if dept.offline_until is not None and day < dept.offline_until * ctx.days:
        share = 0.45
    channel = "online" if proc.online and ctx.chance(share) else \
        pick(rng, ("counter", "mail"), (0.8, 0.2))
    ctx.emit("decisions", {
        "application_id": f"{dept.name}-{decided // 1000:x}-{rng.getrandbits(16):04x}",
        "department": dept.name,
        "procedure": proc.name,
        "received_at": received,
        "decided_at": decided,
        "channel": channel,
        "online_available": proc.online,
        "standard_days": proc.standard_days,
        "processing_days": processing,
        "correction_days": correction,
        "outcome": pick(rng, ("granted", "refused", "withdrawn"), (0.9, 0.05, 0.05)),
        "applicant": None if ctx.chance(0.02) else ctx.pseudonym("resident"),
    })


def _check(ctx: SimContext, dept: Department, day: int) -> None:
    rng = ctx.rng
    at = ctx.moment(day, WORKDAY)
    level = pick(rng, ("A", "AA", "AAA"), (0.3, 0.6, 0.1))
    broken = dept.inaccessible is not None and dept.inaccessible.active(day, ctx.days)
    p_pass = {"A": 0.99, "AA": 0.7 if broken else 0.992, "AAA": 0.8}[level]
    passed = ctx.chance(p_pass)
    issues = 0 if passed else 1 + round(lognormal(rng, 8 if broken else 2, 0.6))
    ctx.emit("accessibility_checks", {
        "check_id": f"chk-{dept.name}-{at // 1000:x}-{rng.getrandbits(16):04x}",
        "department": dept.name,
        "checked_at": at,
        "page": f"/{dept.name}/page-{rng.randrange(120):03d}",
        "level": level,
        "passed": passed,
        "issues": None if ctx.chance(0.02) else min(issues, 200),
    })


def _feedback(ctx: SimContext, dept: Department, day: int) -> None:
    rng = ctx.rng
    behind = dept.backlog is not None and dept.backlog.active(day, ctx.days)
    weights = (0.2, 0.25, 0.35, 0.15, 0.05) if behind else RATING_WEIGHTS
    ctx.emit("feedback", {
        "department": dept.name,
        "submitted_at": ctx.moment(day, SURVEY),
        "channel": pick(rng, ("online", "counter", "mail", None), (0.6, 0.3, 0.05, 0.05)),
        "rating": pick(rng, (1, 2, 3, 4, 5), weights),
        "respondent": None if ctx.chance(0.4) else ctx.pseudonym("resident"),
    })
