"""The service under benchmark, alone in its process: `python -m bench.service_server WS PORT`.

The same app as `agilegov serve` (`agilegov.api.create_app`, Uvicorn, one worker), with
request logging at warning level so that logging does not dominate the measurement.
"""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn

from agilegov.api.app import create_app
from agilegov.settings import Settings


def main(argv: list[str]) -> int:
    workspace, port = Path(argv[0]), int(argv[1])
    app = create_app(Settings.from_env(workspace))
    uvicorn.run(app, host="127.0.0.1", port=port, log_config=None, log_level="warning",
                access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
