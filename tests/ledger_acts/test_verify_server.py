"""`agilegov ledger verify --url` against a real `agilegov serve`: it accepts the log and an
ingest receipt, and after a byte of the ledger files is changed on disk (and the server
restarted) it says the log does not verify."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
from tests.api.helpers import trip
from tests.api.server import prepare_workspace, running_server

CLI = "from agilegov.cli.main import app; app()"


def verify(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", CLI, "ledger", "verify", *args],
                          capture_output=True, text=True, check=False, timeout=120)


def test_verify_url_accepts_the_served_log_and_detects_tampering(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    tokens = prepare_workspace(root)
    receipt_file = tmp_path / "receipt.json"
    key_file = tmp_path / "trusted.vkey"
    with running_server(root) as server:
        headers = {"Authorization": f"Bearer {tokens['op-a']}"}
        answer = httpx.post(f"{server.url}/v1/domains/robots/streams/trips/events",
                            json=[trip(1, "op-a", 1, 4.0), trip(2, "op-a", 2, 3.0)],
                            headers=headers, timeout=30)
        assert answer.status_code == 200, answer.text
        receipt = answer.json()["receipt"]
        receipt_file.write_text(json.dumps(receipt), "utf-8")
        key_file.write_text(httpx.get(f"{server.url}/v1/ledger/key", timeout=10).text)
        ok = verify("--url", server.url, "--key", str(key_file), "--receipt", str(receipt_file))
        assert ok.returncode == 0, ok.stderr
        assert "ok log" in ok.stdout and "ok receipt" in ok.stdout
        assert server.stop() == 0
    entries = root / "ledger" / "entries.bin"
    data = entries.read_bytes()
    assert data.count(b'"accepted":2') == 1
    entries.write_bytes(data.replace(b'"accepted":2', b'"accepted":3'))
    with running_server(root) as server:
        bad = verify("--url", server.url, "--key", str(key_file))
        assert bad.returncode == 1
        assert "not verified" in bad.stderr
        assert f"entry {receipt['index']}:" in bad.stderr and "changed" in bad.stderr
        bad_receipt = verify("--workspace", str(root), "--receipt", str(receipt_file))
        assert bad_receipt.returncode == 1
