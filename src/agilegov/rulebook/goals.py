"""Checking the `goals` section: ids, targets, durations, and the measure language."""

from __future__ import annotations

import datetime as dt
import re
from typing import cast

from agilegov.errors import MeasureError, Problem
from agilegov.measure.ast import CmpOp, Comparison, Expr
from agilegov.measure.parser import parse_comparison, parse_measure
from agilegov.measure.types import check_measure
from agilegov.rulebook.durations import Duration
from agilegov.rulebook.keys import GOAL_KEYS, OWNERS, PERS
from agilegov.rulebook.model import Goal, Owner, Per, Stream, Target
from agilegov.rulebook.reader import DocumentReader, pointer
from agilegov.rulebook.yamlpos import YMap, YNode, YScalar, YSeq, kind_name, scalar_position

_TARGET = re.compile(
    r"^\s*(==|=|!=|<=|>=|<|>)\s*([-+]?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)\s*$"
)
_TARGET_HELP = 'an operator (=, ==, !=, <, <=, >, >=) and a number, in quotes, such as "<= 2.0"'
_REQUIRED = ("id", "title", "measure", "target", "window")
_DEFAULT_EVERY = Duration(1, "d")


def read_goals(reader: DocumentReader, node: YNode, ptr: str,
               streams: dict[str, Stream] | None, effective_from: dt.date) -> tuple[Goal, ...]:
    """Every valid goal; problems are recorded for the others.

    `streams` is None when the streams section has problems: measures are then only checked
    for syntax, since their names cannot be trusted against broken declarations. A single
    target (not a map of dates) is recorded as in force from `effective_from`.
    """
    seq = reader.read_seq(node, "goals", ptr)
    if seq is None:
        return ()
    if not seq.items:
        reader.problem(seq, "goals: expected at least one goal", ptr)
        return ()
    goals: list[Goal] = []
    ids: dict[str, int] = {}
    for i, item in enumerate(seq.items):
        gptr = pointer(ptr, i)
        goal = _read_goal(reader, i, item, gptr, streams, effective_from)
        if goal is None:
            continue
        if goal.id in ids:
            id_node = cast(YMap, item).get("id")
            reader.problem(id_node or item, f"goal id '{goal.id}' is used twice (first by "
                           f"goal {ids[goal.id]}); goal ids must be unique",
                           pointer(gptr, "id"))
            continue
        ids[goal.id] = i + 1
        goals.append(goal)
    return tuple(goals)


def goal_ids_written(node: YNode) -> list[str]:
    """Goal ids as written, even for goals with problems (so responses are not misjudged)."""
    out: list[str] = []
    if not isinstance(node, YSeq):
        return out
    for item in node.items:
        if isinstance(item, YMap):
            id_node = item.get("id")
            if isinstance(id_node, YScalar):
                out.append(id_node.text)
    return out


def _read_goal(reader: DocumentReader, index: int, node: YNode, ptr: str,
               streams: dict[str, Stream] | None, effective_from: dt.date) -> Goal | None:
    what = f"goal {index + 1}"
    ymap = reader.read_map(node, what, ptr)
    if ymap is None:
        return None
    id_node = ymap.get("id")
    if isinstance(id_node, YScalar) and id_node.text:
        what = f"goal '{id_node.text}'"
    before = len(reader.problems)
    e = reader.check_keys(ymap, GOAL_KEYS, _REQUIRED, what, ptr)

    def sub(key: str) -> str:
        return pointer(ptr, key)

    goal_id = reader.read_slug(e["id"], f"{what}: id", sub("id")) if "id" in e else None
    title = reader.read_text(e["title"], f"{what}: title", sub("title")) if "title" in e else None
    why = reader.read_text(e["why"], f"{what}: why", sub("why")) if "why" in e else None
    owner = reader.read_choice(e["owner"], f"{what}: owner", sub("owner"), OWNERS) \
        if "owner" in e else None
    per = reader.read_choice(e["per"], f"{what}: per", sub("per"), PERS) \
        if "per" in e else "actor"
    window = reader.read_duration(e["window"], f"{what}: window", sub("window")) \
        if "window" in e else None
    every = reader.read_duration(e["every"], f"{what}: every", sub("every")) \
        if "every" in e else _DEFAULT_EVERY
    targets = _read_targets(reader, what, e["target"], sub("target"), effective_from) \
        if "target" in e else None
    measure: tuple[Expr | Comparison, str] | None = None
    if "measure" in e:
        measure = _read_measure(reader, f"{what}: measure", e["measure"], sub("measure"),
                                streams, comparison=False)
    evidence: tuple[Expr | Comparison, str] | None = None
    if "min_evidence" in e:
        evidence = _read_measure(reader, f"{what}: min_evidence", e["min_evidence"],
                                 sub("min_evidence"), streams, comparison=True)
    if len(reader.problems) > before:
        return None
    assert goal_id and title and measure and targets and window and every and per
    return Goal(
        id=goal_id, title=title, measure=cast(Expr, measure[0]), measure_text=measure[1],
        targets=targets, window=window, every=every, per=cast(Per, per),
        min_evidence=cast(Comparison, evidence[0]) if evidence else None,
        min_evidence_text=evidence[1] if evidence else None,
        why=why, owner=cast(Owner | None, owner),
    )


