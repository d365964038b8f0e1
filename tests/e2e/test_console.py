"""The agent console in Debian's Chromium (driven by Playwright) against the
local stack: sign in, work a seeded ticket (reply, note, status), see new
WhatsApp and e-mail messages arrive without reloading, a supervisor reassigns,
an agent cannot open another group's ticket, and a hostile HTML e-mail stays
inert. Screenshots of the main pages go to tests/e2e/artifacts/."""

import os
import re
import secrets
import smtplib
import time
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from local.browser import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.conftest import OPEN_CONTEXTS, RunningStack, eventually

pytestmark = pytest.mark.e2e
# What arrives live (a webhook's message, a colleague's presence) may take long on a loaded
# machine (two test workers, each with a stack, on two cores); its speed is measured in
# bench/ (live part), here only that it arrives without a reload.
LIVE_WAIT_MS = 45_000
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PASSWORD = "Atiende-Demo-2026"
AGENT = "agente@atiende.localhost"
SUPERVISOR = "supervisora@atiende.localhost"
ADMIN = "admin@atiende.localhost"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def console_page(browser: Any, stack: RunningStack, **options: Any) -> Any:
    """A new page whose clock reads the stack's (ages, SLA clocks and the
    24-hour window are computed in the page from its own Date). The console's
    service worker is kept out (tests that route Cognito's calls see them all);
    tests/e2e/test_console_mobile.py checks it on its own."""
    options = {"viewport": {"width": 1280, "height": 860}, "service_workers": "block", **options}
    context = browser.new_context(locale="es-419", **options)
    OPEN_CONTEXTS.append(context)
    context.clock.install(time=stack.now())
    page = context.new_page()
    page.set_default_timeout(60_000)  # a loaded machine's stack indexes and answers slower; a right page is not slowed
    return page


def signed_in(browser: Any, stack: RunningStack, email: str, **options: Any) -> Any:
    """A page signed in as ``email`` (``options``: the browser context's, e.g. a phone's viewport)."""
    page = console_page(browser, stack, **options)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    page.goto(stack.base + "/")
    page.get_by_label("Correo").fill(email)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_selector("nav.views")
    return page


def shoot(page: Any, name: str) -> None:
    """A full-page screenshot under tests/e2e/artifacts/, for a person to look at,
    when ATIENDE_SCREENSHOTS=1 (no test reads them, and each costs about a second
    of the two cores a full run shares)."""
    if os.environ.get("ATIENDE_SCREENSHOTS") != "1":
        return
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def open_view(page: Any, view: str) -> None:
    page.click(f"a[href='#/view/{view}']")
    page.wait_for_selector(f"main.list[data-loaded='{view}']")


def test_agent_works_a_seeded_ticket(browser: Any, stack: RunningStack) -> None:
    page = signed_in(browser, stack, AGENT)
    open_view(page, "open")
    shoot(page, "inbox")
    page.get_by_role("link", name="Cambio de dirección de entrega").click()
    page.wait_for_selector("ol.thread li.message")
    assert page.locator("ol.thread li.message-inbound").count() == 2

    # Reply on the ticket's channel
    page.get_by_placeholder("Escribe tu respuesta…").fill("Listo, actualizamos la dirección de entrega.")
    page.get_by_role("button", name="Enviar", exact=True).click()
    sent = page.locator(".composer p[role=status]")
    sent.wait_for()
    assert sent.inner_text() == "Respuesta en cola para enviarse.", sent.inner_text()
    page.locator("li.message-outbound", has_text="actualizamos la dirección").wait_for()

    # An internal note, set apart
    page.get_by_role("tab", name="Nota interna").click()
    page.get_by_placeholder("Nota solo para el equipo…").fill("Confirmar con bodega el cambio.")
    page.get_by_role("button", name="Agregar nota").click()
    page.locator("li.message-note", has_text="Confirmar con bodega").wait_for()

    # Status
    page.locator("select[name=status]").select_option("pending")
    page.locator(".meta .status-pending").wait_for()
    shoot(page, "ticket")

    # A macro: its reply with the customer's name filled in, and its status
    page.get_by_label("Aplicar macro").select_option("envio-en-camino")
    page.locator("li.message-outbound", has_text="Hola Lucía, tu pedido ya va en camino").wait_for()
    page.locator(".meta .status-solved").wait_for()
    assert page.errors == []


