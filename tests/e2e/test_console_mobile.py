"""The console on a phone (Chromium at 360 × 740, touch): a supervisor works a
ticket from the inbox to an admin page without ever scrolling sideways, axe
finds nothing at 360 px, the console installs (manifest, service worker that
keeps its own files and never an API answer), and alerts reach an agent whose
tab is in the background."""

import json
import secrets
import smtplib
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import RunningStack, eventually
from tests.e2e.test_console import ADMIN, AGENT, browser, shoot, signed_in
from tests.e2e.test_console_accessibility import WithoutCsp, axe_violations

pytestmark = pytest.mark.e2e
__all__ = ["browser"]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def on_phone(browser: Any, stack: RunningStack, email: str, **options: Any) -> Any:
    return signed_in(browser, stack, email, **{**PHONE, **options})


def fits(page: Any, step: str) -> None:
    """Nothing wider than the phone, and a screenshot of the step."""
    shoot(page, f"phone-{step}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{step}: the page is {width} px wide on a 360 px phone"


def new_mail(stack: RunningStack, subject: str) -> None:
    mail = EmailMessage(policy=policy.SMTP)
    mail["From"] = "Irene Solís <irene.solis@cliente.example>"
    mail["To"] = "soporte@atiende.localhost"
    mail["Subject"] = subject
    mail.set_content("Necesito cambiar el método de pago de mi cuenta.")
    with smtplib.SMTP("127.0.0.1", stack.smtp_port, timeout=10) as smtp:
        smtp.send_message(mail)


def test_a_ticket_worked_on_a_phone_never_scrolls_sideways(browser: Any, stack: RunningStack) -> None:
    subject = f"Cambio de método de pago {secrets.token_hex(3)}"
    new_mail(stack, subject)
    page = on_phone(browser, stack, ADMIN)
    page.click("a[href='#/view/open']")
    page.wait_for_selector("main.list[data-loaded='open']")
    link = page.get_by_role("link", name=subject)
    link.wait_for(timeout=20000)
    fits(page, "inbox")
    box = link.bounding_box()
    assert box is not None and box["height"] >= 44, "a ticket's link is a 44 px touch target"

    link.tap()
    page.wait_for_selector("ol.thread li.message")
    fits(page, "ticket")
    page.get_by_placeholder("Escribe tu respuesta…").fill("Hola Irene, te ayudamos con el cambio.")
    send = page.get_by_role("button", name="Enviar", exact=True)
    assert (send.bounding_box() or {}).get("height", 0) >= 44
    send.tap()
    page.locator("li.message-outbound", has_text="te ayudamos con el cambio").wait_for()
    fits(page, "replied")
    page.get_by_role("tab", name="Nota interna").tap()
    page.get_by_placeholder("Nota solo para el equipo…").fill("Verificar identidad antes del cambio.")
    page.get_by_role("button", name="Agregar nota").tap()
    page.locator("li.message-note", has_text="Verificar identidad").wait_for()
    page.locator("select[name=status]").select_option("pending")
    page.locator(".meta .status-pending").wait_for()
    fits(page, "status")

    page.get_by_role("link", name="Administración", exact=True).tap()
    page.wait_for_selector("main[data-section='agents'] table.agents tbody tr")
    fits(page, "admin")
    page.goto(stack.base + "/#/admin/sla")
    page.locator(".sla-preview li[data-metric]").first.wait_for()
    fits(page, "admin-sla")
    assert page.errors == []


def test_phone_pages_pass_axe(browser: Any, stack: RunningStack) -> None:
    page = on_phone(WithoutCsp(browser), stack, ADMIN)
    found = {}
    page.goto(stack.base + "/#/view/open")
    page.wait_for_selector("main.list[data-loaded='open'] table.tickets tbody tr")
    found["inbox"] = axe_violations(page)
    ticket = page.locator("table.tickets tbody tr").first.get_attribute("data-ticket")
    page.goto(f"{stack.base}/#/tickets/{ticket}")
    page.wait_for_selector("ol.thread li.message")
    found["ticket"] = axe_violations(page)
    page.goto(stack.base + "/#/admin/agents")
    page.wait_for_selector("table.agents tbody tr")
    found["admin"] = axe_violations(page)
    assert not any(found.values()), "axe found:\n" + "\n".join(f"{s}: {v}" for s, v in found.items() if v)


def test_the_console_installs_and_keeps_only_its_own_files(browser: Any, stack: RunningStack) -> None:
    page = on_phone(browser, stack, AGENT, service_workers="allow")
    manifest_url = page.evaluate("document.querySelector('link[rel=manifest]').href")
    manifest = json.loads(page.evaluate("url => fetch(url).then((r) => r.text())", manifest_url))
    assert (manifest["lang"], manifest["short_name"], manifest["display"]) == ("es", "Atiende", "standalone")
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert page.evaluate("src => fetch(src).then((r) => r.ok)", icon["src"]), icon["src"]

    page.wait_for_function("navigator.serviceWorker.controller !== null || navigator.serviceWorker.ready")
    page.reload()
    page.wait_for_selector("nav.views")
    assert page.evaluate("navigator.serviceWorker.controller !== null"), "the service worker controls the console"
    page.click("a[href='#/view/open']")
    page.wait_for_selector("main.list[data-loaded='open']")
    kept = page.evaluate(
        """async () => { const out = [];
             for (const name of await caches.keys()) {
               for (const request of await (await caches.open(name)).keys()) out.push(new URL(request.url).pathname);
             }
             return out; }"""
    )
    assert "/" in kept and "/app/boot.js" in kept, kept
    assert not [path for path in kept if path.startswith("/api/")], f"API answers kept: {kept}"

    # Offline, the console still opens and says so
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("p.offline")).to_have_text(
        "Sin conexión: lo que ves puede no estar al día. Seguiremos intentando."
    )
    page.context.set_offline(False)
    assert page.errors == []


