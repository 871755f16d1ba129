"""YAML with positions: a small node tree where every key and value knows its line and column.

The rulebook is read with ruamel.yaml's *composer* only: nodes are never constructed into
Python objects by the YAML library, so no tag can create anything. Scalars keep their text
and their resolved YAML 1.2 tag (str, int, float, bool, null, timestamp); the checks in
`agilegov.rulebook.checks` interpret them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from agilegov.errors import Problem, RulebookError

_STD = "tag:yaml.org,2002:"


@dataclass
class YNode:
    """Common part: where the node starts (1-based) and its YAML tag (short form)."""

    line: int
    column: int
    tag: str  # "str", "int", "float", "bool", "null", "timestamp", "map", "seq" or a custom tag


@dataclass
class YScalar(YNode):
    text: str = ""
    style: str | None = None  # None (plain), "'", '"', "|", ">"
    index: int = 0  # 0-based offset of the node's first character in the source
    end_line: int = 0  # 1-based line of the node's end


@dataclass
class YSeq(YNode):
    items: list[YNode] = field(default_factory=list)


@dataclass
class YMap(YNode):
    entries: list[tuple[YNode, YNode]] = field(default_factory=list)

    def get(self, key: str) -> YNode | None:
        for k, v in self.entries:
            if isinstance(k, YScalar) and k.text == key:
                return v
        return None

    def key_node(self, key: str) -> YNode | None:
        for k, _ in self.entries:
            if isinstance(k, YScalar) and k.text == key:
                return k
        return None


def kind_name(node: YNode) -> str:
    """How a node's kind is called in messages."""
    if isinstance(node, YMap):
        return "a mapping"
    if isinstance(node, YSeq):
        return "a list"
    assert isinstance(node, YScalar)
    if node.tag == "null":
        return "nothing"
    if node.tag in ("int", "float"):
        return f"the number {node.text}"
    if node.tag == "bool":
        return f"the boolean {node.text}"
    if node.tag == "timestamp":
        return f"the date {node.text}"
    return f"the text {node.text!r}"


def _short_tag(tag: Any) -> str:
    text = str(tag)
    return text[len(_STD):] if text.startswith(_STD) else text


_KNOWN_TAGS = frozenset({"str", "int", "float", "bool", "null", "timestamp", "map", "seq"})


def _convert(node: Any, bad_tags: list[tuple[str, int, int]],
             key_mark: tuple[int, int] | None = None) -> YNode:
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    tag = _short_tag(node.tag)
    if tag not in _KNOWN_TAGS:
        bad_tags.append((str(node.tag), line, col))
    if isinstance(node, MappingNode):
        ymap = YMap(line, col, tag)
        for k, v in node.value:
            kn = _convert(k, bad_tags)
            ymap.entries.append((kn, _convert(v, bad_tags, (kn.line, kn.column))))
        return ymap
    if isinstance(node, SequenceNode):
        seq = YSeq(line, col, tag)
        seq.items = [_convert(v, bad_tags) for v in node.value]
        return seq
    # ruamel's round-trip composer marks fold points of folded (>) scalars with BEL;
    # the scalar's value has a plain space (or newline) there.
    value = str(node.value).replace("\a", "")
    if tag == "null" and value == "" and key_mark is not None:
        # An empty value: point at its key rather than at the next line.
        line, col = key_mark
    style = node.style if node.style in ("'", '"', "|", ">") else None
    return YScalar(
        line, col, tag, text=value, style=style,
        index=node.start_mark.index, end_line=node.end_mark.line + 1,
    )


def compose(text: str, name: str) -> YNode | None:
    """Parse YAML text into positioned nodes; None for an empty document."""
    yaml = YAML(typ="rt")
    try:
        root = yaml.compose(text)
    except MarkedYAMLError as exc:
        raise RulebookError([_syntax_problem(exc, name)]) from None
    except ReaderError as exc:
        before = text[: exc.position]
        line, column = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[0])
        raise RulebookError([Problem(
            f"this is not valid YAML: the control character U+{code:04X} is not allowed "
            f"in a rulebook", file=name, line=line, column=column)]) from None
    except YAMLError as exc:  # pragma: no cover - ruamel raises marked errors in practice
        raise RulebookError([Problem(f"this is not valid YAML: {exc}", file=name)]) from None
    if root is None:
        return None
    bad_tags: list[tuple[str, int, int]] = []
    tree = _convert(root, bad_tags)
    if bad_tags:
        raise RulebookError([
            Problem(f"the YAML tag {tag!r} is not allowed in a rulebook: write plain values "
                    f"(text, numbers, true/false, dates, lists and mappings) without tags",
                    file=name, line=line, column=column)
            for tag, line, column in bad_tags
        ])
    return tree


def _syntax_problem(exc: MarkedYAMLError, name: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    what = exc.problem or exc.context or "unreadable YAML"
    hint = ""
    if "'\\t'" in what:
        hint = " (indent with spaces, not tabs)"
    elif "another document" in what:
        hint = " (a rulebook is one YAML document: remove the extra '---')"
    elif "mapping values are not allowed" in what:
        hint = " (a value that contains ': ' must be quoted)"
    message = f"this is not valid YAML: {what}{hint}"
    if exc.context and exc.problem and "another document" not in what:
        message += f", {exc.context}"
    if mark is None:  # pragma: no cover
        return Problem(message, file=name)
    return Problem(message, file=name, line=mark.line + 1, column=mark.column + 1)


# ---- positions inside a scalar ----------------------------------------------------------

_SIMPLE_ESCAPES = {"x": 2, "u": 4, "U": 8}


def _quoted_source_offsets(source: str, start: int, quote: str, length: int) -> list[int]:
    """For each character of a quoted scalar's value, its offset in the source."""
    out: list[int] = []
    i = start + 1
    while len(out) < length and i < len(source):
        ch = source[i]
        if quote == "'" and ch == "'" and source[i + 1 : i + 2] == "'":
            out.append(i)
            i += 2
        elif quote == '"' and ch == "\\":
            out.append(i)
            nxt = source[i + 1 : i + 2]
            i += 2 + _SIMPLE_ESCAPES.get(nxt, 0)
        else:
            out.append(i)
            i += 1
    return out


def scalar_position(node: YScalar, source: str, column: int | None) -> tuple[int, int]:
    """File line and column (1-based) of the 1-based `column` inside a scalar's value.

    Exact for plain and quoted scalars on one line; inside a literal block (`|`) the line
    and column of the character; otherwise the line where the scalar starts.
    """
    if column is None or column < 1:
        return node.line, node.column
    offset = column - 1
    if node.style is None and node.end_line == node.line:
        return node.line, node.column + offset
    if node.style in ("'", '"') and node.end_line == node.line:
        offsets = _quoted_source_offsets(source, node.index, node.style, offset + 1)
        if len(offsets) > offset:
            return node.line, node.column + (offsets[offset] - node.index)
        return node.line, node.column
    if node.style == "|":
        before = node.text[:offset]
        line_in_block = before.count("\n")
        col_in_line = offset - (before.rfind("\n") + 1)
        lines = source.splitlines()
        target = node.line + line_in_block  # 0-based index of the content line
        value_lines = node.text.split("\n")
        if target < len(lines) and line_in_block < len(value_lines):
            content, value_line = lines[target], value_lines[line_in_block]
            indent = (len(content) - len(content.lstrip(" "))) - (
                len(value_line) - len(value_line.lstrip(" "))
            )
            return target + 1, indent + col_in_line + 1
    return node.line, node.column
