"""The rules page edits the newer pieces: a time-based event with its hours in
business hours, "within business hours" and the address written to, a notice
to a group and a reply with its WhatsApp template; "Probar" lists what it
would send and sends nothing."""

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import RunningStack
from tests.e2e.test_console import ADMIN, browser, signed_in
from tests.e2e.test_console_admin import open_admin, outcome, unique

pytestmark = pytest.mark.e2e
__all__ = ["browser"]  # the module-scoped Chromium fixture, found by pytest here


def test_admin_saves_a_time_based_rule_that_notifies_and_replies(browser: Any, stack: RunningStack) -> None:
    tag = unique()
    rule_id, name = f"recordatorio-{tag}", f"Recordatorio {tag}"
    page = signed_in(browser, stack, ADMIN)
    open_admin(page, "rules", "Reglas")
    expect(page.locator("tr[data-rule='cerrar-pendientes-48h']")).to_contain_text("a las 48 h hábiles")

    # A rule 24 business hours after the customer's last message
    form = page.locator("form[aria-labelledby='rule-form-title']")
    form.get_by_label("Identificador").fill(rule_id)
    form.get_by_label("Nombre").fill(name)
    form.get_by_label("Cuándo").select_option("hours_since_customer_message")
    form.get_by_label("Horas", exact=True).fill("24")
    form.get_by_label("Contar solo horas hábiles (calendario del SLA del ticket)").check()
    # ... within business hours, on the sandbox's number
    form.get_by_role("button", name="Agregar condición").click()
    hours = form.locator("fieldset[data-condition='0']")
    hours.get_by_label("Dato").select_option("within_business_hours")
    hours.locator("select[name='condition-0-values']").select_option("true")
    form.get_by_role("button", name="Agregar condición").click()
    address = form.locator("fieldset[data-condition='1']")
    address.get_by_label("Dato").select_option("channel_address")
    address.get_by_label("Valores", exact=True).fill("soporte@atiende.localhost")
    # ... that tells Soporte general and writes to the customer
    notice = form.locator("fieldset[data-action='0']")
    notice.get_by_label("Acción").select_option("notify_group")
    notice.get_by_label("Valores", exact=True).fill("soporte-general")
    form.get_by_role("button", name="Agregar acción").click()
    reply = form.locator("fieldset[data-action='1']")
    reply.get_by_label("Acción").select_option("send_reply")
    reply.get_by_role("textbox", name="Texto").fill("Hola {{contact.first_name}}, ¿pudimos ayudarte?")
    reply.get_by_label("Plantilla de WhatsApp fuera de las 24 horas (nombre, opcional)").fill("seguimiento_ticket")
    reply.get_by_label("Parámetros de la plantilla").fill("{{contact.first_name}}, {{ticket.number}}")
    form.get_by_role("button", name="Guardar regla").click()
    expect(outcome(page)).to_have_text(f"Regla guardada: {name}.")

    # The API keeps what the page said
    saved = next(r for r in stack.api("GET", "/api/rules", as_agent=ADMIN).json()["rules"] if r["id"] == rule_id)
    assert (saved["event"], saved["hours"], saved["business_hours"]) == ("hours_since_customer_message", 24, True)
    assert [c["field"] for c in saved["conditions"]] == ["within_business_hours", "channel_address"]
    assert saved["actions"][1]["template"] == {
        "name": "seguimiento_ticket", "language": "es", "parameters": ["{{contact.first_name}}", "{{ticket.number}}"],
    }  # fmt: skip
    row = page.locator(f"tr[data-rule='{rule_id}']")
    expect(row).to_contain_text("a las 24 h hábiles")
    expect(row).to_contain_text("Responder al cliente")

    # Editing shows it back; testing changes and sends nothing
    row.get_by_role("button", name=f"Editar {name}").click()
    expect(form.get_by_label("Horas", exact=True)).to_have_value("24")
    expect(form.locator("fieldset[data-action='1']").get_by_role("textbox", name="Texto")).to_have_value(
        "Hola {{contact.first_name}}, ¿pudimos ayudarte?"
    )
    form.get_by_role("button", name="Cancelar").click()
    row.get_by_role("button", name=f"Probar {name}").click()
    expect(outcome(page)).to_have_text(f"Prueba de «{name}» lista: no se cambió nada.")

    # Clean up
    row.get_by_role("button", name=f"Eliminar {name}").click()
    expect(outcome(page)).to_have_text(f"Regla eliminada: {name}.")
    assert page.errors == []
