"""The benchmark report: tables, targets, and the sections other scripts own."""

from __future__ import annotations

from pathlib import Path

from bench.report import write_report
from bench.run import Run


def _runs() -> dict[int, list[Run]]:
    return {1_000_000: [
        Run("agilegov", 1_000_000, seconds=1.0, peak_rss_bytes=2**30, findings=10, runs=3,
            agreement="baseline", agrees=True, load=0.5),
        Run("duckdb-single", 1_000_000, seconds=2.0, peak_rss_bytes=2**29, findings=10, runs=3,
            load=0.7),
        Run("duckdb-per-goal", 1_000_000, seconds=2.5, peak_rss_bytes=2**29, findings=10,
            runs=3),
        Run("polars", 1_000_000, error="boom | bad", runs=0),
    ]}


def test_report_tables_and_targets(tmp_path: Path) -> None:
    out = tmp_path / "benchmarks.md"
    write_report(out, {"CPU": "test cpu"}, _runs(), 7, 100 * 2**20)
    text = out.read_text()
    assert "| CPU | test cpu |" in text
    assert "| 1M | met: 2.00x as fast | NOT met: 2.50x | met: 1.00 GiB |" in text
    assert "| DuckDB SQL, single pass | 2.000 | 500k | 512 MiB | 2.00x | 10 | 3 |" in text
    assert "| Polars lazy | failed | - | - | - | - | 0 | boom / bad |" in text
    assert "0.50 to 0.70" in text


def test_sections_of_other_scripts_are_kept(tmp_path: Path) -> None:
    out = tmp_path / "benchmarks.md"
    ledger = "<!-- ledger:start -->\n## Ledger\n| a | b |\n<!-- ledger:end -->"
    service = "<!-- service:start -->\nservice text\n<!-- service:end -->"
    out.write_text(f"# old report\n\n{ledger}\n\nold engine text\n{service}\n")
    write_report(out, {"CPU": "x"}, _runs(), 7, 2**20)
    text = out.read_text()
    assert "old report" not in text and "old engine text" not in text
    assert text.count(ledger) == 1 and text.count(service) == 1
    write_report(out, {"CPU": "x"}, _runs(), 7, 2**20)
    again = out.read_text()
    assert again.count(ledger) == 1 and again.count(service) == 1
    assert again.index(ledger) > again.index("### 1M events")
