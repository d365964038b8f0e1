"""`atiende run` as a user starts it: a real process on 127.0.0.1, spoken to over
HTTP, stopped with Ctrl-C."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "local.cli"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class RunningStack:
    process: subprocess.Popen[str]
    base: str
    env: dict[str, str]

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*CLI, *args], env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def stack() -> Iterator[RunningStack]:
    port, aws_port = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {"ATIENDE_PORT": str(port), "ATIENDE_AWS_PORT": str(aws_port), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [*CLI, "run"], env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"atiende run exited: {process.stdout.read() if process.stdout else ''}")
        try:
            if requests.get(base + "/health", timeout=2).status_code == 200:
                break
        except requests.ConnectionError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("atiende run did not answer /health within 120 s")
    running = RunningStack(process, base, env)
    yield running
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)


def test_health_answers_with_versions(stack: RunningStack) -> None:
    body = requests.get(stack.base + "/health", timeout=5).json()
    assert body["status"] == "ok"
    assert body["versions"]["atiende"]


def test_token_command_opens_the_api_to_the_demo_tickets(stack: RunningStack) -> None:
    assert requests.get(stack.base + "/api/tickets", timeout=5).status_code == 401

    token = stack.cli("token").stdout.strip()
    agent_token = stack.cli("token", "--email", "agente@atiende.localhost").stdout.strip()

    tickets = requests.get(stack.base + "/api/tickets", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert tickets.status_code == 200
    subjects = {t["subject"] for t in tickets.json()["tickets"]}
    assert "No puedo descargar mi factura de octubre" in subjects
    me = requests.get(stack.base + "/api/me", headers={"Authorization": f"Bearer {agent_token}"}, timeout=5).json()
    assert me["role"] == "agent"


def test_seeding_again_adds_nothing(stack: RunningStack) -> None:
    token = stack.cli("token").stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}
    before = requests.get(stack.base + "/api/tickets", headers=headers, params={"limit": 50}, timeout=5).json()

    assert stack.cli("seed").returncode == 0

    after = requests.get(stack.base + "/api/tickets", headers=headers, params={"limit": 50}, timeout=5).json()
    assert sorted(t["id"] for t in after["tickets"]) == sorted(t["id"] for t in before["tickets"])


def test_ctrl_c_stops_everything_cleanly(stack: RunningStack) -> None:
    stack.process.send_signal(signal.SIGINT)
    assert stack.process.wait(timeout=20) == 0
    output = stack.process.stdout.read() if stack.process.stdout else ""
    assert "admin@atiende.localhost" in output and "Stopping Atiende" in output
    with pytest.raises(requests.ConnectionError):
        requests.get(stack.base + "/health", timeout=2)
