"""Credit for honesty: the workspace's policy of what a self-report earns.

The rulebook format is fixed (its loader rejects unknown keys), so the policy lives next to
it in the workspace, in `DIR/policies/<domain>.yaml` (not under `DIR/domains/`, whose every
`*.yaml` file is read as a rulebook):

```yaml
self_report_credit:
  - {goal: "*", cap: corrective-plan}   # goal id or "*"; cap: a `do` of the ladder
```

A mapping instead of a list is one rule. Meaning: a breach the operator self-reported
before the data showed it (received before the case opened, occurred no later than the
action that opened it) climbs the rulebook's ladder no higher than the `cap` response: a
higher response of that run is recorded in the case as a `credit-cap` step instead of an
escalation. A missing file means no credit. A missed plan deadline still escalates.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from agilegov.errors import Problem, RulebookError
from agilegov.rulebook.model import Rulebook

POLICY_DIR = "policies"
KEYS = ("self_report_credit",)
RULE_KEYS = ("goal", "cap")


@dataclass(frozen=True)
class CreditRule:
    goal: str  # a goal id or "*"
    cap: str  # a `do` of the rulebook's responses


@dataclass(frozen=True)
class CreditPolicy:
    rules: tuple[CreditRule, ...] = ()

    def cap_for(self, goal: str) -> str | None:
        """The cap for a goal: a rule naming the goal wins over "*"; None = no credit."""
        exact = [r.cap for r in self.rules if r.goal == goal]
        if exact:
            return exact[0]
        star = [r.cap for r in self.rules if r.goal == "*"]
        return star[0] if star else None


def policy_path(workspace_root: Path, domain: str) -> Path:
    return Path(workspace_root) / POLICY_DIR / f"{domain}.yaml"


def rung_of(book: Rulebook, goal: str, do: str) -> int | None:
    """The ladder position of a response: the lowest `unmet_for` with that `do` for the goal."""
    counts = [r.count for r in book.responses
              if r.kind == "unmet" and r.do == do and r.applies_to(goal)]
    return min(counts) if counts else None


def load_policy(workspace_root: Path, book: Rulebook) -> CreditPolicy:
    """The domain's credit policy (empty when there is no file); RulebookError naming the
    file and the JSON pointer of what is wrong otherwise."""
    path = policy_path(workspace_root, book.domain)
    if not path.is_file():
        return CreditPolicy()
    name = str(path)
    try:
        data = YAML(typ="safe").load(path.read_text("utf-8"))
    except YAMLError as exc:
        raise RulebookError([Problem(f"not valid YAML: {exc}", file=name)]) from exc
    return parse_policy(data, book, name)


def parse_policy(data: Any, book: Rulebook, name: str = "<policy>") -> CreditPolicy:
    if data is None:
        return CreditPolicy()
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise RulebookError([Problem("expected a mapping with 'self_report_credit'", file=name,
                                     pointer="")])
    for key in data:
        if key not in KEYS:
            problems.append(Problem(f"unknown key '{key}' (expected: {', '.join(KEYS)})",
                                    file=name, pointer=f"/{key}"))
    raw = data.get("self_report_credit") or []
    items = [raw] if isinstance(raw, dict) else raw
    if not isinstance(items, list):
        problems.append(Problem("expected a rule {goal, cap} or a list of them", file=name,
                                pointer="/self_report_credit"))
        items = []
    rules: list[CreditRule] = []
    goals = {g.id for g in book.goals}
    for i, item in enumerate(items):
        where = f"/self_report_credit/{i}" if isinstance(raw, list) else "/self_report_credit"
        if not isinstance(item, dict):
            problems.append(Problem("expected a mapping {goal, cap}", file=name, pointer=where))
            continue
        problems.extend(Problem(f"unknown key '{k}' (expected: goal, cap)", file=name,
                                pointer=f"{where}/{k}") for k in item if k not in RULE_KEYS)
        goal, cap = str(item.get("goal", "*")), item.get("cap")
        if goal != "*" and goal not in goals:
            problems.append(Problem(f"no goal '{goal}' in domain '{book.domain}' "
                                    f"(goals: {', '.join(sorted(goals))}, or \"*\")",
                                    file=name, pointer=f"{where}/goal"))
        dos = sorted({r.do for r in book.responses if r.kind == "unmet"})
        if not isinstance(cap, str) or cap not in dos:
            problems.append(Problem(f"expected 'cap' to be a response of the ladder "
                                    f"({', '.join(dos) or 'the rulebook has none'}), got {cap!r}",
                                    file=name, pointer=f"{where}/cap"))
            continue
        rules.append(CreditRule(goal, cap))
    if problems:
        raise RulebookError(problems)
    return CreditPolicy(tuple(rules))
