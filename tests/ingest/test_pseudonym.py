"""Keyed pseudonyms: stable per key, per domain, rotation keeps old ones recognisable."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import orjson
import pyarrow as pa
import pytest
from tests.ingest.books import robots

from agilegov.errors import DataError, UsageError
from agilegov.ingest.pseudonym import Pseudonymizer, key_id_of, pseudonymize


def test_a_pseudonym_is_stable_and_names_its_key(tmp_path: Path) -> None:
    p = Pseudonymizer(tmp_path)
    first = p.pseudonym("robots", "Alice")
    assert first == p.pseudonym("robots", "Alice")
    assert first.startswith("p:k1:") and len(first.split(":")[2]) == 32
    assert key_id_of(first) == "k1"
    assert first != p.pseudonym("robots", "Bob")
    assert "Alice" not in first


def test_keys_are_per_domain_and_survive_a_new_instance(tmp_path: Path) -> None:
    a = Pseudonymizer(tmp_path).pseudonym("robots", "Alice")
    assert Pseudonymizer(tmp_path).pseudonym("robots", "Alice") == a
    assert Pseudonymizer(tmp_path).pseudonym("clinics", "Alice") != a


def test_the_key_file_is_private_and_in_the_documented_shape(tmp_path: Path) -> None:
    Pseudonymizer(tmp_path).pseudonym("robots", "x")
    path = tmp_path / "robots.json"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    doc = orjson.loads(path.read_bytes())
    assert doc["current"] == "k1" and len(bytes.fromhex(doc["keys"]["k1"])) == 32


def test_rotation_makes_new_pseudonyms_and_still_recognises_old_ones(tmp_path: Path) -> None:
    p = Pseudonymizer(tmp_path)
    old = p.pseudonym("robots", "Alice")
    assert p.rotate("robots") == "k2"
    new = p.pseudonym("robots", "Alice")
    assert new.startswith("p:k2:") and new != old
    assert p.recognises("robots", "Alice", old) and p.recognises("robots", "Alice", new)
    assert not p.recognises("robots", "Bob", old)
    assert p.pseudonyms_of("robots", "Alice") == [old, new]
    other = Pseudonymizer(tmp_path)  # another process sees the rotated key ring
    assert other.pseudonym("robots", "Alice") == new


def test_retiring_an_old_key_makes_its_pseudonyms_unlinkable(tmp_path: Path) -> None:
    p = Pseudonymizer(tmp_path)
    old = p.pseudonym("robots", "Alice")
    p.rotate("robots")
    p.retire("robots", "k1")
    assert not p.recognises("robots", "Alice", old)
    with pytest.raises(UsageError, match="current key"):
        p.retire("robots", "k2")
    with pytest.raises(UsageError, match="no key"):
        p.retire("robots", "k9")


def test_text_that_is_not_a_pseudonym_is_not_recognised(tmp_path: Path) -> None:
    p = Pseudonymizer(tmp_path)
    assert key_id_of("Alice") is None
    assert not p.recognises("robots", "Alice", "Alice")


def test_a_broken_key_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "robots.json").write_text("{}")
    with pytest.raises(DataError, match=r"robots\.json"):
        Pseudonymizer(tmp_path).pseudonym("robots", "x")


def test_a_domain_name_cannot_escape_the_keys_folder(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        Pseudonymizer(tmp_path).pseudonym("../x", "v")


def test_pseudonymize_replaces_personal_columns_only(tmp_path: Path) -> None:
    stream = robots().streams["incidents"]
    p = Pseudonymizer(tmp_path)
    table = pa.table({"operator": ["op1", "op1", "op2"], "occurred_at": [1, 2, 3],
                      "severity": [1, 2, 3], "reporter": ["Alice", None, "Alice"]})
    out = pseudonymize(table, stream, "robots", p)
    reporters = out.column("reporter").to_pylist()
    assert reporters == [p.pseudonym("robots", "Alice"), None, p.pseudonym("robots", "Alice")]
    assert out.column("operator").to_pylist() == ["op1", "op1", "op2"]
