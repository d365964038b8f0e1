"""(h) The console's initial load: every file the sign-in page fetches, raw
and gzip-compressed (what CloudFront serves), against the 150 KB budget.

The first load is index.html, its stylesheet and the entry module with all it
imports statically, followed import by import. What the console loads later
with ``import()`` (the administration pages, for administrators only) is not
part of it: each such chunk is measured on its own, with the files it adds."""

import gzip
import re
from dataclasses import dataclass, field
from pathlib import Path

FRONTEND = Path(__file__).resolve().parent.parent / "frontend"
PAGE = "index.html"
BUDGET_BYTES = 150 * 1024
WIDGET = "widget.js"  # the web chat widget customers' sites load with one script tag (all of it: one file)
WIDGET_BUDGET_BYTES = 30 * 1024
# What index.html pulls in: <link href> and <script src>, as site paths
_PAGE_REFERENCE = re.compile(r"""<(?:link|script)\b[^>]*?\b(?:href|src)=["']/([^"']+)["']""")
# Static imports and re-exports: import … from '…', import '…', export … from '…'
_STATIC_IMPORT = re.compile(r"""^\s*(?:import|export)\b[^'"();]*?(?:\bfrom\s*)?['"]([^'"]+)['"]""", re.M)
_DYNAMIC_IMPORT = re.compile(r"""\bimport\(\s*['"]([^'"]+)['"]\s*\)""")

Sizes = dict[str, tuple[int, int]]  # path under frontend/ → (raw, gzip)


@dataclass(frozen=True)
class LoadSize:
    files: Sizes  # the first load
    later: dict[str, Sizes] = field(default_factory=dict)  # import() target → the files it adds

    @property
    def raw(self) -> int:
        return sum(raw for raw, _ in self.files.values())

    @property
    def compressed(self) -> int:
        return sum(packed for _, packed in self.files.values())


def _relative(path: Path) -> str:
    return path.relative_to(FRONTEND).as_posix()


def _imports(module: Path, pattern: re.Pattern[str]) -> list[Path]:
    text = module.read_text(encoding="utf-8")
    return [(module.parent / spec).resolve() for spec in pattern.findall(text) if spec.startswith(".")]


def _closure(entries: list[Path], known: set[Path]) -> list[Path]:
    """The modules ``entries`` load statically, in the order found, less ``known``."""
    found: list[Path] = []
    waiting = list(entries)
    while waiting:
        module = waiting.pop(0)
        if module in known or module in found:
            continue
        found.append(module)
        waiting.extend(_imports(module, _STATIC_IMPORT))
    return found


def _size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    return len(data), len(gzip.compress(data, compresslevel=9))


def run() -> LoadSize:
    page = FRONTEND / PAGE
    referenced = [(FRONTEND / ref).resolve() for ref in _PAGE_REFERENCE.findall(page.read_text(encoding="utf-8"))]
    first = [page.resolve(), *_closure([ref for ref in referenced if ref.suffix == ".js"], set())]
    first[1:1] = [ref for ref in referenced if ref.suffix != ".js"]  # the stylesheet, after the page
    loaded = set(first)
    later: dict[str, Sizes] = {}
    chunks = [target for module in first if module.suffix == ".js" for target in _imports(module, _DYNAMIC_IMPORT)]
    while chunks:
        chunk = chunks.pop(0)
        if chunk in loaded:
            continue
        added = _closure([chunk], loaded)
        loaded.update(added)
        later[_relative(chunk)] = {_relative(module): _size(module) for module in added}
        chunks.extend(target for module in added for target in _imports(module, _DYNAMIC_IMPORT))
    return LoadSize({_relative(path): _size(path) for path in first}, later)


def widget() -> tuple[int, int]:
    """The web chat widget, raw and gzipped: everything a customer's page loads for it."""
    return _size(FRONTEND / WIDGET)


if __name__ == "__main__":
    load = run()
    print("first load (gzip)")
    for name, (raw, packed) in load.files.items():
        print(f"  {name:<44}{packed / 1024:>10.1f} KB   ({raw / 1024:.1f} KB raw)")
    print(f"  {'total':<44}{load.compressed / 1024:>10.1f} KB   budget {BUDGET_BYTES // 1024} KB")
    for chunk, files in load.later.items():
        print(f"later, with import('{chunk}')")
        for name, (raw, packed) in files.items():
            print(f"  {name:<44}{packed / 1024:>10.1f} KB   ({raw / 1024:.1f} KB raw)")
        print(f"  {'total':<44}{sum(p for _, p in files.values()) / 1024:>10.1f} KB")
