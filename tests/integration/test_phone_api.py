"""Calls logged by hand through the agent API (on the local stack's own
bootstrap): the call in the thread with its details, the refusals in Spanish
and English, and the role check as every write route has."""

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.integration.conftest import Api, ticket_with_subject

SUBJECT = "Cambio de dirección de entrega"


def log(api: Api, token: str, ticket_id: str, **body: Any) -> Any:
    call = {
        "direction": "outbound",
        "started_at": (datetime.now(UTC) - timedelta(minutes=10)).isoformat(),
        "duration_seconds": 185,
        "notes": "Confirmó la nueva dirección por teléfono.",
        **body,
    }
    return api.send("POST", f"/api/tickets/{ticket_id}/calls", token, call)


def test_a_logged_call_shows_in_the_thread_with_its_details(api: Api) -> None:
    token = api.token()
    ticket = ticket_with_subject(api, token, SUBJECT)
    response = log(api, token, ticket["id"], agent_name="Andrés Pérez", number="+502 5555 0000")
    assert response.status_code == 201, response.text
    logged = response.json()
    assert logged["channel"] == "phone" and logged["kind"] == "note"
    assert logged["call"]["duration_seconds"] == 185 and logged["call"]["direction"] == "outbound"
    assert logged["call"]["agent"] == "Andrés Pérez" and logged["call"]["number"] == "+50255550000"
    assert logged["call"]["missed"] is False
    thread = api.get(f"/api/tickets/{ticket['id']}", token).json()
    [shown] = [m for m in thread["messages"] if m["id"] == logged["id"]]
    assert shown["text"] == "Confirmó la nueva dirección por teléfono." and shown["call"] == logged["call"]


def test_who_took_it_defaults_to_the_agent_logging_it(api: Api) -> None:
    token = api.token()
    ticket = ticket_with_subject(api, token, SUBJECT)
    logged = log(api, token, ticket["id"]).json()
    me = api.get("/api/me", token).json()
    assert logged["call"]["agent"] == me["name"] and logged["author"]["kind"] == "agent"


def test_a_call_in_the_future_is_refused_in_both_languages(api: Api) -> None:
    token = api.token()
    ticket = ticket_with_subject(api, token, SUBJECT)
    response = log(api, token, ticket["id"], started_at=(datetime.now(UTC) + timedelta(days=1)).isoformat())
    assert response.status_code == 422
    message = response.json()["error"]["message"]
    assert "futuro" in message["es"] and "future" in message["en"]


def test_malformed_calls_are_400(api: Api) -> None:
    token = api.token()
    ticket = ticket_with_subject(api, token, SUBJECT)
    assert log(api, token, ticket["id"], duration_seconds=-1).status_code == 400
    assert log(api, token, ticket["id"], direction="sideways").status_code == 400
    assert log(api, token, ticket["id"], extra=True).status_code == 400


def test_a_bad_number_is_422(api: Api) -> None:
    token = api.token()
    ticket = ticket_with_subject(api, token, SUBJECT)
    assert log(api, token, ticket["id"], number="12").status_code == 422


def test_an_unknown_ticket_is_404(api: Api) -> None:
    assert log(api, api.token(), "01JZZZZZZZZZZZZZZZZZZZZZZZ").status_code == 404
