"""Administration in Chromium, the desk's setup: SLA calendars and policies with
their preview, set-aside mail made a ticket, WhatsApp templates, channels (an
address with its default group) and failed messages processed again."""

import json
import smtplib
from email import policy
from email.message import EmailMessage
from typing import Any

import boto3
import pytest
import requests
from playwright.sync_api import expect
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect
from websockets.typing import Origin

from local.stack import REGION, aws_environment
from tests.e2e.conftest import RunningStack, eventually
from tests.e2e.test_console import ADMIN, AGENT, browser, shoot, signed_in
from tests.e2e.test_console_admin import open_admin, outcome, refusal, unique

pytestmark = pytest.mark.e2e
__all__ = ["browser"]  # the module's browser fixture


def test_admin_changes_a_calendar_and_a_policy_and_sees_the_preview_move(browser: Any, stack: RunningStack) -> None:
    """The stack's clock: Monday 2026-12-07, 09:00 in Guatemala. An e-mail ticket's
    resolution (demo policy "correo": 50 business hours, Guatemala's office
    Monday to Friday 8-18 and Saturday 8-12) falls due on Saturday at 9:00."""
    saved = stack.api("GET", "/api/sla-setup", as_agent=ADMIN).json()
    page = signed_in(browser, stack, ADMIN)
    page.clock.set_fixed_time("2026-12-07T15:00:00Z")  # the preview's "now" is the page's
    open_admin(page, "sla", "SLA")
    resolution = page.locator(".sla-preview li[data-metric='resolution']")
    expect(resolution).to_have_attribute("data-due", "2026-12-12T09:00-06:00")
    assert "sábado" in resolution.inner_text()
    first = page.locator(".sla-preview li[data-metric='first_response']")
    expect(first).to_have_attribute("data-due", "2026-12-08T09:00-06:00")  # 24 h of calendar time
    try:
        # No more Saturday mornings: the last hour moves to Monday
        office = page.locator("fieldset[data-calendar='gt']")
        office.locator("tr[data-block='5']").get_by_role("button", name="Quitar").click()
        expect(resolution).to_have_attribute("data-due", "2026-12-14T09:00-06:00")
        # The e-mail policy promises resolution in 10 business hours
        email_policy = page.locator("fieldset[data-policy='correo']")
        email_policy.get_by_role("spinbutton", name="Minutos de Resolución").fill("600")
        expect(resolution).to_have_attribute("data-due", "2026-12-08T09:00-06:00")
        expect(first).to_have_attribute("data-due", "2026-12-08T09:00-06:00")
        # A WhatsApp ticket takes the WhatsApp policy (30 business minutes to answer)
        page.locator("select[name='preview_channel']").select_option("whatsapp")
        expect(first).to_have_attribute("data-due", "2026-12-07T09:30-06:00")

        page.get_by_role("button", name="Guardar SLA").click()
        expect(outcome(page)).to_have_text("Configuración de SLA guardada.")
        now = stack.api("GET", "/api/sla-setup", as_agent=ADMIN).json()
        office_hours = next(c for c in now["calendars"] if c["id"] == "gt")["blocks"]
        assert [b["weekday"] for b in office_hours] == [0, 1, 2, 3, 4]
        email = next(p for p in now["policies"] if p["id"] == "correo")
        assert next(t for t in email["targets"] if t["metric"] == "resolution")["minutes"] == 600
        audit = stack.api("GET", "/api/audit", as_agent=ADMIN).json()["entries"]
        assert any(e["action"] == "sla_setup.saved" for e in audit)
        assert page.errors == []
    finally:
        assert stack.api("PUT", "/api/sla-setup", as_agent=ADMIN, json=saved).status_code == 200


