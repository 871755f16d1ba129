"""The `agilegov` command (Typer). Exit status 2 means bad input: rulebook, data or arguments.

Every command is listed here, in one place; each lives in its own module.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from agilegov import __version__
from agilegov.cli.accountability import report_command
from agilegov.cli.admin import domain_add_command, token_create_command
from agilegov.cli.console import fail
from agilegov.cli.evaluate import evaluate_command
from agilegov.cli.keys import key_rotate_command
from agilegov.cli.ledger import ledger_app
from agilegov.cli.serve import serve_command
from agilegov.cli.simulate import demo_command, simulate_command
from agilegov.errors import AgilegovError

app = typer.Typer(
    name="agilegov",
    help="Agile governance for cyber-physical systems: rulebooks evaluated on reported data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        print(__version__)
        raise typer.Exit(0)


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """agilegov: goals, data, findings, responses."""


@app.command()
def check(rulebook: Annotated[Path, typer.Argument(help="The rulebook YAML file.")]) -> None:
    """Validate a rulebook: structure, names, types, measures. Lists every problem at once."""
    from agilegov.rulebook.loader import load_rulebook

    try:
        book = load_rulebook(rulebook)
    except AgilegovError as exc:
        fail(exc)
    Console(highlight=False).print(
        f"ok {rulebook}: domain {book.domain} version {book.version}, "
        f"{len(book.streams)} stream(s), {len(book.goals)} goal(s), "
        f"{len(book.responses)} response(s)"
    )


@app.command()
def schema() -> None:
    """Print the JSON Schema of the rulebook format (for editor completion)."""
    from agilegov.rulebook.schema import json_schema

    sys.stdout.write(json.dumps(json_schema(), indent=2) + "\n")


app.command("evaluate")(evaluate_command)
app.command("simulate")(simulate_command)
app.command("demo")(demo_command)
app.command("serve")(serve_command)
app.command("report")(report_command)

token_app = typer.Typer(no_args_is_help=True, help="API tokens for the service.")
token_app.command("create")(token_create_command)
app.add_typer(token_app, name="token")

domain_app = typer.Typer(no_args_is_help=True, help="Domains of a service workspace.")
domain_app.command("add")(domain_add_command)
app.add_typer(domain_app, name="domain")

key_app = typer.Typer(no_args_is_help=True, help="Pseudonym keys of a service workspace.")
key_app.command("rotate")(key_rotate_command)
app.add_typer(key_app, name="key")
app.add_typer(ledger_app, name="ledger")
