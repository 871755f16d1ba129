"""Shared helpers for rulebook tests: a minimal valid rulebook and error collection."""

from __future__ import annotations

import textwrap
from collections.abc import Callable

import pytest

from agilegov.errors import Problem, RulebookError
from agilegov.rulebook.loader import load_rulebook_text

MINIMAL = """\
domain: test-domain
version: 1
effective_from: 2026-04-01
streams:
  trips:
    time: ended_at
    actor: operator
    fields:
      operator: string
      ended_at: timestamp
      km: {type: float, min: 0}
goals:
  - id: distance
    title: Distance driven
    measure: sum(trips.km)
    target: ">= 10"
    window: 7d
"""


@pytest.fixture
def minimal() -> str:
    return MINIMAL


@pytest.fixture
def problems_of() -> Callable[[str], list[Problem]]:
    """Load YAML text that must fail; return its problems."""

    def run(text: str) -> list[Problem]:
        with pytest.raises(RulebookError) as info:
            load_rulebook_text(textwrap.dedent(text), "rb.yaml")
        assert info.value.problems, "a RulebookError must carry problems"
        return info.value.problems

    return run


@pytest.fixture
def one_problem(problems_of: Callable[[str], list[Problem]]) -> Callable[[str], Problem]:
    """Load YAML text that must fail with exactly one problem."""

    def run(text: str) -> Problem:
        problems = problems_of(text)
        assert len(problems) == 1, [str(p) for p in problems]
        return problems[0]

    return run
