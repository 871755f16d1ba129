"""Write the HTML report: an overview page and one page per domain, usable offline.

    out_dir/index.html              overview of every domain
    out_dir/<domain>.html           goals, charts, worst actors, actions
    out_dir/<domain>/findings.jsonl the findings shown, one JSON object a line
    out_dir/<domain>/actions.jsonl  the actions shown
    out_dir/static/                 vendored Vega, Vega-Lite, vega-embed; style; script
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson
from jinja2 import Environment, PackageLoader, StrictUndefined

from agilegov import __version__
from agilegov.errors import UsageError
from agilegov.report import assets, text
from agilegov.report.charts import MAX_CHART_ACTORS, charted_actors, embed_json, goal_chart
from agilegov.report.summary import DomainResult, DomainSummary, GoalSummary, summarize

ACTION_LIMIT = 50  # actions listed per table; the JSONL files hold them all


def environment() -> Environment:
    """The Jinja2 environment of the report: package templates, autoescape on."""
    env = Environment(
        loader=PackageLoader("agilegov.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        when=text.when,
        actor=text.actor,
        action_kind=text.action_kind,
        percent=text.percent,
        number=text.number,
        duration=text.duration,
        cadence=text.cadence,
        target=text.target,
        owner=text.owner,
        response=text.response,
    )
    return env


def _chart_context(summary: GoalSummary) -> dict[str, Any]:
    spec = goal_chart(summary)
    shown = charted_actors(summary)
    if not summary.findings:
        caption = "No findings to chart."
    elif shown == ["*"]:
        caption = "The measured value over everyone, at the end of each window."
    elif len(summary.actors) > MAX_CHART_ACTORS:
        caption = (
            f"The measured value per actor at the end of each window, for the "
            f"{len(shown)} actors with the most unmet findings (of {len(summary.actors)})."
        )
    else:
        caption = "The measured value per actor at the end of each window."
    return {"json": embed_json(spec), "description": spec["description"], "caption": caption}


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        for row in rows:
            out.write(orjson.dumps(row))
            out.write(b"\n")


def _check_unique(results: list[DomainResult]) -> None:
    seen = Counter(r.rulebook.domain for r in results)
    twice = sorted(name for name, n in seen.items() if n > 1)
    if twice:
        raise UsageError(f"each domain may appear once in a report; repeated: {', '.join(twice)}")


def _render_domain(env: Environment, summary: DomainSummary, common: dict[str, Any]) -> str:
    rb = summary.rulebook
    per_response = Counter(a.response for a in summary.result.actions)
    return env.get_template("domain.html").render(
        d=summary,
        charts={g.goal.id: _chart_context(g) for g in summary.goals},
        goals_by_id={g.id: g for g in rb.goals},
        response_counts=[per_response[i] for i in range(len(rb.responses))],
        action_limit=ACTION_LIMIT,
        **common,
    )


def write_report(
    results: list[DomainResult], out_dir: Path, *, generated: dt.datetime | None = None
) -> Path:
    """Write the report for some domains' evaluations into `out_dir`; return its index.html."""
    _check_unique(results)
    out_dir.mkdir(parents=True, exist_ok=True)
    assets.copy_static(out_dir)
    when = generated or dt.datetime.now(dt.UTC)
    common: dict[str, Any] = {
        "version": __version__,
        "generated": when.strftime("%Y-%m-%d %H:%M %Z").strip(),
        "scripts": assets.SCRIPTS,
        "styles": assets.STYLES,
    }
    env = environment()
    summaries = [summarize(r) for r in results]
    for summary in summaries:
        domain = summary.rulebook.domain
        page = _render_domain(env, summary, common)
        (out_dir / f"{domain}.html").write_text(page, encoding="utf-8")
        result = summary.result
        _write_jsonl(out_dir / domain / "findings.jsonl", (f.to_dict() for f in result.findings))
        _write_jsonl(out_dir / domain / "actions.jsonl", (a.to_dict() for a in result.actions))
    index = out_dir / "index.html"
    page = env.get_template("index.html").render(domains=summaries, **common)
    index.write_text(page, encoding="utf-8")
    return index
