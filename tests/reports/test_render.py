"""The HTML page: plain words, valid embedded chart JSON, offline files; the written set."""

from __future__ import annotations

import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.reports.conftest import fill
from tests.reports.test_accountability import APRIL

from agilegov.reports.accountability import build_report
from agilegov.reports.render import render_html, trend_chart, write_outputs
from agilegov.rulebook.model import Rulebook
from agilegov.store.state import StateStore

CHART = re.compile(r'<script type="application/json" data-chart="([^"]+)">(.*?)</script>',
                   re.S)


def test_every_chart_is_valid_json_and_has_its_place(state: StateStore, robots: Rulebook
                                                     ) -> None:
    fill(state)
    page = render_html(build_report(robots, state, APRIL))
    charts = dict(CHART.findall(page))
    assert set(charts) == {"chart-distance", "chart-fleet"}
    for name, text in charts.items():
        spec = json.loads(text)
        assert spec["mark"]["type"] == "line" and f'id="{name}"' in page
    shares = [v["share"] for v in json.loads(charts["chart-distance"])["data"]["values"]]
    assert shares == [0.0, 0.5, 1.0]
    assert "It improved over the period." in page
    assert 'src="static/vega-lite.min.js"' in page
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing from the network


def test_text_cannot_break_out_of_the_page(state: StateStore, robots: Rulebook) -> None:
    data = build_report(robots, state, APRIL)
    data["goals"][0]["title"] = "</script><script>alert(1)</script>"
    data["goals"][0]["trend"] = [{"k": 1, "window_start": "2026-04-01T00:00:00+00:00",
                                  "window_end": "2026-04-02T00:00:00+00:00", "findings": 1,
                                  "counts": {"met": 1, "unmet": 0, "insufficient": 0},
                                  "share_met": 1.0}]
    page = render_html(data)
    assert "<script>alert(1)" not in page
    (text,) = [t for n, t in CHART.findall(page) if n == "chart-distance"]
    assert json.loads(text)["description"].startswith("</script>")


def test_times_are_local_wall_clock() -> None:
    goal = {"goal": "g", "title": "G", "trend": [
        {"window_end": "2026-04-02T00:00:00+09:00", "share_met": 1.0,
         "counts": {"met": 1}, "findings": 1}]}
    (point,) = trend_chart(goal, ZoneInfo("Asia/Tokyo"))["data"]["values"]
    assert point["t"] == 1775088000000  # 2026-04-02 00:00 read as UTC


def test_written_outputs(state: StateStore, robots: Rulebook, tmp_path: Path) -> None:
    fill(state)
    paths = write_outputs(build_report(robots, state, APRIL), tmp_path / "out")
    assert sorted(p.name for p in paths.values()) == [
        "robots-accountability.html", "robots-accountability.json",
        "robots-accountability.oscal.json"]
    assert json.loads(paths["json"].read_text())["domain"] == "robots"
    assert "assessment-results" in json.loads(paths["oscal"].read_text())
    assert (tmp_path / "out" / "static" / "vega-embed.min.js").is_file()