def test_a_broken_draft_is_explained_and_not_saved(browser: Any, stack: RunningStack) -> None:
    page = signed_in(browser, stack, ADMIN)
    open_admin(page, "sla", "SLA")
    page.locator("fieldset[data-calendar='gt']").get_by_label("Zona horaria").fill("America/Guatemal")
    expect(page.locator(".sla-preview [role=status] .error")).to_contain_text("unknown time zone")
    page.get_by_role("button", name="Guardar SLA").click()
    expect(refusal(page)).to_contain_text("La solicitud no es válida")
    setup = stack.api("GET", "/api/sla-setup", as_agent=ADMIN).json()
    assert next(c for c in setup["calendars"] if c["id"] == "gt")["time_zone"] == "America/Guatemala"


def test_a_mail_taken_for_an_auto_reply_is_made_a_ticket_once(browser: Any, stack: RunningStack) -> None:
    """A customer's client marks every mail Auto-Submitted: the desk sets it
    aside; the admin reads it in Administration and makes it a ticket, once."""
    subject = f"Urgente: cobro doble {unique()}"
    mail = EmailMessage(policy=policy.SMTP)
    mail["From"] = "Rosa Díaz <rosa.diaz@cliente.example>"
    mail["To"] = "soporte@atiende.localhost"
    mail["Subject"] = subject
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content("Me cobraron dos veces la mensualidad de noviembre.")
    mail.add_alternative("<p>Me cobraron <b>dos veces</b> la mensualidad.<script>alert(1)</script></p>", subtype="html")
    with smtplib.SMTP("127.0.0.1", stack.smtp_port, timeout=10) as smtp:
        smtp.send_message(mail)

    def set_aside() -> dict[str, Any] | None:
        entries = stack.api("GET", "/api/set-aside", as_agent=ADMIN).json()["entries"]
        return next((e for e in entries if e["subject"] == subject), None)

    entry = eventually(set_aside, seconds=20)
    assert entry["reason"] == "automatic_without_ticket"

    page = signed_in(browser, stack, ADMIN)
    page.get_by_role("link", name="Administración", exact=True).click()
    page.locator("nav[aria-label='Administración']").get_by_role("link", name="Correo apartado").click()
    row = page.locator(f"tr[data-entry='{entry['id']}']")
    expect(row).to_contain_text("Respuesta automática a nada")
    row.get_by_role("button", name="Leer").click()
    frame = page.frame_locator("iframe.mail-html")
    expect(frame.locator("b")).to_have_text("dos veces")
    assert page.locator("iframe.mail-html").get_attribute("sandbox") == ""
    page.get_by_role("button", name="Convertir en ticket").click()
    expect(page.locator(".aside-mail [role=status]")).to_have_text("Listo: ahora es un ticket.")
    page.locator(".aside-mail").get_by_role("link", name="Abrir el ticket").click()
    page.locator("li.message-inbound", has_text="Me cobraron dos veces").wait_for()

    # Again (another admin, a second click): the same ticket, no second one
    again = stack.api(
        "POST", f"/api/set-aside/{entry['id']}/ticket", as_agent=ADMIN, json={"received_at": entry["received_at"]}
    )
    filed = set_aside()
    assert filed is not None and filed["ticket_id"]
    assert again.status_code == 200 and again.json()["ticket_id"] == filed["ticket_id"]
    # Search finds it once the table's stream has indexed it; once, not twice
    found = eventually(
        lambda: stack.api("GET", "/api/search", as_agent=ADMIN, params={"q": subject}).json()["tickets"], 60
    )
    assert len(found) == 1
    assert page.errors == []


