"""Keep the regulators' guide honest: every key is documented, every full example loads."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from agilegov.errors import RulebookError
from agilegov.rulebook.loader import load_rulebook_text
from agilegov.rulebook.schema import json_schema

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "rulebook.md"


def guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def schema_keys(node: Any) -> set[str]:
    """Every property name anywhere in the schema."""
    keys: set[str] = set()
    if isinstance(node, dict):
        keys.update(node.get("properties", {}))
        for value in node.values():
            keys |= schema_keys(value)
    elif isinstance(node, list):
        for value in node:
            keys |= schema_keys(value)
    return keys


def yaml_blocks() -> list[tuple[int, str]]:
    """(line, text) of every ```yaml block of the guide."""
    text = guide()
    return [(text.count("\n", 0, m.start()) + 2, m.group(1))
            for m in re.finditer(r"```yaml\n(.*?)```", text, re.S)]


def full_rulebooks() -> list[tuple[int, str]]:
    return [(line, block) for line, block in yaml_blocks()
            if re.search(r"^domain:", block, re.M)]


def test_schema_has_the_keys_we_expect_to_find() -> None:
    keys = schema_keys(json_schema())
    assert {"domain", "streams", "fields", "personal", "min_evidence", "unmet_for"} <= keys


@pytest.mark.parametrize("key", sorted(schema_keys(json_schema())))
def test_every_key_is_documented(key: str) -> None:
    assert f"`{key}`" in guide(), f"docs/rulebook.md does not mention the key `{key}`"


def test_the_guide_holds_at_least_one_full_rulebook() -> None:
    assert full_rulebooks()


@pytest.mark.parametrize(("line", "block"), full_rulebooks(),
                         ids=[f"line-{line}" for line, _ in full_rulebooks()])
def test_full_rulebook_examples_load(line: int, block: str) -> None:
    rulebook = load_rulebook_text(block, f"docs/rulebook.md (block at line {line})")
    assert rulebook.goals and rulebook.streams


def test_documented_error_message_is_the_real_one() -> None:
    """The guide's sample message is what the loader says for its first example, broken."""
    example = next(block for _, block in full_rulebooks())
    broken = example.replace("window: 30d", "window: 30 days", 1)
    with pytest.raises(RulebookError) as info:
        load_rulebook_text(broken, "rules.yaml")
    (problem,) = info.value.problems
    assert f"\n{problem}\n" in guide()


def test_every_service_setting_is_documented() -> None:
    """Every environment variable the service reads is explained in docs/api.md."""
    from agilegov import settings

    names = [v for k, v in vars(settings).items() if k.startswith("ENV_")]
    text = (Path(__file__).parent.parent / "docs" / "api.md").read_text()
    assert names
    for name in names:
        assert f"`{name}`" in text, name
