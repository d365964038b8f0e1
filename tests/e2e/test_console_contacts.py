"""The ticket page's contact section in Debian's Chromium against the local
stack: an agent edits a contact (and is told when an identity belongs to
someone else), a supervisor merges a duplicate contact found by phone, an agent
merges two tickets of one contact, an admin exports and erases a contact's
personal data, and every agent sets themself available or away. The contact
form passes axe (WCAG 2.1 A/AA). Screenshots go to tests/e2e/artifacts/.

The stack is shared by the whole session, so every test invents its own
customers (phone numbers, e-mails, names) and leaves the demo data alone."""

import json
import re
import secrets
import smtplib
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import RunningStack, eventually
from tests.e2e.test_console import ADMIN, AGENT, LIVE_WAIT_MS, SUPERVISOR, browser, shoot, signed_in
from tests.e2e.test_console_accessibility import WithoutCsp, axe_violations

pytestmark = pytest.mark.e2e
__all__ = ["browser"]  # the module-scoped Chromium fixture, found by pytest here


def unique() -> str:
    return secrets.token_hex(4)


def new_phone() -> str:
    return f"+5037{secrets.randbelow(10**7):07d}"


def tickets_of(stack: RunningStack, query: str) -> list[dict[str, Any]]:
    answer = stack.api("GET", "/api/search", as_agent=ADMIN, params={"q": query})
    assert answer.status_code == 200, answer.text
    return list(answer.json()["tickets"])


def whatsapp_ticket(stack: RunningStack, phone: str, name: str, text: str) -> dict[str, Any]:
    """The ticket a new customer's first WhatsApp message opens."""
    sent = stack.cli("wa", "send", "--from", phone, "--name", name, text)
    assert sent.returncode == 0, sent.stderr
    return eventually(lambda: next((t for t in tickets_of(stack, phone) if t["subject"] == text), None), 15)


def email_ticket(stack: RunningStack, address: str, name: str, subject: str, body: str) -> dict[str, Any]:
    mail = EmailMessage(policy=policy.SMTP)
    mail["From"] = f"{name} <{address}>"
    mail["To"] = "soporte@atiende.localhost"
    mail["Subject"] = subject
    mail.set_content(body)
    with smtplib.SMTP("127.0.0.1", stack.smtp_port, timeout=10) as smtp:
        smtp.send_message(mail)
    return eventually(lambda: next((t for t in tickets_of(stack, address) if t["subject"] == subject), None), 15)


def contact_of(stack: RunningStack, contact_id: str) -> dict[str, Any]:
    answer = stack.api("GET", f"/api/contacts/{contact_id}", as_agent=ADMIN)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def open_ticket(page: Any, stack: RunningStack, ticket_id: str) -> None:
    page.goto(f"{stack.base}/#/tickets/{ticket_id}")
    page.locator("ol.thread li.message").first.wait_for()
    page.locator("ul.past, .side p.muted").first.wait_for()


def contact_section(page: Any) -> Any:
    return page.locator("section.contact")


