"""Ingest as every face uses it (HTTP, file upload, MQTT): counted and logged per batch."""

from __future__ import annotations

import logging
from typing import Any

from agilegov.access import Principal
from agilegov.api.metrics import Metrics
from agilegov.ingest.service import IngestResult, IngestService
from agilegov.store.state import StateStore

log = logging.getLogger("agilegov.api.ingest")


class MeteredIngest:
    """Wraps `IngestService`: one metrics update and one JSON log line per batch."""

    def __init__(self, service: IngestService, metrics: Metrics) -> None:
        self.service = service
        self.metrics = metrics

    @property
    def state(self) -> StateStore:
        """The governance state (MQTT quarantines messages it cannot parse there)."""
        return self.service.state

    def ingest(
        self, domain: str, stream: str, items: list[Any], principal: Principal,
        source: str = "http",
    ) -> IngestResult:
        result = self.service.ingest(domain, stream, items, principal, source)
        rejected = len({e.index for e in result.rejected})
        self.metrics.observe_ingest(domain, stream, accepted=result.accepted,
                                    duplicates=result.duplicates, rejected=rejected,
                                    source=source)
        fields = {
            "event": "ingest",
            "domain": domain,
            "stream": stream,
            "source": source,
            "batch_id": result.batch_id,
            "received": result.received,
            "accepted": result.accepted,
            "duplicates": result.duplicates,
            "rejected": rejected,
            "account": principal.account_id,
        }
        log.info("batch %s %s/%s: %d accepted, %d duplicates, %d rejected", result.batch_id,
                 domain, stream, result.accepted, result.duplicates, rejected,
                 extra={"fields": fields})
        return result
