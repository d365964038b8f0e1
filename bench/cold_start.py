"""(c) cold start: each function's handler module imported in a fresh
interpreter beside a bare ``import boto3`` (median of RUNS rounds, interleaved), and the three
imports that cost it most (``python -X importtime``, cumulative, our own
packages and third parties alike); then each function's import plus its first
invocation with a sample event, beside boto3 plus one DynamoDB GetItem
(``bench.first_call``). Target (issue 22): ≤ 1.3× for both."""

import json
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bench import first_call
from local.provision import ROOT, load_template

RUNS = 3
TARGET = 1.3
PROBE = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"


def _environment() -> dict[str, str]:
    """What Lambda would set, minus AWS: the template's global variables."""
    variables = load_template()["Globals"]["Function"]["Environment"]["Variables"]
    plain = {k: v for k, v in variables.items() if isinstance(v, str)}
    return plain | {"PYTHONPATH": str(ROOT / "functions"), "PATH": "/usr/bin:/bin", "AWS_REGION": "us-east-1"}


def _run(arguments: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, *arguments], env=_environment(), capture_output=True, text=True, check=True, cwd=Path("/")
    )


def _median_seconds(modules: list[str]) -> dict[str, float]:
    """Each module's median import time over RUNS rounds, a round importing each
    once in turn, the baseline among them: on a shared machine, load that comes
    and goes weighs on the baseline and the handlers alike (measuring boto3's
    runs first and the handlers' minutes later let a busier or quieter spell
    move every ratio)."""
    seconds: dict[str, list[float]] = {module: [] for module in modules}
    for _ in range(RUNS):
        for module, runs in seconds.items():
            runs.append(float(_run(["-c", PROBE.format(module=module)]).stdout.strip()))
    return {module: statistics.median(runs) for module, runs in seconds.items()}


def heaviest_imports(module: str, most: int = 3) -> list[tuple[str, float]]:
    """The module's own imports that cost it most, in cumulative milliseconds
    (what one of them imports first is counted in its time)."""
    lines = _run(["-X", "importtime", "-c", f"import {module}"]).stderr.splitlines()
    costs: list[tuple[str, float]] = []
    for line in lines:
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.removeprefix("import time:").split("|")
        depth = (len(name) - len(name.lstrip()) - 1) // 2  # the module itself is 0, its own imports 1
        if cumulative.strip().isdigit() and depth == 1:
            costs.append((name.strip(), int(cumulative) / 1000))
    return sorted(costs, key=lambda cost: -cost[1])[:most]


def handlers() -> dict[str, str]:
    return {
        name: props["Properties"]["Handler"]
        for name, props in load_template()["Resources"].items()
        if props["Type"] == "AWS::Serverless::Function"
    }


def handler_modules() -> dict[str, str]:
    return {name: handler.rsplit(".", 1)[0] for name, handler in handlers().items()}


@dataclass(frozen=True)
class ColdStarts:
    boto3_seconds: float
    imports: dict[str, tuple[str, float, list[tuple[str, float]]]]  # function → (module, seconds, heaviest)
    get_item_seconds: float  # boto3 plus one GetItem
    first_calls: dict[str, float | None]  # function → import plus first call (None: no sample event)

    @property
    def worst_ratio(self) -> float:
        return max(seconds for _, seconds, _ in self.imports.values()) / self.boto3_seconds

    @property
    def worst_first_call_ratio(self) -> float:
        return max(s for s in self.first_calls.values() if s is not None) / self.get_item_seconds

    def lines(self) -> list[str]:
        lines = [
            f"(c) cold import, fresh interpreter, median of {RUNS} (target ≤ {TARGET}× boto3)",
            f"  {'import boto3':<44}{self.boto3_seconds * 1000:>8.0f} ms",
        ]
        lines.append(f"  {'import boto3 + one GetItem':<44}{self.get_item_seconds * 1000:>8.0f} ms")
        lines.append(f"  {'function (handler module)':<60}{'import':>11}{'ratio':>7}{'+ first call':>14}{'ratio':>7}")
        for function, (module, seconds, heaviest) in self.imports.items():
            ratio = seconds / self.boto3_seconds
            first = self.first_calls.get(function)
            called = f"{first * 1000:>11.0f} ms{first / self.get_item_seconds:>6.2f}×" if first else f"{'no event':>21}"
            lines.append(f"  {function + ' (' + module + ')':<60}{seconds * 1000:>8.0f} ms{ratio:>6.2f}×{called}")
            lines.append("      heaviest: " + ", ".join(f"{name} {ms:.0f} ms" for name, ms in heaviest))
        worst = f"worst import ratio {self.worst_ratio:.2f}×"
        lines.append(f"  {worst}, worst import + first call {self.worst_first_call_ratio:.2f}×")
        return lines

    def results(self) -> dict[str, float]:
        return {
            "cold_start.worst_import_ratio": round(self.worst_ratio, 2),
            "cold_start.worst_first_call_ratio": round(self.worst_first_call_ratio, 2),
        }


def run() -> ColdStarts:
    modules = handler_modules()
    seconds = _median_seconds(["boto3", *dict.fromkeys(modules.values())])
    imports = {function: (module, seconds[module], heaviest_imports(module)) for function, module in modules.items()}
    boto3_seconds = seconds["boto3"]
    get_item_seconds, first_calls = first_call.run(handlers())
    return ColdStarts(boto3_seconds, imports, get_item_seconds, first_calls)


if __name__ == "__main__":
    print(json.dumps(run().results(), indent=2))
