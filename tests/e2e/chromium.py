"""The system Chromium the browser tests drive (Debian package; never downloaded) and its flags."""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = Path(os.environ.get("NEWSDASH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
