"""The web contact form on the local stack's bootstrap: a person's form opens
a ticket on the web_form channel that an agent sees, with the file they
attached on its first message; the honeypot, a form sent too soon, a token
used twice, a bad contact, a file too large or of another type and the limits
per address and per identity refuse with a clear message and store nothing
(no ticket, no file). As the subject is typed, the page's script asks for
public articles (never an internal one), limited per address."""

import re
from collections.abc import Iterator

import boto3
import pytest
import requests

from agent_api import help_center
from helpdesk import limits
from helpdesk.channels import web_form
from helpdesk.knowledge.articles import Visibility
from helpdesk.settings import mail_settings, store_settings
from local.knowledge_files import DEMO_FOLDER, read_folder
from tests.integration.conftest import ADMIN_LOGIN as ADMIN
from tests.integration.conftest import Api

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4  # the signature, then any bytes (\r, \n, NUL among them)


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


def _send_with_file(api: Api, filename: str, content: bytes, label: str, **fields: str) -> requests.Response:
    """As a browser sends the form: multipart/form-data, the file in ``attachment``."""
    files = {"attachment": (filename, content, label)}
    return requests.post(api.base + help_center.CONTACT_POST, data=fields, files=files, timeout=30)


def _form_files() -> list[str]:
    s3 = boto3.client("s3", region_name=store_settings().region)
    listed = s3.list_objects_v2(Bucket=mail_settings().attachments_bucket, Prefix=f"{web_form.ATTACHMENT_KIND}/")
    return [o["Key"] for o in listed.get("Contents", [])]


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


def test_a_file_attached_to_the_form_is_on_the_tickets_first_message(api: Api, no_wait: None) -> None:
    before = _form_files()
    sent = _send_with_file(api, "foto del recibo.png", PNG, "image/png", **_form(_token(api), subject="Con foto"))
    assert sent.status_code == 200 and "Recibimos tu mensaje" in sent.text
    (ticket,) = _tickets(api, "Con foto")
    admin = api.token(ADMIN)
    (message,) = api.get(f"/api/tickets/{ticket['id']}", admin).json()["messages"]
    (attachment,) = message["attachments"]
    assert attachment["filename"] == "foto del recibo.png" and attachment["content_type"] == "image/png"
    assert attachment["size"] == len(PNG)
    assert attachment["key"].startswith(f"{web_form.ATTACHMENT_KIND}/") and attachment["key"] in _form_files()
    preview = requests.get(
        f"{api.base}/api/tickets/{ticket['id']}/messages/{message['id']}/attachments/0",
        headers={"Authorization": f"Bearer {admin}", "Accept": "application/octet-stream"},
        timeout=10,
    )
    assert preview.status_code == 200 and preview.content == PNG  # the bytes as sent, through the multipart body
    assert len(_form_files()) == len(before) + 1
    # A form without a file, sent as multipart as browsers do, has no attachment
    plain = requests.post(api.base + help_center.CONTACT_POST, files={k: (None, v) for k, v in
                          _form(_token(api), subject="Sin archivo").items()}, timeout=10)  # fmt: skip
    assert plain.status_code == 200
    (without,) = _tickets(api, "Sin archivo")
    assert api.get(f"/api/tickets/{without['id']}", admin).json()["messages"][0]["attachments"] == []


def test_a_file_too_large_or_of_another_type_is_refused_and_nothing_is_stored(api: Api, no_wait: None) -> None:
    before = _form_files()
    too_large = PNG + bytes(limits.CONTACT_FORM.attachment_bytes)
    big = _send_with_file(api, "enorme.png", too_large, "image/png", **_form(_token(api), subject="Archivo enorme"))
    assert big.status_code == 400 and "pesa demasiado" in big.text
    assert 'value="Archivo enorme"' in big.text and "compré una licuadora" in big.text  # what was typed comes back
    script = b"#!/bin/sh\nrm -rf /\n"
    disguised = _send_with_file(api, "foto.png", script, "image/png", **_form(_token(api), subject="Disfrazado"))
    assert disguised.status_code == 400 and "Solo podemos recibir imágenes" in disguised.text
    english = _send_with_file(api, "a.exe", b"MZ\x90\x00", "application/octet-stream",
                              **_form(_token(api, "/help/contact"), locale="en", subject="Program"))  # fmt: skip
    assert english.status_code == 400 and "We can only take images" in english.text
    assert 'lang="en"' in english.text
    for subject in ("Archivo enorme", "Disfrazado", "Program"):
        assert _tickets(api, subject) == []
    assert _form_files() == before


