"""Checking the `responses` section: which goal, which run, what to do, by when."""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal

from agilegov.rulebook.keys import RESPONSE_KEYS
from agilegov.rulebook.model import Response
from agilegov.rulebook.reader import DocumentReader, pointer
from agilegov.rulebook.suggest import did_you_mean
from agilegov.rulebook.yamlpos import YNode


def read_responses(reader: DocumentReader, node: YNode, ptr: str,
                   goal_ids: Collection[str]) -> tuple[Response, ...]:
    """Every valid response, in the rulebook's order; problems are recorded for the others."""
    seq = reader.read_seq(node, "responses", ptr)
    if seq is None:
        return ()
    out: list[Response] = []
    for i, item in enumerate(seq.items):
        response = _read_response(reader, f"response {i + 1}", item, pointer(ptr, i), goal_ids)
        if response is not None:
            out.append(response)
    return tuple(out)


def _read_response(reader: DocumentReader, what: str, node: YNode, ptr: str,
                   goal_ids: Collection[str]) -> Response | None:
    ymap = reader.read_map(node, what, ptr)
    if ymap is None:
        return None
    before = len(reader.problems)
    e = reader.check_keys(ymap, RESPONSE_KEYS, ("goal", "do"), what, ptr)
    goal = None
    if "goal" in e:
        goal = reader.read_text(e["goal"], f"{what}: goal", pointer(ptr, "goal"))
        if goal is not None and goal != "*" and goal not in goal_ids:
            reader.problem(e["goal"], f"{what}: goal '{goal}' is not the id of a goal"
                           f"{did_you_mean(goal, goal_ids)}; expected a goal id or \"*\" "
                           f"for every goal", pointer(ptr, "goal"))
    runs = [k for k in ("unmet_for", "met_for") if k in e]
    count = None
    if len(runs) != 1:
        got = "both" if runs else "neither"
        reader.problem(ymap, f"{what}: expected exactly one of 'unmet_for' or 'met_for' "
                       f"(how many findings in a row fire it), got {got}", ptr)
    else:
        count = reader.read_positive_int(e[runs[0]], f"{what}: {runs[0]}",
                                         pointer(ptr, runs[0]))
    do = reader.read_text(e["do"], f"{what}: do", pointer(ptr, "do")) if "do" in e else None
    due = reader.read_duration(e["due"], f"{what}: due", pointer(ptr, "due")) \
        if "due" in e else None
    if len(reader.problems) > before or goal is None or count is None or do is None:
        return None
    kind: Literal["unmet", "met"] = "unmet" if runs[0] == "unmet_for" else "met"
    return Response(goal=goal, kind=kind, count=count, do=do, due=due)
