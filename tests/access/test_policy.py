"""Every role against every permission check, in and out of an account's domain."""

from __future__ import annotations

import pytest

from agilegov.access import (
    PUBLIC,
    Principal,
    can_ingest,
    can_manage_domain,
    can_read_actor,
    can_read_all,
    can_read_quarantine,
    can_stream,
    is_regulator,
    quarantine_scope,
    require,
    visible_actors,
)
from agilegov.errors import AccessDenied

GOV = Principal("government", 1, None, None)
GOV_MOB = Principal("government", 2, None, "mob")
AUDITOR = Principal("auditor", 3, None, None)
ACME = Principal("operator", 4, "acme", None)
ACME_MOB = Principal("operator", 5, "acme", "mob")
PERSON = Principal("individual", 6, None, None)
CIVIC = Principal("community", 7, None, None)

# principal -> (ingest own/other actor, read acme, read beta, visible, quarantine, manage)
MATRIX = {
    GOV: (True, True, True, True, None, None, True),
    AUDITOR: (False, False, True, True, None, None, False),
    ACME: (True, False, True, False, {"acme"}, "acme", False),
    PERSON: (False, False, False, False, set(), "denied", False),
    CIVIC: (False, False, False, False, set(), "denied", False),
    PUBLIC: (False, False, False, False, set(), "denied", False),
}


@pytest.mark.parametrize("p", list(MATRIX), ids=lambda p: p.role)
def test_each_role_in_its_domain(p: Principal) -> None:
    ingest_own, ingest_other, read_acme, read_beta, visible, quarantine, manage = MATRIX[p]
    assert can_ingest(p, "mob", "acme") is ingest_own
    assert can_ingest(p, "mob", "beta") is ingest_other
    assert can_ingest(p, "mob", None) is ingest_own  # may report to the domain at all
    assert can_read_actor(p, "mob", "acme") is read_acme
    assert can_read_actor(p, "mob", "beta") is read_beta
    assert visible_actors(p, "mob") == visible
    assert can_stream(p, "mob") is (visible != set())
    assert can_manage_domain(p, "mob") is manage
    assert is_regulator(p) is manage
    assert can_read_all(p, "mob") is (visible is None)
    if quarantine == "denied":
        assert can_read_quarantine(p, "mob") is False
        with pytest.raises(AccessDenied, match=f"the {p.role} role may not read the quarantine"):
            quarantine_scope(p, "mob")
    else:
        assert can_read_quarantine(p, "mob") is True
        assert quarantine_scope(p, "mob") == quarantine


def test_an_operator_never_sees_the_domain_wide_findings() -> None:
    assert can_read_actor(ACME, "mob", "*") is False
    assert can_read_actor(AUDITOR, "mob", "*") is True


@pytest.mark.parametrize("p", [GOV_MOB, ACME_MOB], ids=lambda p: p.role)
def test_a_domain_limited_account_has_no_rights_elsewhere(p: Principal) -> None:
    assert can_ingest(p, "mob", "acme") is True
    assert can_ingest(p, "health", "acme") is False
    assert can_read_actor(p, "health", "acme") is False
    assert visible_actors(p, "health") == set()
    assert can_manage_domain(p, "health") is False
    assert can_read_quarantine(p, "health") is False
    assert is_regulator(p, "health") is False


def test_an_operator_without_an_operator_name_may_do_nothing() -> None:
    broken = Principal("operator", 9, None, None)
    assert can_ingest(broken, "mob", None) is False
    assert visible_actors(broken, "mob") == set()
    assert can_read_quarantine(broken, "mob") is False


def test_require_raises_access_denied_with_the_reason() -> None:
    require(True, "never raised")
    with pytest.raises(AccessDenied, match="only government may add a domain"):
        require(False, "only government may add a domain")
