"""Positioned YAML: node positions, syntax errors, and positions inside scalars."""

from __future__ import annotations

import pytest

from agilegov.errors import RulebookError
from agilegov.rulebook.yamlpos import YMap, YScalar, YSeq, compose, kind_name, scalar_position


def scalar(source: str, key: str = "m") -> YScalar:
    root = compose(source, "x.yaml")
    assert isinstance(root, YMap)
    node = root.get(key)
    assert isinstance(node, YScalar)
    return node


def test_nodes_keep_lines_columns_and_tags() -> None:
    root = compose("a: 1\nb:\n  - x\n  - 2026-04-01\nc: {d: true}\ne:\n", "x.yaml")
    assert isinstance(root, YMap)
    a, b, c, e = (root.get(k) for k in "abce")
    assert isinstance(a, YScalar) and (a.line, a.column, a.tag, a.text) == (1, 4, "int", "1")
    assert isinstance(b, YSeq) and [(i.line, i.column) for i in b.items] == [(3, 5), (4, 5)]
    assert [i.tag for i in b.items] == ["str", "timestamp"]
    assert isinstance(c, YMap) and c.get("d") is not None
    # an empty value points at its key, not at the following line
    assert isinstance(e, YScalar) and (e.tag, e.line, e.column) == ("null", 6, 1)
    key = root.key_node("c")
    assert key is not None and (key.line, key.column) == (5, 1)


@pytest.mark.parametrize(
    ("source", "tag"),
    [("a: !!python/object:os.system x\n", "tag:yaml.org,2002:python/object:os.system"),
     ("a: 1\nb: [!custom {x: 1}]\n", "!custom"),
     ("a: !!binary aGk=\n", "tag:yaml.org,2002:binary")],
)
def test_tags_are_refused_never_constructed(source: str, tag: str) -> None:
    with pytest.raises(RulebookError) as info:
        compose(source, "x.yaml")
    (p,) = info.value.problems
    assert p.file == "x.yaml" and p.line == source.count("\n", 0, source.index("!")) + 1
    assert p.column == source.index("!") - source.rfind("\n", 0, source.index("!"))
    assert f"the YAML tag {tag!r} is not allowed" in p.message


def test_empty_document_is_none() -> None:
    assert compose("# only a comment\n", "x.yaml") is None


def test_syntax_error_is_located() -> None:
    with pytest.raises(RulebookError) as info:
        compose("a: 1\nb: [1, 2\n", "x.yaml")
    (p,) = info.value.problems
    assert p.file == "x.yaml" and p.line is not None and p.column is not None
    assert "not valid YAML" in p.message


def test_kind_names() -> None:
    root = compose("a: 1\nb: 'x'\nc: [1]\nd: {}\ne: ~\nf: true\n", "x.yaml")
    assert isinstance(root, YMap)
    names = [kind_name(v) for _, v in root.entries]
    assert names == ["the number 1", "the text 'x'", "a list", "a mapping", "nothing",
                     "the boolean true"]


def test_position_in_plain_scalar() -> None:
    assert scalar_position(scalar("m:   count(x)\n"), "m:   count(x)\n", 7) == (1, 12)


def test_position_in_single_quoted_scalar_counts_doubled_quotes_once() -> None:
    source = "m: 'a''b c'\n"
    node = scalar(source)
    assert node.text == "a'b c"
    assert scalar_position(node, source, 5) == (1, 10)  # the 'c'


def test_position_in_double_quoted_scalar_counts_escapes_once() -> None:
    source = 'm: "a\\tb \\u00e9 c"\n'
    node = scalar(source)
    assert node.text == "a\tb é c"
    assert scalar_position(node, source, 7) == (1, 17)  # the 'c'


def test_position_in_literal_block() -> None:
    source = "m: |\n  first\n    second x\n"
    node = scalar(source)
    assert scalar_position(node, source, node.text.index("x") + 1) == (3, 12)


def test_position_in_folded_block_is_its_start() -> None:
    source = "m: >\n  first\n  second\n"
    node = scalar(source)
    assert scalar_position(node, source, 8) == (node.line, node.column)


def test_position_without_column_is_the_scalar() -> None:
    source = "m: x\n"
    assert scalar_position(scalar(source), source, None) == (1, 4)


def test_folded_scalars_have_plain_spaces_at_fold_points() -> None:
    node = scalar("m: >-\n  count(s\n  where v > 1)\n\n  next\n")
    assert node.text == "count(s where v > 1)\nnext"
    assert "\a" not in node.text
