"""The browser the project drives (browser tests, the 3G bench): Debian's
Chromium, installed by `make` (apt-get install chromium), never a downloaded
one, with the flags the machine's own check uses: no background traffic to the
outside, which this closed network refuses anyway."""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
