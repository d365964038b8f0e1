"""(c) cold-start import time of each function's handler module beside bare
``import boto3``, each in a fresh interpreter, median of 5."""

import json
import statistics
import subprocess
import sys
from pathlib import Path

from local.provision import ROOT, load_template

RUNS = 5
PROBE = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"


def _environment() -> dict[str, str]:
    """What Lambda would set, minus AWS: the template's global variables."""
    variables = load_template()["Globals"]["Function"]["Environment"]["Variables"]
    plain = {k: v for k, v in variables.items() if isinstance(v, str)}
    return plain | {"PYTHONPATH": str(ROOT / "functions"), "PATH": "/usr/bin:/bin", "AWS_REGION": "us-east-1"}


def _median_seconds(module: str) -> float:
    samples = []
    for _ in range(RUNS):
        out = subprocess.run(  # noqa: S603 - our own interpreter
            [sys.executable, "-c", PROBE.format(module=module)],
            env=_environment(),
            capture_output=True,
            text=True,
            check=True,
            cwd=Path("/"),
        )
        samples.append(float(out.stdout.strip()))
    return statistics.median(samples)


def handler_modules() -> dict[str, str]:
    functions = {
        name: props["Properties"]["Handler"]
        for name, props in load_template()["Resources"].items()
        if props["Type"] == "AWS::Serverless::Function"
    }
    return {name: handler.rsplit(".", 1)[0] for name, handler in functions.items()}


def run() -> dict[str, float]:
    figures = {"import boto3": _median_seconds("boto3")}
    for function, module in handler_modules().items():
        figures[f"{function} ({module})"] = _median_seconds(module)
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