def test_agent_edits_a_contact_and_adds_an_email(browser: Any, stack: RunningStack) -> None:
    tag = unique()
    phone, email = new_phone(), f"marta.{tag}@cliente.example"
    ticket = whatsapp_ticket(stack, phone, f"Marta {tag}", f"Consulta de garantía {tag}")
    page = signed_in(WithoutCsp(browser), stack, AGENT)
    open_ticket(page, stack, ticket["id"])
    section = contact_section(page)
    expect(section.locator(".contact-name")).to_have_text(f"Marta {tag}")
    # Merging contacts and personal data are for supervisors and admins
    expect(section.get_by_role("button", name="Fusionar contacto duplicado")).to_have_count(0)
    expect(section.get_by_role("button", name="Exportar datos")).to_have_count(0)

    section.get_by_role("button", name="Editar contacto").click()
    form = section.locator("form.contact-form")
    expect(form.get_by_label("Nombre")).to_be_focused()
    expect(form.get_by_label("Nombre")).to_have_value(f"Marta {tag}")
    form.get_by_label("Nombre").fill(f"Marta Lemus {tag}")
    form.get_by_label("País").fill("gt")
    form.get_by_label("Idioma").select_option("en")
    form.get_by_label("Nivel").fill("oro")
    form.get_by_label("Tipo de dato").select_option("email")
    form.get_by_label("Dato nuevo").fill(email.upper())
    form.get_by_role("button", name="Agregar dato").click()
    expect(form.locator("ul.identities li", has_text=email.upper())).to_contain_text("(nuevo)")
    expect(form.get_by_label("Dato nuevo")).to_have_value("")
    expect(form.get_by_role("button", name=f"Quitar {email.upper()}")).to_be_visible()
    found = axe_violations(page)
    assert not found, "axe found:\n" + found
    shoot(page, "contact-edit")

    form.get_by_role("button", name="Guardar contacto").click()
    expect(section.locator("p.notice[role=status]").first).to_have_text("Contacto guardado.")
    expect(form).to_have_count(0)
    expect(section.get_by_role("button", name="Editar contacto")).to_be_focused()
    expect(section.locator(".contact-name")).to_have_text(f"Marta Lemus {tag}")  # the thread read again
    expect(section.locator("ul.contact-identities")).to_contain_text(f"Correo: {email}")
    expect(section).to_contain_text("País: GT")
    expect(section).to_contain_text("Nivel: oro")
    contact = contact_of(stack, ticket["contact_id"])["contact"]
    assert (contact["name"], contact["country"], contact["language"], contact["tier"]) == (
        f"Marta Lemus {tag}", "GT", "en", "oro",
    )  # fmt: skip
    assert {"kind": "email", "value": email} in contact["identities"]
    assert any(i["kind"] == "whatsapp" for i in contact["identities"])

    # The e-mail now finds the customer's ticket (once the stream has re-indexed it)
    eventually(lambda: ticket["id"] in [t["id"] for t in tickets_of(stack, email)], 15)
    # The history says who changed the contact's tickets in words (nothing here yet)
    expect(page.locator("ol.events li").first).to_contain_text("creó el ticket")
    assert page.errors == []


def test_an_identity_another_contact_holds_is_refused(browser: Any, stack: RunningStack) -> None:
    tag = unique()
    phone, other_phone = new_phone(), new_phone()
    ticket = whatsapp_ticket(stack, phone, f"Hugo {tag}", f"¿Tienen repuestos? {tag}")
    whatsapp_ticket(stack, other_phone, f"Hugo M. {tag}", f"Repuestos para licuadora {tag}")
    page = signed_in(browser, stack, AGENT)
    open_ticket(page, stack, ticket["id"])
    section = contact_section(page)
    section.get_by_role("button", name="Editar contacto").click()
    form = section.locator("form.contact-form")
    form.get_by_label("Tipo de dato").select_option("whatsapp")
    form.get_by_label("Dato nuevo").fill(other_phone)
    form.get_by_role("button", name="Guardar contacto").click()  # a way typed, not yet added, is added too
    alert = form.get_by_role("alert")
    expect(alert).to_have_text(
        "Ese dato ya pertenece a otro contacto. "
        "Si es la misma persona, pide a un(a) supervisor(a) que fusione los dos contactos."
    )
    expect(form).to_be_visible()  # the draft stays for a correction
    expect(form.get_by_label("Dato nuevo")).to_have_value(other_phone)

    # The last way to reach a contact cannot go (a WhatsApp customer has their number twice: WhatsApp and phone)
    form.get_by_label("Dato nuevo").fill("")
    expect(form.locator("ul.identities li")).to_have_count(2)
    for _ in range(2):
        form.locator("ul.identities button.remove").first.click()
        expect(form.get_by_label("Dato nuevo")).to_be_focused()
    expect(form.locator("ul.identities")).to_have_count(0)
    expect(form).to_contain_text("Sin datos de contacto.")
    form.get_by_role("button", name="Guardar contacto").click()
    expect(alert).to_have_text("El contacto debe conservar al menos un dato de contacto.")
    form.get_by_role("button", name="Cancelar").click()
    expect(section.get_by_role("button", name="Editar contacto")).to_be_focused()
    identities = contact_of(stack, ticket["contact_id"])["contact"]["identities"]
    assert sorted(i["kind"] for i in identities) == ["phone", "whatsapp"], identities
    assert page.errors == []


