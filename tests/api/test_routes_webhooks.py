"""Webhooks: registration, listing without secrets, delivery logs (government only)."""

from __future__ import annotations

from tests.api.helpers import Api

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
