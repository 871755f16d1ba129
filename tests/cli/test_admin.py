"""`agilegov token create` and `agilegov domain add`, wired as the main app wires them."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from agilegov.access.roles import Principal
from agilegov.cli.admin import domain_add_command, token_create_command
from agilegov.store.state import StateStore

BOOK = """domain: admin-test
version: {version}
effective_from: 2026-04-01
timezone: Asia/Tokyo
streams:
  trips:
    time: at
    actor: op
    fields: {{op: string, at: timestamp, km: {{type: float, min: 0}}}}
goals:
  - {{id: km, title: km per day, measure: sum(trips.km), target: "<= {limit}", window: 1d}}
"""


def make_app() -> typer.Typer:
    app = typer.Typer()
    token = typer.Typer()
    domain = typer.Typer()
    token.command("create")(token_create_command)
    domain.command("add")(domain_add_command)
    app.add_typer(token, name="token")
    app.add_typer(domain, name="domain")
    return app


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("AGILEGOV_DATABASE_URL", raising=False)
    return CliRunner()


def state_of(ws: Path) -> StateStore:
    return StateStore(f"sqlite:///{ws / 'state.sqlite'}")


def test_token_create_prints_only_the_token_and_it_works(run: CliRunner, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    args = ["token", "create", "--workspace", str(ws), "--name", "Acme", "--role", "operator",
            "--operator", "acme", "--domain", "mob", "--label", "box 1"]  # fmt: skip
    result = run.invoke(make_app(), args)
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert token.startswith("agt_") and "\n" not in token
    assert "not shown again" in result.stderr
    assert (ws / "domains").is_dir()  # a new workspace is created on first use
    again = run.invoke(make_app(), args)
    store = state_of(ws)
    try:
        principal = store.principal_for_token(token)
        assert principal is not None and principal.operator == "acme"
        assert principal == store.principal_for_token(again.stdout.strip())  # same account
        assert principal == Principal("operator", principal.account_id, "acme", "mob")
        assert len(store.accounts()) == 1
        assert [t.label for t in store.tokens(principal.account_id or 0)] == ["box 1", "box 1"]
    finally:
        store.close()


def test_token_create_uses_the_database_url_from_the_environment(
    run: CliRunner, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'elsewhere.sqlite'}"
    args = ["token", "create", "--workspace", str(tmp_path / "ws"), "--name", "Ministry",
            "--role", "government"]  # fmt: skip
    result = run.invoke(make_app(), args, env={"AGILEGOV_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "ws" / "state.sqlite").exists()
    store = StateStore(url)
    try:
        assert store.principal_for_token(result.stdout.strip()) is not None
    finally:
        store.close()


def test_an_operator_token_needs_an_operator(run: CliRunner, tmp_path: Path) -> None:
    result = run.invoke(make_app(), ["token", "create", "--workspace", str(tmp_path), "--name",
                                     "Acme", "--role", "operator"])  # fmt: skip
    assert result.exit_code == 2
    assert "field 'operator': an operator account needs --operator" in result.stderr
    assert result.stdout == ""


def test_an_unknown_role_is_refused(run: CliRunner, tmp_path: Path) -> None:
    result = run.invoke(make_app(), ["token", "create", "--workspace", str(tmp_path), "--name",
                                     "X", "--role", "public"])  # fmt: skip
    assert result.exit_code == 2 and "public" in result.stderr


def test_domain_add_checks_and_installs_the_rulebook(run: CliRunner, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    book = tmp_path / "book.yaml"
    book.write_text(BOOK.format(version=1, limit=5), "utf-8")
    result = run.invoke(make_app(), ["domain", "add", str(book), "--workspace", str(ws)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "domain admin-test version 1 in force\n"
    assert (ws / "domains" / "admin-test.yaml").read_text("utf-8") == book.read_text("utf-8")
    book.write_text(BOOK.format(version=1, limit=9), "utf-8")
    clash = run.invoke(make_app(), ["domain", "add", str(book), "--workspace", str(ws)])
    assert clash.exit_code == 2 and "needs a higher version" in clash.stderr
    book.write_text(BOOK.format(version=2, limit=9), "utf-8")
    newer = run.invoke(make_app(), ["domain", "add", str(book), "--workspace", str(ws)])
    assert newer.stdout == "domain admin-test version 2 in force\n"


def test_domain_add_reports_a_bad_or_missing_rulebook(run: CliRunner, tmp_path: Path) -> None:
    missing = run.invoke(make_app(), ["domain", "add", str(tmp_path / "nope.yaml"),
                                      "--workspace", str(tmp_path)])  # fmt: skip
    assert missing.exit_code == 2 and "no such rulebook file" in missing.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("domain: x\nversion: one\n", "utf-8")
    result = run.invoke(make_app(), ["domain", "add", str(bad), "--workspace", str(tmp_path)])
    assert result.exit_code == 2 and "bad.yaml:" in result.stderr
    assert list((tmp_path / "domains").iterdir()) == []
