"""The local stack stops cleanly on Ctrl-C and keeps what it holds across a
restart, and applies the API's limits and headers as AWS would
(``local/saved_state.py``, ``local/web.py``)."""

import signal
import smtplib
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage

import pytest
import requests

from tests.e2e.conftest import RunningStack, eventually, start_stack

pytestmark = pytest.mark.e2e

ADDRESS = "persistencia@example.com"
# After the restart: three agent API requests, then a token every ~17 minutes.
SMALL_BUCKET = "0.001/3"


def _mail_in(stack: RunningStack) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = ADDRESS, "soporte@atiende.localhost", "Prueba de persistencia"
    message.set_content("Este ticket debe sobrevivir un reinicio.")
    with smtplib.SMTP("127.0.0.1", stack.smtp_port, timeout=10) as smtp:
        smtp.send_message(message)


def _found(stack: RunningStack, token: str) -> list[dict[str, object]]:
    answer = requests.get(
        stack.base + "/api/search", params={"q": ADDRESS}, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    tickets: list[dict[str, object]] = answer.json()["tickets"]
    return tickets


@dataclass
class Restart:
    stack: RunningStack  # the second stack, on the first one's state
    ticket: dict[str, object]  # the ticket the first one took
    ids_before: list[str]  # the tickets the first one listed
    exit_code: int  # the first one's, after Ctrl-C
    output: str  # what the first one printed
    refused_after_stop: bool  # the first one's port refused connections once it exited


@pytest.fixture(scope="module")
def restarted() -> Iterator[Restart]:
    """A stack that took a mail as a ticket, was stopped with Ctrl-C (SIGINT)
    and started again on the same state, with a small agent API bucket."""
    first = start_stack()
    try:
        _mail_in(first)
        token = first.cli("token").stdout.strip()
        (ticket,) = eventually(lambda: _found(first, token))
        headers = {"Authorization": f"Bearer {token}"}
        before = requests.get(first.base + "/api/tickets", params={"limit": 50}, headers=headers, timeout=10).json()
        first.process.send_signal(signal.SIGINT)
        exit_code = first.process.wait(timeout=60)
        try:
            requests.get(first.base + "/health", timeout=2)
            refused = False
        except requests.ConnectionError:
            refused = True
        second = start_stack(again=first, env={"ATIENDE_API_THROTTLE": SMALL_BUCKET})
    except BaseException:
        first.stop()
        raise
    yield Restart(second, ticket, [t["id"] for t in before["tickets"]], exit_code, first.output(), refused)
    second.stop()


def test_ctrl_c_stops_everything_cleanly(restarted: Restart) -> None:
    assert restarted.exit_code == 0
    assert "admin@atiende.localhost" in restarted.output and "Stopping Atiende" in restarted.output
    assert restarted.refused_after_stop


def test_a_ticket_survives_a_restart_and_search_finds_it(restarted: Restart) -> None:
    stack, ticket, ids_before = restarted.stack, restarted.ticket, restarted.ids_before
    token = stack.cli("token").stdout.strip()  # the demo agents are there too: they sign in

    found = _found(stack, token)  # agent API request 1 of the small bucket
    listed = requests.get(  # request 2
        stack.base + "/api/tickets", params={"limit": 50}, headers={"Authorization": f"Bearer {token}"}, timeout=10
    ).json()

    assert [t["id"] for t in found] == [ticket["id"]]
    assert found[0]["subject"] == "Prueba de persistencia"
    assert sorted(t["id"] for t in listed["tickets"]) == sorted(ids_before)  # the demo was not seeded twice
    assert "State restored" in stack.output()


def test_over_the_rate_the_api_answers_429_with_retry_after_in_spanish_and_english(restarted: Restart) -> None:
    stack = restarted.stack
    token = stack.cli("token").stdout.strip()
    answers = [
        requests.get(stack.base + "/api/me", headers={"Authorization": f"Bearer {token}"}, timeout=10) for _ in range(4)
    ]

    throttled = answers[-1]
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) >= 1
    error = throttled.json()["error"]
    assert error["message_key"] == "error.throttled"
    assert error["message"]["es"].startswith("Demasiadas solicitudes")
    assert error["message"]["en"].startswith("Too many requests")
    assert throttled.headers["X-Content-Type-Options"] == "nosniff"
    assert requests.get(stack.base + "/health", timeout=10).status_code == 200  # liveness is not throttled


def test_the_console_page_carries_its_security_headers(restarted: Restart) -> None:
    stack = restarted.stack
    page = requests.get(stack.base + "/", timeout=10)
    policy = page.headers["Content-Security-Policy"]
    cognito = stack.env["ATIENDE_AWS_PORT"]

    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert f"connect-src 'self' http://127.0.0.1:{cognito}" in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"


def test_a_preflight_from_an_unknown_origin_gets_no_cors(restarted: Restart) -> None:
    stack = restarted.stack
    preflight = requests.options(
        stack.base + "/api/tickets",
        headers={
            "Origin": "https://evil.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
        timeout=10,
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers
