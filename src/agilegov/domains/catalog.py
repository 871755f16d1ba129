"""The example domains: one explicit registry of rulebooks and their simulators."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from agilegov.domains import (
    sim_fintech,
    sim_healthcare,
    sim_infrastructure,
    sim_mobility,
    sim_public_services,
)
from agilegov.domains.simkit import SimContext
from agilegov.errors import UsageError


@dataclass(frozen=True)
class DomainSpec:
    name: str  # the catalog name, e.g. "mobility"
    title: str
    rulebook: str  # file name of the rulebook inside this package
    simulator: Callable[[SimContext], None]


DOMAINS: dict[str, DomainSpec] = {
    "mobility": DomainSpec(
        "mobility", "Delivery robots on Sapporo sidewalks", "mobility.yaml",
        sim_mobility.simulate_mobility),
    "infrastructure": DomainSpec(
        "infrastructure", "Sensor-monitored road bridges in Aichi", "infrastructure.yaml",
        sim_infrastructure.simulate_infrastructure),
    "healthcare": DomainSpec(
        "healthcare", "Ambulance response and health-record use in Kanagawa", "healthcare.yaml",
        sim_healthcare.simulate_healthcare),
    "fintech": DomainSpec(
        "fintech", "AI credit decisions in Tokyo", "fintech.yaml",
        sim_fintech.simulate_fintech),
    "public-services": DomainSpec(
        "public-services", "Digital administrative procedures in Tokyo", "public-services.yaml",
        sim_public_services.simulate_public_services),
}


def get_domain(name: str) -> DomainSpec:
    """The catalog entry for `name`; a UsageError naming the known domains otherwise."""
    spec = DOMAINS.get(name)
    if spec is None:
        close = difflib.get_close_matches(name, list(DOMAINS), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise UsageError(
            f"unknown domain '{name}'{hint}: expected one of {', '.join(sorted(DOMAINS))}")
    return spec


def rulebook_path(name: str) -> Path:
    """Path of the example rulebook of a domain, shipped inside the package."""
    spec = get_domain(name)
    return Path(str(resources.files("agilegov.domains").joinpath(spec.rulebook)))
