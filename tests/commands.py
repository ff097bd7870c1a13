"""The installed ``certkit`` command run as a reader runs it: one helper for the tests that need it.

A clean environment (``PATH``, ``LC_ALL=C.UTF-8``, ``TZ=UTC``) so that nothing of the developer's
shell leaks into what the command prints, and a timeout so that a hang fails the test instead of
stalling the suite.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CERTKIT = Path(sys.executable).parent / "certkit"
CLEAN_ENV = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "TZ": "UTC"}


def run_certkit(
    *args: str | Path, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``certkit ARGS...`` and capture its output as text (never raising on exit status)."""
    return subprocess.run(
        [str(CERTKIT), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=CLEAN_ENV,
        timeout=timeout,
    )
