"""A description of the machine and the software the benchmark ran on."""

from __future__ import annotations

import os
import platform
from importlib import metadata
from pathlib import Path


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def cpu_model() -> str:
    for line in _read("/proc/cpuinfo").splitlines():
        if line.lower().startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def ram_gib() -> float | None:
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return None


def os_name() -> str:
    for line in _read("/etc/os-release").splitlines():
        if line.startswith("PRETTY_NAME="):
            return line.split("=", 1)[1].strip().strip('"') + f" (kernel {platform.release()})"
    return platform.platform()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def describe() -> dict[str, str]:
    ram = ram_gib()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "CPU": cpu_model(),
        "Cores": f"{usable} usable of {os.cpu_count()} logical",
        "RAM": f"{ram:.1f} GiB" if ram is not None else "unknown",
        "OS": os_name(),
        "Python": platform.python_version(),
        "agilegov": _version("agilegov"),
        "DuckDB": _version("duckdb"),
        "Polars": _version("polars"),
        "PyArrow": _version("pyarrow"),
        "NumPy": _version("numpy"),
    }
