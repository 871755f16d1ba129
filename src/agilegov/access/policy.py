"""Permission checks: pure functions of the principal, the domain and (sometimes) the actor.

An account limited to a domain (`Principal.domain`) has no rights in any other domain.

| role | ingest | findings / actions / history / stream | quarantine | manage domain, webhooks |
| --- | --- | --- | --- | --- |
| government | any actor | all | all | yes |
| auditor | no | all (read only) | all (read only) | no |
| operator | own actor only | own actor only | own items | no |
| individual, community, public | no | no (published aggregates only) | no | no |

Everyone (public included) may list domains, read a domain's summary and its aggregates.
"""

from __future__ import annotations

from agilegov.access.roles import Principal
from agilegov.errors import AccessDenied


def in_scope(p: Principal, domain: str) -> bool:
    """Whether the principal's account is not limited to another domain."""
    return p.domain is None or p.domain == domain


def is_regulator(p: Principal, domain: str | None = None) -> bool:
    """Government (the regulator), within its domain scope when `domain` is given."""
    return p.role == "government" and (domain is None or in_scope(p, domain))


def can_read_all(p: Principal, domain: str) -> bool:
    """Government and auditors read every finding, action and quarantined item."""
    return p.role in ("government", "auditor") and in_scope(p, domain)


def can_manage_domain(p: Principal, domain: str) -> bool:
    """Add or replace the domain's rulebook, register webhooks, read their delivery logs."""
    return is_regulator(p, domain)


def can_ingest(p: Principal, domain: str, actor: str | None) -> bool:
    """Whether `p` may report an event of `actor` in `domain`.

    `actor` None asks whether `p` may report to the domain at all (before reading a batch).
    """
    if not in_scope(p, domain):
        return False
    if p.role == "government":
        return True
    if p.role == "operator" and p.operator is not None:
        return actor is None or actor == p.operator
    return False


def can_read_actor(p: Principal, domain: str, actor: str) -> bool:
    """Findings and actions of `actor`: government/auditor all, an operator its own."""
    if can_read_all(p, domain):
        return True
    return p.role == "operator" and in_scope(p, domain) and p.operator == actor


def visible_actors(p: Principal, domain: str) -> set[str] | None:
    """The actors whose findings and actions `p` may read: None = all, empty = none."""
    if can_read_all(p, domain):
        return None
    if p.role == "operator" and p.operator is not None and in_scope(p, domain):
        return {p.operator}
    return set()


def can_stream(p: Principal, domain: str) -> bool:
    """The live stream is open to those who may read some findings (filtered per event)."""
    return visible_actors(p, domain) != set()


def can_read_quarantine(p: Principal, domain: str) -> bool:
    return can_read_all(p, domain) or (
        p.role == "operator" and p.operator is not None and in_scope(p, domain)
    )


def quarantine_scope(p: Principal, domain: str) -> str | None:
    """The operator filter for listing quarantine: None = all items.

    Raises AccessDenied for a principal that may not read the quarantine at all.
    """
    if can_read_all(p, domain):
        return None
    if can_read_quarantine(p, domain):
        return p.operator
    raise AccessDenied(f"the {p.role} role may not read the quarantine of domain '{domain}'")


def require(allowed: bool, message: str) -> None:
    """Raise AccessDenied with `message` unless `allowed`."""
    if not allowed:
        raise AccessDenied(message)
