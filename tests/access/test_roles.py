"""Roles and principals."""

from __future__ import annotations

import pytest

from agilegov.access.roles import ACCOUNT_ROLES, PUBLIC, ROLES, Principal, parse_role


def test_the_public_is_a_role_but_never_an_account() -> None:
    assert ROLES == ("government", "operator", "individual", "community", "auditor", "public")
    assert "public" not in ACCOUNT_ROLES
    assert Principal("public", None, None, None) == PUBLIC


def test_parse_role_accepts_account_roles_only() -> None:
    assert parse_role("auditor") == "auditor"
    with pytest.raises(ValueError, match="unknown role 'public': expected one of government"):
        parse_role("public")
    with pytest.raises(ValueError, match="unknown role 'Operator'"):
        parse_role("Operator")
