"""`agilegov demo`: the five example domains, live.

1. A fresh workspace `OUT/workspace` with the five example rulebooks.
2. `--history-days` days of simulated history ending now, reported through the ingest
   service (also written as Parquet to `OUT/data/<domain>/`), and the batch engine's HTML
   report over it in `OUT/report/`.
3. Demo accounts and tokens: a regulator (government), an auditor, one operator per
   domain (its alphabetically first actor) and the feeders' own government account;
   printed, and written to `OUT/tokens.json`.
4. The service (`agilegov.api.create_app`) on HOST:PORT, in this process (Uvicorn).
5. Feeders that report new events every `--interval` seconds: simulated activity replayed
   `--speed` times faster than real time, stamped with the wall clock. Over HTTP, and over
   MQTT for the infrastructure sensors when `AGILEGOV_MQTT_URL` is set.

Ctrl-C or SIGTERM stops the feeders, then the server (exit status 0); `--duration`
stops by itself. `agilegov demo --report-only` runs the batch demo instead (no server).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import signal
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from agilegov.cli.console import fail
from agilegov.errors import AgilegovError, UsageError

if TYPE_CHECKING:
    import uvicorn

    from agilegov.cli.live_feeders import FeedStats
    from agilegov.cli.live_setup import DemoSetup

DEFAULT_SEED = 2026
MQTT_DOMAINS = ("infrastructure",)  # bridge sensors report over MQTT when a broker is set
STATUS_EVERY = 10.0


def _tokens_table(setup: DemoSetup) -> list[str]:
    lines = []
    for t in setup.tokens:
        scope = f" (operator {t.operator} in {t.domain})" if t.operator else ""
        lines.append(f"  {t.name:<26} {t.token}  {t.role}{scope}")
    return lines


def _print_urls(console: Console, base: str, setup: DemoSetup, mqtt: str | None) -> None:
    example = setup.rulebooks["mobility"].domain if "mobility" in setup.rulebooks else next(
        iter(setup.rulebooks.values())).domain
    console.print()
    console.print(f"[bold]agilegov live demo[/] at {base}", highlight=False)
    console.print(f"  API docs:   {base}/docs", highlight=False)
    console.print(f"  domains:    {base}/v1/domains", highlight=False)
    console.print(f"  findings:   {base}/v1/domains/{example}/findings", highlight=False)
    console.print(f"  aggregates: {base}/v1/domains/{example}/aggregates  (public)",
                  highlight=False)
    console.print(f"  live:       {base}/v1/domains/{example}/stream  (Server-Sent Events)",
                  highlight=False)
    console.print(f"  metrics:    {base}/metrics", highlight=False)
    console.print(f"  cases:      {base}/v1/domains/{example}/cases  (enforcement, with appeals)",
                  highlight=False)
    console.print(f"  report:     {base}/v1/domains/{example}/accountability?format=html  (public)",
                  highlight=False)
    console.print(f"  ledger:     {base}/v1/ledger/checkpoint  (verify: agilegov ledger verify "
                  f"--url {base})", highlight=False)
    if mqtt:
        console.print(f"  MQTT:       {mqtt} (the infrastructure domain reports here)",
                      highlight=False)
    console.print("Demo tokens (send as 'Authorization: Bearer <token>'):")
    for line in _tokens_table(setup):
        console.print(line, highlight=False, markup=False)
    regulator = setup.token("demo-regulator")
    console.print(f"Try: curl -H 'Authorization: Bearer {regulator}' "
                  f"'{base}/v1/domains/{example}/findings?limit=5'", highlight=False,
                  markup=False)
    console.print("Ctrl-C stops the demo.")


async def _accountability_examples(client: Any, setup: DemoSetup, console: Console) -> None:
    """Show the accountability side once: a report from the public and a self-report."""
    name = "mobility" if "mobility" in setup.rulebooks else next(iter(setup.rulebooks))
    domain = setup.rulebooks[name].domain
    now = dt.datetime.now(dt.UTC).isoformat()
    public = await client.post(f"/v1/domains/{domain}/reports", json={
        "category": "safety", "place": "near the station",
        "text": "A delivery robot stopped in the middle of the crosswalk for a minute."})
    lines = []
    if public.status_code == 201:
        receipt = public.json().get("receipt") or {}
        lines.append(f"a report from the public (ledger entry {receipt.get('index')})")
    operators = [t for t in setup.tokens if t.role == "operator" and t.domain in (name, domain)]
    operator = operators[0] if operators else None
    if operator is not None:
        answer = await client.post(
            f"/v1/domains/{domain}/self-reports",
            headers={"Authorization": f"Bearer {operator.token}"},
            json={"kind": "incident", "occurred_at": now,
                  "summary": "A robot touched a parked bicycle; no one was hurt."})
        if answer.status_code == 201:
            receipt = answer.json().get("receipt") or {}
            lines.append(f"a self-report by {operator.operator} (ledger entry "
                         f"{receipt.get('index')})")
    if lines:
        console.print(f"Sent to {domain}: " + "; ".join(lines), highlight=False, markup=False)


def _make_server(app: Any, host: str, port: int) -> uvicorn.Server:
    import uvicorn

    class DemoServer(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield  # the demo handles SIGINT and SIGTERM itself (see `_serve_and_feed`)

    config = uvicorn.Config(app, host=host, port=port, log_config=None, log_level="warning",
                            access_log=False, timeout_graceful_shutdown=5)
    return DemoServer(config)


async def _status(console: Console, stats: FeedStats, stop: asyncio.Event) -> None:
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), STATUS_EVERY)
        channels = ", ".join(f"{n} over {c}" for c, n in sorted(stats.channels.items()))
        failed = sum(stats.failures.values())
        console.print(f"live: {stats.total} events reported ({channels or 'none yet'})"
                      + (f", {failed} failed sends" if failed else ""), highlight=False)


async def _serve_and_feed(setup: DemoSetup, host: str, port: int, duration: float | None,
                          console: Console, speed: float, interval: float, seed: int) -> None:
    import httpx

    from agilegov.api.app import create_app
    from agilegov.cli.live_feeders import FeedStats, HttpSender, MqttSender, Sender, run_feeder
    from agilegov.domains.live import LiveFeed

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    app = create_app(setup.settings)
    server = _make_server(app, host, port)
    serving = asyncio.create_task(server.serve())
    while not server.started and not serving.done() and not stop.is_set():
        await asyncio.sleep(0.05)
    if not server.started:
        server.should_exit = True
        await serving
        if stop.is_set():
            return
        raise UsageError(f"the service could not start on {host}:{port} (port in use?)")
    base = f"http://{host}:{port}"
    mqtt_url = setup.settings.mqtt_url
    _print_urls(console, base, setup, mqtt_url)
    stats = FeedStats()
    now = dt.datetime.now(dt.UTC)
    mqtt: MqttSender | None = None
    async with httpx.AsyncClient(base_url=base, timeout=30.0) as client:
        http = HttpSender(client, setup.token("demo-feeder"))
        await _accountability_examples(client, setup, console)
        if mqtt_url:
            mqtt = await asyncio.to_thread(MqttSender, mqtt_url, f"agilegov-demo-{port}")
        tasks = []
        for i, (name, book) in enumerate(setup.rulebooks.items()):
            feed = LiveFeed(name, seed + i, now, speed=speed, rulebook=book)
            sender: Sender = mqtt if mqtt is not None and name in MQTT_DOMAINS else http
            channel = "MQTT" if sender is mqtt else "HTTP"
            tasks.append(asyncio.create_task(run_feeder(feed, sender, channel, stats, stop,
                                                        interval)))
        tasks.append(asyncio.create_task(_status(console, stats, stop)))
        try:
            await asyncio.wait_for(stop.wait(), duration)
        except TimeoutError:
            stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    if mqtt is not None:
        mqtt.close()
    console.print(f"stopping: {stats.total} live events reported; closing the service")
    services = getattr(app.state, "services", None)
    if services is not None:
        services.hub.close()  # live SSE streams never end by themselves
    server.should_exit = True
    await serving


def run_live_demo(out_dir: Path, host: str, port: int, days_history: int,
                  duration: float | None, console: Console, *, speed: float = 120.0,
                  interval: float = 1.5, seed: int = DEFAULT_SEED) -> None:
    """Set up the demo workspace, then serve it with live feeders until stopped."""
    from agilegov.cli.live_setup import history_report, local_today, set_up

    if days_history < 1:
        raise UsageError(f"--history-days: expected at least 1, got {days_history}")
    if duration is not None and duration <= 0:
        raise UsageError(f"--duration: expected a positive number of seconds, got {duration}")

    def _terminate(_sig: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt  # SIGTERM while setting up stops like Ctrl-C

    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        now = dt.datetime.now(dt.UTC)
        with console.status(f"simulating and reporting {days_history} days of history"):
            setup = set_up(out_dir, days_history, seed, now)
        total = sum(setup.history_events.values())
        console.print(f"history: {total} events reported "
                      f"({', '.join(f'{d} {n}' for d, n in setup.history_events.items())})",
                      highlight=False)
        with console.status("writing the batch report of the history"):
            today = local_today(next(iter(setup.rulebooks.values())), now)
            index = history_report(setup.rulebooks, out_dir / "data", days_history, today,
                                   out_dir / "report")
        console.print(f"batch report of the history: {index}", highlight=False)
        tokens = [vars(t) for t in setup.tokens]
        (out_dir / "tokens.json").write_text(json.dumps(tokens, indent=2) + "\n")
    finally:
        signal.signal(signal.SIGTERM, previous)
    asyncio.run(_serve_and_feed(setup, host, port, duration, console, speed, interval, seed))
    console.print("demo stopped")


def live_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for the workspace, data and "
                                      "the HTML report.")] = Path("out"),
    report_only: Annotated[bool, typer.Option(
        "--report-only", help="Only simulate, evaluate and write the HTML report (no server)."
    )] = False,
    days: Annotated[int, typer.Option(
        "--days", help="With --report-only: how many days to simulate per domain.")] = 120,
    history_days: Annotated[int, typer.Option(
        "--history-days", help="Days of simulated history loaded before going live.")] = 60,
    host: Annotated[str, typer.Option("--host", help="Address the service listens on.")
                    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port of the service.")] = 8000,
    duration: Annotated[float | None, typer.Option(
        "--duration", help="Stop by itself after this many seconds of live reporting.")
    ] = None,
    speed: Annotated[float, typer.Option(
        "--speed", help="Live events replay simulated activity this many times faster.")
    ] = 120.0,
) -> None:
    """Run the five example domains live: history, service, live reporters, HTML report."""
    console = Console(highlight=False, soft_wrap=True)
    try:
        if report_only:
            from agilegov.cli.demo import run_demo

            run_demo(out, days, console)
            return
        if speed <= 0:
            raise UsageError(f"--speed: expected a positive number, got {speed}")
        run_live_demo(out, host, port, history_days, duration, console, speed=speed)
    except AgilegovError as exc:
        fail(exc)
    except KeyboardInterrupt:
        console.print("demo interrupted")