def test_new_messages_arrive_without_reload(browser: Any, stack: RunningStack) -> None:
    page = signed_in(browser, stack, AGENT)
    open_view(page, "open")
    assert stack.cli("wa", "send", "--from", "+50377770001", "--name", "Karla", "¿Abren el domingo?").returncode == 0
    page.get_by_role("link", name="¿Abren el domingo?").wait_for(timeout=LIVE_WAIT_MS)

    mail = EmailMessage(policy=policy.SMTP)
    mail["From"] = "Tomás Ruiz <tomas.ruiz@cliente.example>"
    mail["To"] = "soporte@atiende.localhost"
    mail["Subject"] = "Pedido duplicado"  # not an invoice: the demo's rules would route it out of this agent's reach
    mail.set_content("Me llegaron dos cajas iguales del mismo pedido.")
    with smtplib.SMTP("127.0.0.1", stack.smtp_port, timeout=10) as smtp:
        smtp.send_message(mail)
    page.get_by_role("link", name="Pedido duplicado").wait_for(timeout=LIVE_WAIT_MS)
    # And on an open ticket page, the customer's next message appears by itself
    page.get_by_role("link", name="¿Abren el domingo?").click()
    page.wait_for_selector("ol.thread li.message")
    stack.cli("wa", "send", "--from", "+50377770001", "--name", "Karla", "Es para recoger un pedido")
    page.locator("li.message-inbound", has_text="recoger un pedido").wait_for(timeout=LIVE_WAIT_MS)


def test_agent_cannot_open_another_groups_ticket(browser: Any, stack: RunningStack) -> None:
    admin_tickets = stack.api("GET", "/api/tickets", as_agent=ADMIN, params={"limit": 100}).json()["tickets"]
    billing = next(t for t in admin_tickets if t["subject"].startswith("Quiero cancelar mi suscripción"))
    page = signed_in(browser, stack, AGENT)
    page.goto(f"{stack.base}/#/tickets/{billing['id']}")
    page.get_by_role("alert").wait_for()
    assert "No tienes permiso" in page.get_by_role("alert").inner_text()
    page.get_by_role("link", name="Volver a la lista").click()
    open_view(page, "open")
    assert page.get_by_role("link", name=billing["subject"]).count() == 0


def test_supervisor_reassigns(browser: Any, stack: RunningStack) -> None:
    agent_id = stack.api("GET", "/api/me").json()["agent_id"]
    page = signed_in(browser, stack, SUPERVISOR)
    sent: list[str] = []
    page.on("request", lambda r: sent.append(f"{r.method} {r.url} {r.post_data}") if r.method == "PATCH" else None)
    open_view(page, "open")
    page.get_by_role("link", name="Quiero cancelar mi suscripción hoy mismo, me cobraron dos veces").click()
    page.locator("select[name=assignee]").select_option(agent_id)
    page.locator(".fields p[role=status]").wait_for()
    notice = page.locator(".fields p[role=status]").inner_text()
    assert notice == "Cambios guardados.", (notice, sent)
    shoot(page, "ticket-supervisor")
    tickets = stack.api("GET", "/api/tickets", params={"assignee": "me", "limit": 100}).json()["tickets"]
    assert any(t["subject"].startswith("Quiero cancelar") for t in tickets)


def test_hostile_html_mail_renders_inert(browser: Any, stack: RunningStack) -> None:
    mail = EmailMessage(policy=policy.SMTP)
    mail["From"] = "Atacante <atacante@cliente.example>"
    mail["To"] = "soporte@atiende.localhost"
    mail["Subject"] = "Revisa mi pedido"
    mail.set_content("Revisa mi pedido, por favor.")
    mail.add_alternative(
        "<p>Revisa mi pedido</p><script>window.__hostile = 'script'</script>"
        "<img src=x onerror=\"window.__hostile='onerror'\">"
        "<a href=\"javascript:window.__hostile='link'\">ver</a>"
        "<div onmouseover=\"window.__hostile='hover'\">pasa el ratón</div>",
        subtype="html",
    )
    with smtplib.SMTP("127.0.0.1", stack.smtp_port, timeout=10) as smtp:
        smtp.send_message(mail)
    page = signed_in(browser, stack, AGENT)
    open_view(page, "open")
    page.get_by_role("link", name="Revisa mi pedido").click(timeout=15000)
    body = page.locator("li.message-inbound .body").first
    body.wait_for()
    page.get_by_text("pasa el ratón").hover()
    body.get_by_text("ver", exact=True).click()
    time.sleep(0.5)
    assert page.evaluate("window.__hostile") is None
    assert body.locator("script").count() == 0
    assert "onerror" not in body.inner_html() and "javascript:" not in body.inner_html()
    shoot(page, "ticket-html-mail")


def test_search_explains_its_syntax_and_shows_why_a_ticket_was_found(browser: Any, stack: RunningStack) -> None:
    page = signed_in(browser, stack, AGENT)
    page.get_by_role("button", name="Cómo buscar").click()
    syntax = page.get_by_role("dialog", name="Cómo buscar")
    expect(syntax).to_contain_text("status:abierto")
    expect(syntax).to_contain_text("from:")
    page.keyboard.press("Escape")
    expect(syntax).to_have_count(0)
    page.get_by_label("Buscar tickets").fill("facturas octubre")
    page.get_by_label("Buscar tickets").press("Enter")
    page.wait_for_selector("main.search[data-loaded='search']")
    expect(page.locator("td.subject .snippet mark").first).to_have_text("factura")
    expect(page.get_by_label("Ordenar")).to_have_value("relevance")
    assert page.errors == []


