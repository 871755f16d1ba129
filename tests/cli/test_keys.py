"""`agilegov key rotate` makes a new current pseudonym key and keeps the old ones."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

AGILEGOV = Path(sys.executable).with_name("agilegov")
RULEBOOK = """domain: town
version: 1
effective_from: 2026-04-01
streams:
  s: {time: at, actor: op, fields: {op: string, at: timestamp, who: {type: string, personal: true}}}
goals:
  - {id: g, title: g, measure: count_distinct(s.who), target: ">= 0", window: 1d}
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(AGILEGOV), *args], capture_output=True, text=True, check=False)


def test_rotation_adds_a_current_key_and_keeps_the_old(tmp_path: Path) -> None:
    book = tmp_path / "town.yaml"
    book.write_text(RULEBOOK)
    ws = tmp_path / "ws"
    assert run("domain", "add", str(book), "--workspace", str(ws)).returncode == 0
    first = run("key", "rotate", "town", "--workspace", str(ws))
    second = run("key", "rotate", "town", "--workspace", str(ws))
    assert first.returncode == 0 and second.returncode == 0
    keys = json.loads((ws / "keys" / "town.json").read_text())
    assert keys["current"] in second.stdout
    assert len(keys["keys"]) >= 2


def test_rotating_an_unknown_domain_is_an_error(tmp_path: Path) -> None:
    result = run("key", "rotate", "nope", "--workspace", str(tmp_path / "ws"))
    assert result.returncode == 2
    assert "no domain 'nope'" in result.stderr
