"""An identity check in the console (``helpdesk.verification``): the agent sends a
one-time code to the customer's WhatsApp number from the ticket, the customer
types it back through the sandbox, and the ticket says who verified how; the
code shows nowhere in the console."""

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import RunningStack, eventually
from tests.e2e.test_console import AGENT, browser, signed_in
from tests.e2e.test_console_files import find_ticket, open_ticket, outbox

pytestmark = pytest.mark.e2e
__all__ = ["browser"]  # the module's browser fixture
NUMBER, SUBJECT = "+50766111222", "Quiero cambiar el titular de mi cuenta"


def _code_sent(stack: RunningStack) -> str | None:
    sent = [m["raw"] for m in outbox(stack) if m["channel"] == "whatsapp" and "verificación" in m["raw"]]
    found = re.search(r"\b(\d{6})\b", sent[-1]) if sent else None
    return found.group(1) if found else None


def test_agent_sends_a_code_and_the_customers_answer_verifies_them(browser: Any, stack: RunningStack) -> None:
    assert stack.cli("wa", "send", "--from", NUMBER, "--name", "Marta Ríos", SUBJECT).returncode == 0
    ticket = eventually(lambda: find_ticket(stack, SUBJECT))
    page = signed_in(browser, stack, AGENT)
    open_ticket(page, stack, ticket["id"])
    section = page.locator("section.identity")
    expect(section).to_contain_text("Sin verificar")

    section.get_by_role("button", name="Enviar código por WhatsApp").click()

    expect(section).to_contain_text("Código enviado a •••1222 por WhatsApp")
    code = eventually(lambda: _code_sent(stack))
    assert code not in page.locator("main.ticket").inner_text()  # the thread shows the mask only
    assert stack.cli("wa", "send", "--from", NUMBER, "--name", "Marta Ríos", f"es {code}").returncode == 0
    expect(section).to_contain_text("Identidad verificada por WhatsApp (•••1222)", timeout=30_000)
    expect(page.locator("ol.events")).to_contain_text("verificó su identidad")
    assert page.errors == []
