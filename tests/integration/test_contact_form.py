"""The web contact form on the local stack's bootstrap: a person's form opens
a ticket on the web_form channel that an agent sees; the honeypot, a form
sent too soon, a token used twice, a bad contact and the limits per address
and per identity refuse with a clear message and store nothing."""

import re
from collections.abc import Iterator

import pytest
import requests

from agent_api import help_center
from helpdesk.channels import web_form
from tests.integration.conftest import ADMIN_LOGIN as ADMIN
from tests.integration.conftest import Api


@pytest.fixture(autouse=True)
def fresh_limits() -> Iterator[None]:
    help_center._buckets.clear()
    yield
    help_center._buckets.clear()


@pytest.fixture
def no_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """People take seconds to type; the test does not wait for them."""
    monkeypatch.setattr(web_form, "FORM", web_form.FormLimits(min_seconds=0))


def _token(api: Api, path: str = "/ayuda/contacto") -> str:
    page = requests.get(api.base + path, timeout=10)
    assert page.status_code == 200 and 'name="website"' in page.text  # the honeypot is there
    found = re.search(r'name="token" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def _send(api: Api, **fields: str) -> requests.Response:
    return requests.post(api.base + help_center.CONTACT_POST, data=fields, timeout=10)


def _form(token: str, **overrides: str) -> dict[str, str]:
    return {"name": "Lucía Ramírez", "reach": "lucia.ramirez@example.com", "subject": "Mi licuadora no enciende",
            "message": "Hola, compré una licuadora la semana pasada y no enciende.", "category": "garantia",
            "locale": "es", "token": token, "website": "", **overrides}  # fmt: skip


def _tickets(api: Api, subject: str) -> list[dict[str, object]]:
    tickets = api.get("/api/tickets", api.token(ADMIN), limit=100).json()["tickets"]
    return [t for t in tickets if t["subject"] == subject]


def test_a_contact_form_opens_a_web_form_ticket_an_agent_sees(api: Api, no_wait: None) -> None:
    sent = _send(api, **_form(_token(api)))
    assert sent.status_code == 200 and "Recibimos tu mensaje" in sent.text
    number = int(re.search(r"#(\d+)", sent.text).group(1))  # type: ignore[union-attr]
    (ticket,) = _tickets(api, "Mi licuadora no enciende")
    assert ticket["number"] == number and ticket["channel"] == "web_form"
    english = _send(api, **_form(_token(api, "/help/contact"), locale="en", subject="Blender", reach="+502 5555 0199"))
    assert english.status_code == 200 and "We received your message" in english.text


def test_the_honeypot_a_reused_token_and_a_bad_contact_store_nothing(api: Api, no_wait: None) -> None:
    bot = _send(api, **_form(_token(api), website="http://spam.example", subject="Honeypot"))
    assert bot.status_code == 400 and "No pudimos enviar el formulario" in bot.text
    token = _token(api)
    assert _send(api, **_form(token, subject="Una vez")).status_code == 200
    assert _send(api, **_form(token, subject="Dos veces")).status_code == 400  # each form sends once
    bad = _send(api, **_form(_token(api), reach="no-es-un-contacto", subject="Contacto malo"))
    assert bad.status_code == 400 and "correo válido" in bad.text
    assert 'value="Contacto malo"' in bad.text  # what was typed comes back
    long = _send(api, **_form(_token(api), message="x" * 5001, subject="Muy largo"))
    assert long.status_code == 400 and "Revisa el formulario" in long.text
    for subject in ("Honeypot", "Dos veces", "Contacto malo", "Muy largo"):
        assert _tickets(api, subject) == []


def test_a_form_sent_at_once_is_refused(api: Api) -> None:
    refused = _send(api, **_form(_token(api), subject="Demasiado rápido"))
    assert refused.status_code == 400
    assert _tickets(api, "Demasiado rápido") == []


def test_limits_per_identity_and_per_address(api: Api, no_wait: None) -> None:
    same_person = [_send(api, **_form(_token(api), subject=f"Insistente {i}")).status_code for i in range(4)]
    assert same_person[:3] == [200, 200, 200] and same_person[3] == 429
    assert _tickets(api, "Insistente 3") == []
    help_center._buckets.clear()
    answers = [
        _send(api, **_form(_token(api), reach=f"persona{i}@example.com", subject=f"Desde una dirección {i}"))
        for i in range(6)
    ]
    assert [a.status_code for a in answers][:5] == [200] * 5
    assert answers[5].status_code == 429 and "Demasiadas solicitudes" in answers[5].text
    assert int(answers[5].headers["Retry-After"]) >= 1
    assert _tickets(api, "Desde una dirección 5") == []
