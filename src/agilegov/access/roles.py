"""Who is asking: roles and the principal a request acts as."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, get_args

Role = Literal["government", "operator", "individual", "community", "auditor", "public"]

ROLES: Final[tuple[Role, ...]] = get_args(Role)
# Roles an account may have; "public" is the anonymous caller and never an account.
ACCOUNT_ROLES: Final[tuple[Role, ...]] = tuple(r for r in ROLES if r != "public")


@dataclass(frozen=True)
class Principal:
    """The caller of one request.

    `operator` is the actor an operator account reports for (required for role "operator").
    `domain` limits the account to one domain; None means every domain.
    """

    role: Role
    account_id: int | None
    operator: str | None
    domain: str | None


PUBLIC: Final[Principal] = Principal("public", None, None, None)


def parse_role(text: str) -> Role:
    """The account role named by `text`; ValueError naming the allowed roles otherwise."""
    for role in ACCOUNT_ROLES:
        if role == text:
            return role
    raise ValueError(f"unknown role '{text}': expected one of {', '.join(ACCOUNT_ROLES)}")
