"""The accountability report as an OSCAL assessment-results document (OSCAL 1.1.2, JSON).

Mapping (documented in docs/reports.md):

- the rulebook version (the assessment plan): a `back-matter` resource, named by `import-ap`;
- the period: one `result` (`start`, `end`);
- each goal: a local objective (`local-definitions/objectives-and-methods`, `control-id` =
  the goal id) and a reviewed control;
- each finding (detail), or each goal's instant (aggregates): an `observation` (method
  `TEST`, `collected` = the window's end);
- each unmet finding (detail), or instant with unmet findings (aggregates): a `risk`,
  `open` when the goal is still unmet at its latest instant, else `closed`;
- each goal's record: a `finding` on its objective, `satisfied` when every finding of its
  latest instant was met, else `not-satisfied`.

UUIDs are version 5, derived from the domain, the period and the item, so the same report
exported twice has the same identifiers (only `last-modified` changes).
"""

from __future__ import annotations

import uuid
from typing import Any

OSCAL_VERSION = "1.1.2"
NAMESPACE = uuid.UUID("6f1f7d3c-3a51-5c1e-9a57-6a6f7d2b8e10")


def _uuid(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def _prop(name: str, value: object) -> dict[str, str]:
    return {"name": name, "ns": "https://agilegov.invalid/ns/oscal", "value": str(value)}


Parts = list[dict[str, Any]]


def _observations(goal: dict[str, Any], base: str) -> tuple[Parts, Parts]:
    observations: list[dict[str, Any]] = []
    risks: list[dict[str, Any]] = []
    latest = goal["latest"]
    still_unmet = bool(latest and latest["counts"]["unmet"])
    rows = goal.get("detail")
    units: list[tuple[str, str, str, bool, list[dict[str, str]]]] = []
    if rows is not None:
        for r in rows:
            text = (f"Goal {goal['goal']}, actor {r['actor']}, window {r['window_start']} to "
                    f"{r['window_end']}: value {r['value']}, target {r['target']}, "
                    f"{r['status']}.")
            props = [_prop("goal", goal["goal"]), _prop("actor", r["actor"]),
                     _prop("status", r["status"]), _prop("instant", r["k"])]
            units.append((f"{r['actor']}/{r['k']}", r["window_end"], text,
                          r["status"] == "unmet", props))
    else:
        for p in goal["trend"]:
            c = p["counts"]
            text = (f"Goal {goal['goal']}, window {p['window_start']} to {p['window_end']}: "
                    f"{c['met']} met, {c['unmet']} unmet, {c['insufficient']} insufficient "
                    f"of {p['findings']} findings.")
            props = [_prop("goal", goal["goal"]), _prop("instant", p["k"]),
                     *(_prop(s, c[s]) for s in ("met", "unmet", "insufficient"))]
            units.append((f"k{p['k']}", p["window_end"], text, c["unmet"] > 0, props))
    for key, collected, text, unmet, props in units:
        obs_id = _uuid(base, "observation", goal["goal"], key)
        observations.append({"uuid": obs_id, "title": f"{goal['goal']} {key}",
                             "description": text, "props": props, "methods": ["TEST"],
                             "types": ["finding"], "collected": collected})
        if unmet:
            risks.append({
                "uuid": _uuid(base, "risk", goal["goal"], key),
                "title": f"Goal {goal['goal']} unmet ({key})",
                "description": text,
                "statement": f"The outcome “{goal['title']}” was not achieved.",
                "status": "open" if still_unmet else "closed",
                "related-observations": [{"observation-uuid": obs_id}],
            })
    return observations, risks


def _finding(goal: dict[str, Any], base: str, observations: list[dict[str, Any]],
             risks: list[dict[str, Any]]) -> dict[str, Any]:
    latest = goal["latest"]
    satisfied = bool(latest) and latest["counts"]["met"] == latest["findings"]
    out: dict[str, Any] = {
        "uuid": _uuid(base, "finding", goal["goal"]),
        "title": goal["title"],
        "description": goal["summary"],
        "target": {
            "type": "objective-id",
            "target-id": goal["goal"],
            "status": {"state": "satisfied" if satisfied else "not-satisfied"},
        },
    }
    if observations:
        out["related-observations"] = [{"observation-uuid": o["uuid"]} for o in observations]
    if risks:
        out["related-risks"] = [{"risk-uuid": r["uuid"]} for r in risks]
    return out


def to_oscal(data: dict[str, Any]) -> dict[str, Any]:
    """The OSCAL assessment-results document of an accountability report's data."""
    domain, period = data["domain"], data["period"]
    base = f"{domain}/{data['rulebook']['version']}/{period['from']}/{period['to']}"
    plan = _uuid(domain, "rulebook", data["rulebook"]["version"])
    observations: list[dict[str, Any]] = []
    risks: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    for goal in data["goals"]:
        obs, rsk = _observations(goal, base)
        observations += obs
        risks += rsk
        findings.append(_finding(goal, base, obs, rsk))
    result: dict[str, Any] = {
        "uuid": _uuid(base, "result"),
        "title": f"Outcomes of {data['title']}",
        "description": data["overview"] or "No goal was evaluated in this period.",
        "start": period["from"] or (data["goals"][0]["trend"][0]["window_start"]
                                    if data["goals"] and data["goals"][0]["trend"]
                                    else data["generated_at"]),
        "props": [_prop("scope", data["scope"])],
        "local-definitions": {"objectives-and-methods": [
            {"uuid": _uuid(base, "objective", g["goal"]), "control-id": g["goal"],
             "description": g["title"],
             "parts": [{"name": "objective", "prose":
                        f"{g['title']}: {g['measure']} should meet "
                        f"{', then '.join(t['target'] for t in g['targets'])}."}]}
            for g in data["goals"]]},
        "reviewed-controls": {"control-selections": [
            {"include-controls": [{"control-id": g["goal"]} for g in data["goals"]]}
            if data["goals"] else {"include-all": {}}]},
    }
    if period["to"]:
        result["end"] = period["to"]
    if observations:
        result["observations"] = observations
    if risks:
        result["risks"] = risks
    if findings:
        result["findings"] = findings
    return {"assessment-results": {
        "uuid": _uuid(base, "assessment-results"),
        "metadata": {
            "title": f"Accountability report: {data['title']}",
            "last-modified": data["generated_at"],
            "version": f"{domain}-v{data['rulebook']['version']}",
            "oscal-version": OSCAL_VERSION,
            "props": [_prop("generator", data["generator"])],
        },
        "import-ap": {"href": f"#{plan}"},
        "results": [result],
        "back-matter": {"resources": [{
            "uuid": plan,
            "title": f"Rulebook {domain}, version {data['rulebook']['version']}",
            "description": "The rulebook in force: its goals are the assessment objectives.",
        }]},
    }}
