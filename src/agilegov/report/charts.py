"""Vega-Lite chart specs for goals, and their safe embedding in HTML.

Times are shown as the domain's local wall-clock time: each instant is sent as
the epoch milliseconds of its local time read as if it were UTC, and the chart
uses a UTC time scale. A reader in any timezone thus sees the domain's dates.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import orjson
from markupsafe import Markup

from agilegov.report import text
from agilegov.report.summary import GoalSummary

MAX_CHART_ACTORS = 8

_EPOCH = dt.datetime(1970, 1, 1)
_TARGET_COLOUR = "#a4161a"
_DAY_MS = 86_400_000


def wall_ms(t: dt.datetime) -> int:
    """Epoch milliseconds of `t`'s local wall-clock time, read as UTC."""
    return round((t.replace(tzinfo=None) - _EPOCH).total_seconds() * 1000)


def charted_actors(summary: GoalSummary) -> list[str]:
    """The actors drawn: all of them, or the worst few when there are many."""
    return [r.actor for r in summary.actors[:MAX_CHART_ACTORS]]


def _target_segments(summary: GoalSummary) -> list[dict[str, Any]]:
    """Runs of window ends with the same target in force, in time order."""
    by_text = {t.text: t for _, t in summary.goal.targets}
    ends: dict[dt.datetime, str] = {}
    for f in summary.findings:
        ends.setdefault(f.window_end, f.target)
    segments: list[dict[str, Any]] = []
    for end in sorted(ends):
        label = ends[end]
        target = by_text.get(label)
        if target is None:
            continue
        if segments and segments[-1]["label"] == label:
            segments[-1]["to"] = wall_ms(end)
        else:
            if segments:  # a step: the previous target holds until this one starts
                segments[-1]["to"] = wall_ms(end)
            segments.append(
                {
                    "from": wall_ms(end),
                    "to": wall_ms(end),
                    "target": target.value,
                    "label": label,
                    "words": text.target(target),
                }
            )
    return segments


def _time_ticks(summary: GoalSummary) -> dict[str, Any]:
    """About eight ticks on whole days or weeks when findings span days; finer otherwise."""
    ends = [wall_ms(f.window_end) for f in summary.findings]
    days = ((max(ends) - min(ends)) if ends else 0) / _DAY_MS
    if days < 2:
        return {"format": "%m-%d %H:%M"}
    if days <= 24:
        interval, step = "day", math.ceil(days / 8)
    else:
        interval, step = "week", math.ceil(days / 7 / 8)
    return {"format": "%Y-%m-%d", "tickCount": {"interval": interval, "step": step}}


def goal_chart(summary: GoalSummary) -> dict[str, Any]:
    """A Vega-Lite spec: the measured value over time per actor, the target as a rule."""
    goal = summary.goal
    shown = set(charted_actors(summary))
    values = [
        {
            "t": wall_ms(f.window_end),
            "end": text.when(f.window_end),
            "actor": text.actor(f.actor),
            "value": f.value,
            "status": f.status,
            "target": f.target,
        }
        for f in summary.findings
        if f.actor in shown and f.value is not None
    ]
    x: dict[str, Any] = {
        "field": "t",
        "type": "temporal",
        "scale": {"type": "utc"},
        "axis": {
            "title": "End of window",
            "labelAngle": 0,
            "labelOverlap": True,
            **_time_ticks(summary),
        },
    }
    y: dict[str, Any] = {"field": "value", "type": "quantitative", "title": "Measured value"}
    line: dict[str, Any] = {
        "data": {"values": values},
        "mark": {"type": "line", "point": {"filled": True, "size": 28}, "strokeWidth": 2},
        "encoding": {
            "x": x,
            "y": y,
            "color": {
                "field": "actor",
                "type": "nominal",
                "title": "Actor",
                "scale": {"scheme": "tableau10"},
                "legend": {"orient": "bottom", "columns": 4} if len(shown) > 1 else None,
            },
            "tooltip": [
                {"field": "actor", "title": "Actor"},
                {"field": "end", "title": "Window ends"},
                {"field": "value", "type": "quantitative", "title": "Value", "format": ",.4~f"},
                {"field": "status", "title": "Status"},
                {"field": "target", "title": "Target"},
            ],
        },
    }
    layers: list[dict[str, Any]] = [line]
    segments = _target_segments(summary)
    if segments:
        rule_encoding: dict[str, Any] = {
            "y": {"field": "target", "type": "quantitative"},
            "tooltip": [
                {"field": "label", "title": "Target"},
                {"field": "words", "title": "Means"},
            ],
        }
        if len(segments) > 1:
            rule_encoding["x"] = {"field": "from", "type": "temporal", "scale": {"type": "utc"}}
            rule_encoding["x2"] = {"field": "to"}
        layers.append(
            {
                "data": {"values": segments},
                "mark": {
                    "type": "rule",
                    "color": _TARGET_COLOUR,
                    "strokeDash": [6, 4],
                    "strokeWidth": 2,
                },
                "encoding": rule_encoding,
            }
        )
    return {
        "description": chart_description(summary),
        "width": "container",
        "height": 240,
        "layer": layers,
        "config": {
            "font": "system-ui, sans-serif",
            "axis": {"labelColor": "#222", "titleColor": "#222", "gridColor": "#ddd"},
            "legend": {"labelColor": "#222", "titleColor": "#222", "labelLimit": 220},
            "view": {"stroke": None},
        },
        "usermeta": {"goal": goal.id},
    }


def chart_description(summary: GoalSummary) -> str:
    """What the chart shows, in words (its accessible name)."""
    goal = summary.goal
    actors = charted_actors(summary)
    who = (
        "the aggregate over everyone"
        if actors == ["*"]
        else f"{len(actors)} of {len(summary.actors)} actors"
    )
    targets = ", then ".join(text.target(t) for _, t in goal.targets)
    return f"{goal.title}: measured value over time for {who}; target {targets}."


def embed_json(value: Any) -> Markup:
    """JSON safe inside a `<script type="application/json">` element.

    `<`, `>` and `&` can only occur inside JSON strings, where their `\\u` escapes
    mean the same, so the text can never close the element or open a comment.
    """
    raw = orjson.dumps(value).decode("utf-8")
    safe = (
        raw.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
    return Markup(safe)