def test_supervisor_merges_a_duplicate_contact_found_by_phone(browser: Any, stack: RunningStack) -> None:
    tag = unique()
    phone, duplicate_phone = new_phone(), new_phone()
    name, duplicate_name = f"Julio Alvarado {tag}", f"Julio A. {tag}"
    ticket = whatsapp_ticket(stack, phone, name, f"Mi factura no llegó {tag}")
    duplicate = whatsapp_ticket(stack, duplicate_phone, duplicate_name, f"Sigo esperando la factura {tag}")
    page = signed_in(browser, stack, SUPERVISOR)
    open_ticket(page, stack, ticket["id"])
    section = contact_section(page)
    expect(section.locator("ul.past a", has_text=f"#{duplicate['number']}")).to_have_count(0)

    toggle = section.get_by_role("button", name="Fusionar contacto duplicado")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    search = section.get_by_label("Correo o teléfono del duplicado")
    expect(search).to_be_focused()
    search.fill(duplicate_phone)
    section.get_by_role("button", name="Buscar", exact=True).click()
    expect(section.locator(".merge-panel [role=status]")).to_have_text("Contactos encontrados: 1.")
    candidate = section.locator("ul.candidates li")
    expect(candidate).to_have_count(1)
    expect(candidate).to_contain_text(duplicate_name)
    expect(candidate).to_contain_text("tickets: 1")
    candidate.get_by_role("button", name=f"Fusionar {duplicate_name}").click()
    confirm = candidate.get_by_role("group")
    expect(confirm).to_contain_text(f"¿Fusionar «{duplicate_name}» en «{name}»?")
    expect(confirm.get_by_role("button", name="Cancelar")).to_be_focused()
    shoot(page, "contact-merge")
    confirm.get_by_role("button", name=f"Fusionar {duplicate_name} en {name}").click()

    expect(section.locator("p.notice[role=status]").first).to_have_text(f"Se fusionó «{duplicate_name}» en «{name}».")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    past = section.locator("ul.past a", has_text=f"#{duplicate['number']} Sigo esperando la factura {tag}")
    expect(past).to_have_count(1)
    expect(section.locator("ul.contact-identities")).to_contain_text(duplicate_phone.removeprefix("+"))
    # The duplicate's id now answers with the surviving contact, who holds its ticket
    merged = contact_of(stack, duplicate["contact_id"])
    assert merged["contact"]["id"] == ticket["contact_id"]
    assert duplicate["id"] in [t["id"] for t in merged["tickets"]]

    # Its ticket's history says it moved to another contact
    past.click()
    page.get_by_role("heading", name=f"Sigo esperando la factura {tag}").wait_for()
    expect(page.locator("ol.events")).to_contain_text("contacto → otro contacto (fusión)")
    assert page.errors == []


