"""Files, WhatsApp templates and mentions in the agent console (Chromium driven
by Playwright, against the local stack): an e-mail's picture shows as a preview
and its PDF and original e-mail download; an agent attaches a file to an e-mail
reply and the mail sent carries it; outside WhatsApp's 24-hour window the reply
box offers the approved templates with a preview filled in as the agent types;
a note mentions a teammate through the "@" list and notifies her. Screenshots go
to tests/e2e/artifacts/; axe checks the pages with the template picker and the
mention list open."""

import email
import hashlib
import hmac
import json
import re
import smtplib
import struct
import time
import zlib
from email import policy
from email.message import EmailMessage, Message
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.conftest import RunningStack, eventually
from tests.e2e.test_console import AGENT, SUPERVISOR, browser, shoot, signed_in
from tests.e2e.test_console_accessibility import WithoutCsp, axe_violations

pytestmark = pytest.mark.e2e
__all__ = ["browser"]  # the module-scoped Chromium fixture, found by pytest here
APP_SECRET = "atiende-local-app-secret"  # the local stack's documented default
MAIL_SUBJECT = "Paquete golpeado: foto y comprobante adjuntos"
CUSTOMER = "Valeria Ortiz <valeria.ortiz@cliente.example>"
WHATSAPP_NUMBER = "50499887766"
WHATSAPP_TEXT = "¿Ya salió mi pedido 5521? Escribí hace dos días"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
REPLY_PDF = b"%PDF-1.4\n% guia de envio 5521\ntrailer << >>\n%%EOF\n"