def test_admin_keeps_the_approved_whatsapp_templates(browser: Any, stack: RunningStack) -> None:
    name = f"seguimiento_{unique()}"
    page = signed_in(browser, stack, ADMIN)
    open_admin(page, "whatsapp", "Plantillas de WhatsApp")
    expect(page.get_by_text("con {{1}}, {{2}}")).to_be_visible()  # the hint shows Meta's placeholders as written
    page.get_by_label("Nombre en Meta").fill(name)
    page.get_by_label("Nombre para los agentes").fill("Seguimiento de pedido")
    page.get_by_label("Texto aprobado").fill("Hola {{2}}, tu pedido va en camino.")
    page.get_by_role("button", name="Guardar plantilla").click()
    expect(refusal(page)).to_contain_text("La solicitud no es válida")  # {{2}} without {{1}}: Meta numbers from 1

    page.get_by_label("Texto aprobado").fill("Hola {{1}}, tu pedido {{2}} va en camino.")
    page.get_by_role("button", name="Guardar plantilla").click()
    expect(outcome(page)).to_have_text("Plantilla guardada: Seguimiento de pedido.")
    row = page.locator(f"tr[data-template='{name}/es']")
    expect(row).to_contain_text("Hola {{1}}, tu pedido {{2}} va en camino.")
    saved = stack.api("GET", "/api/whatsapp-templates", as_agent=AGENT).json()["templates"]
    assert {"name": name, "language": "es", "label": "Seguimiento de pedido",
            "body": "Hola {{1}}, tu pedido {{2}} va en camino.", "category": "utility"} in saved  # fmt: skip
    # The identity codes' template keeps its category when another is saved: agents are never offered it
    code = next(t for t in saved if t["name"] == "codigo_verificacion" and t["language"] == "es")
    assert code["category"] == "authentication"

    row.get_by_role("button", name="Quitar").click()
    expect(outcome(page)).to_have_text("Plantilla quitada: Seguimiento de pedido.")
    assert all(t["name"] != name for t in stack.api("GET", "/api/whatsapp-templates").json()["templates"])
    assert page.errors == []


def test_admin_adds_an_address_with_a_default_group_and_its_mail_lands_there(browser: Any, stack: RunningStack) -> None:
    tag = unique()
    address, name, subject = f"ventas.{tag}@atiende.localhost", f"Ventas {tag}", f"Consulta de precios {tag}"
    page = signed_in(browser, stack, ADMIN)
    open_admin(page, "channels", "Canales")
    expect(page.locator("tr[data-channel='email:soporte@atiende.localhost']")).to_contain_text("Soporte general")

    # A +tag is the desk's own: the server refuses it, and says why in Spanish
    form = page.locator("form[aria-labelledby='channel-form-title']")
    form.get_by_label("Tipo de canal").select_option("email")
    form.get_by_label("Dirección de correo").fill(f"ventas+{tag}@atiende.localhost")
    form.get_by_label("Nombre visible").fill(name)
    form.get_by_label("Grupo predeterminado").select_option(label="Facturación")
    form.get_by_label("Idioma predeterminado").select_option("en")
    form.get_by_role("button", name="Guardar canal").click()
    expect(refusal(page)).to_contain_text("la dirección no lleva «+etiqueta»")

    form.get_by_label("Dirección de correo").fill(address)
    form.get_by_role("button", name="Guardar canal").click()
    expect(outcome(page)).to_have_text(f"Canal guardado: {name}.")
    row = page.locator(f"tr[data-channel='email:{address}']")
    expect(row).to_contain_text("Facturación")
    expect(row).to_contain_text("Inglés")
    saved = stack.api("GET", "/api/channels", as_agent=ADMIN).json()
    assert {"address": address, "display_name": name, "default_group_id": "facturacion", "language": "en",
            "active": True} in saved["email"]  # fmt: skip
    shoot(page, "admin-channels")

    # A mail forwarded to the support address from the new one lands in its group, no billing word needed
    mail = EmailMessage(policy=policy.SMTP)
    mail["From"], mail["To"], mail["Subject"] = f"cliente.{tag}@cliente.example", address, subject
    mail.set_content("Hello, how much is shipping to Panama?")
    with smtplib.SMTP("127.0.0.1", stack.smtp_port, timeout=10) as smtp:
        smtp.send_message(mail, to_addrs=["soporte@atiende.localhost"])

    def filed() -> dict[str, Any] | None:
        found = stack.api("GET", "/api/search", as_agent=ADMIN, params={"q": subject}).json()["tickets"]
        return found[0] if found else None

    assert eventually(filed, seconds=60)["group_id"] == "facturacion"

    # Another admin saves meanwhile: this page's save is refused, and the list reloaded
    other = {"address": f"otro.{tag}@atiende.localhost", "display_name": f"Otro {tag}"}
    current = stack.api("GET", "/api/channels", as_agent=ADMIN).json()
    meanwhile = stack.api("PUT", "/api/channels", as_agent=ADMIN, json={**current, "email": [*current["email"], other]})
    assert meanwhile.status_code == 200, meanwhile.text
    row.get_by_role("button", name=f"Desactivar {name}").click()
    expect(refusal(page)).to_contain_text("Alguien más guardó esta configuración")
    expect(refusal(page)).to_contain_text("Se cargó la lista actual")
    other_row = page.locator(f"tr[data-channel='email:{other['address']}']")
    expect(other_row).to_contain_text(other["display_name"])

    # Deactivated (now from the version just loaded), then both removed: the demo's channels stay
    row.get_by_role("button", name=f"Desactivar {name}").click()
    expect(outcome(page)).to_have_text(f"Canal desactivado: {name}.")
    expect(row).to_contain_text("Desactivado")
    for gone, label in ((row, name), (other_row, other["display_name"])):
        gone.get_by_role("button", name=f"Quitar {label}").click()
        expect(outcome(page)).to_have_text(f"Canal quitado: {label}.")
        expect(gone).to_have_count(0)
    left = stack.api("GET", "/api/channels", as_agent=ADMIN).json()["email"]
    assert [e["address"] for e in left] == ["soporte@atiende.localhost"]
    assert page.errors == []


