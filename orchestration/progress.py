"""Human progress lines for long work, on stderr, so piped stdout stays clean.

The CLI switches them on (`ASCW_PROGRESS=1`); Dagster runs started from the UI log instead.
"""

from __future__ import annotations

import os
import sys
import time

_START = time.monotonic()


def enabled() -> bool:
    return os.environ.get("ASCW_PROGRESS", "") == "1"


def say(message: str) -> None:
    if enabled():
        print(f"[{time.monotonic() - _START:6.1f}s] {message}", file=sys.stderr, flush=True)
