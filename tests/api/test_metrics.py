"""Prometheus text: counters per domain and stream, gauges read at scrape time."""

from __future__ import annotations

from agilegov.api.metrics import Gauges, Metrics


def test_counters_add_up_per_domain_stream_and_outcome() -> None:
    m = Metrics()
    m.observe_ingest("robots", "trips", accepted=3, duplicates=1, rejected=2)
    m.observe_ingest("robots", "trips", accepted=4, duplicates=0, rejected=0, source="mqtt")
    assert m.events("robots", "trips", "accepted") == 7
    assert m.events("robots", "trips", "duplicate") == 1
    assert m.events("robots", "trips", "rejected") == 2
    text = m.render(Gauges())
    assert 'agilegov_ingest_events_total{domain="robots",stream="trips",outcome="accepted"} 7' \
        in text.splitlines()
    assert 'agilegov_ingest_batches_total{domain="robots",stream="trips",source="http"} 1' in text
    assert 'agilegov_ingest_batches_total{domain="robots",stream="trips",source="mqtt"} 1' in text
    assert "# TYPE agilegov_ingest_events_total counter" in text


def test_gauges_and_label_escaping() -> None:
    text = Metrics().render(Gauges({"robots": 12.5}, {("robots", 'say "hi"\\'): 0.25}))
    lines = text.splitlines()
    assert 'agilegov_watermark_lag_seconds{domain="robots"} 12.5' in lines
    assert 'agilegov_goal_attainment_ratio{domain="robots",goal="say \\"hi\\"\\\\"} 0.25' in lines
    assert "# TYPE agilegov_goal_attainment_ratio gauge" in lines
    assert text.endswith("\n")


def test_whole_numbers_are_written_without_a_fraction() -> None:
    text = Metrics().render(Gauges({"d": 3.0}, {("d", "g"): 1.0}))
    assert 'agilegov_watermark_lag_seconds{domain="d"} 3' in text.splitlines()
    assert 'agilegov_goal_attainment_ratio{domain="d",goal="g"} 1' in text.splitlines()
