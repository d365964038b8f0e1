"""(n) Live updates by push: seconds from a signed WhatsApp webhook's 200 to
the first event at an agent's open socket (``local/live_probe.py``), on a
local stack started here as a user starts it. Target (issue 22): p50 ≤ 1 s,
p99 ≤ 2 s."""

import os
import statistics
import subprocess
import sys

from bench.load_bench import ROOT, _free_port, running_stack
from bench.whatsapp_bench import _payload
from local.live_probe import webhooks_to_socket
from local.stack import whatsapp_secrets

SAMPLES = 60


def run() -> list[float]:
    """Milliseconds for each of SAMPLES messages, each from a new customer."""
    live_port, aws_port = _free_port(), _free_port()
    with running_stack({"ATIENDE_LIVE_PORT": str(live_port), "ATIENDE_AWS_PORT": str(aws_port)}) as target:
        env = dict(os.environ) | {"ATIENDE_PORT": target.base.rsplit(":", 1)[1], "ATIENDE_AWS_PORT": str(aws_port)}
        token = _token(env)
        secret = whatsapp_secrets()["WhatsAppAppSecret"]
        live = f"ws://127.0.0.1:{live_port}"
        bodies = [_payload(900 + n, 1) for n in range(SAMPLES)]
        return [seconds * 1000 for seconds in webhooks_to_socket(target.base, live, token, bodies, secret)]


def _token(env: dict[str, str]) -> str:
    """The demo supervisor's ID token (sees every group), as ``atiende token`` prints it."""
    command = [sys.executable, "-m", "local.cli", "token", "--email", "supervisora@atiende.localhost"]
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603


def figures(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {"live.push_p50_ms": round(statistics.median(ordered), 1), "live.push_p99_ms": round(p99, 1)}