def test_agent_merges_two_tickets_of_one_contact(browser: Any, stack: RunningStack) -> None:
    tag = unique()
    phone, email, name = new_phone(), f"elena.{tag}@cliente.example", f"Elena Ríos {tag}"
    target = whatsapp_ticket(stack, phone, name, f"Llegó dañado mi pedido {tag}")
    added = stack.api(
        "PATCH", f"/api/contacts/{target['contact_id']}", json={"add_identities": [{"kind": "email", "value": email}]}
    )
    assert added.status_code == 200, added.text
    source = email_ticket(stack, email, name, f"Fotos del pedido dañado {tag}", f"Les describo el daño {tag}.")
    assert source["contact_id"] == target["contact_id"]

    page = signed_in(browser, stack, AGENT)
    open_ticket(page, stack, target["id"])
    section = contact_section(page)
    other = section.locator(f"ul.past li[data-ticket='{source['id']}']")
    other.get_by_role("button", name=f"Fusionar aquí #{source['number']}").click()
    confirm = other.get_by_role("group")
    expect(confirm).to_contain_text(f"¿Fusionar #{source['number']} en este ticket (#{target['number']})?")
    expect(confirm.get_by_role("button", name="Cancelar")).to_be_focused()
    confirm.get_by_role("button", name="Cancelar").click()  # asks first, and nothing happens on "cancel"
    expect(other.get_by_role("button", name=f"Fusionar aquí #{source['number']}")).to_be_focused()
    other.get_by_role("button", name=f"Fusionar aquí #{source['number']}").click()
    other.get_by_role("button", name="Sí, fusionar").click()

    expect(section.locator("p.notice[role=status]").first).to_have_text(
        f"#{source['number']} se fusionó en este ticket."
    )
    thread = page.locator("ol.thread")
    expect(thread.locator("li.message", has_text=f"Llegó dañado mi pedido {tag}")).to_have_count(1)
    expect(thread.locator("li.message", has_text=f"Les describo el daño {tag}")).to_have_count(1)
    expect(other).to_contain_text("Cerrado")
    expect(other.get_by_role("button")).to_have_count(0)  # a closed ticket merges no more
    expect(page.locator("ol.events")).to_contain_text(f"fusionó #{source['number']}")
    assert stack.api("GET", f"/api/tickets/{source['id']}").json()["ticket"]["merged_into"] == target["id"]

    # The merged ticket: closed, no composer, a notice linking to where it went
    other.get_by_role("link").click()
    notice = page.locator(".merged-notice")
    expect(notice).to_have_text(f"Este ticket se fusionó en #{target['number']}.", timeout=LIVE_WAIT_MS)
    expect(page.locator(".meta .status-closed")).to_be_visible()
    expect(page.locator("form.composer")).to_have_count(0)
    expect(section.locator("p.notice[role=status]").first).to_have_text("")  # the other page's notice stayed there
    expect(section.locator("ul.past a", has_text=f"#{target['number']}")).to_be_visible()
    expect(section.locator("ul.past button")).to_have_count(0)  # a closed ticket takes no merge
    expect(page.locator("ol.events")).to_contain_text(f"se fusionó en #{target['number']}")
    expect(page.locator("ol.events")).to_contain_text("estado → Cerrado")
    shoot(page, "ticket-merged")
    notice.get_by_role("link", name=f"#{target['number']}").click()
    page.get_by_role("heading", name=f"Llegó dañado mi pedido {tag}").wait_for()
    assert page.url.endswith(f"#/tickets/{target['id']}"), page.url
    assert page.errors == []


def exports_in_place(page: Any, data: Any, ticket: dict[str, Any], name: str, text: str, folder: Path) -> None:
    """ "Exportar datos" downloads the contact's JSON as a file, in place (no new window)."""
    contact_id = ticket["contact_id"]
    with page.expect_download() as started:
        data.get_by_role("button", name="Exportar datos").click()
    download = started.value
    assert download.suggested_filename == f"contacto-{contact_id}.json"
    saved = folder / download.suggested_filename
    download.save_as(saved)
    exported = json.loads(saved.read_text(encoding="utf-8"))
    assert (exported["contact"]["id"], exported["contact"]["name"]) == (contact_id, name)
    assert [thread["ticket"]["id"] for thread in exported["tickets"]] == [ticket["id"]]
    assert text in [m["text"] for m in exported["tickets"][0]["messages"]]
    expect(data.locator("p.notice")).to_have_text(f"Se descargó contacto-{contact_id}.json.")
    assert len(page.context.pages) == 1


