"""Operations: /healthz and /metrics."""

from __future__ import annotations

import datetime as dt

from tests.api.helpers import Api, trip

from agilegov.api.routes_ops import gauges


def test_healthz_answers_with_the_domains(api: Api) -> None:
    r = api.client.get("/healthz")
    assert r.status_code == 200
    assert r.json()["status"] == "ok" and r.json()["domains"] == ["robots"]


def test_metrics_count_ingest_and_show_lag_and_attainment(api: Api) -> None:
    api.post_events([trip(1, "op-a", 1, 4.0), trip(2, "op-b", 1, 12.0), trip(3, "op-a", 2, 1.0),
                     {**trip(4, "op-a", 1, 1.0), "km": "x", "ended_at": "x"}])
    api.post_events([trip(1, "op-a", 1, 4.0)])
    r = api.client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    lines = r.text.splitlines()
    base = 'agilegov_ingest_events_total{domain="robots",stream="trips",outcome='
    assert f'{base}"accepted"}} 3' in lines
    assert f'{base}"duplicate"}} 1' in lines
    assert f'{base}"rejected"}} 1' in lines  # one item, however many problems it has
    assert 'agilegov_ingest_batches_total{domain="robots",stream="trips",source="http"} 2' in lines
    assert 'agilegov_goal_attainment_ratio{domain="robots",goal="distance"} 0.5' in lines
    assert any(line.startswith('agilegov_watermark_lag_seconds{domain="robots"} ')
               for line in lines)


def test_watermark_lag_is_now_minus_the_watermark(api: Api) -> None:
    services = api.client.app.state.services  # type: ignore[attr-defined]
    assert gauges(services).watermark_lag == {}
    api.post_events([trip(1, "op-a", 1, 4.0, hour=6)])
    now = dt.datetime(2026, 4, 1, 7, 30, tzinfo=dt.UTC)
    assert gauges(services, now).watermark_lag == {"robots": 5400.0}
