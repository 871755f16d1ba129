"""Offline docs: /docs loads only files served by the app itself."""

from __future__ import annotations

import re

from tests.api.helpers import Api


def test_docs_reference_only_local_static_files(api: Api) -> None:
    r = api.client.get("/docs")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    refs = re.findall(r'(?:src|href)="([^"]+)"', r.text)
    assert sorted(refs) == ["/static/favicon-32x32.png", "/static/swagger-ui-bundle.js",
                            "/static/swagger-ui.css"]
    assert "http://" not in r.text and "https://" not in r.text
    assert "url: '/openapi.json'" in r.text
    for ref in refs:
        served = api.client.get(ref)
        assert served.status_code == 200 and len(served.content) > 100, ref


def test_the_vendored_files_come_with_their_licence(api: Api) -> None:
    r = api.client.get("/static/LICENSE-swagger-ui")
    assert r.status_code == 200 and "Apache License" in r.text


def test_the_openapi_document_lists_every_endpoint_and_the_bearer_scheme(api: Api) -> None:
    doc = api.client.get("/openapi.json").json()
    paths = set(doc["paths"])
    assert {
        "/healthz", "/metrics", "/v1/domains", "/v1/domains/{domain}",
        "/v1/domains/{domain}/streams/{stream}/events",
        "/v1/domains/{domain}/streams/{stream}/files",
        "/v1/domains/{domain}/quarantine", "/v1/domains/{domain}/findings",
        "/v1/domains/{domain}/findings/{goal}/{actor}/{k}/history",
        "/v1/domains/{domain}/actions", "/v1/domains/{domain}/aggregates",
        "/v1/domains/{domain}/stream", "/v1/domains/{domain}/webhooks",
        "/v1/domains/{domain}/webhooks/{webhook_id}/deliveries",
    } <= paths
    assert doc["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    events = doc["paths"]["/v1/domains/{domain}/streams/{stream}/events"]["post"]
    assert set(events["requestBody"]["content"]) == {
        "application/json", "application/x-ndjson", "application/cloudevents-batch+json"}