def test_admin_exports_and_erases_a_contact(browser: Any, stack: RunningStack, tmp_path: Path) -> None:
    tag = unique()
    phone, name, text = new_phone(), f"Ramiro Soto {tag}", f"Quiero que borren mis datos {tag}"
    ticket = whatsapp_ticket(stack, phone, name, text)
    contact_id = ticket["contact_id"]
    page = signed_in(WithoutCsp(browser), stack, ADMIN)
    open_ticket(page, stack, ticket["id"])
    section = contact_section(page)
    data = section.get_by_role("group", name="Datos personales")
    exports_in_place(page, data, ticket, name, text, tmp_path)

    # Erase: confirmed by typing the contact's id
    data.get_by_role("button", name="Borrar datos personales").click()
    form = data.locator("form.erase-form")
    confirm = form.get_by_label("Identificador del contacto")
    expect(confirm).to_be_focused()
    expect(form).to_contain_text(contact_id)
    confirm.fill("otro-contacto")
    form.get_by_role("button", name="Borrar para siempre").click()
    expect(data.get_by_role("alert")).to_have_text("El identificador no coincide con el de este contacto.")
    found = axe_violations(page)
    assert not found, "axe found:\n" + found
    confirm.fill(contact_id)
    form.get_by_role("button", name="Borrar para siempre").click()
    expect(data.locator("p.notice")).to_have_text(
        re.compile(r"^Datos borrados\. Tickets: 1 · mensajes: [1-9]\d* · archivos: \d+\.$")
    )
    expect(data.locator("p.notice")).to_be_focused()

    # The page read again: no name, no ways to reach them, empty message bodies
    expect(section.locator(".erased")).to_contain_text("Datos personales borrados el")
    expect(section.locator(".contact-name")).to_have_text("Sin nombre")
    expect(section.locator("ul.contact-identities li")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text(name)
    expect(page.locator("body")).not_to_contain_text(text)
    bodies = page.locator("ol.thread li.message .body")
    expect(bodies.first).to_have_text("")
    assert all(body.strip() == "" for body in bodies.all_inner_texts())
    expect(page.locator("ol.thread li.message-inbound header strong").first).to_have_text("Cliente")
    expect(page.locator("ol.events")).to_contain_text("datos personales borrados")
    expect(section.get_by_role("button", name="Borrar datos personales")).to_have_count(0)
    expect(section.get_by_role("button", name="Editar contacto")).to_have_count(0)
    shoot(page, "contact-erased")
    erased = contact_of(stack, contact_id)["contact"]
    assert (erased["name"], erased["identities"], bool(erased["erased_at"])) == ("", [], True)
    assert tickets_of(stack, phone) == []
    assert page.errors == []


def test_availability_switch_persists(browser: Any, stack: RunningStack) -> None:
    def available() -> bool:
        return bool(stack.api("GET", "/api/me").json()["available"])

    assert stack.api("PUT", "/api/me/availability", json={"available": True}).status_code == 200
    page = signed_in(browser, stack, AGENT)
    switch = page.get_by_role("switch", name="Disponible")
    try:
        expect(switch).to_be_checked()
        expect(switch).to_have_attribute("aria-describedby", "availability-hint")
        switch.uncheck()
        expect(page.locator(".availability-state")).to_have_text("Ausente")
        eventually(lambda: not available() or None, 10)

        # As the server kept it, after a reload too
        page.reload()
        expect(page.get_by_role("switch", name="Disponible")).not_to_be_checked()
        expect(page.locator(".availability-state")).to_have_text("Ausente")
        page.get_by_role("switch", name="Disponible").check()
        expect(page.locator(".availability-state")).to_have_text("")
        eventually(available, 10)
    finally:
        stack.api("PUT", "/api/me/availability", json={"available": True})
    assert page.errors == []


def test_history_names_fields_in_words(browser: Any, stack: RunningStack) -> None:
    tag = unique()
    key = f"garantia_{tag}"
    setup = stack.api("GET", "/api/ticket-fields", as_agent=ADMIN).json()  # added to, never replaced
    field = {"key": key, "label_es": f"Garantía {tag}", "label_en": f"Warranty {tag}", "kind": "text", "options": []}
    setup["custom_fields"].append(field | {"active": True})
    saved = stack.api("PUT", "/api/ticket-fields", as_agent=ADMIN, json=setup)
    assert saved.status_code == 200, saved.text
    ticket = whatsapp_ticket(stack, new_phone(), f"Iris {tag}", f"¿Cubre la garantía? {tag}")
    changed = stack.change_ticket(ticket["id"], status="open", custom_fields={key: "12 meses"})
    assert changed.status_code == 200, changed.text

    page = signed_in(browser, stack, AGENT)  # the field's labels come with the sign-in
    open_ticket(page, stack, ticket["id"])
    events = page.locator("ol.events")
    expect(events).to_contain_text("canal → WhatsApp")
    expect(events).to_contain_text(f"Andrés Pérez cambió: Garantía {tag} → 12 meses, estado → Abierto")
    page.get_by_label("Idioma").first.select_option("en")
    page.locator("ol.events").first.wait_for()
    open_ticket(page, stack, ticket["id"])
    expect(page.locator("ol.events")).to_contain_text(f"Andrés Pérez changed: Warranty {tag} → 12 meses, status → Open")
    assert page.errors == []