def test_agent_finds_a_ticket_by_phone_number(browser: Any, stack: RunningStack) -> None:
    page = signed_in(browser, stack, AGENT)
    page.get_by_label("Buscar tickets").fill("+502 5550-1234")
    page.get_by_label("Buscar tickets").press("Enter")
    page.wait_for_selector("main.search[data-loaded='search']")
    page.get_by_role("link", name="Hola, mi pedido #4821 no ha llegado y ya pasaron 5 días 😟").click()
    # The side panel lists the contact's other tickets
    page.get_by_role("heading", name="Otros tickets del contacto").wait_for()
    page.locator("ul.past, .side p.muted").first.wait_for()
    shoot(page, "search")
    assert page.errors == []


def test_agents_see_each_other_on_a_ticket_and_assignments_notify(browser: Any, stack: RunningStack) -> None:
    subject = "Hola, mi pedido #4821 no ha llegado y ya pasaron 5 días 😟"
    agent = signed_in(browser, stack, AGENT)
    supervisor = signed_in(browser, stack, SUPERVISOR)
    for page in (agent, supervisor):
        open_view(page, "open")
        page.get_by_role("link", name=subject).click()
        page.wait_for_selector("ol.thread li.message")

    # Collision detection: each sees the other; a draft shows as replying
    seen = supervisor.locator(".collision", has_text="Andrés Pérez también está viendo este ticket.")
    seen.wait_for(timeout=LIVE_WAIT_MS)
    supervisor.get_by_placeholder("Escribe tu respuesta…").fill("Hola María, ya revisamos tu pedido")
    agent.locator(".collision", has_text="Sofía Castillo está respondiendo este ticket.").wait_for(timeout=LIVE_WAIT_MS)
    shoot(agent, "ticket-collision")

    # A supervisor's assignment reaches the agent's bell without reloading
    tickets = stack.api("GET", "/api/tickets", as_agent=SUPERVISOR, params={"limit": 100}).json()["tickets"]
    hours = next(t for t in tickets if t["subject"].startswith("Buenas tardes, ¿cuál es el horario"))
    agent_id = stack.api("GET", "/api/me").json()["agent_id"]
    changed = stack.change_ticket(hours["id"], as_agent=SUPERVISOR, assignee_id=agent_id)
    assert changed.status_code == 200, changed.text
    toast = agent.locator(".toast", has_text=f"Sofía Castillo te asignó #{hours['number']}")
    toast.wait_for(timeout=LIVE_WAIT_MS)
    # (earlier tests assigned this agent other tickets: at least this one is unread)
    agent.get_by_role("button", name=re.compile(r"^Notificaciones: \d+ sin leer$")).click()
    agent.locator("#notifications li.unread", has_text=f"#{hours['number']}").wait_for()
    shoot(agent, "notifications")
    agent.get_by_role("button", name="Notificaciones", exact=True).wait_for()  # read once opened
    agent.locator("#notifications a", has_text=f"#{hours['number']}").click()
    agent.get_by_role("heading", name=hours["subject"]).wait_for()
    assert agent.errors == [] and supervisor.errors == []


def test_supervisor_changes_several_tickets_at_once(browser: Any, stack: RunningStack) -> None:
    tag = secrets.token_hex(3)
    subjects = [f"Lote {tag} uno", f"Lote {tag} dos", f"Lote {tag} tres"]
    for subject in subjects:
        mail = EmailMessage(policy=policy.SMTP)
        mail["From"] = f"Cliente {tag} <lote.{tag}@cliente.example>"
        mail["To"] = "soporte@atiende.localhost"
        mail["Subject"] = subject
        mail.set_content("Consulta sobre mi pedido.")
        with smtplib.SMTP("127.0.0.1", stack.smtp_port, timeout=10) as smtp:
            smtp.send_message(mail)
    page = signed_in(browser, stack, SUPERVISOR)
    open_view(page, "open")
    rows = {s: page.locator("table.tickets tbody tr", has=page.get_by_role("link", name=s)) for s in subjects}
    for row in rows.values():
        row.wait_for(timeout=20000)
    rows[subjects[0]].get_by_role("checkbox").check()
    rows[subjects[1]].get_by_role("checkbox").check()
    bar = page.locator("form.bulk-bar")
    expect(bar.get_by_role("heading")).to_have_text("Cambiar 2 tickets")
    bar.get_by_label("Prioridad").select_option("high")
    bar.get_by_label("Estado").select_option("pending")
    bar.get_by_role("button", name="Aplicar").click()
    expect(page.locator("p.bulk-said")).to_have_text("2 tickets cambiados.")
    expect(bar).to_have_count(0)

    def indexed() -> list[dict[str, Any]] | None:  # the table's stream indexes new tickets in a moment
        found = stack.api("GET", "/api/search", as_agent=SUPERVISOR, params={"q": f"Lote {tag}"}).json()["tickets"]
        return found if {t["subject"] for t in found} >= set(subjects) else None

    by_subject = {t["subject"]: t for t in eventually(indexed, seconds=60)}
    for subject in subjects[:2]:
        assert (by_subject[subject]["priority"], by_subject[subject]["status"]) == ("high", "pending")
    assert by_subject[subjects[2]]["status"] == "new"
    assert page.errors == []
