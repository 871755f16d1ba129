from __future__ import annotations

from importlib import resources
from pathlib import Path

from agilegov.report import assets


def _packaged(name: str) -> str:
    return resources.files("agilegov.report").joinpath("static", name).read_text(encoding="utf-8")


def test_vendored_libraries_and_licences_are_packaged() -> None:
    for name in assets.static_files():
        assert _packaged(name), name
    assert "vegaEmbed" in _packaged("vega-embed.min.js")
    assert "vegaLite" in _packaged("vega-lite.min.js")
    for name in ("LICENSE.vega", "LICENSE.vega-lite", "LICENSE.vega-embed"):
        assert "Redistribution and use" in _packaged(name)


def test_readme_records_the_vendored_versions() -> None:
    readme = _packaged("README.md")
    for package, version in assets.VENDORED.items():
        assert f"`{package}`" in readme and version in readme


def test_vega_embed_is_loaded_after_its_dependencies() -> None:
    order = list(assets.SCRIPTS)
    assert order.index("vega.min.js") < order.index("vega-lite.min.js")
    assert order.index("vega-lite.min.js") < order.index("vega-embed.min.js")
    assert order[-1] == "report.js"


def test_copy_static_copies_every_file(tmp_path: Path) -> None:
    target = assets.copy_static(tmp_path)
    assert target == tmp_path / "static"
    assert sorted(p.name for p in target.iterdir()) == sorted(assets.static_files())
    assert (target / "vega.min.js").read_bytes() == (
        resources.files("agilegov.report").joinpath("static", "vega.min.js").read_bytes()
    )