def tiny_png(width: int = 48, height: int = 32) -> bytes:
    """A valid RGB PNG: stripes of the console's green and white."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + (b"\x0b\x5c\x4a" if y % 8 < 4 else b"\xff\xff\xff") * width for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


PNG = tiny_png()


def outbox(stack: RunningStack) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = requests.get(stack.base + "/dev/outbox", timeout=5).json()["messages"]
    return messages


def find_ticket(stack: RunningStack, subject: str, as_agent: str = AGENT, **params: str) -> dict[str, Any] | None:
    tickets = stack.api("GET", "/api/tickets", as_agent=as_agent, params={"limit": 100, **params}).json()["tickets"]
    return next((t for t in tickets if t["subject"] == subject), None)


def _in_group(ticket: dict[str, Any] | None, group_id: str) -> dict[str, Any] | None:
    return ticket if ticket is not None and ticket.get("group_id") == group_id else None


def thread(stack: RunningStack, ticket_id: str, as_agent: str = AGENT) -> dict[str, Any]:
    found: dict[str, Any] = stack.api("GET", f"/api/tickets/{ticket_id}", as_agent=as_agent).json()
    return found


@pytest.fixture(scope="module")
def mail_ticket(stack: RunningStack) -> dict[str, Any]:
    """An e-mail ticket whose message carries a PNG picture and a PDF."""
    mail = EmailMessage(policy=policy.SMTP)
    mail["From"] = CUSTOMER
    mail["To"] = "soporte@atiende.localhost"
    mail["Subject"] = MAIL_SUBJECT
    mail.set_content("Hola, el paquete llegó golpeado. Adjunto una foto de la caja y la guía del envío.")
    mail.add_attachment(PNG, maintype="image", subtype="png", filename="foto-caja.png")
    mail.add_attachment(PDF, maintype="application", subtype="pdf", filename="comprobante.pdf")
    with smtplib.SMTP("127.0.0.1", stack.smtp_port, timeout=10) as smtp:
        smtp.send_message(mail)
    return eventually(lambda: find_ticket(stack, MAIL_SUBJECT))


def open_ticket(page: Any, stack: RunningStack, ticket_id: str) -> None:
    page.goto(f"{stack.base}/#/tickets/{ticket_id}")
    page.locator("ol.thread li.message").first.wait_for()


def test_agent_previews_and_downloads_a_messages_files(
    browser: Any, stack: RunningStack, mail_ticket: dict[str, Any]
) -> None:
    page = signed_in(WithoutCsp(browser), stack, AGENT)
    open_ticket(page, stack, mail_ticket["id"])
    message = page.locator("li.message-inbound", has_text="el paquete llegó golpeado")

    # Each file with its name, size and type; the picture as a preview from its bytes
    files = message.locator("ul.attachments li.attachment")
    assert files.count() == 2
    assert "foto-caja.png" in files.nth(0).inner_text() and "image/png" in files.nth(0).inner_text()
    assert f"{len(PNG)} B" in files.nth(0).inner_text(), files.nth(0).inner_text()
    assert "comprobante.pdf" in files.nth(1).inner_text() and "application/pdf" in files.nth(1).inner_text()
    preview = message.get_by_role("img", name="foto-caja.png")
    preview.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=preview.element_handle())
    size = preview.evaluate("img => [img.naturalWidth, img.naturalHeight, img.src.slice(0, 5)]")
    assert size == [48, 32, "blob:"], size
    assert files.nth(1).locator("img").count() == 0  # a PDF only downloads

    # Download: a short-lived link the browser saves, the console stays on the ticket
    with page.expect_download() as started:
        message.get_by_role("button", name="Descargar comprobante.pdf").click()
    saved = started.value
    assert saved.suggested_filename == "comprobante.pdf"
    assert Path(saved.path()).read_bytes() == PDF
    message.locator("p.file-notice", has_text="Descarga iniciada: comprobante.pdf.").wait_for()
    with page.expect_download() as started:
        message.get_by_role("button", name="Ver correo original").click()
    original = email.message_from_bytes(Path(started.value.path()).read_bytes(), policy=policy.default)
    assert original["Subject"] == MAIL_SUBJECT
    assert page.url.endswith(f"#/tickets/{mail_ticket['id']}"), page.url
    shoot(page, "message-attachments")
    found = axe_violations(page)
    assert not found, "axe found:\n" + found
    assert page.errors == []


def attached(raw: str, filename: str) -> Message | None:
    mail = email.message_from_string(raw, policy=policy.default)
    return next((part for part in mail.walk() if part.get_filename() == filename), None)


def test_agent_attaches_a_file_to_an_email_reply(
    browser: Any, stack: RunningStack, mail_ticket: dict[str, Any]
) -> None:
    page = signed_in(browser, stack, AGENT)
    open_ticket(page, stack, mail_ticket["id"])
    composer = page.locator("form.composer")
    chooser = composer.get_by_label("Adjuntar archivos")

    # Too large: said before uploading anything
    uploads: list[str] = []
    page.on("request", lambda r: uploads.append(r.url) if r.method == "POST" and "/attachments" in r.url else None)
    chooser.set_input_files(
        [{"name": "video-grande.mp4", "mimeType": "video/mp4", "buffer": b"\0" * (4 * 1024 * 1024 + 1)}]
    )
    composer.locator(".file-notice", has_text="«video-grande.mp4» pesa más de 4 MB").wait_for()
    assert uploads == [] and composer.locator("ul.uploads").count() == 0

    # While a file uploads, Send waits
    held: list[Any] = []

    def hold(route: Any) -> None:
        held.append(route)

    page.route("**/api/tickets/*/attachments", hold)
    chooser.set_input_files(
        [
            {"name": "guia-de-envio.pdf", "mimeType": "application/pdf", "buffer": REPLY_PDF},
            {"name": "borrador.txt", "mimeType": "text/plain", "buffer": b"no va"},
        ]
    )
    composer.locator("ul.uploads li", has_text="subiendo…").first.wait_for()
    composer.get_by_placeholder("Escribe tu respuesta…").fill(
        "Lamentamos lo ocurrido. Te adjuntamos la guía del reenvío."
    )
    send = composer.get_by_role("button", name="Enviar")
    assert send.is_disabled()
    eventually(lambda: len(held) == 2, seconds=10)
    for route in held:
        route.continue_()
    page.unroute("**/api/tickets/*/attachments")
    composer.locator("ul.uploads li", has_text="guia-de-envio.pdf").wait_for()
    page.wait_for_function("() => !document.querySelector('form.composer ul.uploads').textContent.includes('subiendo')")
    assert send.is_enabled()

    # A file removed before sending stays out of the reply
    composer.get_by_role("button", name="Quitar el archivo borrador.txt").click()
    assert composer.locator("ul.uploads li").count() == 1
    shoot(page, "composer-attachments")
    send.click()
    composer.locator("p.notice[role=status]", has_text="Respuesta en cola para enviarse.").wait_for()
    assert composer.locator("ul.uploads").count() == 0

    # The thread shows the reply with its file; the API and the mail sent carry it
    reply = page.locator("li.message-outbound", has_text="guía del reenvío")
    reply.locator("li.attachment", has_text="guia-de-envio.pdf").wait_for()
    with page.expect_download() as started:
        reply.get_by_role("button", name="Descargar guia-de-envio.pdf").click()
    assert Path(started.value.path()).read_bytes() == REPLY_PDF
    outbound = [m for m in thread(stack, mail_ticket["id"])["messages"] if "guía del reenvío" in m["text"]]
    assert [(a["filename"], a["content_type"], a["size"]) for a in outbound[0]["attachments"]] == [
        ("guia-de-envio.pdf", "application/pdf", len(REPLY_PDF))
    ]
    sent = eventually(lambda: next((m for m in outbox(stack) if attached(m["raw"], "guia-de-envio.pdf")), None))
    mail = email.message_from_string(sent["raw"], policy=policy.default)
    assert [a.addr_spec for a in mail["To"].addresses] == ["valeria.ortiz@cliente.example"]
    part = attached(sent["raw"], "guia-de-envio.pdf")
    assert part is not None and part.get_payload(decode=True) == REPLY_PDF
    assert attached(sent["raw"], "borrador.txt") is None
    assert page.errors == []


def customer_wrote_long_ago(stack: RunningStack, text: str, hours: int) -> None:
    """A signed WhatsApp webhook for a message sent ``hours`` ago by the stack's
    clock (it starts at a fixed instant: the wall clock would make the age
    depend on the time of day the test runs)."""
    sent_at = str(int(stack.now().timestamp()) - hours * 3600)
    wamid = f"wamid.E2E-FILES-{time.time_ns()}"
    message = {"from": WHATSAPP_NUMBER, "id": wamid, "timestamp": sent_at, "type": "text", "text": {"body": text}}
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "50255550000", "phone_number_id": "100000000000001"},
        "contacts": [{"profile": {"name": "Ernesto Lainez"}, "wa_id": WHATSAPP_NUMBER}],
        "messages": [message],
    }
    payload = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
    }
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature}
    assert requests.post(stack.base + "/webhooks/whatsapp", data=body, headers=headers, timeout=10).status_code == 200


def test_template_picker_outside_the_whatsapp_window(browser: Any, stack: RunningStack) -> None:
    customer_wrote_long_ago(stack, WHATSAPP_TEXT, hours=26)
    ticket = eventually(lambda: find_ticket(stack, WHATSAPP_TEXT, channel="whatsapp"))
    page = signed_in(WithoutCsp(browser), stack, AGENT)
    open_ticket(page, stack, ticket["id"])
    composer = page.locator("form.composer")
    composer.locator(".window-closed").wait_for()
    assert composer.locator("input[name=template]").count() == 0  # the catalog, not free inputs
    assert composer.locator("#composer-body").count() == 0  # only the template's text goes

    picker = composer.get_by_role("combobox", name=re.compile("^Plantilla"))
    picker.wait_for()
    labels = picker.locator("option").all_inner_texts()
    assert [label.strip() for label in labels] == [
        "Elige una plantilla aprobada…", "Seguimiento de tu solicitud (Español)", "Follow-up on your request (Inglés)",
    ], labels  # fmt: skip
    picker.select_option(label="Seguimiento de tu solicitud (Español)")
    preview = composer.locator(".template-preview p")
    send = composer.get_by_role("button", name="Enviar")
    assert preview.inner_text() == "Hola {{1}}, te escribimos por tu solicitud #{{2}}. ¿Podemos ayudarte en algo más?"
    assert send.is_disabled()

    # The preview fills in as the agent types each value
    composer.get_by_label("Valor de {{1}}").press_sequentially("Ernesto")
    assert preview.inner_text() == "Hola Ernesto, te escribimos por tu solicitud #{{2}}. ¿Podemos ayudarte en algo más?"
    assert send.is_disabled()
    composer.get_by_label("Valor de {{2}}").fill(str(ticket["number"]))
    filled = f"Hola Ernesto, te escribimos por tu solicitud #{ticket['number']}. ¿Podemos ayudarte en algo más?"
    assert preview.inner_text() == filled
    assert send.is_enabled()
    shoot(page, "template-picker")
    found = axe_violations(page)
    assert not found, "axe found:\n" + found

    send.click()
    composer.locator("p.notice[role=status]", has_text="Respuesta en cola para enviarse.").wait_for()
    page.locator("li.message-outbound", has_text=filled).wait_for()
    outbound = [m for m in thread(stack, ticket["id"])["messages"] if m["kind"] == "outbound"]
    assert [m["text"] for m in outbound] == [filled]
    template = next(n for n in outbound[0]["notices"] if n["key"] == "template")["params"]
    assert (template["name"], template["language"]) == ("seguimiento_ticket", "es")
    assert json.loads(template["parameters"]) == ["Ernesto", str(ticket["number"])]

    def sandbox_template() -> dict[str, Any] | None:
        for entry in outbox(stack):
            if entry["channel"] == "whatsapp" and entry["to"] == [WHATSAPP_NUMBER]:
                return dict(json.loads(entry["raw"]))
        return None

    sent = eventually(sandbox_template)
    assert sent["type"] == "template" and sent["template"]["name"] == "seguimiento_ticket"
    assert page.errors == []


def mentions_of(stack: RunningStack, email_address: str, ticket_id: str) -> list[dict[str, Any]]:
    found = stack.api("GET", "/api/notifications", as_agent=email_address).json()["notifications"]
    return [n for n in found if n["kind"] == "mentioned" and n["ticket_id"] == ticket_id]


def test_note_mentions_a_teammate_through_the_list(
    browser: Any, stack: RunningStack, mail_ticket: dict[str, Any]
) -> None:
    assert mentions_of(stack, SUPERVISOR, mail_ticket["id"]) == []
    supervisor_id = stack.api("GET", "/api/me", as_agent=SUPERVISOR).json()["agent_id"]
    page = signed_in(WithoutCsp(browser), stack, AGENT)
    open_ticket(page, stack, mail_ticket["id"])
    page.get_by_role("tab", name="Nota interna").click()
    box = page.get_by_placeholder("Nota solo para el equipo…")
    listbox = page.get_by_role("listbox", name="Agentes que puedes mencionar")

    # "@" alone offers nobody; "@a" the agents a name of whom starts so; arrows move, Escape closes
    box.click()
    box.press_sequentially("Revisen la foto del paquete @")
    assert listbox.count() == 0
    box.press_sequentially("a")
    listbox.wait_for()
    options = listbox.get_by_role("option")
    texts = options.all_inner_texts()
    assert {"Adriana Morales · Administrador(a)", "Andrés Pérez · Agente"} <= set(texts), texts
    assert "Sofía Castillo · Supervisor(a)" not in texts
    assert box.get_attribute("aria-activedescendant") == "mention-option-0"
    assert options.nth(0).get_attribute("aria-selected") == "true"
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "mention-option-1"
    assert options.nth(1).get_attribute("aria-selected") == "true"
    assert options.nth(0).get_attribute("aria-selected") == "false"
    box.press("ArrowUp")
    box.press("ArrowUp")  # from the first, round to the last
    assert box.get_attribute("aria-activedescendant") == f"mention-option-{len(texts) - 1}"
    box.press("Escape")
    assert listbox.count() == 0 and box.get_attribute("aria-activedescendant") is None
    assert page.url.endswith(f"#/tickets/{mail_ticket['id']}")  # Escape closed the list, not the ticket

    # Accents aside: "@sofi" finds Sofía; Enter puts her full name in the note
    box.press("Backspace")
    box.press("Backspace")
    box.press_sequentially("y @sofi")
    listbox.wait_for()
    assert options.all_inner_texts() == ["Sofía Castillo · Supervisor(a)"]
    shoot(page, "mention-picker")
    found = axe_violations(page)
    assert not found, "axe found:\n" + found
    box.press("Enter")
    assert listbox.count() == 0
    box.press_sequentially("por favor.")
    assert box.input_value() == "Revisen la foto del paquete y @Sofía Castillo por favor."

    sent: list[Any] = []
    page.on(
        "request", lambda r: sent.append(r.post_data_json) if r.method == "POST" and r.url.endswith("/notes") else None
    )
    page.get_by_role("button", name="Agregar nota").click()
    note = page.locator("li.message-note", has_text="@Sofía Castillo por favor")
    note.wait_for()
    note.locator(".mentioned", has_text="Menciona a: Sofía Castillo").wait_for()
    assert sent == [{"body": "Revisen la foto del paquete y @Sofía Castillo por favor.", "mentions": [supervisor_id]}]
    (mention,) = eventually(lambda: mentions_of(stack, SUPERVISOR, mail_ticket["id"]))
    assert mention["actor"]["name"] == "Andrés Pérez"
    assert page.errors == []


def test_a_mention_whose_name_was_deleted_notifies_nobody(
    browser: Any, stack: RunningStack, mail_ticket: dict[str, Any]
) -> None:
    page = signed_in(browser, stack, AGENT)
    open_ticket(page, stack, mail_ticket["id"])
    page.get_by_role("tab", name="Nota interna").click()
    box = page.get_by_placeholder("Nota solo para el equipo…")
    box.click()
    box.press_sequentially("Pregunta a @Adri")
    page.get_by_role("option", name=re.compile("^Adriana Morales")).click()  # the mouse picks too
    assert box.input_value() == "Pregunta a @Adriana Morales "
    box.fill("Mejor lo resuelvo yo.")
    sent: list[Any] = []
    page.on(
        "request", lambda r: sent.append(r.post_data_json) if r.method == "POST" and r.url.endswith("/notes") else None
    )
    page.get_by_role("button", name="Agregar nota").click()
    page.locator("li.message-note", has_text="Mejor lo resuelvo yo.").wait_for()
    assert sent == [{"body": "Mejor lo resuelvo yo."}]
    assert page.errors == []


def test_the_mention_list_offers_only_agents_who_can_open_the_ticket(browser: Any, stack: RunningStack) -> None:
    subject = "Cobro doble en la factura de marzo (adjuntos)"
    mail = EmailMessage(policy=policy.SMTP)
    mail["From"] = "Julián Pineda <julian.pineda@cliente.example>"
    mail["To"] = "soporte@atiende.localhost"
    mail["Subject"] = subject
    mail.set_content("Me cobraron dos veces la factura de marzo.")
    with smtplib.SMTP("127.0.0.1", stack.smtp_port, timeout=10) as smtp:
        smtp.send_message(mail)
    # The demo's rules give it to Facturación (the supervisor's group, not Andrés's)
    # (the rules run after the ticket is filed: wait for the move, not for the ticket)
    ticket = eventually(lambda: _in_group(find_ticket(stack, subject, as_agent=SUPERVISOR), "facturacion"))

    page = signed_in(browser, stack, SUPERVISOR)
    open_ticket(page, stack, ticket["id"])
    page.get_by_role("tab", name="Nota interna").click()
    box = page.get_by_placeholder("Nota solo para el equipo…")
    box.click()
    box.press_sequentially("Consultar con @a")
    listbox = page.get_by_role("listbox", name="Agentes que puedes mencionar")
    listbox.wait_for()
    # Andrés Pérez works only "Soporte general": he could not open this billing ticket
    texts = listbox.get_by_role("option").all_inner_texts()
    assert "Adriana Morales · Administrador(a)" in texts and not any(t.startswith("Andrés") for t in texts), texts
    assert page.errors == []
