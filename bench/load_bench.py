"""(l) A load run (``atiende load``, shorter and with fewer customers) against a
local stack started here as a user starts it (``atiende run`` on free ports,
its own state folder, the stack's own limits), stopped afterwards."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from local.load import Target, run_load
from local.load_report import LoadReport

SECONDS = 50
CUSTOMERS = 60
ROOT = Path(__file__).resolve().parent.parent
STACK_LOG = ROOT / "bench" / "out" / "load-stack.log"  # what the stack printed
START_SECONDS = 180


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_stack(env_added: dict[str, str] | None = None) -> Iterator[Target]:
    """`atiende run` on free ports (and ``env_added``) until /health answers;
    stopped (SIGTERM) at the end."""
    port, smtp_port = _free_port(), _free_port()
    state = tempfile.mkdtemp(prefix="atiende-load-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {"ATIENDE_STATE_DIR": state, "ATIENDE_PORT": str(port), "ATIENDE_AWS_PORT": str(_free_port()),
            "ATIENDE_SMTP_PORT": str(smtp_port), "ATIENDE_LIVE_PORT": str(_free_port()),
            "PYTHONUNBUFFERED": "1"} | (env_added or {})  # fmt: skip
    STACK_LOG.parent.mkdir(parents=True, exist_ok=True)
    with STACK_LOG.open("w") as log:
        stack = subprocess.Popen([sys.executable, "-m", "local.cli", "run"], env=env, cwd=ROOT, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if stack.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"atiende run did not start: see {STACK_LOG}")
            try:
                if requests.get(base + "/health", timeout=2).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.5)
        yield Target.local(base, smtp_port)
    finally:
        stack.terminate()
        try:
            stack.wait(timeout=60)
        except subprocess.TimeoutExpired:
            stack.kill()
            stack.wait()
        shutil.rmtree(state, ignore_errors=True)


def run() -> LoadReport:
    with running_stack() as target:
        return run_load(target, SECONDS, CUSTOMERS)
