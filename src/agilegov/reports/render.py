"""The accountability report as one HTML page with charts (Vega-Lite, drawn offline).

The page uses the report's style and chart script and the vendored Vega, Vega-Lite and
vega-embed files (`agilegov.report.static`), loaded from `static_prefix` (`static/` next to
a written page; the API serves them under `/v1/report-static/`). Each chart's spec is
embedded as JSON in a `<script type="application/json" data-chart=...>` element.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from jinja2 import Environment, PackageLoader, StrictUndefined

from agilegov import __version__
from agilegov.report import assets
from agilegov.report.charts import embed_json, wall_ms
from agilegov.reports.oscal import to_oscal

CONFIG: dict[str, Any] = {
    "font": "system-ui, sans-serif",
    "axis": {"labelColor": "#222", "titleColor": "#222", "gridColor": "#ddd"},
    "view": {"stroke": None},
}


def _local_ms(text: str, tz: ZoneInfo) -> int:
    return wall_ms(dt.datetime.fromisoformat(text).astimezone(tz))


def trend_chart(goal: dict[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    """Share of findings met at each instant (0 to 100%) over the period."""
    values = [{"t": _local_ms(p["window_end"], tz), "end": p["window_end"],
               "share": p["share_met"], "met": p["counts"]["met"], "n": p["findings"]}
              for p in goal["trend"] if p["share_met"] is not None]
    return {
        "description": f"{goal['title']}: share of findings met at the end of each window.",
        "width": "container",
        "height": 200,
        "data": {"values": values},
        "mark": {"type": "line", "point": {"filled": True, "size": 30}, "strokeWidth": 2},
        "encoding": {
            "x": {"field": "t", "type": "temporal", "scale": {"type": "utc"},
                  "axis": {"title": "End of window", "labelAngle": 0, "labelOverlap": True}},
            "y": {"field": "share", "type": "quantitative", "title": "Share met",
                  "scale": {"domain": [0, 1]}, "axis": {"format": ".0%"}},
            "tooltip": [{"field": "end", "title": "Window ends"},
                        {"field": "share", "type": "quantitative", "format": ".0%",
                         "title": "Share met"},
                        {"field": "met", "title": "Met"}, {"field": "n", "title": "Findings"}],
        },
        "config": CONFIG,
        "usermeta": {"goal": goal["goal"]},
    }


def reports_chart(reports: dict[str, Any]) -> dict[str, Any]:
    """Reports received from the public, by what was done with them."""
    values = [{"status": s, "count": n} for s, n in reports["by_status"].items()]
    return {
        "description": "Reports from the public by outcome of their triage.",
        "width": "container",
        "height": 140,
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "status", "type": "nominal", "title": None, "sort": None},
            "x": {"field": "count", "type": "quantitative", "title": "Reports",
                  "axis": {"tickMinStep": 1}},
            "tooltip": [{"field": "status"}, {"field": "count"}],
        },
        "config": CONFIG,
    }


def environment() -> Environment:
    env = Environment(loader=PackageLoader("agilegov.reports", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["percent"] = lambda s: "—" if s is None else f"{100 * s:.0f}%"
    return env


def render_html(data: dict[str, Any], static_prefix: str = "static/") -> str:
    """The page of an accountability report's data (from `build_report`)."""
    tz = ZoneInfo(data["rulebook"]["timezone"])
    charts = {g["goal"]: embed_json(trend_chart(g, tz)) for g in data["goals"]}
    return environment().get_template("accountability.html").render(
        d=data,
        charts=charts,
        reports_chart=embed_json(reports_chart(data["reports"])),
        static=static_prefix,
        scripts=assets.SCRIPTS,
        styles=assets.STYLES,
        version=__version__,
    )


def write_outputs(data: dict[str, Any], out_dir: Path) -> dict[str, Path]:
    """Write `<domain>-accountability.html|json|oscal.json` and `static/`; return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    assets.copy_static(out_dir)
    stem = f"{data['domain']}-accountability"
    paths = {"html": out_dir / f"{stem}.html", "json": out_dir / f"{stem}.json",
             "oscal": out_dir / f"{stem}.oscal.json"}
    paths["html"].write_text(render_html(data), encoding="utf-8")
    option = orjson.OPT_INDENT_2
    paths["json"].write_bytes(orjson.dumps(data, option=option) + b"\n")
    paths["oscal"].write_bytes(orjson.dumps(to_oscal(data), option=option) + b"\n")
    return paths
