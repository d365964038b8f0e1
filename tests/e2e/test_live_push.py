"""Live updates by push in Chromium against `atiende run`: a customer's
WhatsApp message reaches an open console through the WebSocket (not through
GET /api/changes), and with the socket down the console falls back to asking
GET /api/changes, never more often than every 30 s, then reconnects and
catches up once."""

import contextlib
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from tests.e2e.conftest import RunningStack
from tests.e2e.test_console import AGENT, PASSWORD, browser, console_page, open_view

pytestmark = pytest.mark.e2e
__all__ = ["browser"]  # the module's browser fixture, shared with the console's tests

FALLBACK_SECONDS = 30


@dataclass
class Watched:
    """A console page and what it said and heard: its GET /api/changes
    requests (with when), its sockets and the events they carried."""

    page: Any
    changes_at: list[float] = field(default_factory=list)
    sockets: list[Any] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    def hear(self, payload: str | bytes) -> None:
        with contextlib.suppress(ValueError):
            self.events.append(json.loads(payload))

    def opened(self, socket: Any) -> None:
        self.sockets.append(socket)
        socket.on("framereceived", self.hear)


def _until(page: Any, probe: Any, seconds: float = 30) -> None:
    """``eventually``, letting the page's events in while waiting (Playwright's
    sync API delivers them only while it is called)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if probe():
            return
        page.wait_for_timeout(300)
    pytest.fail(f"not seen within {seconds} s")


# The moments (the page's clock: tests move it on) the console asks for changes.
_RECORD_ASKS = """
const fetchFirst = window.fetch;
window.fetch = (input, init) => {
  if (String((input && input.url) || input).includes('/api/changes')) {
    (window.__changesAskedAt = window.__changesAskedAt || []).push(Date.now());
  }
  return fetchFirst(input, init);
};
"""


def _watched_console(browser: Any, stack: RunningStack) -> Watched:
    page = console_page(browser, stack)
    watched = Watched(page)
    page.on("websocket", watched.opened)
    page.on("request", lambda r: watched.changes_at.append(time.monotonic()) if "/api/changes" in r.url else None)
    page.add_init_script(_RECORD_ASKS)
    page.goto(stack.base + "/")
    page.get_by_label("Correo").fill(AGENT)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_selector("nav.views")
    _until(page, lambda: watched.sockets and watched.changes_at)  # the socket opened and caught up once
    return watched


def _ticket_id_of(page: Any, subject: str) -> str:
    link = page.get_by_role("link", name=subject)
    link.wait_for()
    return str(link.get_attribute("href")).rsplit("/", 1)[-1]


def test_a_whatsapp_message_reaches_the_open_console_through_the_socket(browser: Any, stack: RunningStack) -> None:
    console = _watched_console(browser, stack)
    open_view(console.page, "open")
    asked_before = len(console.changes_at)

    sent = stack.cli("wa", "send", "--from", "+50377771001", "--name", "Lucía", "¿Hacen envíos a Quetzaltenango?")
    assert sent.returncode == 0, sent.stderr

    ticket_id = _ticket_id_of(console.page, "¿Hacen envíos a Quetzaltenango?")
    pushed = [e for e in console.events if e.get("type") == "ticket.changed" and e.get("ticket_id") == ticket_id]
    assert pushed, "the socket carried the new ticket"
    assert "Quetzaltenango" not in json.dumps(pushed)  # events name tickets; the API shows their words
    # At most one ask, for a notification the change may bring; no poll found it.
    assert len(console.changes_at) - asked_before <= 1


def _asked_at(page: Any) -> list[float]:
    """When, by the page's own clock, the console asked GET /api/changes."""
    return list(page.evaluate("window.__changesAskedAt || []"))


def _forward_until(page: Any, probe: Any, most_seconds: int = 150) -> None:
    """Move the page's clock on, three seconds at a time (its timers fire as they
    would), until ``probe`` holds: half a minute of waiting takes a few real seconds."""
    for _ in range(0, most_seconds, 3):
        if probe():
            return
        page.clock.fast_forward(3_000)
        page.wait_for_timeout(250)  # real time: the asks answer, events come in
    assert probe(), f"not seen within {most_seconds} s of the page's time"


def test_with_the_socket_down_changes_still_arrive_by_polling_every_30_s_at_most(
    browser: Any, stack: RunningStack
) -> None:
    console = _watched_console(browser, stack)
    page = console.page
    open_view(page, "open")
    closed = requests.post(stack.base + "/dev/live/close", json={"refuse_new": True}, timeout=10)
    assert closed.json()["closed"] >= 1
    try:
        asked_before = len(_asked_at(page))
        sent = stack.cli("wa", "send", "--from", "+50377771002", "--name", "Mario", "Mi pedido llegó abierto")
        assert sent.returncode == 0, sent.stderr
        arrived = page.get_by_role("link", name="Mi pedido llegó abierto")
        # The fallback asks twice, and the new ticket comes with one of its answers.
        _forward_until(page, lambda: len(_asked_at(page)) >= asked_before + 2 and arrived.count() > 0)
    finally:
        requests.post(stack.base + "/dev/live/open", timeout=10)
    fallback = _asked_at(page)[asked_before - 1 :]
    gaps = [later - earlier for earlier, later in itertools.pairwise(fallback)]
    assert len(gaps) >= 2 and all(gap >= FALLBACK_SECONDS * 1000 for gap in gaps), gaps  # never faster than 30 s

    # The socket comes back: a new connection, and one ask to catch up.
    sockets_before, asked = len(console.sockets), len(_asked_at(page))
    _forward_until(
        page,
        lambda: any(not s.is_closed() for s in console.sockets[sockets_before:]) and len(_asked_at(page)) > asked,
    )
    stack.cli("wa", "send", "--from", "+50377771003", "--name", "Rosa", "¿Puedo cambiar la talla?")
    ticket_id = _ticket_id_of(page, "¿Puedo cambiar la talla?")
    assert any(e.get("type") == "ticket.changed" and e.get("ticket_id") == ticket_id for e in console.events)


def _delivery(wa_id: str, text: str) -> bytes:
    """A Meta webhook delivery of one customer text to the local business number."""
    message = {"from": wa_id, "id": f"wamid.PROBE.{wa_id}", "timestamp": str(int(time.time())), "type": "text",
               "text": {"body": text}}  # fmt: skip
    value = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": "100000000000001",
             "display_phone_number": "50255550000"}, "contacts": [{"profile": {"name": "Pía"}, "wa_id": wa_id}],
             "messages": [message]}  # fmt: skip
    envelope = {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages",
                "value": value}]}]}  # fmt: skip
    return json.dumps(envelope).encode()


def test_the_bench_probe_sees_a_webhook_reach_an_agents_socket(stack: RunningStack) -> None:
    from local.live_probe import webhook_to_socket

    live_url = requests.get(stack.base + "/api/console-config", timeout=10).json()["live_socket_url"]
    seconds = webhook_to_socket(
        stack.base, live_url, stack.token(), _delivery("50377771004", "¿Tienen la talla M?"), "atiende-local-app-secret"
    )
    assert seconds >= 0  # the event came (a TimeoutError otherwise); make bench reports how soon
