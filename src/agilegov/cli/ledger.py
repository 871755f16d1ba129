"""`agilegov ledger verify|checkpoint|key`: check the transparency ledger of a workspace or of
a running service, and print its signed checkpoint or verifier key.

Exit status: 0 verified, 1 something does not verify (the message says what), 2 bad
arguments or unreadable files. The lead wires it with `app.add_typer(ledger_app, name="ledger")`.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from agilegov.cli.console import fail, stderr
from agilegov.errors import AgilegovError, UsageError

if TYPE_CHECKING:
    from agilegov.ledger.remote import HttpSource
    from agilegov.ledger.store import Ledger

ledger_app = typer.Typer(
    no_args_is_help=True,
    help="The transparency ledger: verify it, print its signed checkpoint or its key.",
)

WorkspaceOpt = Annotated[
    Path | None, typer.Option("--workspace", help="A service workspace folder (read only).")
]
UrlOpt = Annotated[
    str | None, typer.Option("--url", help="A running service, e.g. https://gov.example.")
]


def _source(stack: ExitStack, workspace: Path | None, url: str | None) -> Ledger | HttpSource:
    from agilegov.ledger.remote import HttpSource
    from agilegov.ledger.store import Ledger

    if (workspace is None) == (url is None):
        raise UsageError("give exactly one of --workspace DIR and --url URL")
    if workspace is not None:
        if not (workspace / "ledger" / "checkpoint").is_file():
            raise UsageError(f"{workspace}: no ledger in this workspace")
        return stack.enter_context(Ledger(workspace, readonly=True))
    assert url is not None
    return stack.enter_context(HttpSource(url))


def _read_arg(value: str) -> str:
    path = Path(value)
    return path.read_text("utf-8").strip() if path.is_file() else value.strip()


@ledger_app.command("verify")
def verify_command(
    workspace: WorkspaceOpt = None,
    url: UrlOpt = None,
    receipt: Annotated[
        Path | None, typer.Option("--receipt", help="A receipt (JSON) to check.")
    ] = None,
    checkpoint: Annotated[
        Path | None,
        typer.Option("--checkpoint", help="A signed checkpoint saved earlier, to check that "
                     "the current log extends it."),
    ] = None,
    key: Annotated[
        str | None,
        typer.Option("--key", help="The verifier key to trust (text or a file); default: the "
                     "workspace's own key, or the key the service publishes."),
    ] = None,
) -> None:
    """Verify the whole log against its signed checkpoint, and optionally a receipt and the
    consistency of a saved checkpoint with the current one."""
    from agilegov.ledger.errors import LedgerError
    from agilegov.ledger.note import parse_verifier_key
    from agilegov.ledger.receipt import receipt_from_json
    from agilegov.ledger.store import Ledger
    from agilegov.ledger.verify import (
        receipt_entry,
        summary,
        verify_log,
        verify_old_checkpoint,
        verify_receipt,
    )

    out = Console(highlight=False, soft_wrap=True)
    with ExitStack() as stack:
        try:
            source = _source(stack, workspace, url)
            saved = checkpoint.read_text("utf-8") if checkpoint is not None else None
            receipt_obj = (receipt_from_json(receipt.read_text("utf-8"))
                           if receipt is not None else None)
            if key is not None:
                trusted = parse_verifier_key(_read_arg(key))
            elif isinstance(source, Ledger):
                trusted = source.verifier()
            else:
                trusted = parse_verifier_key(source.verifier_key())
                stderr().print(f"warning: trusting the key the service publishes "
                               f"({trusted.key()}); pass --key to pin it")
        except (AgilegovError, OSError) as exc:
            fail(exc if isinstance(exc, AgilegovError) else UsageError(str(exc)))
        try:
            report = verify_log(source, [trusted])
            out.print(f"ok log {summary(report)}")
            keys = [trusted, *report.retired_keys]
            if saved is not None:
                old = verify_old_checkpoint(source, saved, keys, report.checkpoint)
                out.print(f"ok checkpoint {checkpoint}: size {old.size} is a prefix of the "
                          f"current size {report.checkpoint.size}")
            if receipt_obj is not None:
                entry = receipt_entry(source, receipt_obj)
                verify_receipt(source, receipt_obj, keys, report.checkpoint, entry)
                out.print(f"ok receipt {receipt}: entry {receipt_obj.index} is in the log "
                          f"of size {report.checkpoint.size}")
        except LedgerError as exc:
            err = stderr()
            err.print("[bold red]not verified[/]")
            for problem in exc.problems:
                err.print(f"  {problem}", markup=False)
            raise typer.Exit(1) from None


@ledger_app.command("checkpoint")
def checkpoint_command(workspace: WorkspaceOpt = None, url: UrlOpt = None) -> None:
    """Print the latest signed checkpoint (a C2SP signed note) as served, unchecked."""
    with ExitStack() as stack:
        try:
            source = _source(stack, workspace, url)
            note = source.checkpoint_note()
        except AgilegovError as exc:
            fail(exc)
    typer.echo(note, nl=False)


@ledger_app.command("key")
def key_command(workspace: WorkspaceOpt = None, url: UrlOpt = None) -> None:
    """Print the verifier key of the checkpoints (note verifier-key format)."""
    with ExitStack() as stack:
        try:
            source = _source(stack, workspace, url)
            text = source.verifier_key()
        except AgilegovError as exc:
            fail(exc)
    typer.echo(text)
