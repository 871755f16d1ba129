"""A real `agilegov serve` in a subprocess on a free loopback port, for end-to-end tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from tests.api.helpers import CALLERS, RULEBOOK

from agilegov.store.state import StateStore
from agilegov.workspace import Workspace

LAUNCH = "import typer; from agilegov.cli.serve import serve_command; typer.run(serve_command)"
START_LIMIT = 60.0  # seconds to come up: a guard against hanging, not a measurement


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def prepare_workspace(root: Path) -> dict[str, str]:
    """The test rulebook and a token for every caller, in a fresh workspace."""
    Workspace(root).add_domain(RULEBOOK)
    state = StateStore(f"sqlite:///{root / 'state.sqlite'}")
    try:
        tokens = {}
        for name, (role, operator) in CALLERS.items():
            account = state.create_account(name, role, operator=operator)  # type: ignore[arg-type]
            tokens[name] = state.create_token(account.id)
        return tokens
    finally:
        state.close()


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> int:
        """SIGTERM, then the exit status (killed after a generous guard)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError("the server did not stop on SIGTERM") from None


@contextmanager
def running_server(root: Path) -> Iterator[Server]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGILEGOV_")}
    env["AGILEGOV_ALLOWED_LATENESS"] = "0s"
    log = root.parent / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, "--workspace", str(root), "--port", str(port)],
            stdout=sink, stderr=subprocess.STDOUT, env=env,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + START_LIMIT
        while True:
            if process.poll() is not None:
                raise AssertionError(f"the server exited: {log.read_text()}")
            try:
                if httpx.get(f"{server.url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"the server did not come up: {log.read_text()}")
            time.sleep(0.1)
        yield server
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