# The page believes its tab is in the background, and the browser's notifications
# are recorded (granted), as the operating system would show them.
BACKGROUND = """
  Object.defineProperty(Document.prototype, 'hidden', { get: () => window.__background === true });
  window.__shown = [];
  class Recorded { constructor(title, options) { this.title = title; this.options = options || {};
                                                 window.__shown.push(this); }
                   close() {} }
  Recorded.permission = 'granted';
  Recorded.requestPermission = async () => 'granted';
  window.Notification = Recorded;
"""


def test_an_agent_in_another_tab_is_alerted_and_the_alert_opens_the_ticket(
    browser: Any,
    stack: RunningStack,
) -> None:
    page = on_phone(browser, stack, AGENT)
    page.add_init_script(BACKGROUND)
    page.reload()
    page.wait_for_selector("nav.views")
    page.get_by_role("button", name="Activar avisos").tap()
    expect(page.get_by_role("button", name="Desactivar avisos")).to_have_attribute("aria-pressed", "true")
    subject = f"Factura sin recibir {secrets.token_hex(3)}"
    new_mail(stack, subject)
    ticket = eventually(
        lambda: next(
            (t for t in stack.api("GET", "/api/search", as_agent=ADMIN, params={"q": subject}).json()["tickets"]),
            None,
        ),
        seconds=60,
    )
    agent_id = stack.api("GET", "/api/me", as_agent=AGENT).json()["agent_id"]
    page.evaluate("window.__background = true")
    assigned = stack.change_ticket(ticket["id"], as_agent=ADMIN, assignee_id=agent_id, group_id=ticket.get("group_id"))
    assert assigned.status_code == 200, assigned.text

    shown = eventually(lambda: page.evaluate("window.__shown.map((n) => n.title)") or None, seconds=60)
    assert any(f"#{ticket['number']}" in title for title in shown), shown
    page.evaluate("window.__shown.at(-1).onclick()")
    expect(page).to_have_url(f"{stack.base}/#/tickets/{ticket['id']}")
    assert page.errors == []
