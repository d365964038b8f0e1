"""What an agent reads of a customer's mail in the console (Chromium driven by
Playwright, against the local stack): a Gmail-style HTML reply shows only the new
text, and "Mostrar texto citado" (a button with aria-expanded) reveals the quoted
history; a customer's forward shows the forwarded receipt with its header
lines. The mails are cases of the Spanish evaluation set (bench/spanish_mail.py)."""

import smtplib
from dataclasses import replace
from email import message_from_bytes, policy
from typing import Any

import pytest

from bench.spanish_mail import load_cases, mime
from tests.e2e.conftest import RunningStack, eventually
from tests.e2e.test_console import AGENT, SUPERVISOR, browser, shoot, signed_in
from tests.e2e.test_console_accessibility import WithoutCsp, axe_violations

pytestmark = pytest.mark.e2e
__all__ = ["browser"]  # the module-scoped Chromium fixture, found by pytest here


def _send_case(stack: RunningStack, name: str, subject: str, as_agent: str = AGENT) -> dict[str, Any]:
    case = replace(next(c for c in load_cases() if c.name == name), subject=subject)
    mail = message_from_bytes(mime(case), policy=policy.SMTP)
    mail.replace_header("To", "soporte@atiende.localhost")  # the local stack's inbox
    with smtplib.SMTP("127.0.0.1", stack.smtp_port, timeout=10) as smtp:
        smtp.send_message(mail)

    def ticket() -> dict[str, Any] | None:
        tickets = stack.api("GET", "/api/tickets", as_agent=as_agent, params={"limit": 100}).json()["tickets"]
        return next((t for t in tickets if t["subject"] == subject), None)

    return eventually(ticket)


def test_a_gmail_reply_shows_the_new_text_and_the_quote_on_demand(browser: Any, stack: RunningStack) -> None:
    ticket = _send_case(stack, "gmail_web_pedido", "Re: Pedido 4821, número confirmado")
    page = signed_in(WithoutCsp(browser), stack, AGENT)
    page.goto(f"{stack.base}/#/tickets/{ticket['id']}")
    message = page.locator("li.message-inbound", has_text="el número de pedido es 4821")
    message.wait_for()
    body = message.locator(".body")
    assert "Lo hice el sábado desde la app." in body.inner_text()
    assert "¿Nos confirmas el número de pedido" not in body.inner_text()
    assert "escribió" not in body.inner_text()

    toggle = message.get_by_role("button", name="Mostrar texto citado")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    shown = message.get_by_role("button", name="Ocultar texto citado")
    assert shown.get_attribute("aria-expanded") == "true"
    assert "¿Nos confirmas el número de pedido" in body.inner_text()
    assert "escribió" in body.inner_text() and "4821" in body.inner_text()
    shoot(page, "mail-quoted-text-shown")
    found = axe_violations(page)
    assert not found, "axe found:\n" + found

    shown.click()
    assert "¿Nos confirmas el número de pedido" not in body.inner_text()
    assert page.errors == []


def test_a_customers_forward_shows_the_forwarded_receipt(browser: Any, stack: RunningStack) -> None:
    # "el comprobante del pago": the demo's rules send it to Facturación, the supervisor's group
    ticket = _send_case(
        stack, "gmail_web_reenvio_comprobante", "Fwd: Comprobante de transferencia TRX-88123", SUPERVISOR
    )
    page = signed_in(browser, stack, SUPERVISOR)
    page.goto(f"{stack.base}/#/tickets/{ticket['id']}")
    message = page.locator("li.message-inbound", has_text="Les reenvío el comprobante")
    message.wait_for()
    text = message.locator(".body").inner_text()
    assert "Forwarded message" in text and "Banco Central de Pagos" in text
    assert "Referencia: TRX-88123-GT" in text and "Monto: Q 1,250.00" in text
    assert message.get_by_role("button", name="Mostrar texto citado").count() == 0
    shoot(page, "mail-forward-shown")
    assert page.errors == []
