"""Simulated fire services and medical institutions in Kanagawa.

Eight fire services answer 60-130 ambulance calls a day (busiest in the
morning), with call-to-scene times around 8-9 minutes. Eight institutions
access health records for treatment, billing, research and secondary use.
Failing actors: `fire-service-hills` is short of crews from 35% to 75% of the
run (slower, more variable arrivals); `hinode-university-hospital` runs
research queries without a consent on file from 35% to 65% of the run;
`aoi-health-network` ignores opt-outs for secondary use from 50% to the end.
"""

from __future__ import annotations

from dataclasses import dataclass

from agilegov.domains.simkit import (
    MINUTE_US,
    US,
    Rhythm,
    SimContext,
    Trouble,
    clamp,
    lognormal,
    pick,
)

CALLS = Rhythm(hours=(3, 2, 2, 2, 2, 2, 3, 5, 7, 8, 8, 8, 7, 7, 7, 6, 6, 6, 6, 5, 5, 4, 4, 3),
               weekdays=(1.1, 1.0, 1.0, 1.0, 1.0, 1.0, 1.05))
OFFICE = Rhythm(hours=(1, 1, 1, 1, 1, 1, 2, 4, 8, 10, 10, 10, 6, 9, 10, 10, 9, 7, 4, 3, 2, 2, 1, 1),
                weekdays=(1.1, 1.0, 1.0, 1.0, 1.0, 0.5, 0.35))
PURPOSES = ("treatment", "billing", "research", "secondary-use")


@dataclass(frozen=True)
class Service:
    name: str
    calls_per_day: float
    median_minutes: float
    understaffed: Trouble | None = None


@dataclass(frozen=True)
class Institution:
    name: str
    accesses_per_day: float
    patients: int
    no_consent: Trouble | None = None
    ignores_opt_out: Trouble | None = None


SERVICES = (
    Service("fire-service-east", 120, 8.4),
    Service("fire-service-harbour", 130, 8.2),
    Service("fire-service-hills", 80, 8.4, understaffed=Trouble(0.35, 0.75)),
    Service("fire-service-lake", 60, 8.6),
    Service("fire-service-north", 100, 8.5),
    Service("fire-service-south", 110, 8.3),
    Service("fire-service-valley", 70, 8.7),
    Service("fire-service-west", 90, 8.4),
)

INSTITUTIONS = (
    Institution("aoi-health-network", 90, 4000, ignores_opt_out=Trouble(0.50)),
    Institution("hinode-university-hospital", 110, 6000, no_consent=Trouble(0.35, 0.65)),
    Institution("kaede-clinic-group", 50, 1500),
    Institution("kusunoki-medical", 60, 2500),
    Institution("minato-general", 100, 5000),
    Institution("nagisa-hospital", 70, 3000),
    Institution("seaside-medical-center", 80, 3500),
    Institution("tsubaki-care", 40, 1200),
)


def simulate_healthcare(ctx: SimContext) -> None:
    for day in range(ctx.days):
        for service in SERVICES:
            for _ in range(ctx.count(service.calls_per_day, day, CALLS)):
                _dispatch(ctx, service, day)
        for inst in INSTITUTIONS:
            for _ in range(ctx.count(inst.accesses_per_day, day, OFFICE)):
                _access(ctx, inst, day)


def _dispatch(ctx: SimContext, s: Service, day: int) -> None:
    rng = ctx.rng
    called = ctx.moment(day, CALLS)
    priority = pick(rng, (1, 2, 3), (0.1, 0.5, 0.4))
    short = s.understaffed is not None and s.understaffed.active(day, ctx.days)
    median = 10.5 if short else s.median_minutes
    sigma = 0.45 if short else 0.3
    if priority == 1:
        median *= 0.85
    cancelled = ctx.chance(0.03)
    arrived = at_hospital = None
    if not cancelled:
        minutes = clamp(lognormal(rng, median, sigma), 2.0, 90.0)
        arrived = called + int(minutes * 60 * US)
        if not ctx.chance(0.15):  # not transported
            on_scene = lognormal(rng, 17, 0.35)
            transport = lognormal(rng, 14, 0.5) * (1.15 if short else 1.0)
            at_hospital = arrived + int((on_scene + transport) * MINUTE_US)
    ctx.emit("dispatches", {
        "dispatch_id": f"{s.name}-{called // 1000:x}-{rng.getrandbits(16):04x}",
        "service": s.name,
        "called_at": called,
        "arrived_at": arrived,
        "at_hospital_at": at_hospital,
        "priority": priority,
        "cancelled": cancelled,
        "patient": None if cancelled else ctx.pseudonym("patient"),
        "reporter": None if ctx.chance(0.1) else ctx.pseudonym("caller"),
    })


def _access(ctx: SimContext, inst: Institution, day: int) -> None:
    rng = ctx.rng
    at = ctx.moment(day, OFFICE)
    purpose = pick(rng, PURPOSES, (0.8, 0.1, 0.05, 0.05))
    consent: bool | None = ctx.chance(0.7)
    if ctx.chance(0.1):
        consent = None
    opted_out = ctx.chance(0.001)
    if purpose == "research":
        careless = inst.no_consent is not None and inst.no_consent.active(day, ctx.days)
        consent = True
        if careless and ctx.chance(0.08):
            consent = None if ctx.chance(0.5) else False
    if purpose == "secondary-use":
        ignores = inst.ignores_opt_out is not None and inst.ignores_opt_out.active(day, ctx.days)
        opted_out = ignores and ctx.chance(0.1)
    ctx.emit("record_accesses", {
        "access_id": f"{inst.name}-{at // 1000:x}-{rng.getrandbits(16):04x}",
        "institution": inst.name,
        "accessed_at": at,
        "purpose": purpose,
        "consent_on_file": consent,
        "opted_out": None if ctx.chance(0.02) else opted_out,
        "patient": ctx.pseudonym(f"{inst.name}-patient", inst.patients),
        "staff": None if ctx.chance(0.05) else ctx.pseudonym("staff", 300),
    })
