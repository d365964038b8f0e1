"""Keeping customers informed, end to end on the local stack: a customer's
mail is acknowledged with the ticket number, when to expect an answer and a
link to the case's status page; the page (Chromium, JavaScript off) shows the
public thread and never an internal note; the agent makes a new link from the
ticket and turns off the ones sent, which then open a page saying so."""

import email
import re
import uuid
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import RunningStack, eventually
from tests.e2e.test_console import AGENT, browser, signed_in
from tests.e2e.test_console_files import find_ticket, open_ticket
from tests.e2e.test_email_channel import outbox, send

pytestmark = pytest.mark.e2e
__all__ = ["browser"]
LINK = re.compile(r"https?://\S+/api/public/status/\S+")


def _acknowledgment(stack: RunningStack, customer: str) -> str | None:
    for entry in outbox(stack):
        if customer in entry["raw"]:
            body = email.message_from_string(entry["raw"], policy=policy.default).get_body(("plain",))
            return str(body.get_content()) if body is not None else None
    return None


def test_the_customer_follows_the_case_without_an_account_and_never_sees_a_note(
    browser: Any, stack: RunningStack
) -> None:
    # Given a customer's mail
    tag = uuid.uuid4().hex[:6]
    customer, subject = f"lucia.{tag}@cliente.example", f"Mi router no conecta {tag}"
    message = EmailMessage(policy=policy.SMTP)
    message["From"], message["To"], message["Subject"] = f"Lucía Paz <{customer}>", "soporte@atiende.localhost", subject
    message.set_content("Desde ayer el router no conecta a internet.")
    send(stack, message)

    # Then the acknowledgment says the number, by when, and links the status page
    text = eventually(lambda: _acknowledgment(stack, customer))
    ticket = eventually(lambda: find_ticket(stack, subject, status="new,open"))
    assert f"#{ticket['number']}" in text
    assert re.search(r"Te responderemos .*\d{1,2}:\d{2} \(hora de Guatemala\)\.", text), text
    (link,) = LINK.findall(text)

    # When an agent notes something internal and answers
    stack.api("POST", f"/api/tickets/{ticket['id']}/notes", json={"body": f"nota interna {tag}"}).raise_for_status()
    reply = {"body": f"Hola Lucía, ¿ya reiniciaste el router? {tag}", "status": "pending"}
    stack.api("POST", f"/api/tickets/{ticket['id']}/replies", json=reply).raise_for_status()

    # Then the page, without JavaScript, shows the thread and the next step, never the note
    context = browser.new_context(java_script_enabled=False, locale="es-GT")
    page = context.new_page()
    page.goto(link)
    expect(page.locator("body")).to_contain_text("Desde ayer el router no conecta a internet.")
    expect(page.locator("body")).to_contain_text(f"¿ya reiniciaste el router? {tag}")
    expect(page.locator(".status")).to_have_text("Esperando tu respuesta")
    assert f"nota interna {tag}" not in page.content()

    # When the agent makes a new link from the ticket and then turns off every link sent
    console = signed_in(browser, stack, AGENT)
    open_ticket(console, stack, ticket["id"])
    section = console.locator("section.status-link")
    section.get_by_role("button", name="Crear enlace para compartir").click()
    expect(section.locator("input")).to_have_value(re.compile(r"/api/public/status/"))
    section.get_by_role("button", name="Desactivar todos los enlaces enviados").click()
    expect(section).to_contain_text("ya no abren la página")

    # Then the customer's link opens a page that says so, in Spanish and English
    answer = page.goto(link)
    assert answer is not None and answer.status == 410
    expect(page.locator("body")).to_contain_text("Este enlace fue desactivado")
    expect(page.locator("body")).to_contain_text("This link was turned off")
    # and a link changed by one character is not ours
    answer = page.goto(link[:-1] + ("A" if link[-1] != "A" else "B"))
    assert answer is not None and answer.status == 401
    assert console.errors == []
    context.close()
