"""(h) The console's initial load: every file the sign-in page fetches, raw
and gzip-compressed (what CloudFront serves), against the 150 KB budget."""

import gzip
from dataclasses import dataclass
from pathlib import Path

FRONTEND = Path(__file__).resolve().parent.parent / "frontend"
# What index.html pulls in before anyone signs in (ES modules import each other).
INITIAL = ("index.html", "app/console.css", "app/main.js", "app/api.js", "app/i18n.js", "vendor/preact-htm.js")
BUDGET_BYTES = 150 * 1024


@dataclass(frozen=True)
class LoadSize:
    files: dict[str, tuple[int, int]]  # path → (raw, gzip)

    @property
    def raw(self) -> int:
        return sum(raw for raw, _ in self.files.values())

    @property
    def compressed(self) -> int:
        return sum(packed for _, packed in self.files.values())


def run() -> LoadSize:
    files = {}
    for name in INITIAL:
        data = (FRONTEND / name).read_bytes()
        files[name] = (len(data), len(gzip.compress(data, compresslevel=9)))
    return LoadSize(files)
