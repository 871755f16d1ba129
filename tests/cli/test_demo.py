from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console

from agilegov.cli.demo import demo_range, run_demo
from agilegov.domains.catalog import DOMAINS
from agilegov.report.summary import DomainResult
from agilegov.rulebook.loader import load_rulebook_text

_RULEBOOK = """
domain: demo-range
version: 1
effective_from: 2026-03-01
timezone: Europe/Berlin
streams:
  trips:
    time: at
    actor: operator
    fields: {at: timestamp, operator: string}
goals:
  - {id: weekly, title: Weekly, measure: count(trips), target: ">= 0", window: 7d}
  - {id: monthly, title: Monthly, measure: count(trips), target: ">= 0", window: 1mo}
"""

BERLIN = ZoneInfo("Europe/Berlin")
DAYS = 40


def test_range_starts_where_the_longest_window_fits() -> None:
    rb = load_rulebook_text(_RULEBOOK)
    data_start, first, last = demo_range(rb, dt.date(2026, 3, 1), 60)
    assert data_start == dt.datetime(2026, 3, 1, tzinfo=BERLIN)
    assert first == dt.datetime(2026, 4, 1, tzinfo=BERLIN)  # one calendar month later
    assert last == dt.datetime(2026, 4, 30, tzinfo=BERLIN)
    assert first.utcoffset() == dt.timedelta(hours=2)  # summer time began on 29 March


def test_short_range_falls_back_to_the_shortest_window() -> None:
    rb = load_rulebook_text(_RULEBOOK)
    _, first, last = demo_range(rb, dt.date(2026, 3, 1), 20)
    assert first == dt.datetime(2026, 3, 8, tzinfo=BERLIN)
    assert last == dt.datetime(2026, 3, 21, tzinfo=BERLIN)


def test_range_shorter_than_every_window_starts_with_the_data() -> None:
    rb = load_rulebook_text(_RULEBOOK)
    data_start, first, _ = demo_range(rb, dt.date(2026, 3, 1), 3)
    assert first == data_start


def test_demo_rejects_a_period_without_days(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        run_demo(tmp_path, days=0, console=Console(file=io.StringIO()))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[DomainResult], str]:
    out = tmp_path_factory.mktemp("demo")
    buffer = io.StringIO()
    results = run_demo(out, days=DAYS, console=Console(file=buffer, width=250))
    return out, results, buffer.getvalue()


@pytest.mark.slow
def test_demo_evaluates_all_five_domains(demo: tuple[Path, list[DomainResult], str]) -> None:
    out, results, _ = demo
    assert len(results) == len(DOMAINS) == 5
    assert len({r.rulebook.domain for r in results}) == 5
    for name, result in zip(DOMAINS, results, strict=True):
        assert (out / "data" / name).is_dir()
        assert result.findings, result.rulebook.domain
        assert {f.goal for f in result.findings} <= {g.id for g in result.rulebook.goals}
        assert result.start is not None and result.end is not None
        assert all(result.start <= f.window_end <= result.end for f in result.findings)


@pytest.mark.slow
def test_demo_writes_the_report(demo: tuple[Path, list[DomainResult], str]) -> None:
    out, results, printed = demo
    index = out / "report" / "index.html"
    html = index.read_text(encoding="utf-8")
    for result in results:
        page = out / "report" / f"{result.rulebook.domain}.html"
        assert f'href="{result.rulebook.domain}.html"' in html
        assert page.is_file()
        lines = (out / "report" / result.rulebook.domain / "findings.jsonl").read_text()
        assert len(lines.splitlines()) == len(result.findings)
        assert json.loads(lines.splitlines()[0])["kind"] == "finding"
    assert (out / "report" / "static" / "vega-embed.min.js").is_file()
    assert str(index) in printed.replace("\n", "")


@pytest.mark.slow
def test_demo_prints_a_table_per_domain(demo: tuple[Path, list[DomainResult], str]) -> None:
    _, results, printed = demo
    assert printed.count("Goals") >= 5 and printed.count("Latest actions") >= 5
    for result in results:
        title = result.rulebook.title or result.rulebook.domain
        assert f"{title} ({result.rulebook.domain} v{result.rulebook.version})" in printed
        for goal in result.rulebook.goals:
            assert goal.title[:30] in printed
