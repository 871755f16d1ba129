"""Did-you-mean suggestions and lists of choices in messages."""

from __future__ import annotations

from agilegov.rulebook.suggest import did_you_mean, one_of


def test_close_word_is_suggested() -> None:
    assert did_you_mean("windw", ["window", "every", "per"]) == " (did you mean 'window'?)"


def test_case_only_difference_is_suggested() -> None:
    assert did_you_mean("UTC", ["utc"]) == " (did you mean 'utc'?)"


def test_nothing_close_gives_nothing() -> None:
    assert did_you_mean("zzz", ["window", "every"]) == ""
    assert did_you_mean("x", []) == ""


def test_one_of() -> None:
    assert one_of(["a"]) == "'a'"
    assert one_of(["a", "b", "c"]) == "'a', 'b' or 'c'"
    assert one_of([]) == ""
