"""Simulated runs shared by the domain tests: each (domain, days, seed) is simulated once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from agilegov.domains.catalog import rulebook_path
from agilegov.domains.simulate import simulate
from agilegov.engine.evaluate import evaluate
from agilegov.engine.findings import Action, Finding
from agilegov.rulebook.loader import load_rulebook
from agilegov.rulebook.model import Rulebook

RUN_DAYS = 90


@dataclass(frozen=True)
class Run:
    rulebook: Rulebook
    out: Path
    counts: dict[str, int]
    start: dt.datetime  # local midnight of effective_from

    def day(self, n: float) -> dt.datetime:
        return self.start + dt.timedelta(days=n)


@dataclass(frozen=True)
class Evaluated:
    run: Run
    findings: list[Finding]
    actions: list[Action]

    def unmet(self, goal: str, actor: str) -> list[Finding]:
        return [f for f in self.findings
                if f.goal == goal and f.actor == actor and f.status == "unmet"]

    def statuses(self, goal: str, actor: str) -> set[str]:
        return {f.status for f in self.findings if f.goal == goal and f.actor == actor}

    def did(self, goal: str, actor: str) -> set[str]:
        return {a.do for a in self.actions if a.goal == goal and a.actor == actor}


@pytest.fixture(scope="session")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Run]:
    cache: dict[tuple[str, int, int], Run] = {}

    def run(domain: str, days: int = RUN_DAYS, seed: int = 0) -> Run:
        key = (domain, days, seed)
        if key not in cache:
            out = tmp_path_factory.mktemp(f"{domain}-{days}-{seed}")
            counts = simulate(domain, days, out, seed=seed)
            rb = load_rulebook(rulebook_path(domain))
            start = dt.datetime.combine(rb.effective_from, dt.time(), ZoneInfo(rb.timezone))
            cache[key] = Run(rb, out, counts, start)
        return cache[key]

    return run


@pytest.fixture(scope="session")
def evaluated(simulated: Callable[..., Run]) -> Callable[[str], Evaluated]:
    cache: dict[str, Evaluated] = {}

    def run(domain: str) -> Evaluated:
        if domain not in cache:
            r = simulated(domain)
            ev = evaluate(r.rulebook, r.out, r.start, r.day(RUN_DAYS))
            cache[domain] = Evaluated(r, list(ev.findings), list(ev.actions))
        return cache[domain]

    return run
