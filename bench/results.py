"""bench/out/results.json: the figures bench parts report, flat ``part.figure``
keys, each part updating its own keys and leaving the others'."""

import json
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "out" / "results.json"


def record(figures: dict[str, Any], path: Path = RESULTS) -> None:
    known = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(known | figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")
