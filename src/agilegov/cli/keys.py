"""`agilegov key rotate`: a new pseudonym key for a domain (old pseudonyms stay recognisable)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agilegov.cli.console import fail
from agilegov.errors import AgilegovError


def key_rotate_command(
    domain: Annotated[str, typer.Argument(help="The domain whose pseudonym key to rotate.")],
    workspace: Annotated[Path, typer.Option("--workspace", help="The service workspace folder.")],
) -> None:
    """Make a new current pseudonym key; earlier keys are kept so old pseudonyms still match."""
    from agilegov.ingest.pseudonym import Pseudonymizer
    from agilegov.workspace import Workspace

    try:
        ws = Workspace(workspace)
        ws.rulebook(domain)
        key_id = Pseudonymizer(ws.keys_dir).rotate(domain)
    except AgilegovError as exc:
        fail(exc)
    typer.echo(f"domain {domain}: new pseudonym key {key_id} is now current")
