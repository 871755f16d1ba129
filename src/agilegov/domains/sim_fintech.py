"""Simulated credit intermediaries in Tokyo (decisions, closed complaints, suspicious reports).

Ten lenders, five certified to set limits with their own models and five in
the small-amount tier, decide 50-180 applications a day, most in the evening.
Failing lenders: `kumo-credit` deploys a model that approves women far less
often from 30% to 65% of the run, then rolls it back; `hoshi-pay` grants
small-amount limits above 100,000 yen from 50% of the run; `tsuki-lending`
lets complaints drag on from 25% of the run; `nami-finance` files some
suspicious transaction reports more than 30 days late from 20% of the run.
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

APPLICATIONS = Rhythm(
    hours=(2, 1, 1, 1, 1, 1, 2, 3, 4, 5, 5, 6, 8, 6, 5, 5, 5, 6, 8, 10, 11, 10, 7, 4),
    weekdays=(1.0, 1.0, 1.0, 1.0, 1.1, 1.2, 1.15),
)
OFFICE = Rhythm(hours=(0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 3, 3, 1, 3, 3, 3, 3, 2, 1, 0, 0, 0, 0, 0),
                weekdays=(1.0, 1.0, 1.0, 1.0, 1.0, 0.05, 0.02))
WARM_UP_DAYS = 60  # complaints and detections before the start, closed or filed during the run


@dataclass(frozen=True)
class Lender:
    name: str
    scheme: str
    decisions_per_day: float
    approval: float
    biased_model: Trouble | None = None
    over_limit: Trouble | None = None
    slow_complaints: Trouble | None = None
    late_reports: Trouble | None = None


LENDERS = (
    Lender("akane-card", "certified", 150, 0.62),
    Lender("fuji-smart-credit", "certified", 180, 0.58),
    Lender("hoshi-pay", "small-amount", 110, 0.66, over_limit=Trouble(0.50)),
    Lender("kumo-credit", "certified", 140, 0.60, biased_model=Trouble(0.30, 0.65)),
    Lender("midori-later", "small-amount", 90, 0.70),
    Lender("nami-finance", "certified", 100, 0.55, late_reports=Trouble(0.20)),
    Lender("sora-wallet", "small-amount", 80, 0.68),
    Lender("tsuki-lending", "certified", 120, 0.57, slow_complaints=Trouble(0.25)),
    Lender("umi-paylater", "small-amount", 70, 0.72),
    Lender("yume-credit", "small-amount", 50, 0.64),
)


def simulate_fintech(ctx: SimContext) -> None:
    parity = {lender.name: ctx.rng.uniform(0.95, 1.03) for lender in LENDERS}
    for day in range(-WARM_UP_DAYS, ctx.days):
        for lender in LENDERS:
            if day >= 0:
                for _ in range(ctx.count(lender.decisions_per_day, day, APPLICATIONS)):
                    _decision(ctx, lender, day, parity[lender.name])
            for _ in range(ctx.count(1.5, day, OFFICE)):
                _complaint(ctx, lender, day)
            for _ in range(ctx.count(3.0, day, APPLICATIONS)):
                _suspicious(ctx, lender, day)


def _decision(ctx: SimContext, lender: Lender, day: int, parity: float) -> None:
    rng = ctx.rng
    at = ctx.moment(day, APPLICATIONS)
    sex = pick(rng, ("female", "male", "other", None), (0.47, 0.48, 0.01, 0.04))
    biased = lender.biased_model is not None and lender.biased_model.active(day, ctx.days)
    rate = lender.approval
    if sex == "female":
        rate *= 0.6 if biased else parity
    approved = ctx.chance(rate)
    limit = None
    if approved:
        over = lender.over_limit is not None and lender.over_limit.active(day, ctx.days)
        if lender.scheme == "small-amount":
            limit = rng.randrange(3, 11) * 10_000
            if over and ctx.chance(0.03):
                limit = rng.randrange(12, 31) * 10_000
        else:
            limit = rng.randrange(5, 51) * 10_000
    version = "m-2026.1"
    if lender.biased_model is not None and day >= lender.biased_model.start * ctx.days:
        version = "m-2026.2" if biased else "m-2026.3"
    score = clamp(rng.gauss(0.65 if approved else 0.35, 0.12), 0.0, 1.0)
    ctx.emit("decisions", {
        "decision_id": f"{lender.name}-{at // 1000:x}-{rng.getrandbits(16):04x}",
        "lender": lender.name,
        "decided_at": at,
        "scheme": lender.scheme,
        "applicant_sex": sex,
        "approved": approved,
        "limit_yen": limit,
        "score": round(score, 4),
        "model_version": None if ctx.chance(0.01) else version,
        "applicant": ctx.pseudonym("applicant"),
    })


def _complaint(ctx: SimContext, lender: Lender, day: int) -> None:
    rng = ctx.rng
    received = ctx.moment(day, OFFICE)
    slow = lender.slow_complaints is not None and lender.slow_complaints.active(day, ctx.days)
    days_open = clamp(lognormal(rng, 35 if slow else 11, 0.5 if slow else 0.55), 0.2, 200)
    closed = received + int(days_open * DAY_US)
    ctx.emit("complaints_closed", {
        "complaint_id": f"cmp-{lender.name}-{received // 1000:x}",
        "lender": lender.name,
        "received_at": received,
        "closed_at": closed,
        "topic": pick(rng, ("decision", "limit", "fees", "data", "other", None),
                      (0.4, 0.2, 0.15, 0.1, 0.1, 0.05)),
        "outcome": pick(rng, ("upheld", "partly-upheld", "rejected", "withdrawn"),
                        (0.25, 0.2, 0.45, 0.1)),
        "customer": ctx.pseudonym("customer"),
    })


def _suspicious(ctx: SimContext, lender: Lender, day: int) -> None:
    rng = ctx.rng
    detected = ctx.moment(day, APPLICATIONS)
    late = lender.late_reports is not None and lender.late_reports.active(day, ctx.days)
    if late and ctx.chance(0.25):
        delay_days = rng.uniform(31, 50)
    else:
        delay_days = min(rng.expovariate(1 / 5), 25.0)
    ctx.emit("suspicious_reports", {
        "report_id": f"str-{lender.name}-{detected // 1000:x}",
        "lender": lender.name,
        "detected_at": detected,
        "filed_at": detected + int(delay_days * DAY_US) + rng.randrange(1, 8) * HOUR_US,
        "amount_yen": round(lognormal(rng, 300_000, 1.0) / 1000) * 1000,
    })
