"""The loader: the spec's example, defaults, top-level keys and file-level errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from agilegov.errors import Problem, RulebookError
from agilegov.measure.ast import Aggregate, BinOp, Comparison
from agilegov.rulebook.durations import Duration
from agilegov.rulebook.loader import load_rulebook, load_rulebook_text
from agilegov.rulebook.model import FieldSpec, Response, Target

FIXTURES = Path(__file__).parent / "fixtures"


def test_spec_example_loads_into_the_expected_model() -> None:
    rb = load_rulebook(FIXTURES / "sapporo.yaml")
    assert rb.domain == "sapporo-delivery-robots"
    assert rb.title == "Autonomous delivery robots on Sapporo sidewalks"
    assert (rb.field, rb.jurisdiction, rb.timezone) == ("mobility", "JP-01", "Asia/Tokyo")
    assert (rb.version, rb.effective_from) == (4, dt.date(2026, 4, 1))
    assert rb.source == str(FIXTURES / "sapporo.yaml")
    trips, incidents = rb.streams["trips"], rb.streams["incidents"]
    assert list(rb.streams) == ["trips", "incidents"]
    assert (trips.time, trips.actor, trips.key) == ("ended_at", "operator", "trip_id")
    assert list(trips.fields) == ["trip_id", "operator", "robot_id", "ended_at", "km"]
    assert trips.fields["km"] == FieldSpec("km", "float", min=0.0)
    assert trips.fields["ended_at"] == FieldSpec("ended_at", "timestamp", required=True)
    assert trips.fields["operator"] == FieldSpec("operator", "string", required=True)
    assert trips.fields["trip_id"] == FieldSpec("trip_id", "string")
    assert incidents.key is None
    assert incidents.fields["severity"] == FieldSpec("severity", "int", min=0.0, max=4.0)
    assert incidents.fields["reporter"] == FieldSpec("reporter", "string", personal=True)

    injury, timely = rb.goals
    assert injury.id == "injury-rate" and injury.owner == "government"
    assert injury.why is not None and injury.why.startswith("No more dangerous")
    assert injury.measure_text == (
        "100000 * count(incidents where severity >= 2) / sum(trips.km)"
    )
    assert isinstance(injury.measure, BinOp)
    assert injury.targets == (
        (dt.date(2026, 4, 1), Target("<=", 2.0, "<= 2.0")),
        (dt.date(2027, 4, 1), Target("<=", 1.5, "<= 1.5")),
    )
    assert (injury.window, injury.every, injury.per) == (Duration(30, "d"), Duration(1, "d"),
                                                          "actor")
    assert isinstance(injury.min_evidence, Comparison)
    assert injury.min_evidence.op == ">="
    assert isinstance(injury.min_evidence.left, Aggregate)
    assert injury.min_evidence_text == "sum(trips.km) >= 10000"
    assert timely.targets == ((dt.date(2026, 4, 1), Target("==", 0.0, "== 0")),)
    assert timely.owner is None and timely.min_evidence is None and timely.why is None
    assert rb.responses == (
        Response("injury-rate", "unmet", 1, "notice"),
        Response("injury-rate", "unmet", 3, "corrective-plan", Duration(14, "d")),
        Response("injury-rate", "unmet", 6, "suspend"),
        Response("*", "met", 90, "recognize"),
    )


def test_defaults_of_optional_keys(minimal: str) -> None:
    rb = load_rulebook_text(minimal)
    goal = rb.goals[0]
    assert rb.timezone == "UTC" and rb.title is None and rb.field is None
    assert rb.jurisdiction is None and rb.responses == () and rb.source is None
    assert goal.every == Duration(1, "d") and goal.per == "actor"
    # a single target is in force from effective_from (and, being the earliest, before it)
    assert goal.targets == ((dt.date(2026, 4, 1), Target(">=", 10.0, ">= 10")),)
    assert goal.target_on(dt.date(2020, 1, 1)).text == ">= 10"


def test_effective_from_may_be_quoted(minimal: str) -> None:
    rb = load_rulebook_text(minimal.replace("2026-04-01", '"2026-04-01"'))
    assert rb.effective_from == dt.date(2026, 4, 1)


def test_load_rulebook_reads_a_file(tmp_path: Path, minimal: str) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(minimal, encoding="utf-8")
    assert load_rulebook(path).domain == "test-domain"


def test_missing_file_is_a_rulebook_error(tmp_path: Path) -> None:
    with pytest.raises(RulebookError) as info:
        load_rulebook(tmp_path / "nope.yaml")
    assert info.value.problems[0].file == str(tmp_path / "nope.yaml")
    assert "no such rulebook file" in str(info.value)


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("domain: [\n", encoding="utf-8")
    with pytest.raises(RulebookError) as info:
        load_rulebook(path)
    assert str(info.value).startswith(f"{path}:")


def test_empty_document(one_problem: Callable[[str], Problem]) -> None:
    p = one_problem("# nothing here\n")
    assert "empty" in p.message and "domain" in p.message


def test_document_that_is_not_a_mapping(one_problem: Callable[[str], Problem]) -> None:
    p = one_problem("- a\n- b\n")
    assert (p.line, p.column) == (1, 1)
    assert "expected a mapping" in p.message and "got a list" in p.message


def test_yaml_syntax_error_has_line_and_column(one_problem: Callable[[str], Problem]) -> None:
    p = one_problem("domain: x\nversion: 1\ntitle: a: b\n")
    assert (p.file, p.line, p.column) == ("rb.yaml", 3, 9)
    assert "not valid YAML" in p.message and "quoted" in p.message


def test_tabs_are_explained(one_problem: Callable[[str], Problem]) -> None:
    p = one_problem("domain: x\nstreams:\n\ttrips: {}\n")
    assert p.line == 3 and "tabs" in p.message


def test_several_documents_are_refused(one_problem: Callable[[str], Problem],
                                       minimal: str) -> None:
    p = one_problem(minimal + "---\n" + minimal)
    assert "one YAML document" in p.message


def test_missing_required_keys_are_all_reported(problems_of: Callable[[str], list[Problem]],
                                                ) -> None:
    problems = problems_of("title: nothing else\n")
    missing = sorted(p.message.split("'")[1] for p in problems)
    assert missing == ["domain", "effective_from", "goals", "streams", "version"]
    assert all((p.line, p.column, p.pointer) == (1, 1, "") for p in problems)


def test_unknown_top_level_key_suggests(one_problem: Callable[[str], Problem],
                                        minimal: str) -> None:
    p = one_problem(minimal + "timezon: Asia/Tokyo\n")
    assert (p.line, p.column, p.pointer) == (18, 1, "/timezon")
    assert "unknown key 'timezon'" in p.message
    assert "did you mean 'timezone'?" in p.message


def test_repeated_key(one_problem: Callable[[str], Problem], minimal: str) -> None:
    p = one_problem(minimal + "version: 2\n")
    assert (p.line, p.column) == (18, 1)
    assert "appears twice" in p.message and "line 2" in p.message


@pytest.mark.parametrize(
    ("line", "column", "expected"),
    [
        ("domain: Big Domain", 9, "not a valid name"),
        ("domain: -x", 9, "not a valid name"),
        ("version: 0", 10, "whole number of at least 1"),
        ("version: 1.5", 10, "whole number of at least 1"),
        ("version: true", 10, "whole number of at least 1"),
        ("effective_from: April", 17, "YYYY-MM-DD"),
        ("effective_from: 2026-02-30", 17, "not a date of the calendar"),
        ("effective_from: 2026-04-01T00:00:00", 17, "YYYY-MM-DD"),
        ("field: mobilty", 8, "did you mean 'mobility'?"),
        ("jurisdiction: Hokkaido", 15, "ISO 3166"),
        ("timezone: Asia/Tokio", 11, "did you mean 'Asia/Tokyo'?"),
        ("timezone: ../etc/passwd", 11, "not an IANA timezone"),
    ],
)
def test_top_level_values(one_problem: Callable[[str], Problem], minimal: str, line: str,
                          column: int, expected: str) -> None:
    key = line.split(":")[0]
    lines = [x for x in minimal.splitlines() if not x.startswith(key + ":")]
    p = one_problem("\n".join([line, *lines]) + "\n")
    assert (p.file, p.line, p.column, p.pointer) == ("rb.yaml", 1, column, f"/{key}")
    assert expected in p.message
    assert p.message.startswith(f"{key}: ")


def test_all_problems_are_reported_at_once_in_file_order(
        problems_of: Callable[[str], list[Problem]], minimal: str) -> None:
    text = (minimal.replace("domain: test-domain", "domain: Test")
            .replace("window: 7d", "window: seven days")
            .replace("km: {type: float, min: 0}", "km: {type: flaot, min: 0}"))
    problems = problems_of(text + "responses:\n  - {goal: distanse, unmet_for: 2, do: notice}\n")
    where = [(p.line, p.pointer) for p in problems]
    assert where == [
        (1, "/domain"),
        (11, "/streams/trips/fields/km/type"),
        (17, "/goals/0/window"),
        (19, "/responses/0/goal"),
    ]
    assert "did you mean 'distance'?" in problems[3].message
    assert "did you mean 'float'?" in problems[1].message


def test_error_text_names_file_line_column_and_pointer(
        one_problem: Callable[[str], Problem], minimal: str) -> None:
    p = one_problem(minimal.replace("version: 1", "version: one"))
    assert str(p).startswith("rb.yaml:2:10, at /version: version: expected a whole number")
