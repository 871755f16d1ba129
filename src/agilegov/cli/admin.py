"""`agilegov token create` and `agilegov domain add`: setting up a service workspace.

The token is the only thing written to standard output, so a script can keep it:
`TOKEN=$(agilegov token create --workspace ws --name acme --role operator --operator acme)`.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from agilegov.cli.console import fail, stderr
from agilegov.errors import AgilegovError, UsageError


class AccountRole(StrEnum):
    government = "government"
    operator = "operator"
    individual = "individual"
    community = "community"
    auditor = "auditor"


WorkspaceOption = Annotated[
    Path,
    typer.Option("--workspace", help="The service workspace folder (created if missing)."),
]


def token_create_command(
    workspace: WorkspaceOption,
    name: Annotated[str, typer.Option("--name", help="Account name (created if new).")],
    role: Annotated[AccountRole, typer.Option("--role", help="The account's role.")],
    operator: Annotated[
        str | None,
        typer.Option("--operator", help="For an operator: the actor it reports for."),
    ] = None,
    domain: Annotated[
        str | None, typer.Option("--domain", help="Limit the account to this domain.")
    ] = None,
    label: Annotated[str, typer.Option("--label", help="A note to recognise the token.")] = "",
) -> None:
    """Create an API token for an account and print it (it is shown only this once)."""
    from agilegov.access.roles import parse_role
    from agilegov.settings import Settings
    from agilegov.store.state import StateStore
    from agilegov.workspace import Workspace

    try:
        ws = Workspace(workspace)
        state = StateStore(Settings.from_env(ws.root).database_url)
        try:
            wanted = (name, parse_role(role.value), operator, domain)
            account = next(
                (
                    a
                    for a in state.accounts()
                    if a.active and (a.name, a.role, a.operator, a.domain) == wanted
                ),
                None,
            )
            if account is None:
                account = state.create_account(name, wanted[1], operator, domain)
            token = state.create_token(account.id, label)
        finally:
            state.close()
    except AgilegovError as exc:
        fail(exc)
    scope = f" in domain {domain}" if domain else ""
    who = f" for operator {operator}" if operator else ""
    stderr().print(
        f"token for account {account.id} '{name}' ({role.value}{who}{scope}); "
        "keep it now, it is not shown again:",
        markup=False,
    )
    typer.echo(token)


def domain_add_command(
    rulebook: Annotated[Path, typer.Argument(help="The rulebook YAML file of the domain.")],
    workspace: WorkspaceOption,
) -> None:
    """Check a rulebook and make it the version in force of its domain in the workspace."""
    from agilegov.workspace import Workspace

    try:
        if not rulebook.is_file():
            raise UsageError(f"{rulebook}: no such rulebook file")
        book = Workspace(workspace).add_domain(rulebook)
    except AgilegovError as exc:
        fail(exc)
    typer.echo(f"domain {book.domain} version {book.version} in force")
