"""A small rulebook for ingest and event store tests, and helpers to load it."""

from __future__ import annotations

from pathlib import Path

from agilegov.rulebook.loader import load_rulebook_text
from agilegov.rulebook.model import Rulebook

ROBOTS = """\
domain: robots
version: 1
effective_from: 2026-04-01
timezone: America/New_York
streams:
  trips:
    time: ended_at
    actor: operator
    key: trip_id
    fields:
      trip_id: string
      operator: string
      ended_at: timestamp
      km: {type: float, min: 0}
      passengers: {type: int, min: 0, max: 4}
      kind: {type: string, values: [delivery, return]}
      night: bool
  incidents:
    time: occurred_at
    actor: operator
    fields:
      operator: string
      occurred_at: timestamp
      severity: {type: int, min: 0, max: 4, required: true}
      reporter: {type: string, personal: true}
goals:
  - id: distance
    title: Distance driven
    measure: sum(trips.km)
    target: ">= 10"
    window: 1d
  - id: injuries
    title: Serious incidents
    measure: count(incidents where severity >= 2)
    target: "== 0"
    window: 7d
    min_evidence: count_distinct(incidents.reporter) >= 0
responses:
  - {goal: injuries, unmet_for: 1, do: notice}
"""


def robots() -> Rulebook:
    return load_rulebook_text(ROBOTS, "robots.yaml")


def write_robots(folder: Path) -> Path:
    path = folder / "robots.yaml"
    path.write_text(ROBOTS, "utf-8")
    return path
