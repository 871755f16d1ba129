"""`agilegov serve`: the live service (HTTP API, MQTT ingest, monitor) on one workspace.

Logs are JSON lines on stderr. Ctrl-C or SIGTERM stops it cleanly: live streams are
closed, requests in flight finish (at most 10 seconds), then the stores are closed, and
the command exits with status 0 (a stop that was asked for is a normal end). A second
Ctrl-C stops at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer
import uvicorn

from agilegov.cli.console import fail
from agilegov.errors import AgilegovError

GRACE_SECONDS = 10


class _Server(uvicorn.Server):
    """Uvicorn, closing the live SSE streams first when asked to stop (they never end)."""

    _loop: asyncio.AbstractEventLoop | None = None

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        await super().serve(sockets)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # Like uvicorn's, without re-raising the signal afterwards (which would turn a
        # graceful stop into a death by signal, or a KeyboardInterrupt traceback).
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        stops = (signal.SIGINT, signal.SIGTERM)
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in stops}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        app = self.config.app
        services = getattr(getattr(app, "state", None), "services", None)
        if services is not None and self._loop is not None:
            self._loop.call_soon_threadsafe(services.hub.close)
        super().handle_exit(sig, frame)


def serve_command(
    workspace: Annotated[
        Path, typer.Option("--workspace", help="Workspace folder (created on first use).")
    ],
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port to listen on.")] = 8000,
    log_level: Annotated[
        str, typer.Option("--log-level", help="debug, info, warning or error.")
    ] = "info",
) -> None:
    """Run the live service: ingest, continuous evaluation, findings API, docs at /docs."""
    from agilegov.api.app import create_app
    from agilegov.api.logs import configure_json_logging
    from agilegov.settings import Settings

    try:
        settings = Settings.from_env(workspace)
    except AgilegovError as exc:
        fail(exc)
    configure_json_logging(log_level)
    config = uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        log_config=None,
        log_level=log_level,
        access_log=False,  # the API logs one JSON line per request itself
        timeout_graceful_shutdown=GRACE_SECONDS,
    )
    server = _Server(config)
    server.run()
    if not server.started:
        raise typer.Exit(3)
