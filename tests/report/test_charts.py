from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

from agilegov.report.charts import (
    MAX_CHART_ACTORS,
    charted_actors,
    embed_json,
    goal_chart,
    wall_ms,
)
from agilegov.report.summary import DomainResult, summarize

from .conftest import TOKYO


def test_embed_json_cannot_close_the_script_element() -> None:
    value = {"title": "</script><script>alert(1)</script>", "amp": "a & b", "cmt": "<!--"}
    text = str(embed_json(value))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == value


def test_wall_ms_reads_local_wall_time_as_utc() -> None:
    t = dt.datetime(2026, 4, 2, 0, 0, tzinfo=TOKYO)
    assert wall_ms(t) == wall_ms(dt.datetime(2026, 4, 2, tzinfo=dt.UTC))
    assert wall_ms(dt.datetime(1970, 1, 2, tzinfo=dt.UTC)) == 86_400_000


def test_chart_has_one_line_point_per_defined_value(result: DomainResult) -> None:
    injury = summarize(result).goals[0]
    spec = goal_chart(injury)
    values = spec["layer"][0]["data"]["values"]
    assert len(values) == 9  # beta's undefined value is not drawn
    assert {v["status"] for v in values} == {"met", "unmet"}
    assert values == sorted(values, key=lambda v: v["t"])
    assert spec["layer"][0]["encoding"]["x"]["scale"] == {"type": "utc"}


def test_changing_target_is_drawn_as_steps(result: DomainResult) -> None:
    injury = summarize(result).goals[0]
    rule = goal_chart(injury)["layer"][1]
    segments = rule["data"]["values"]
    assert [s["label"] for s in segments] == ["<= 2.0", "<= 1.5"]
    assert segments[0]["to"] == segments[1]["from"]  # no gap between steps
    assert segments[0]["target"] == 2.0 and segments[1]["target"] == 1.5
    assert "x" in rule["encoding"] and "x2" in rule["encoding"]


def test_single_target_is_a_full_width_rule(result: DomainResult) -> None:
    timely = summarize(result).goals[1]
    rule = goal_chart(timely)["layer"][1]
    assert [s["label"] for s in rule["data"]["values"]] == ["== 0"]
    assert set(rule["encoding"]) == {"y", "tooltip"}


def test_many_actors_chart_only_the_worst(result: DomainResult) -> None:
    base = [f for f in result.findings if f.goal == "injury-rate"]
    findings = []
    for i in range(MAX_CHART_ACTORS + 4):
        status = "unmet" if i < 3 else "met"
        findings += [replace(f, actor=f"op{i:02d}", status=status) for f in base[:2]]
    summary = summarize(replace(result, findings=findings)).goals[0]
    shown = charted_actors(summary)
    assert len(shown) == MAX_CHART_ACTORS
    assert shown[:3] == ["op00", "op01", "op02"]
    spec = goal_chart(summary)
    assert {v["actor"] for v in spec["layer"][0]["data"]["values"]} == set(shown)
    assert f"{MAX_CHART_ACTORS} of {MAX_CHART_ACTORS + 4} actors" in spec["description"]


def test_per_all_goal_is_described_as_the_aggregate(result: DomainResult) -> None:
    timely = summarize(result).goals[1]
    spec = goal_chart(timely)
    assert "aggregate over everyone" in spec["description"]
    assert {v["actor"] for v in spec["layer"][0]["data"]["values"]} == {"Everyone (aggregate)"}


def test_time_axis_ticks_whole_days_with_a_known_interval(result: DomainResult) -> None:
    injury = summarize(result).goals[0]
    axis = goal_chart(injury)["layer"][0]["encoding"]["x"]["axis"]
    # Vega only knows these interval names; an unknown one silently blanks the chart.
    assert axis["tickCount"] == {"interval": "day", "step": 1}
    assert axis["format"] == "%Y-%m-%d"


def test_time_axis_over_months_ticks_weeks(result: DomainResult) -> None:
    base = next(f for f in result.findings if f.goal == "injury-rate")
    findings = [
        replace(base, window_end=base.window_end + dt.timedelta(days=n)) for n in range(120)
    ]
    injury = summarize(replace(result, findings=findings)).goals[0]
    axis = goal_chart(injury)["layer"][0]["encoding"]["x"]["axis"]
    assert axis["tickCount"] == {"interval": "week", "step": 3}


def test_time_axis_within_a_day_shows_hours(result: DomainResult) -> None:
    one = [f for f in result.findings if f.goal == "injury-rate"][:1]
    injury = summarize(replace(result, findings=one)).goals[0]
    axis = goal_chart(injury)["layer"][0]["encoding"]["x"]["axis"]
    assert "tickCount" not in axis
    assert axis["format"] == "%m-%d %H:%M"
