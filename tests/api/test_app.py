"""The app factory: nothing opens before startup; the lifespan opens, wires and closes."""

from __future__ import annotations

import os
import secrets
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import orjson
import paho.mqtt.publish as publish
import pytest
from fastapi.testclient import TestClient
from tests.api.helpers import RULEBOOK, trip

from agilegov.api.app import create_app
from agilegov.rulebook.durations import Duration
from agilegov.settings import Settings
from agilegov.workspace import Workspace

DEFAULT_MQTT = "mqtt://127.0.0.1:1883"
WAIT_LIMIT = 60.0  # seconds: a guard against hanging, not a measurement


def settings(root: Path, mqtt_url: str | None = None) -> Settings:
    return Settings(root, f"sqlite:///{root / 'state.sqlite'}", mqtt_url, Duration(0, "s"))


def test_creating_the_app_opens_nothing_and_the_lifespan_closes_everything(
    tmp_path: Path,
) -> None:
    root = tmp_path / "ws"
    app = create_app(settings(root))
    assert not root.exists()
    with TestClient(app) as client:
        assert root.is_dir() and (root / "events.duckdb").exists()
        assert client.get("/healthz").json()["mqtt"] == "off"
        services = app.state.services
    assert not hasattr(app.state, "services")
    with pytest.raises(Exception, match=r"(?i)closed"):
        services.events.connection.execute("select 1")


def test_a_restart_rebuilds_the_findings_from_stored_events(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    Workspace(root).add_domain(RULEBOOK)
    with TestClient(create_app(settings(root))) as client:
        state = client.app.state.services.state  # type: ignore[attr-defined]
        token = state.create_token(state.create_account("gov", "government").id)
        auth = {"Authorization": f"Bearer {token}"}
        body = [trip(1, "op-a", 1, 4.0), trip(2, "op-a", 3, 1.0)]
        assert client.post("/v1/domains/robots/streams/trips/events", json=body,
                           headers=auth).json()["accepted"] == 2
    with TestClient(create_app(settings(root))) as client:
        domain = client.get("/v1/domains/robots").json()
        assert domain["watermark"] == "2026-04-03T10:00:00+00:00"
        found = client.get("/v1/domains/robots/findings", params={"goal": "distance"},
                           headers=auth).json()["items"]
        assert [(f["window_end"][:10], f["value"]) for f in found] == [("2026-04-02", 4.0)]


def _broker_or_fail(url: str) -> None:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 1883), 5).close()
    except OSError as exc:
        ci = " (CI=true: Mosquitto is required)" if os.environ.get("CI") == "true" else ""
        pytest.fail(f"no MQTT broker at {url}{ci}: {exc}")


def test_mqtt_ingest_runs_in_the_lifespan(tmp_path: Path) -> None:
    url = os.environ.get("AGILEGOV_TEST_MQTT_URL", DEFAULT_MQTT)
    _broker_or_fail(url)
    domain = f"robots-{secrets.token_hex(4)}"  # topics are shared by every test process
    root = tmp_path / "ws"
    Workspace(root).add_domain(RULEBOOK.replace("domain: robots", f"domain: {domain}"))
    parts = urlsplit(url)
    with TestClient(create_app(settings(root, url))) as client:
        deadline = time.monotonic() + WAIT_LIMIT
        while client.get("/healthz").json()["mqtt"] != "subscribed":
            assert time.monotonic() < deadline, "MQTT ingest never subscribed"
            time.sleep(0.05)
        payload = orjson.dumps([trip(1, "op-a", 1, 4.0), trip(2, "op-b", 1, 12.0)])
        publish.single(f"agilegov/{domain}/trips", payload, qos=1,
                       hostname=parts.hostname or "127.0.0.1", port=parts.port or 1883)
        metrics = client.app.state.services.metrics  # type: ignore[attr-defined]
        while metrics.events(domain, "trips", "accepted") < 2:
            assert time.monotonic() < deadline, "the MQTT message was never ingested"
            time.sleep(0.05)
        text = client.get("/metrics").text
        assert f'agilegov_ingest_batches_total{{domain="{domain}",stream="trips",' \
               f'source="mqtt"}} 1' in text


def test_the_running_app_serves_its_ledger_with_a_verifiable_checkpoint(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    with TestClient(create_app(settings(root))) as client:
        note = client.get("/v1/ledger/checkpoint")
        key = client.get("/v1/ledger/key")
        assert note.status_code == 200 and key.status_code == 200
        origin, size = note.text.splitlines()[:2]
        assert origin and size.isdigit()
        assert "\n\n\u2014 " in note.text  # a signed note: blank line, then signature lines
        assert key.text.strip().startswith(origin.split()[0].split("/")[0])
    assert (root / "ledger").is_dir()