def test_admin_turns_the_assistant_on_for_whatsapp_and_off_again(browser: Any, stack: RunningStack) -> None:
    page = signed_in(browser, stack, ADMIN)
    open_admin(page, "channels", "Canales")
    answers_on = page.get_by_role("group", name="Responde primero en")
    expect(answers_on.get_by_label("Chat web")).to_be_checked()
    answers_on.get_by_label("WhatsApp").check()
    expect(outcome(page)).to_have_text("Asistente guardado.")
    assert stack.api("GET", "/api/channels", as_agent=ADMIN).json()["assistant"] == ["chat", "whatsapp"]
    answers_on.get_by_label("WhatsApp").uncheck()
    expect(answers_on.get_by_label("WhatsApp")).not_to_be_checked()
    assert eventually(lambda: stack.api("GET", "/api/channels", as_agent=ADMIN).json()["assistant"] == ["chat"] or None)
    assert page.errors == []


def test_admin_lists_a_chat_site_and_the_chat_takes_only_its_origins(browser: Any, stack: RunningStack) -> None:
    site = f"tienda-{unique()}".lower()[:40]
    page = signed_in(browser, stack, ADMIN)
    open_admin(page, "channels", "Canales")
    form = page.locator("form[aria-labelledby='channel-form-title']")
    form.get_by_label("Tipo de canal").select_option("chat")
    form.get_by_label("Sitio (el data-site del widget)").fill(site)
    form.get_by_label("Orígenes permitidos", exact=False).fill("https://tienda.example\nftp://mal")
    form.get_by_label("Nombre visible").fill("Tienda en línea")
    form.get_by_role("button", name="Guardar canal").click()
    expect(refusal(page)).to_contain_text("un origen es esquema y dominio")
    form.get_by_label("Orígenes permitidos", exact=False).fill("https://tienda.example\nhttps://*.tienda.example")
    form.get_by_role("button", name="Guardar canal").click()
    expect(outcome(page)).to_have_text("Canal guardado: Tienda en línea.")
    row = page.locator(f"tr[data-channel='chat:{site}']")
    expect(row).to_contain_text("https://tienda.example, https://*.tienda.example")
    try:

        def chat(origin: str, message_id: str) -> requests.Response:
            body = {"client_message_id": f"{site}-{message_id}"[:64], "text": "Hola, ¿hacen envíos?", "site": site}
            headers = {"Content-Type": "text/plain;charset=UTF-8", "Origin": origin}
            return requests.post(f"{stack.base}/public/chat/messages", data=json.dumps(body), headers=headers,
                                 timeout=30)  # fmt: skip

        assert chat("https://otra.example", "1").status_code == 403
        answer = chat("https://www.tienda.example", "2")
        assert answer.status_code == 200, answer.text
        # The local WebSocket hands the handshake's Origin to the handler, as API Gateway does
        live = f"ws://127.0.0.1:{stack.env['ATIENDE_LIVE_PORT']}/?visitor={answer.json()['visitor']}&site={site}"
        with pytest.raises(InvalidStatus) as refused:
            connect(live, origin=Origin("https://otra.example"), open_timeout=30).close()
        assert refused.value.response.status_code == 403
        connect(live, origin=Origin("https://www.tienda.example"), open_timeout=30).close()
        row.get_by_role("button", name="Quitar Tienda en línea").click()
        expect(outcome(page)).to_have_text("Canal quitado: Tienda en línea.")
        assert page.errors == []
    finally:  # the stack is shared: the demo page's chat must keep taking any origin
        current = stack.api("GET", "/api/channels", as_agent=ADMIN).json()
        if current["chat_sites"]:
            assert stack.api("PUT", "/api/channels", as_agent=ADMIN, json={**current, "chat_sites": []}).ok


