"""The local stack keeps what it holds across a restart, and applies the API's
limits and headers as AWS would (``local/saved_state.py``, ``local/web.py``)."""

import smtplib
from collections.abc import Iterator
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


@pytest.fixture(scope="module")
def restarted() -> Iterator[tuple[RunningStack, dict[str, object], list[str]]]:
    """A stack that took a mail as a ticket, was stopped (SIGTERM) and started
    again on the same state, with a small agent API bucket: (the stack, the
    ticket before, the ticket ids before)."""
    first = start_stack()
    try:
        _mail_in(first)
        token = first.cli("token").stdout.strip()
        (ticket,) = eventually(lambda: _found(first, token))
        headers = {"Authorization": f"Bearer {token}"}
        before = requests.get(first.base + "/api/tickets", params={"limit": 50}, headers=headers, timeout=10).json()
        first.stop_as_user()
        second = start_stack(again=first, env={"ATIENDE_API_THROTTLE": SMALL_BUCKET})
    except BaseException:
        first.stop()
        raise
    yield second, ticket, [t["id"] for t in before["tickets"]]
    second.stop()


def test_a_ticket_survives_a_restart_and_search_finds_it(
    restarted: tuple[RunningStack, dict[str, object], list[str]],
) -> None:
    stack, ticket, ids_before = restarted
    token = stack.cli("token").stdout.strip()  # the demo agents are there too: they sign in

    found = _found(stack, token)  # agent API request 1 of the small bucket
    listed = requests.get(  # request 2
        stack.base + "/api/tickets", params={"limit": 50}, headers={"Authorization": f"Bearer {token}"}, timeout=10
    ).json()

    assert [t["id"] for t in found] == [ticket["id"]]
    assert found[0]["subject"] == "Prueba de persistencia"
    assert sorted(t["id"] for t in listed["tickets"]) == sorted(ids_before)  # the demo was not seeded twice
    assert "State restored" in stack.output()


def test_over_the_rate_the_api_answers_429_with_retry_after_in_spanish_and_english(
    restarted: tuple[RunningStack, dict[str, object], list[str]],
) -> None:
    stack, _, _ = restarted
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


def test_the_console_page_carries_its_security_headers(
    restarted: tuple[RunningStack, dict[str, object], list[str]],
) -> None:
    stack, _, _ = restarted
    page = requests.get(stack.base + "/", timeout=10)
    policy = page.headers["Content-Security-Policy"]
    cognito = stack.env["ATIENDE_AWS_PORT"]

    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert f"connect-src 'self' http://127.0.0.1:{cognito}" in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"


def test_a_preflight_from_an_unknown_origin_gets_no_cors(
    restarted: tuple[RunningStack, dict[str, object], list[str]],
) -> None:
    stack, _, _ = restarted
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
