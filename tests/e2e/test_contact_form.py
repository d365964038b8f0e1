"""The help center's contact form in Debian's Chromium against the local stack,
with the help center's own security headers (no CSP bypass): as a person types
the subject, public articles are suggested under it; she attaches a small
picture and sends; the agent opens the ticket and sees the picture on its
first message like any customer's file. Without JavaScript the form is the
same and sends the same way."""

import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import RunningStack, eventually
from tests.e2e.test_console import ADMIN, browser, signed_in
from tests.e2e.test_console_files import PNG, find_ticket, open_ticket

pytestmark = pytest.mark.e2e
__all__ = ["browser"]

SUBJECT = "Me cobraron dos veces la tarjeta"


def _fill(page: Any, subject: str) -> None:
    page.get_by_label("Tu nombre").fill("Rosa Méndez")
    page.get_by_label("Tu correo o número de WhatsApp (con código de país)").fill("rosa.mendez@example.com")
    page.get_by_label("Asunto", exact=True).press_sequentially(subject, delay=30)
    page.get_by_label("Tu mensaje").fill("En el estado de cuenta aparece el mismo cobro dos veces.")


def test_a_person_sees_suggestions_attaches_a_picture_and_the_agent_sees_it(browser: Any, stack: RunningStack) -> None:
    person = browser.new_context().new_page()
    errors: list[str] = []
    person.on("pageerror", lambda error: errors.append(str(error)))
    person.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    person.goto(f"{stack.base}/ayuda/contacto")
    _fill(person, SUBJECT)
    suggested = person.locator("#suggestions")
    expect(suggested).to_have_attribute("aria-live", "polite")
    expect(suggested).to_contain_text("¿Esto responde tu pregunta?")
    first = suggested.get_by_role("link").first
    expect(first).to_have_attribute("href", "/ayuda/articulos/cobro-doble")
    person.get_by_label(re.compile("Adjunta una imagen o un PDF")).set_input_files(
        {"name": "estado-de-cuenta.png", "mimeType": "image/png", "buffer": PNG}
    )
    stack.move_clock_to(stack.now() + timedelta(seconds=5))  # people take seconds to fill a form
    person.get_by_role("button", name="Enviar").click()
    expect(person.locator("h1")).to_have_text("Recibimos tu mensaje")
    assert errors == []  # the script ran within the help center's CSP

    ticket = eventually(lambda: find_ticket(stack, SUBJECT, ADMIN))
    assert ticket["channel"] == "web_form"
    agent = signed_in(browser, stack, ADMIN)
    open_ticket(agent, stack, ticket["id"])
    message = agent.locator("li.message-inbound", has_text="el mismo cobro dos veces")
    (files := message.locator("ul.attachments li.attachment")).first.wait_for()
    assert files.count() == 1
    assert "estado-de-cuenta.png" in files.first.inner_text() and "image/png" in files.first.inner_text()
    preview = message.get_by_role("img", name="estado-de-cuenta.png")
    preview.wait_for()
    agent.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=preview.element_handle())
    assert agent.errors == []


def test_without_javascript_the_form_sends_and_suggests_nothing(browser: Any, stack: RunningStack) -> None:
    person = browser.new_context(java_script_enabled=False).new_page()
    person.goto(f"{stack.base}/help/contact")
    person.get_by_label("Your name").fill("Rose Mendez")
    person.get_by_label("Your e-mail or WhatsApp number (with country code)").fill("rose.mendez@example.com")
    person.get_by_label("Subject", exact=True).fill("Charged twice on my card")
    person.get_by_label("Your message").fill("The same charge shows twice.")
    expect(person.locator("#suggestions")).to_be_empty()
    stack.move_clock_to(stack.now() + timedelta(seconds=5))
    person.get_by_role("button", name="Send").click()
    expect(person.locator("h1")).to_have_text("We received your message")
    assert eventually(lambda: find_ticket(stack, "Charged twice on my card", ADMIN))["channel"] == "web_form"
