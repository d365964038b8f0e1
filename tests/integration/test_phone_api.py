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


# --- "Llámenme" from the help center's contact form ---------------------------


def _callback_form(api: Api, **overrides: str) -> dict[str, str]:
    import re

    import requests

    page = requests.get(api.base + "/ayuda/contacto", timeout=10)
    assert 'name="callback_number"' in page.text and "Llámenme" in page.text
    token = re.search(r'name="token" value="([^"]+)"', page.text)
    assert token
    return {"name": "Don Ernesto", "reach": "ernesto.castillo@example.com", "subject": "Prefiero una llamada",
            "message": "Por favor llámenme, no uso mucho el correo.", "locale": "es", "token": token.group(1),
            "website": "", "callback": "on", "callback_number": "+502 5555 7788",
            "callback_time": "mañana por la mañana", **overrides}  # fmt: skip


def _post_form(api: Api, fields: dict[str, str]) -> Any:
    import requests

    from agent_api import help_center

    return requests.post(api.base + help_center.CONTACT_POST, data=fields, timeout=10)


def test_a_callback_request_becomes_an_agents_task(api: Api, monkeypatch: Any) -> None:
    from agent_api import help_center
    from helpdesk.channels import web_form

    monkeypatch.setattr(web_form, "FORM", web_form.FormLimits(min_seconds=0))
    help_center._buckets.clear()
    sent = _post_form(api, _callback_form(api))
    assert sent.status_code == 200 and "Recibimos tu mensaje" in sent.text
    queue = api.get("/api/follow-ups", api.token("admin@atiende.localhost"), state="open").json()["follow_ups"]
    [task] = [f for f in queue if f["reason"] == "callback" and f["subject"] == "Prefiero una llamada"]
    assert task["detail"] == "+50255557788 · mañana por la mañana"


def test_a_callback_without_a_number_is_refused_in_spanish(api: Api, monkeypatch: Any) -> None:
    from agent_api import help_center
    from helpdesk.channels import web_form

    monkeypatch.setattr(web_form, "FORM", web_form.FormLimits(min_seconds=0))
    help_center._buckets.clear()
    refused = _post_form(api, _callback_form(api, callback_number="123", subject="Sin número"))
    assert refused.status_code == 400 and "código de país" in refused.text
    assert 'value="123"' in refused.text  # what was typed comes back


def test_one_number_is_called_back_a_limited_number_of_times(api: Api, monkeypatch: Any) -> None:
    from agent_api import help_center
    from helpdesk import limits
    from helpdesk.channels import web_form

    monkeypatch.setattr(web_form, "FORM", web_form.FormLimits(min_seconds=0))
    help_center._buckets.clear()
    burst = int(limits.HELP_CENTER_CALLBACKS_PER_NUMBER.burst)
    reaches = [f"persona{n}@example.com" for n in range(burst + 1)]
    answers = [_post_form(api, _callback_form(api, reach=r, callback_number="+502 5555 4321")) for r in reaches]
    assert [a.status_code for a in answers] == [200] * burst + [429]
    assert "Demasiadas solicitudes" in answers[-1].text and answers[-1].headers["Retry-After"]
