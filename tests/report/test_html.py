from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import orjson
import pytest

from agilegov.errors import UsageError
from agilegov.report.html import ACTION_LIMIT, write_report
from agilegov.report.summary import DomainResult


class _Page(HTMLParser):
    """Collects what the tests look at: resource URLs, JSON chart specs, headings, lang."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.charts: dict[str, str] = {}
        self.chart_ids: set[str] = set()
        self.headings: list[str] = []
        self.captions = 0
        self.lang: str | None = None
        self._in_json: str | None = None
        self._in_heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "script" and a.get("src"):
            self.urls.append(a["src"] or "")
        if tag == "link" and a.get("href"):
            self.urls.append(a["href"] or "")
        if tag == "script" and a.get("type") == "application/json":
            self._in_json = a.get("data-chart") or ""
            self.charts[self._in_json] = ""
        if tag == "div" and (a.get("id") or "").startswith("chart-"):
            self.chart_ids.add(a["id"] or "")
        if tag in ("h1", "h2", "h3"):
            self._in_heading = True
            self.headings.append("")
        if tag == "caption":
            self.captions += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_json = None
        if tag in ("h1", "h2", "h3"):
            self._in_heading = False

    def handle_data(self, data: str) -> None:
        if self._in_json is not None:
            self.charts[self._in_json] += data
        if self._in_heading:
            self.headings[-1] += data


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture
def report(result: DomainResult, tmp_path: Path) -> Path:
    return write_report([result], tmp_path / "report")


def test_index_lists_domain_goals_and_share_met(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    page = _parse(report)
    assert report.name == "index.html"
    assert page.lang == "en"
    assert "Injuries per 100,000 km" in html
    assert "Incidents reported within 24 hours" in html
    assert 'href="robots.html"' in html
    # 6 of 10 injury-rate findings met; 9 of 15 overall.
    assert "6 met (60%)" in html
    assert ">60%<" in html


def test_domain_page_shows_goal_details_and_actions(report: Path) -> None:
    html = (report.parent / "robots.html").read_text(encoding="utf-8")
    page = _parse(report.parent / "robots.html")
    assert "Injuries per 100,000 km" in page.headings
    assert "Incidents reported within 24 hours" in page.headings
    assert "100000 * count(incidents) / sum(trips.km)" in html
    assert "&lt;= 2.0" in html and "&lt;= 1.5" in html and "at most 1.5" in html
    assert "sum(trips.km) &gt;= 10000" in html
    assert "Corrective plan" in html and "Notice" in html and "Recognition" in html
    assert "2026-05-19" in html  # the corrective plan's due date
    assert "over everyone together" in html  # the per: all goal
    assert page.captions >= 4


def test_rulebook_text_is_escaped(report: Path) -> None:
    html = (report.parent / "robots.html").read_text(encoding="utf-8")
    assert "Delivery robots &lt;on&gt; sidewalks &amp; streets" in html
    assert "pilot &lt;/script&gt; phase" in html
    assert "<on>" not in html


def test_chart_specs_are_valid_json_one_per_goal(report: Path) -> None:
    page = _parse(report.parent / "robots.html")
    assert set(page.charts) == {"chart-injury-rate", "chart-timely-reporting"}
    assert set(page.charts) == page.chart_ids
    for raw in page.charts.values():
        assert "</" not in raw
        spec = json.loads(raw)
        assert spec["layer"][0]["mark"]["type"] == "line"
        assert spec["layer"][1]["mark"]["type"] == "rule"
        assert spec["description"]
    injury = json.loads(page.charts["chart-injury-rate"])
    assert injury["usermeta"] == {"goal": "injury-rate"}
    actors = {v["actor"] for v in injury["layer"][0]["data"]["values"]}
    assert actors == {"alpha", "beta"}


def test_no_network_urls_and_every_local_resource_exists(report: Path) -> None:
    for name in ("index.html", "robots.html"):
        page = _parse(report.parent / name)
        assert page.urls, name
        for url in page.urls:
            assert not url.startswith(("http://", "https://", "//")), url
            assert (report.parent / url).is_file(), url
        assert any(u.endswith("vega.min.js") for u in page.urls)
        assert any(u.endswith("vega-lite.min.js") for u in page.urls)
        assert any(u.endswith("vega-embed.min.js") for u in page.urls)


def test_findings_and_actions_are_written_as_jsonl(report: Path, result: DomainResult) -> None:
    findings = (report.parent / "robots" / "findings.jsonl").read_bytes().splitlines()
    actions = (report.parent / "robots" / "actions.jsonl").read_bytes().splitlines()
    assert [orjson.loads(x) for x in findings] == [f.to_dict() for f in result.findings]
    assert [orjson.loads(x) for x in actions] == [a.to_dict() for a in result.actions]


def test_long_action_lists_are_cut_to_the_latest(result: DomainResult, tmp_path: Path) -> None:
    from dataclasses import replace

    first = result.actions[0]
    many = [
        replace(first, at=first.at.replace(hour=i // 60, minute=i % 60))
        for i in range(ACTION_LIMIT + 7)
    ]
    index = write_report([replace(result, actions=many)], tmp_path)
    html = (index.parent / "robots.html").read_text(encoding="utf-8")
    assert f"(latest {ACTION_LIMIT} of {ACTION_LIMIT + 7})" in html


def test_a_domain_may_appear_only_once(result: DomainResult, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="robots"):
        write_report([result, result], tmp_path)


def test_empty_evaluation_still_renders(result: DomainResult, tmp_path: Path) -> None:
    from dataclasses import replace

    index = write_report([replace(result, findings=[], actions=[])], tmp_path)
    html = (index.parent / "robots.html").read_text(encoding="utf-8")
    assert "No findings in the evaluated range." in html
    assert "No actions were taken." in html
    for raw in _parse(index.parent / "robots.html").charts.values():
        assert json.loads(raw)["layer"][0]["data"]["values"] == []
