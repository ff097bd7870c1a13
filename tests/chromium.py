"""Which Chromium the tests drive, and how: one place for the site tests and the claim tests.

Debian's chromium (``.ci/system-deps`` installs it); ``CERTKIT_CHROMIUM`` names another build
(GitHub's Ubuntu runners ship Google Chrome), and a chromium on ``PATH`` is the fallback. Never a
browser Playwright downloads. The arguments keep it from calling anything off the machine, and
let it run as root.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM = os.environ.get("CERTKIT_CHROMIUM") or (
    "/usr/bin/chromium"
    if Path("/usr/bin/chromium").exists()
    else shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
