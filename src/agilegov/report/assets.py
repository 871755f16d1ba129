"""The report's static files: vendored chart libraries, their licences, our script and style."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

# Loaded by every page, in this order (vega-embed needs vega and vega-lite).
SCRIPTS = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js", "report.js")
STYLES = ("report.css",)
LICENCES = ("LICENSE.vega", "LICENSE.vega-lite", "LICENSE.vega-embed", "README.md")
VENDORED = {"vega": "5.33.1", "vega-lite": "5.23.0", "vega-embed": "6.29.0"}

STATIC_DIR = "static"


def static_files() -> tuple[str, ...]:
    return SCRIPTS + STYLES + LICENCES


def copy_static(out_dir: Path) -> Path:
    """Copy every static file to `out_dir/static/`; return that directory."""
    target = out_dir / STATIC_DIR
    target.mkdir(parents=True, exist_ok=True)
    source = resources.files("agilegov.report").joinpath(STATIC_DIR)
    for name in static_files():
        with resources.as_file(source.joinpath(name)) as path:
            shutil.copyfile(path, target / name)
    return target
