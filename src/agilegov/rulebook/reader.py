"""Reading typed values out of positioned YAML nodes, collecting every problem on the way.

Each `read_*` method returns the value, or None after recording a problem that says where
(file, line, column, JSON pointer) and what was expected. Nothing stops at the first problem.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

from agilegov.errors import Problem
from agilegov.rulebook.durations import Duration, parse_duration
from agilegov.rulebook.suggest import did_you_mean, one_of
from agilegov.rulebook.yamlpos import YMap, YNode, YScalar, YSeq, kind_name

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_INT = re.compile(r"^[-+]?[0-9]+$")


def pointer(base: str, *parts: str | int) -> str:
    """Extend a JSON pointer (RFC 6901) with more reference tokens."""
    out = base
    for part in parts:
        out += "/" + str(part).replace("~", "~0").replace("/", "~1")
    return out


class DocumentReader:
    """Collects problems about one rulebook document."""

    def __init__(self, name: str, source: str) -> None:
        self.name = name
        self.source = source
        self.problems: list[Problem] = []

    # ---- recording ---------------------------------------------------------------------

    def problem(self, node: YNode | None, message: str, ptr: str,
                line: int | None = None, column: int | None = None) -> None:
        if node is not None and line is None:
            line, column = node.line, node.column
        self.problems.append(
            Problem(message, file=self.name, line=line, column=column, pointer=ptr)
        )

    # ---- structure ---------------------------------------------------------------------

    def read_map(self, node: YNode, what: str, ptr: str) -> YMap | None:
        if isinstance(node, YMap) and node.tag == "map":
            return node
        self.problem(node, f"{what}: expected a mapping (key: value lines), "
                     f"got {kind_name(node)}", ptr)
        return None

    def read_seq(self, node: YNode, what: str, ptr: str) -> YSeq | None:
        if isinstance(node, YSeq) and node.tag == "seq":
            return node
        self.problem(node, f"{what}: expected a list (lines starting with '- '), "
                     f"got {kind_name(node)}", ptr)
        return None

    def check_keys(self, ymap: YMap, allowed: Mapping[str, str], required: Iterable[str],
                   what: str, ptr: str) -> dict[str, YNode]:
        """The map's entries by key, after reporting unknown, repeated and missing keys."""
        seen: dict[str, YNode] = {}
        for key, value in ymap.entries:
            if not isinstance(key, YScalar) or key.tag in ("map", "seq"):
                self.problem(key, f"{what}: expected a plain name as key, "
                             f"got {kind_name(key)}", ptr)
                continue
            name = key.text
            if name in seen:
                first = seen[name]
                self.problem(key, f"{what}: key '{name}' appears twice "
                             f"(first on line {_key_line(ymap, name, first)})",
                             pointer(ptr, name))
                continue
            seen[name] = value
            if name not in allowed:
                self.problem(key, f"{what}: unknown key '{name}'{did_you_mean(name, allowed)}; "
                             f"expected one of {one_of(allowed)}", pointer(ptr, name))
        for name in required:
            if name not in seen:
                self.problem(ymap, f"{what}: missing required key '{name}'", ptr)
        return {k: v for k, v in seen.items() if k in allowed}

    # ---- scalars -----------------------------------------------------------------------

    def read_text(self, node: YNode, what: str, ptr: str) -> str | None:
        """Any scalar, as the text written (a title may well look like a number)."""
        if isinstance(node, YScalar) and node.tag not in ("null",) and node.tag in (
            "str", "int", "float", "bool", "timestamp"
        ):
            if node.text.strip():
                return node.text
            self.problem(node, f"{what}: expected some text, got an empty string", ptr)
            return None
        self.problem(node, f"{what}: expected text, got {kind_name(node)}", ptr)
        return None

    def read_name(self, node: YNode, what: str, ptr: str, pattern: re.Pattern[str],
                  rule: str) -> str | None:
        text = self.read_text(node, what, ptr)
        if text is None:
            return None
        if not pattern.match(text):
            self.problem(node, f"{what}: {text!r} is not a valid name; expected {rule}", ptr)
            return None
        return text

    def read_slug(self, node: YNode, what: str, ptr: str) -> str | None:
        return self.read_name(node, what, ptr, SLUG,
                              "lower-case letters, digits and '-', starting with a letter "
                              "or digit (such as 'injury-rate')")

    def read_choice(self, node: YNode, what: str, ptr: str,
                    choices: Iterable[str]) -> str | None:
        options = tuple(choices)
        text = self.read_text(node, what, ptr)
        if text is None:
            return None
        if text not in options:
            self.problem(node, f"{what}: expected {one_of(options)}, got {text!r}"
                         f"{did_you_mean(text, options)}", ptr)
            return None
        return text

    def read_bool(self, node: YNode, what: str, ptr: str) -> bool | None:
        if isinstance(node, YScalar) and node.tag == "bool":
            return node.text.lower() == "true"
        self.problem(node, f"{what}: expected true or false, got {kind_name(node)}", ptr)
        return None

    def read_number(self, node: YNode, what: str, ptr: str) -> float | int | None:
        if isinstance(node, YScalar) and node.tag in ("int", "float"):
            text = node.text.replace("_", "")
            try:
                return int(text, 0) if node.tag == "int" else float(text)
            except ValueError:
                pass
        self.problem(node, f"{what}: expected a number, got {kind_name(node)}", ptr)
        return None

    def read_positive_int(self, node: YNode, what: str, ptr: str) -> int | None:
        if isinstance(node, YScalar) and node.tag == "int" and _INT.match(node.text):
            value = int(node.text)
            if value >= 1:
                return value
        self.problem(node, f"{what}: expected a whole number of at least 1, "
                     f"got {kind_name(node)}", ptr)
        return None

    def read_date(self, node: YNode, what: str, ptr: str) -> dt.date | None:
        if isinstance(node, YScalar) and node.tag in ("timestamp", "str"):
            day = parse_date(node.text)
            if day is not None:
                return day
            if _DATE.match(node.text.strip()):
                self.problem(node, f"{what}: {node.text.strip()} is not a date of the "
                             f"calendar; expected a date written YYYY-MM-DD", ptr)
                return None
        self.problem(node, f"{what}: expected a date written YYYY-MM-DD (such as "
                     f"2026-04-01), got {kind_name(node)}", ptr)
        return None

    def read_duration(self, node: YNode, what: str, ptr: str) -> Duration | None:
        if isinstance(node, YScalar) and node.tag == "str":
            try:
                duration = parse_duration(node.text)
            except ValueError:
                pass
            else:
                if duration.amount > 0:
                    return duration
                self.problem(node, f"{what}: a duration must be longer than zero, "
                             f"got {node.text!r}", ptr)
                return None
        self.problem(node, f"{what}: expected a duration such as 30d, 24h or 1mo (a whole "
                     f"number and one of s, m, h, d, w, mo, y), got {kind_name(node)}", ptr)
        return None


def parse_date(text: str) -> dt.date | None:
    """A YYYY-MM-DD date, or None."""
    text = text.strip()
    if not _DATE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _key_line(ymap: YMap, name: str, first_value: YNode) -> int:
    node = ymap.key_node(name)
    return node.line if node is not None else first_value.line