def parse_target(text: str) -> Target | None:
    """`"<= 2.0"` -> Target, or None when the text is not an operator and a number."""
    m = _TARGET.match(text)
    if m is None:
        return None
    return Target(op=cast(CmpOp, m.group(1)), value=float(m.group(2)), text=text)


def _read_target(reader: DocumentReader, what: str, node: YNode, ptr: str) -> Target | None:
    if isinstance(node, YScalar) and node.tag == "str":
        target = parse_target(node.text)
        if target is not None:
            return target
    shown = kind_name(node)
    hint = ""
    if isinstance(node, YScalar) and node.tag in ("int", "float"):
        hint = f' (to require exactly this value, write "== {node.text}")'
    reader.problem(node, f"{what}: expected {_TARGET_HELP}, got {shown}{hint}", ptr)
    return None


def _read_targets(reader: DocumentReader, what: str, node: YNode, ptr: str,
                  effective_from: dt.date) -> tuple[tuple[dt.date, Target], ...] | None:
    if not isinstance(node, YMap):
        target = _read_target(reader, f"{what}: target", node, ptr)
        return None if target is None else ((effective_from, target),)
    if not node.entries:
        reader.problem(node, f"{what}: target: expected at least one date: target pair", ptr)
        return None
    out: dict[dt.date, Target] = {}
    ok = True
    for key, value in node.entries:
        kptr = pointer(ptr, key.text if isinstance(key, YScalar) else "?")
        day = reader.read_date(key, f"{what}: target date", kptr)
        target = _read_target(reader, f"{what}: target from {key_text(key)}", value, kptr)
        if day is not None and day in out:
            reader.problem(key, f"{what}: target date {day.isoformat()} is given twice", kptr)
            ok = False
        elif day is not None and target is not None:
            out[day] = target
        else:
            ok = False
    return tuple(sorted(out.items())) if ok else None


def key_text(node: YNode) -> str:
    return node.text if isinstance(node, YScalar) else "?"


def _read_measure(reader: DocumentReader, what: str, node: YNode, ptr: str,
                  streams: dict[str, Stream] | None, *, comparison: bool,
                  ) -> tuple[Expr | Comparison, str] | None:
    if not isinstance(node, YScalar) or node.tag == "null":
        reader.problem(node, f"{what}: expected an expression of the measure language, "
                       f"got {kind_name(node)}", ptr)
        return None
    text = node.text
    try:
        parsed: Expr | Comparison = parse_comparison(text) if comparison else parse_measure(text)
    except MeasureError as exc:
        _relocate(reader, what, node, ptr, exc.problems)
        return None
    if streams is not None:
        problems = check_measure(parsed, streams)
        if problems:
            _relocate(reader, what, node, ptr, problems)
            return None
    return (parsed, text.strip())


def _relocate(reader: DocumentReader, what: str, node: YScalar, ptr: str,
              problems: list[Problem]) -> None:
    """Report problems found inside a measure text at their place in the file."""
    for p in problems:
        line, column = scalar_position(node, reader.source, p.column)
        reader.problem(None, f"{what}: {p.message}", ptr, line=line, column=column)
