"""The console's Webhooks page (#/admin/webhooks) in Debian's Chromium against
the local stack: an administrator adds an endpoint for a receiver on
127.0.0.1, is refused a private address with the reason, sends a signed test
ping, reads the delivery log, edits the endpoint's events and deletes it; a
new ticket then reaches a subscribed receiver, signed."""

import json
import secrets
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from playwright.sync_api import expect

from helpdesk.webhooks.signing import signed_by
from tests.e2e.conftest import RunningStack, eventually
from tests.e2e.test_console import ADMIN, browser, shoot, signed_in
from tests.e2e.test_console_admin import open_admin, outcome, refusal

pytestmark = pytest.mark.e2e
__all__ = ["browser"]

SECRET = "consola-secreto-0042"


class Receiver(BaseHTTPRequestHandler):
    got: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.got.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    Receiver.got = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", Receiver.got
    finally:
        server.shutdown()
        server.server_close()


def test_admin_adds_pings_reads_the_log_edits_and_deletes_a_webhook(
    browser: Any, stack: RunningStack, receiver: tuple[str, list[Any]]
) -> None:
    url, got = receiver
    page = signed_in(browser, stack, ADMIN)
    open_admin(page, "webhooks", "Webhooks")
    form = page.locator("form[aria-labelledby='webhook-form-title']")

    form.get_by_label("Dirección (URL)").fill("https://10.0.0.8/hook")
    form.get_by_label("Ticket creado").check()
    form.get_by_role("button", name="Guardar webhook").click()
    expect(refusal(page)).to_contain_text("red privada o interna")

    form.get_by_label("Dirección (URL)").fill(url)
    form.get_by_label("Secreto para firmar").fill(SECRET)
    form.get_by_role("button", name="Guardar webhook").click()
    expect(outcome(page)).to_have_text(f"Webhook guardado: {url}.")
    row = page.locator("table.webhooks tbody tr", has_text=url)
    expect(row).to_contain_text("Ticket creado")
    expect(row).to_contain_text("…0042")
    assert SECRET not in page.content()

    row.get_by_role("button", name="Enviar prueba").click()
    expect(outcome(page)).to_contain_text("Prueba enviada: respondió 204")
    headers, body = got[-1]
    assert headers["x-atiende-event"] == "ping" and signed_by(body, SECRET, headers["x-atiende-signature"])
    row.get_by_role("button", name="Ver envíos").click()
    expect(page.locator("table.webhook-attempts tbody tr").first).to_contain_text("Entregado")
    shoot(page, "admin-webhooks")

    # A new ticket reaches it, signed, through the stream and the sender
    number = secrets.token_hex(3)
    stack.cli("wa", "send", "--from", f"+50255{int(number, 16) % 1_000_000:06d}", "--name", "Cliente", "hola")

    def created() -> dict[str, Any] | None:
        bodies = [json.loads(b) for h, b in got if h["x-atiende-event"] == "ticket.created"]
        return bodies[-1] if bodies else None

    delivered = eventually(created, seconds=60)
    assert delivered["data"]["ticket"]["channel"] == "whatsapp"

    row.get_by_role("button", name="Editar").click()
    form.get_by_label("Ticket resuelto").check()
    form.get_by_role("button", name="Guardar webhook").click()
    expect(outcome(page)).to_have_text(f"Webhook guardado: {url}.")
    expect(row).to_contain_text("Ticket resuelto")

    row.get_by_role("button", name="Eliminar").click()
    row.get_by_role("button", name="Sí, eliminar").click()
    expect(outcome(page)).to_have_text(f"Webhook eliminado: {url}.")
    expect(page.locator("table.webhooks tbody tr", has_text=url)).to_have_count(0)
    assert page.errors == []