def test_the_honeypot_and_the_limits_refuse_a_form_with_a_file_and_keep_no_file(api: Api, no_wait: None) -> None:
    before = _form_files()
    bot = _send_with_file(api, "x.png", PNG, "image/png", **_form(_token(api), website="spam", subject="Bot"))
    assert bot.status_code == 400 and "No pudimos enviar el formulario" in bot.text
    person = {"reach": "insistente@example.com"}
    answers = [_send(api, **_form(_token(api), subject=f"Insiste {i}", **person)).status_code for i in range(3)]
    assert answers == [200, 200, 200]
    refused = _send_with_file(api, "x.png", PNG, "image/png", **_form(_token(api), subject="Insiste 3", **person))
    assert refused.status_code == 429 and "Demasiadas solicitudes" in refused.text
    assert _tickets(api, "Bot") == [] and _tickets(api, "Insiste 3") == []
    assert _form_files() == before


def _suggest(api: Api, q: str, locale: str = "es") -> requests.Response:
    return requests.get(api.base + help_center.SUGGESTIONS_PATH, params={"q": q, "locale": locale}, timeout=10)


def test_suggestions_for_a_subject_are_public_articles_only(api: Api) -> None:
    found = _suggest(api, "me cobraron dos veces")
    assert found.status_code == 200 and found.headers["Content-Type"].startswith("application/json")
    suggestions = found.json()["suggestions"]
    assert 1 <= len(suggestions) <= limits.CONTACT_FORM.suggestions
    assert suggestions[0]["url"] == "/ayuda/articulos/cobro-doble" and suggestions[0]["title"]
    english = _suggest(api, "when do I get my refund", "en").json()["suggestions"]
    assert english[0]["url"] == "/help/articles/refunds"
    restricted = [f.article for f in read_folder(DEMO_FOLDER) if f.article.visibility is not Visibility.PUBLIC]
    assert restricted
    for article in restricted:  # an internal article's own title finds nothing of it
        answer = _suggest(api, article.title, article.locale.value).json()["suggestions"]
        assert all(s["url"].rsplit("/", 1)[1] != article.id and s["title"] != article.title for s in answer)
    assert _suggest(api, "").json() == {"suggestions": []}


def test_suggestions_are_limited_per_address_with_a_spanish_and_english_error(api: Api) -> None:
    answers = [_suggest(api, "envio") for _ in range(limits.HELP_CENTER_SUGGESTIONS.burst + 5)]
    refused = [a for a in answers if a.status_code == 429]
    assert refused and int(refused[0].headers["Retry-After"]) >= 1
    error = refused[0].json()["error"]
    assert error["code"] == "throttled" and "Demasiadas solicitudes" in error["message"]["es"]
    assert error["message"]["en"].startswith("Too many requests")


def test_the_contact_page_posts_multipart_and_loads_its_script_from_the_site(api: Api) -> None:
    page = requests.get(api.base + "/ayuda/contacto", timeout=10)
    assert 'enctype="multipart/form-data"' in page.text and 'type="file"' in page.text
    assert 'aria-live="polite"' in page.text and "¿Esto responde tu pregunta?" in page.text
    (source,) = re.findall(r'<script src="([^"]+)"', page.text)
    assert "<script>" not in page.text  # no inline code: the help center's CSP admits only its own files
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    script = requests.get(api.base + source, timeout=10)
    assert script.status_code == 200 and script.headers["Content-Type"].startswith("text/javascript")
    assert help_center.SUGGESTIONS_PATH in page.text and "fetch(" in script.text
