"""`agilegov ledger verify|checkpoint|key` on a workspace."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.ledger import independent
from typer.testing import CliRunner

from agilegov.cli.ledger import ledger_app
from agilegov.ledger.entry import Entry
from agilegov.ledger.store import Ledger

AT = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
runner = CliRunner()


def make(tmp_path: Path, n: int = 40) -> Path:
    with Ledger(tmp_path, origin="gov.example/ledger") as led:
        led.append_many(Entry("events.received", AT, "robots", {"n": i}) for i in range(n))
        (tmp_path / "saved.note").write_text(led.checkpoint_note())
        receipt = led.append(Entry("vote.cast", AT, "robots", {"v": 1}))
        (tmp_path / "receipt.json").write_text(receipt.to_json())
        led.append_many(Entry("events.received", AT, "robots", {"n": -i}) for i in range(9))
    return tmp_path


def test_verify_a_sound_workspace_with_a_receipt_and_a_saved_checkpoint(
        tmp_path: Path) -> None:
    ws = make(tmp_path)
    result = runner.invoke(ledger_app, [
        "verify", "--workspace", str(ws), "--receipt", str(ws / "receipt.json"),
        "--checkpoint", str(ws / "saved.note"),
    ])
    assert result.exit_code == 0, result.output
    assert "ok log gov.example/ledger: 50 entries" in result.output
    assert "size 40 is a prefix of the current size 50" in result.output
    assert "entry 40 is in the log of size 50" in result.output


def test_a_changed_entry_fails_with_status_1_and_its_index(tmp_path: Path) -> None:
    ws = make(tmp_path)
    path = ws / "ledger" / "entries.bin"
    path.write_bytes(path.read_bytes().replace(b'{"n":7}', b'{"n":8}'))
    result = runner.invoke(ledger_app, ["verify", "--workspace", str(ws)])
    assert result.exit_code == 1
    assert "not verified" in result.output and "entry 7: its leaf hash" in result.output


def test_a_pinned_key_that_did_not_sign_fails(tmp_path: Path) -> None:
    ws = make(tmp_path)
    other = Ledger(tmp_path / "other", origin="gov.example/ledger")
    key = other.verifier_key()
    other.close()
    result = runner.invoke(ledger_app, ["verify", "--workspace", str(ws), "--key", key])
    assert result.exit_code == 1 and "not signed by a known key" in result.output


def test_bad_arguments_exit_with_status_2(tmp_path: Path) -> None:
    result = runner.invoke(ledger_app, ["verify"])
    assert result.exit_code == 2 and "exactly one of --workspace" in result.output
    result = runner.invoke(ledger_app, ["verify", "--workspace", str(tmp_path)])
    assert result.exit_code == 2 and "no ledger in this workspace" in result.output


def test_checkpoint_and_key_print_what_a_third_party_checks(tmp_path: Path) -> None:
    ws = make(tmp_path)
    note = runner.invoke(ledger_app, ["checkpoint", "--workspace", str(ws)])
    key = runner.invoke(ledger_app, ["key", "--workspace", str(ws)])
    assert note.exit_code == key.exit_code == 0
    origin, size, _ = independent.open_checkpoint(note.output, key.output.strip())
    assert (origin, size) == ("gov.example/ledger", 50)