def stack_aws(stack: RunningStack) -> tuple[boto3.session.Session, str]:
    """A session on the stack's embedded AWS (moto) and its endpoint, as an operator's script would have."""
    endpoint = f"http://127.0.0.1:{stack.env['ATIENDE_AWS_PORT']}"
    env = aws_environment(endpoint)
    session = boto3.session.Session(
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name=REGION,
    )
    return session, endpoint


def test_a_failed_mail_is_processed_again_from_the_console_once(browser: Any, stack: RunningStack) -> None:
    """A mail whose processing kept failing waits in the inbound mail's dead
    letters; once the cause is fixed, the admin processes it again from the
    console: it becomes one ticket, and a second redrive moves nothing."""
    subject = f"Reclamo por envío {unique()}"
    mail = EmailMessage(policy=policy.SMTP)
    mail["From"] = "Teresa Ortiz <teresa.ortiz@cliente.example>"
    mail["To"] = "soporte@atiende.localhost"
    mail["Subject"] = subject
    mail.set_content("Mi paquete llegó abierto.")
    session, endpoint = stack_aws(stack)
    s3, sqs = session.client("s3", endpoint_url=endpoint), session.client("sqs", endpoint_url=endpoint)
    bucket = next(b["Name"] for b in s3.list_buckets()["Buckets"] if "raw-mail" in b["Name"])
    key = f"held/{unique()}"  # outside inbound/: no notification of its own
    s3.put_object(Bucket=bucket, Key=key, Body=mail.as_bytes())
    notification = {"Records": [{"eventName": "ObjectCreated:Put", "eventTime": "2026-12-07T15:00:00.000Z",
                                 "s3": {"bucket": {"name": bucket}, "object": {"key": key}}}]}  # fmt: skip
    dead = next(u for u in sqs.list_queues()["QueueUrls"] if u.endswith("-inbound-mail-dlq"))
    sqs.send_message(QueueUrl=dead, MessageBody=json.dumps(notification))

    page = signed_in(browser, stack, ADMIN)
    page.get_by_role("link", name="Administración", exact=True).click()
    page.locator("nav[aria-label='Administración']").get_by_role("link", name="Mensajes fallidos").click()
    section = page.locator("section.dead-queue", has=page.get_by_role("heading", name="Correo entrante"))
    expect(section.locator("pre")).to_contain_text(key)
    section.get_by_role("button", name="Volver a procesar").click()
    section.get_by_role("button", name="Sí, volver a procesar").click()
    expect(outcome(page)).to_have_text("1 mensajes enviados de nuevo a procesar.")
    expect(section).to_contain_text("Nada pendiente.")

    def filed() -> list[dict[str, Any]] | None:
        found = stack.api("GET", "/api/search", as_agent=ADMIN, params={"q": subject}).json()["tickets"]
        return found or None

    assert len(eventually(filed, seconds=60)) == 1
    again = stack.api("POST", f"/api/dead-letters/{dead.rsplit('/', 1)[-1]}/redrive", as_agent=ADMIN)
    assert again.json()["moved"] == 0
    assert len(filed() or []) == 1
    assert page.errors == []
