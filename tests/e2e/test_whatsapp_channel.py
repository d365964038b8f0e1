"""WhatsApp inbound on the local stack: Meta's verification, a signed webhook
becoming a ticket the API shows, an unsigned one refused."""

import hashlib
import hmac
import json
import time
from typing import Any

import pytest
import requests

from tests.e2e.conftest import RunningStack, eventually

pytestmark = pytest.mark.e2e
APP_SECRET = "atiende-local-app-secret"  # the local stack's documented default


def signed_post(stack: RunningStack, payload: dict[str, Any], secret: str = APP_SECRET) -> requests.Response:
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature}
    return requests.post(stack.base + "/webhooks/whatsapp", data=body, headers=headers, timeout=10)


def payload(wamid: str, text: str) -> dict[str, Any]:
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "50255550000", "phone_number_id": "100000000000001"},
        "contacts": [{"profile": {"name": "Rosa Pérez"}, "wa_id": "50588776655"}],
        "messages": [
            {"from": "50588776655", "id": wamid, "timestamp": str(int(time.time())), "type": "text",
             "text": {"body": text}}
        ],
    }  # fmt: skip
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
    }


def test_meta_verification(stack: RunningStack) -> None:
    params = {"hub.mode": "subscribe", "hub.verify_token": "atiende-local-verify", "hub.challenge": "42"}
    ok = requests.get(stack.base + "/webhooks/whatsapp", params=params, timeout=5)
    wrong = requests.get(stack.base + "/webhooks/whatsapp", params={**params, "hub.verify_token": "x"}, timeout=5)
    assert (ok.status_code, ok.text, wrong.status_code) == (200, "42", 403)


def test_signed_webhook_becomes_a_ticket_and_unsigned_is_refused(stack: RunningStack) -> None:
    assert signed_post(stack, payload("wamid.E2E-UNSIGNED", "no"), secret="otro-secreto").status_code == 401
    assert signed_post(stack, payload("wamid.E2E-1", "¿Tienen envíos a León?")).status_code == 200

    deadline = time.monotonic() + 30
    found: list[dict[str, Any]] = []
    while time.monotonic() < deadline and not found:
        tickets = stack.api("GET", "/api/tickets", params={"channel": "whatsapp", "limit": 50}).json()["tickets"]
        found = [t for t in tickets if t["subject"] == "¿Tienen envíos a León?"]
        time.sleep(0.3)
    assert found, "the WhatsApp message did not become a ticket"
    thread = stack.api("GET", f"/api/tickets/{found[0]['id']}").json()
    assert thread["contact"]["name"] == "Rosa Pérez" and thread["contact"]["country"] == "NI"
    assert [m["text"] for m in thread["messages"]] == ["¿Tienen envíos a León?"]
    tickets = stack.api("GET", "/api/tickets", params={"limit": 50}).json()["tickets"]
    assert not any(t["subject"] == "no" for t in tickets)


def test_customer_agent_and_statuses_loop_through_the_sandbox(stack: RunningStack) -> None:
    sent = stack.cli("wa", "send", "--from", "+50766554433", "--name", "Luis Batista", "Hola, ¿abren el domingo?")
    assert sent.returncode == 0, sent.stderr

    ticket = eventually(lambda: _ticket_with_subject(stack, "Hola, ¿abren el domingo?"))
    reply = stack.api("POST", f"/api/tickets/{ticket['id']}/replies", json={"body": "Sí, de 9 a 13 h."})
    assert reply.status_code == 202, reply.text

    def sandbox_send() -> list[dict[str, Any]]:
        outbox = requests.get(stack.base + "/dev/outbox", timeout=5).json()["messages"]
        return [m for m in outbox if m["channel"] == "whatsapp" and "de 9 a 13" in m["raw"]]

    (sent_entry,) = eventually(sandbox_send)
    assert sent_entry["to"] == ["50766554433"] and sent_entry["provider_message_id"].startswith("wamid.")

    def read_reply() -> dict[str, Any] | None:
        thread = stack.api("GET", f"/api/tickets/{ticket['id']}").json()
        outbound = [m for m in thread["messages"] if m["kind"] == "outbound"]
        return outbound[0] if outbound and outbound[0]["delivery_status"] == "read" else None

    delivered = eventually(read_reply)
    assert delivered["channel_message_id"] == sent_entry["provider_message_id"]


def _ticket_with_subject(stack: RunningStack, subject: str) -> dict[str, Any] | None:
    tickets = stack.api("GET", "/api/tickets", params={"channel": "whatsapp", "limit": 50}).json()["tickets"]
    return next((t for t in tickets if t["subject"] == subject), None)


def test_the_assistant_answers_with_buttons_and_hands_over_after_two_answers_that_did_not_help(
    stack: RunningStack,
) -> None:
    setup = stack.api("GET", "/api/channels", as_agent="admin@atiende.localhost").json()
    on = {**setup, "assistant": ["chat", "whatsapp"]}
    saved = stack.api("PUT", "/api/channels", as_agent="admin@atiende.localhost", json=on)
    assert saved.status_code == 200, saved.text
    number = "+50766110022"
    try:

        def says(text: str) -> None:
            sent = stack.cli("wa", "send", "--from", number, "--name", "Marta Ríos", text)
            assert sent.returncode == 0, sent.stderr

        def answered(count: int) -> list[dict[str, Any]] | None:
            outbox = requests.get(stack.base + "/dev/outbox", timeout=5).json()["messages"]
            mine = [m for m in outbox if m["channel"] == "whatsapp" and m["to"] == [number.lstrip("+")]]
            return mine[::-1] if len(mine) >= count else None  # oldest first (the outbox lists the newest first)

        says("ola kiero canbiar la contrasena xfa")
        (first,) = eventually(lambda: answered(1))
        sent = json.loads(first["raw"])
        assert sent["type"] == "interactive" and "/ayuda/articulos/recuperar-contrasena" in first["raw"]
        titles = [b["reply"]["title"] for b in sent["interactive"]["action"]["buttons"]]
        assert titles == ["Sí, me sirvió", "No me sirvió", "Hablar con alguien"]

        says("no me sirvió")
        assert "otras palabras" in eventually(lambda: answered(2))[-1]["raw"]
        says("necesito cambiar la clave de mi cuenta")
        eventually(lambda: answered(3))
        says("no me sirvió")
        assert "Te comunico con una persona" in eventually(lambda: answered(4))[-1]["raw"]

        ticket = eventually(lambda: _ticket_with_subject(stack, "ola kiero canbiar la contrasena xfa"))
        thread = stack.api("GET", f"/api/tickets/{ticket['id']}").json()
        assert "bot-handoff" in thread["ticket"]["tags"] and thread["ticket"]["group_id"] == "soporte-general"
        said = [(m["kind"], m["author"]["kind"]) for m in thread["messages"] if m["kind"] != "note"]
        assert said == [("inbound", "contact"), ("outbound", "bot")] * 4  # the whole transcript, on the ticket
        assert any("los artículos no le sirvieron" in m["text"] for m in thread["messages"] if m["kind"] == "note")
    finally:
        current = stack.api("GET", "/api/channels", as_agent="admin@atiende.localhost").json()
        stack.api("PUT", "/api/channels", as_agent="admin@atiende.localhost", json={**current, "assistant": ["chat"]})
