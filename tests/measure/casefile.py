"""Reading the language test cases (tests/measure/cases/*.yaml) into syntax trees."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from agilegov.measure import ast
from agilegov.rulebook.durations import Duration

CASES = Path(__file__).parent / "cases"


def load_cases(name: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = YAML(typ="safe").load((CASES / name).read_text("utf-8"))
    return data


def build(data: Any) -> Any:
    """{NodeClass: {field: value}} -> the syntax tree node; lists become tuples."""
    if isinstance(data, list):
        return tuple(build(item) for item in data)
    if isinstance(data, dict):
        ((name, args),) = data.items()
        if name == "Duration":
            return Duration(int(args[0]), args[1])
        cls = getattr(ast, name)
        return cls(**{key: build(value) for key, value in args.items()})
    return data


def columns(node: Any) -> list[int]:
    """Columns of every node, in a pre-order walk (fields in declaration order)."""
    out = [node.col]
    for name in node.__dataclass_fields__:
        value = getattr(node, name)
        children = value if isinstance(value, tuple) else (value,)
        out.extend(c for child in children if hasattr(child, "col") for c in columns(child))
    return out
