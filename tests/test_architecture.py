"""Architecture rules: import direction, module size, a bare package root, no import-time I/O."""

from __future__ import annotations

import ast
import functools
import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import agilegov

PACKAGE = Path(agilegov.__file__).resolve().parent
MAX_LINES = 400


def modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package."""
    out: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def imported(name: str, path: Path) -> set[str]:
    """Every module a module imports, anywhere in it (also inside functions), absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            found.add(stem)
            found.update(f"{stem}.{alias.name}" for alias in node.names)
    return found


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def violations(rule: Mapping[str, tuple[str, ...]]) -> list[str]:
    out: list[str] = []
    for name, path in modules().items():
        for layer, forbidden in rule.items():
            if not within(name, layer):
                continue
            for target in sorted(imported(name, path)):
                out.extend(
                    f"{name} imports {target}" for bad in forbidden if within(target, bad)
                )
    return out


def test_the_scan_sees_the_package() -> None:
    found = modules()
    assert "agilegov" in found and "agilegov.engine.evaluate" in found
    assert "agilegov.cli.main" in found
    assert "agilegov.data.load" in imported("agilegov.engine.evaluate", found[
        "agilegov.engine.evaluate"])


def test_relative_imports_are_resolved(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text("from . import x\nfrom ..cli import main\nimport json\n", encoding="utf-8")
    assert imported("agilegov.engine.m", path) == {
        "agilegov.engine", "agilegov.engine.x", "agilegov.cli", "agilegov.cli.main", "json"
    }


def test_nothing_outside_cli_imports_cli() -> None:
    bad = [
        f"{name} imports {target}"
        for name, path in modules().items()
        if not within(name, "agilegov.cli")
        for target in sorted(imported(name, path))
        if within(target, "agilegov.cli")
    ]
    assert bad == []


def test_core_layers_do_not_import_report_domains_or_cli() -> None:
    forbidden = ("agilegov.report", "agilegov.domains", "agilegov.cli")
    rule = {layer: forbidden for layer in (
        "agilegov.rulebook", "agilegov.measure", "agilegov.engine", "agilegov.data"
    )}
    assert violations(rule) == []


def test_the_measure_language_does_not_import_the_engine_or_data() -> None:
    assert violations({"agilegov.measure": ("agilegov.engine", "agilegov.data")}) == []


def test_no_module_is_over_400_lines() -> None:
    long = {
        name: n
        for name, path in modules().items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_package_root_holds_only_a_docstring_and_the_version() -> None:
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    body = tree.body
    assert isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
    assert isinstance(body[0].value.value, str)
    rest = [n for n in body[1:] if not (isinstance(n, ast.ImportFrom) and n.module == "__future__")]
    assert len(rest) == 1
    (assign,) = rest
    assert isinstance(assign, ast.Assign | ast.AnnAssign)
    targets = assign.targets if isinstance(assign, ast.Assign) else [assign.target]
    assert [t.id for t in targets if isinstance(t, ast.Name)] == ["__version__"]
    assert isinstance(assign.value, ast.Constant) and isinstance(assign.value.value, str)
    assert agilegov.__version__ == assign.value.value


# Imports every module in a fresh interpreter with duckdb.connect replaced by a recorder that
# refuses; prints {"connect": [modules that called it], "failed": {module: error}} as JSON.
_IMPORT_ALL = """
import importlib, json, sys, traceback
import duckdb

calls = []
current = [None]
def refuse(*args, **kwargs):
    calls.append(current[0])
    raise RuntimeError("duckdb.connect called at import time")
duckdb.connect = refuse
failed = {}
for name in sys.argv[1:]:
    current[0] = name
    try:
        importlib.import_module(name)
    except BaseException as exc:
        failed[name] = "".join(traceback.format_exception_only(exc)).strip()
print(json.dumps({"connect": calls, "failed": failed}))
"""


def imported_at_runtime() -> list[str]:
    """Modules meant to be imported: not Alembic's migration scripts, which Alembic runs itself
    (its env.py opens the database connection it is handed, by design)."""
    return sorted(n for n in modules() if ".migrations" not in n)


@functools.cache
def import_report() -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL, *imported_at_runtime()],
        capture_output=True, text=True, check=False, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


def test_importing_every_module_opens_no_duckdb_connection() -> None:
    assert import_report()["connect"] == []


def test_every_module_imports() -> None:
    assert import_report()["failed"] == {}


def _module_level_calls(tree: ast.Module) -> list[ast.Call]:
    """Calls executed when the module is imported: not inside a def or lambda."""
    calls: list[ast.Call] = []
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(node, ast.Call):
            calls.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return calls


def test_no_module_level_connect_call() -> None:
    bad: list[str] = []
    for name in imported_at_runtime():
        tree = ast.parse(modules()[name].read_text(encoding="utf-8"))
        for call in _module_level_calls(tree):
            func = call.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("connect", "DuckDBPyConnection"):
                bad.append(f"{name}:{call.lineno}")
    assert bad == []


def test_the_module_level_scan_finds_calls_and_skips_functions() -> None:
    tree = ast.parse("import duckdb\nCON = duckdb.connect()\ndef f():\n    duckdb.connect()\n")
    assert [c.lineno for c in _module_level_calls(tree)] == [2]
