"""Who may do what: roles, principals, API tokens, and the permission checks the API uses."""

from agilegov.access.policy import (
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
from agilegov.access.roles import ACCOUNT_ROLES, PUBLIC, ROLES, Principal, Role, parse_role

__all__ = [
    "ACCOUNT_ROLES",
    "PUBLIC",
    "ROLES",
    "Principal",
    "Role",
    "can_ingest",
    "can_manage_domain",
    "can_read_actor",
    "can_read_all",
    "can_read_quarantine",
    "can_stream",
    "is_regulator",
    "parse_role",
    "quarantine_scope",
    "require",
    "visible_actors",
]
