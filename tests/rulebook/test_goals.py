"""The goals section: ids, targets (with dates), durations, and measures located in the file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from agilegov.errors import Problem
from agilegov.rulebook.durations import Duration
from agilegov.rulebook.goals import parse_target
from agilegov.rulebook.loader import load_rulebook_text
from agilegov.rulebook.model import Target

HEAD = """\
domain: d
version: 1
effective_from: 2026-04-01
streams:
  trips:
    time: ended_at
    actor: operator
    fields:
      operator: string
      ended_at: timestamp
      started_at: timestamp
      km: float
      rider: {type: string, personal: true}
goals:
"""  # the goal under test starts on line 15


DEFAULTS = {"id": "g", "title": "A goal", "measure": "count(trips)", "target": '">= 1"',
            "window": "7d"}
LINE = {"id": 15, "title": 16, "measure": 17, "target": 18, "window": 19}  # extra keys: 20+


def goal(*lines: str, gid: str = "g") -> str:
    """A goal whose default lines are replaced by `lines` with the same key, others appended."""
    given = {x.split(":")[0]: x for x in lines}
    body = [given.pop(k, f"{k}: {v}") for k, v in {**DEFAULTS, "id": gid}.items()]
    body += list(given.values())
    return "  - " + "\n    ".join(body) + "\n"


def line_of(key: str) -> int:
    return LINE.get(key, 20)


def test_optional_keys_are_read() -> None:
    rb = load_rulebook_text(HEAD + goal(
        "why: Because", "owner: companies", "every: 1w", "per: all", "window: 1mo",
        "min_evidence: count(trips) >= 5",
    ))
    g = rb.goals[0]
    assert (g.why, g.owner, g.every, g.per, g.window) == (
        "Because", "companies", Duration(1, "w"), "all", Duration(1, "mo"))
    assert g.min_evidence_text == "count(trips) >= 5"


def test_target_map_is_sorted_by_date_and_accepts_quoted_dates() -> None:
    rb = load_rulebook_text(HEAD + goal(
        'target: {2028-01-01: "< 1", "2026-04-01": "<= 3", 2027-01-01: "<=2"}'))
    assert rb.goals[0].targets == (
        (dt.date(2026, 4, 1), Target("<=", 3.0, "<= 3")),
        (dt.date(2027, 1, 1), Target("<=", 2.0, "<=2")),
        (dt.date(2028, 1, 1), Target("<", 1.0, "< 1")),
    )


def test_target_map_in_block_style() -> None:
    text = HEAD + goal("target:\n      2026-04-01: <= 3\n      2027-04-01: '>= 0.5'")
    assert [t.text for _, t in load_rulebook_text(text).goals[0].targets] == ["<= 3", ">= 0.5"]


@pytest.mark.parametrize(
    ("text", "op", "value"),
    [("<= 2.0", "<=", 2.0), ("== 0", "==", 0.0), ("=1", "=", 1.0), ("!= -3", "!=", -3.0),
     (">  1e3", ">", 1000.0), (" >= 0.25 ", ">=", 0.25)],
)
def test_parse_target(text: str, op: str, value: float) -> None:
    assert parse_target(text) == Target(op, value, text)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["2.0", "<= two", "=> 1", "<= 1 2", "", "<=", "~ 1"])
def test_parse_target_refuses(text: str) -> None:
    assert parse_target(text) is None


@pytest.mark.parametrize(
    ("line", "column", "pointer", "expected"),
    [
        ("target: 0", 13, "/goals/0/target", 'write "== 0"'),
        ("target: at most 2", 13, "/goals/0/target", 'such as "<= 2.0"'),
        ("target: {}", 13, "/goals/0/target", "at least one date"),
        ('target: {soon: "<= 1"}', 14, "/goals/0/target/soon", "YYYY-MM-DD"),
        ('target: {2026-04-01: 2}', 26, "/goals/0/target/2026-04-01", "an operator"),
        ('target: {2026-04-01: "<1", "2026-04-01": "<2"}', 32, "/goals/0/target/2026-04-01",
         "given twice"),
        ("window: 0d", 13, "/goals/0/window", "longer than zero"),
        ("window: 30", 13, "/goals/0/window", "expected a duration"),
        ("window: 30 days", 13, "/goals/0/window", "expected a duration"),
        ("every: 1fortnight", 12, "/goals/0/every", "expected a duration"),
        ("per: each", 10, "/goals/0/per", "expected 'actor' or 'all'"),
        ("owner: goverment", 12, "/goals/0/owner", "did you mean 'government'?"),
        ("title: ''", 12, "/goals/0/title", "empty"),
        ("title: [a]", 12, "/goals/0/title", "expected text"),
    ],
)
def test_goal_problems(one_problem: Callable[[str], Problem], line: str, column: int,
                       pointer: str, expected: str) -> None:
    p = one_problem(HEAD + goal(line))
    assert (p.line, p.column, p.pointer) == (line_of(line.split(":")[0]), column, pointer)
    assert expected in p.message
    assert p.message.startswith("goal 'g': ")


def test_misspelt_goal_key(problems_of: Callable[[str], list[Problem]]) -> None:
    problems = problems_of(HEAD + goal().replace("window: 7d", "windw: 7d"))
    assert [(p.line, p.column, p.pointer) for p in problems] == [
        (15, 5, "/goals/0"), (19, 5, "/goals/0/windw")]
    assert "missing required key 'window'" in problems[0].message
    assert "unknown key 'windw' (did you mean 'window'?)" in problems[1].message


def test_missing_goal_keys(problems_of: Callable[[str], list[Problem]]) -> None:
    problems = problems_of(HEAD + "  - {id: g}\n")
    assert sorted(p.message.split("'")[3] for p in problems) == [
        "measure", "target", "title", "window"]
    assert all((p.line, p.column) == (15, 5) for p in problems)


def test_goals_must_be_a_non_empty_list(one_problem: Callable[[str], Problem]) -> None:
    p = one_problem(HEAD.replace("goals:\n", "goals: []\n"))
    assert (p.line, p.column) == (14, 8) and "at least one goal" in p.message
    p = one_problem(HEAD.replace("goals:\n", "goals: {g: 1}\n"))
    assert "expected a list" in p.message


def test_duplicate_goal_ids(one_problem: Callable[[str], Problem]) -> None:
    p = one_problem(HEAD + goal() + goal())
    assert (p.line, p.column, p.pointer) == (20, 9, "/goals/1/id")
    assert "goal id 'g' is used twice (first by goal 1)" in p.message


# ---- measures: problems are located inside the YAML scalar ------------------------------

@pytest.mark.parametrize(
    ("line", "marker", "expected"),
    [
        # plain scalar: the problem's column is that of the marked text in the file
        ("measure: sum(trips.kms)", "sum(", "did you mean 'km'?"),
        ("measure: count(trip)", "count(", "did you mean 'trips'?"),
        ("measure: count(trips) +", None, "got the end of the text"),
        ("measure: sum(trips.rider)", "sum(", "personal"),
        # single-quoted: '' is one character of the text
        ("measure: 'count(trips where operator = ''x'') + count(trip)'", "count(trip)",
         "unknown stream"),
        # double-quoted with escapes
        ('measure: "count(trips where operator = \'a\\tb\') + count(trip)"', "count(trip)",
         "unknown stream"),
        ("min_evidence: count(trips)", None, "expected a comparison"),
        ("min_evidence: count(trips) >= count(rides)", "count(rides)", "unknown stream 'rides'"),
    ],
)
def test_measure_problems_point_into_the_file(one_problem: Callable[[str], Problem], line: str,
                                              marker: str | None, expected: str) -> None:
    p = one_problem(HEAD + goal(line))
    key = line.split(":")[0]
    column = (line.index(marker) if marker else len(line)) + 5  # the line is indented by 4
    assert (p.line, p.column) == (line_of(key), column), str(p)
    assert expected in p.message
    assert p.message.startswith(f"goal 'g': {key}: ")
    assert p.pointer == f"/goals/0/{key}"


def test_measure_problem_inside_a_literal_block(one_problem: Callable[[str], Problem]) -> None:
    text = HEAD + goal("measure: |\n      count(trips\n        where km > 'x')")
    p = one_problem(text)
    assert (p.line, p.column) == (19, 20), str(p)
    assert "compare" in p.message


def test_measure_is_not_type_checked_against_broken_streams(
        one_problem: Callable[[str], Problem]) -> None:
    text = HEAD.replace("km: float", "km: flot") + goal("measure: sum(trips.km)")
    p = one_problem(text)
    assert p.pointer == "/streams/trips/fields/km"


def test_several_goal_problems_at_once(problems_of: Callable[[str], list[Problem]]) -> None:
    problems = problems_of(HEAD + goal("measure: count(", "window: x") + goal(gid="Bad"))
    assert [p.pointer for p in problems] == ["/goals/0/measure", "/goals/0/window",
                                             "/goals/1/id"]


# ---- nothing in a rulebook is executed or spliced into SQL -------------------------------

@pytest.mark.parametrize(
    "measure",
    [
        "count(trips where 1=1); DROP TABLE x",
        "count(trips) -- comment",
        "count(trips) /* c */",
        "__import__('os').system('rm -rf /')",
        "eval('1')",
        "count(trips where operator = 'a' OR 1=1)",
        "count(trips where operator = 'a'' OR ''1''=''1')) + count(x",
        "count(trips where operator = \"a\")",
        "count(trips.\"km\")",
        "count(trips where km > (SELECT 1))",
        "sum(trips.km) UNION SELECT * FROM secrets",
        "count(trips where km > 1 and ${x})",
        "{{ config }}",
        "read_csv('/etc/passwd')",
        "count(read_parquet('x'))",
        "sum(trips.km; DROP TABLE trips)",
        "count(trips)\x00",
    ],
)
def test_smuggling_attempts_in_measures_are_refused(problems_of: Callable[[str], list[Problem]],
                                                    measure: str) -> None:
    quoted = "'" + measure.replace("'", "''") + "'"
    problems = problems_of(HEAD + goal(f"measure: {quoted}"))
    assert len(problems) == 1
    p = problems[0]
    assert p.pointer == "/goals/0/measure" or "not valid YAML" in p.message
    assert p.line == 17 and p.column is not None and p.column >= 14


@pytest.mark.parametrize(
    "evidence",
    ["count(trips) >= 1; DROP TABLE x", "count(trips) >= 1 or 1=1",
     "__import__('os') >= 1", "count(trips where operator = 'a' or sleep(10)) > 0"],
)
def test_smuggling_attempts_in_min_evidence_are_refused(
        one_problem: Callable[[str], Problem], evidence: str) -> None:
    quoted = "'" + evidence.replace("'", "''") + "'"
    p = one_problem(HEAD + goal(f"min_evidence: {quoted}"))
    assert p.pointer == "/goals/0/min_evidence"
    assert p.line == 20 and p.column is not None and p.column >= 19
