"""Webhooks: registration, listing without secrets, delivery logs (government only)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import orjson
from tests.api.helpers import Api, trip

from agilegov.notify.signing import SIGNATURE_HEADER, verify

HOOKS = "/v1/domains/robots/webhooks"


def test_register_list_and_read_the_delivery_log(api: Api) -> None:
    r = api.client.post(HOOKS, json={"url": "http://127.0.0.1:9/hook"},
                        headers=api.headers("government"))
    assert r.status_code == 201
    hook = r.json()
    assert hook["url"] == "http://127.0.0.1:9/hook" and len(hook["secret"]) >= 32
    given = api.client.post(HOOKS, json={"url": "https://example.org/h", "secret": "s" * 20,
                                         "operator": "op-a"},
                            headers=api.headers("government")).json()
    assert given["secret"] == "s" * 20 and given["operator"] == "op-a"
    listed = api.get(HOOKS).json()
    assert [h["id"] for h in listed] == [hook["id"], given["id"]]
    assert all(h["secret"] == "" for h in listed)
    r = api.get(f"{HOOKS}/{hook['id']}/deliveries")
    assert r.status_code == 200 and r.json() == []


def test_bad_registrations_and_unknown_hooks(api: Api) -> None:
    r = api.client.post(HOOKS, json={"url": "ftp://x"}, headers=api.headers("government"))
    assert r.status_code == 422 and r.json()["error"]["problems"][0]["pointer"] == "/url"
    r = api.client.post(HOOKS, json={"secret": "s" * 20}, headers=api.headers("government"))
    assert r.status_code == 422
    assert api.get(f"{HOOKS}/999/deliveries").status_code == 404


def test_a_hook_of_another_domain_is_not_found_here(api: Api) -> None:
    text = api.client.get("/v1/domains/robots").json()
    assert text["domain"] == "robots"
    state = api.client.app.state.services.state  # type: ignore[attr-defined]
    other = state.add_webhook("drones", "http://127.0.0.1:9/x", "secret-secret-secret")
    assert api.get(f"{HOOKS}/{other.id}/deliveries").status_code == 404


def test_only_the_government_manages_webhooks(api: Api) -> None:
    for who in ("public", "auditor", "op-a", "individual", "community"):
        r = api.client.post(HOOKS, json={"url": "http://127.0.0.1:9/h"}, headers=api.headers(who))
        assert r.status_code == 403, who
        assert api.get(HOOKS, who).status_code == 403


class _Receiver(BaseHTTPRequestHandler):
    got: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.got.append((dict(self.headers.items()), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_an_action_is_posted_signed_and_logged(api: Api) -> None:
    _Receiver.got.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        hook = api.client.post(HOOKS, json={"url": url}, headers=api.headers("government")).json()
        api.post_events([trip(1, "op-a", 1, 4.0), trip(2, "op-a", 3, 1.0)])
        webhooks = api.client.app.state.services.webhooks  # type: ignore[attr-defined]
        assert webhooks.wait_idle(60)
        ((headers, body),) = _Receiver.got
        assert verify(hook["secret"], body, headers[SIGNATURE_HEADER])
        payload = orjson.loads(body)
        assert (payload["kind"], payload["do"], payload["actor"]) == ("action", "notice", "op-a")
        (delivery,) = api.get(f"{HOOKS}/{hook['id']}/deliveries").json()
        assert delivery["ok"] is True and delivery["status_code"] == 204
    finally:
        server.shutdown()
        server.server_close()
