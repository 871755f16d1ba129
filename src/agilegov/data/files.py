"""Which files hold a stream's events, in the order the spec reads them."""

from __future__ import annotations

from pathlib import Path

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".parquet": "parquet"}


def stream_files(data_dir: Path, stream: str) -> list[tuple[Path, str]]:
    """`S.csv`, `S.jsonl`, `S.parquet` and every such file under `S/`, in path order.

    Path order is the code-point order of the path relative to the data folder.
    Files with other endings under `S/` are not data and are not read.
    """
    found: list[Path] = []
    for suffix in FORMATS:
        single = data_dir / f"{stream}{suffix}"
        if single.is_file():
            found.append(single)
    folder = data_dir / stream
    if folder.is_dir():
        found.extend(p for p in folder.rglob("*") if p.is_file() and p.suffix in FORMATS)
    found.sort(key=lambda p: p.relative_to(data_dir).as_posix())
    return [(p, FORMATS[p.suffix]) for p in found]
