"""Which files hold a stream's events, and in which order they are read."""

from __future__ import annotations

from pathlib import Path

from agilegov.data.files import stream_files


def touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x\n", encoding="utf-8")


def names(data_dir: Path, stream: str) -> list[tuple[str, str]]:
    return [(p.relative_to(data_dir).as_posix(), fmt) for p, fmt in stream_files(data_dir, stream)]


def test_single_files_of_every_format_in_path_order(tmp_path: Path) -> None:
    for name in ("trips.parquet", "trips.jsonl", "trips.csv"):
        touch(tmp_path / name)
    assert names(tmp_path, "trips") == [
        ("trips.csv", "csv"),
        ("trips.jsonl", "jsonl"),
        ("trips.parquet", "parquet"),
    ]


def test_folder_is_read_recursively_in_path_order(tmp_path: Path) -> None:
    for name in (
        "trips/b.jsonl",
        "trips/a.csv",
        "trips/2026/04/z.parquet",
        "trips/2026/03/y.csv",
        "trips/A.csv",
    ):
        touch(tmp_path / name)
    assert names(tmp_path, "trips") == [
        ("trips/2026/03/y.csv", "csv"),
        ("trips/2026/04/z.parquet", "parquet"),
        ("trips/A.csv", "csv"),  # code-point order: upper case before lower case
        ("trips/a.csv", "csv"),
        ("trips/b.jsonl", "jsonl"),
    ]


def test_top_level_file_and_folder_are_both_read(tmp_path: Path) -> None:
    touch(tmp_path / "trips.csv")
    touch(tmp_path / "trips" / "a.csv")
    touch(tmp_path / "trips.jsonl")
    # "trips.csv" < "trips.jsonl" < "trips/a.csv" in code-point order ('.' < '/').
    assert names(tmp_path, "trips") == [
        ("trips.csv", "csv"),
        ("trips.jsonl", "jsonl"),
        ("trips/a.csv", "csv"),
    ]


def test_other_endings_and_other_streams_are_ignored(tmp_path: Path) -> None:
    for name in (
        "trips.txt",
        "trips.csv.bak",
        "trips.json",
        "trips/readme.md",
        "trips/a.CSV",
        "trips/sub/notes.txt",
        "trips/keep.csv",
        "tripsx.csv",
        "incidents.csv",
        "incidents/trips.csv",
    ):
        touch(tmp_path / name)
    assert names(tmp_path, "trips") == [("trips/keep.csv", "csv")]


def test_a_folder_named_like_a_data_file_is_not_a_file(tmp_path: Path) -> None:
    (tmp_path / "trips.csv").mkdir()
    touch(tmp_path / "trips" / "sub.parquet" / "inner.csv")
    assert names(tmp_path, "trips") == [("trips/sub.parquet/inner.csv", "csv")]


def test_a_stream_with_no_file_has_no_files(tmp_path: Path) -> None:
    assert stream_files(tmp_path, "trips") == []
    (tmp_path / "trips").mkdir()
    assert stream_files(tmp_path, "trips") == []
