"""The JSON Schema of the rulebook format."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from agilegov.rulebook.keys import (
    FIELD_KEYS,
    GOAL_KEYS,
    RESPONSE_KEYS,
    STREAM_KEYS,
    TOP_KEYS,
)
from agilegov.rulebook.schema import json_schema

FIXTURES = Path(__file__).parent / "fixtures"


def example() -> dict[str, Any]:
    """The spec's example as JSON-like data (dates as text, as an editor sees them)."""
    data = YAML(typ="safe").load((FIXTURES / "sapporo.yaml").read_text(encoding="utf-8"))

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value.isoformat() if hasattr(value, "isoformat") else value

    result: dict[str, Any] = plain(data)
    return result


def validator() -> jsonschema.protocols.Validator:
    return jsonschema.Draft202012Validator(json_schema())


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_schema_accepts_the_spec_example() -> None:
    assert list(validator().iter_errors(example())) == []


def test_schema_properties_are_exactly_the_loader_keys() -> None:
    schema = json_schema()
    defs = schema["$defs"]
    assert set(schema["properties"]) == set(TOP_KEYS)
    assert set(defs["stream"]["properties"]) == set(STREAM_KEYS)
    assert set(defs["field"]["oneOf"][1]["properties"]) == set(FIELD_KEYS)
    assert set(defs["goal"]["properties"]) == set(GOAL_KEYS)
    assert set(defs["response"]["properties"]) == set(RESPONSE_KEYS)


def test_every_property_has_a_description() -> None:
    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                assert sub.get("description"), f"{path}/{name} has no description"
            for key, sub in node.items():
                walk(sub, f"{path}/{key}")
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                walk(sub, f"{path}/{i}")

    walk(json_schema(), "")


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d.update(feild="x"), []),
        (lambda d: d.update(version=0), ["version"]),
        (lambda d: d["goals"][0].update(window="30 days"), ["goals", 0, "window"]),
        (lambda d: d["goals"][0].update(target="2.0"), ["goals", 0, "target"]),
        (lambda d: d["goals"][0].update(per="each"), ["goals", 0, "per"]),
        (lambda d: d["streams"]["trips"]["fields"].update(km="double"),
         ["streams", "trips", "fields", "km"]),
        (lambda d: d["responses"][0].update(met_for=2), ["responses", 0]),
        (lambda d: d["responses"][0].pop("unmet_for"), ["responses", 0]),
        (lambda d: d.update(streams={}), ["streams"]),
    ],
)
def test_schema_refuses_bad_documents(change: Any, path: list[Any]) -> None:
    doc = copy.deepcopy(example())
    change(doc)
    errors = list(validator().iter_errors(doc))
    assert errors
    assert any(list(e.absolute_path) == path for e in errors), [
        (list(e.absolute_path), e.message) for e in errors]


def test_each_call_returns_a_fresh_schema() -> None:
    first = json_schema()
    first["properties"].clear()
    assert json_schema()["properties"]
