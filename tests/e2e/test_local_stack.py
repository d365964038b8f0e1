"""`atiende run` as a user starts it: a real process on 127.0.0.1, spoken to over
HTTP, stopped with Ctrl-C."""

import signal

import pytest
import requests

from tests.e2e.conftest import RunningStack, start_stack

pytestmark = pytest.mark.e2e


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


def test_ctrl_c_stops_everything_cleanly() -> None:
    stack = start_stack()
    stack.process.send_signal(signal.SIGINT)
    assert stack.process.wait(timeout=20) == 0
    output = stack.process.stdout.read() if stack.process.stdout else ""
    assert "admin@atiende.localhost" in output and "Stopping Atiende" in output
    with pytest.raises(requests.ConnectionError):
        requests.get(stack.base + "/health", timeout=2)
