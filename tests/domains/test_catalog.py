"""The catalog of example domains and the rulebooks it ships."""

from __future__ import annotations

import re

import pytest

from agilegov.domains.catalog import DOMAINS, get_domain, rulebook_path
from agilegov.errors import UsageError
from agilegov.rulebook.loader import load_rulebook

NAMES = ["mobility", "infrastructure", "healthcare", "fintech", "public-services"]


def test_catalog_holds_the_five_society_fields() -> None:
    assert sorted(DOMAINS) == sorted(NAMES)
    assert all(spec.name == name for name, spec in DOMAINS.items())


@pytest.mark.parametrize("name", NAMES)
def test_rulebook_loads_and_is_a_realistic_example(name: str) -> None:
    rb = load_rulebook(rulebook_path(name))
    assert rb.field == name
    assert rb.timezone == "Asia/Tokyo"
    assert rb.jurisdiction is not None and re.fullmatch(r"JP-\d\d", rb.jurisdiction)
    assert 3 <= len(rb.goals) <= 6
    assert all(g.why and g.title and g.owner for g in rb.goals)
    kinds = {r.kind for r in rb.responses}
    assert kinds == {"met", "unmet"}  # graduated sanctions and an incentive
    goal_ids = {g.id for g in rb.goals}
    assert all(r.goal == "*" or r.goal in goal_ids for r in rb.responses)


@pytest.mark.parametrize("name", NAMES)
def test_rulebook_uses_a_variety_of_the_language(name: str) -> None:
    rb = load_rulebook(rulebook_path(name))
    assert any(g.per == "all" for g in rb.goals)
    assert any(g.per == "actor" for g in rb.goals)
    assert any(g.min_evidence is not None for g in rb.goals)
    assert any(" where " in g.measure_text for g in rb.goals)
    assert any("/" in g.measure_text for g in rb.goals)  # a ratio


def test_the_catalog_as_a_whole_covers_the_language() -> None:
    goals = [g for n in NAMES for g in load_rulebook(rulebook_path(n)).goals]
    texts = " ".join(g.measure_text for g in goals)
    for piece in ("count_distinct(", "sum(", "avg(", " in (", " is null", " is not null",
                  "_at - "):
        assert piece in texts, piece
    assert any(len(g.targets) > 1 for g in goals)  # dated targets


@pytest.mark.parametrize("name", NAMES)
def test_rulebook_cites_sources_or_says_illustrative(name: str) -> None:
    rb = load_rulebook(rulebook_path(name))
    for g in rb.goals:
        assert g.why is not None
        assert "illustrative" in g.why.lower() or re.search(r"\(.*[A-Za-z].*\)", g.why), g.id


def test_rulebook_path_points_into_the_package() -> None:
    path = rulebook_path("public-services")
    assert path.name == "public-services.yaml"
    assert path.is_file()


def test_unknown_domain_names_the_known_ones_and_suggests() -> None:
    with pytest.raises(UsageError) as caught:
        get_domain("mobilty")
    message = str(caught.value)
    assert "did you mean 'mobility'" in message
    assert "fintech" in message
