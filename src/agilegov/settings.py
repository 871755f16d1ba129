"""Service settings, read from the environment when asked (never at import time).

- `AGILEGOV_DATABASE_URL`: governance state, an SQLAlchemy URL
  (default `sqlite:///<workspace>/state.sqlite`).
- `AGILEGOV_MQTT_URL`: an MQTT broker to ingest from, `mqtt://host:port`
  (default: none, no MQTT ingest).
- `AGILEGOV_ALLOWED_LATENESS`: how long late events may still arrive before an
  instant is evaluated (default `1h`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from agilegov.errors import UsageError
from agilegov.rulebook.durations import Duration, parse_duration

ENV_DATABASE_URL = "AGILEGOV_DATABASE_URL"
ENV_MQTT_URL = "AGILEGOV_MQTT_URL"
ENV_ALLOWED_LATENESS = "AGILEGOV_ALLOWED_LATENESS"
DEFAULT_LATENESS = Duration(1, "h")


@dataclass(frozen=True)
class Settings:
    workspace: Path
    database_url: str
    mqtt_url: str | None = None
    allowed_lateness: Duration = DEFAULT_LATENESS

    @classmethod
    def from_env(cls, workspace: Path, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        root = Path(workspace).resolve()
        url = env.get(ENV_DATABASE_URL) or f"sqlite:///{root / 'state.sqlite'}"
        lateness_text = env.get(ENV_ALLOWED_LATENESS, "1h")
        try:
            lateness = parse_duration(lateness_text)
            if lateness.is_calendar and lateness.unit not in ("d", "w"):
                raise ValueError("months and years are not a fixed lateness")
        except ValueError as exc:
            raise UsageError(f"{ENV_ALLOWED_LATENESS}: {exc}") from exc
        return cls(root, url, env.get(ENV_MQTT_URL) or None, lateness)
