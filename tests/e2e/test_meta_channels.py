"""Messenger and Instagram on the local stack, as a user plays them: the
sandbox signs the customer's message as Meta does, it becomes a ticket, the
agent replies in the console, and Meta's delivery and read callbacks move the
reply to "read"; an Instagram story reply with a picture lands with its image
and its notice. An unsigned delivery is refused."""

import base64
import json
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.conftest import RunningStack, eventually
from tests.e2e.test_console import AGENT, SUPERVISOR, browser, signed_in

pytestmark = pytest.mark.e2e
__all__ = ["browser"]  # the module-scoped Chromium fixture, found by pytest here
PICTURE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def _ticket(stack: RunningStack, channel: str, text: str) -> dict[str, Any] | None:
    tickets = stack.api("GET", "/api/tickets", params={"channel": channel, "limit": 50}).json()["tickets"]
    return next((t for t in tickets if text in (t["subject"] or "")), None)


def test_an_unsigned_messenger_delivery_is_refused(stack: RunningStack) -> None:
    event = {"sender": {"id": "7100000000000077"}, "recipient": {"id": "1"}, "timestamp": 1,
             "message": {"mid": "m_unsigned", "text": "sin firma"}}  # fmt: skip
    body = json.dumps({"object": "page", "entry": [{"id": "1", "messaging": [event]}]})
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": "sha256=00"}
    answer = requests.post(stack.base + "/webhooks/messenger", data=body, headers=headers, timeout=10)
    assert answer.status_code == 401
    params = {"hub.mode": "subscribe", "hub.verify_token": "atiende-local-meta-verify", "hub.challenge": "77"}
    verified = requests.get(stack.base + "/webhooks/instagram", params=params, timeout=5)
    assert (verified.status_code, verified.text) == (200, "77")


def test_messenger_message_agent_reply_in_the_console_delivered_and_read(browser: Any, stack: RunningStack) -> None:
    sent = stack.cli("messenger", "send", "--name", "Marta Gómez", "Hola, ¿hacen envíos a Cobán?")
    assert sent.returncode == 0, sent.stderr
    psid = json.loads(sent.stdout)["from"]
    ticket = eventually(lambda: _ticket(stack, "messenger", "envíos a Cobán"))
    thread = stack.api("GET", f"/api/tickets/{ticket['id']}").json()
    assert thread["contact"]["name"] == "Marta Gómez"  # from the Graph API, once, with the picture
    assert thread["contact"]["picture"]["content_type"] == "image/png"
    assert [(i["kind"], i["value"]) for i in thread["contact"]["identities"]] == [("messenger", psid)]

    page = signed_in(browser, stack, AGENT)
    page.goto(f"{stack.base}/#/tickets/{ticket['id']}")
    page.locator("ol.thread li.message-inbound", has_text="envíos a Cobán").wait_for()
    picture = page.get_by_role("img", name="Foto de perfil de Marta Gómez")
    picture.wait_for()
    assert picture.evaluate("image => image.complete && image.naturalWidth") == 1  # the sandbox's 1×1 picture, drawn
    assert page.locator("p.meta [data-channel=messenger]").inner_text().strip().endswith("Messenger")
    page.get_by_placeholder("Escribe tu respuesta…").fill("Sí, llegamos a Cobán en 48 horas.")
    page.get_by_role("button", name="Enviar", exact=True).click()
    page.locator("li.message-outbound", has_text="Cobán en 48 horas").wait_for()

    def sandbox_send() -> list[dict[str, Any]]:
        outbox = requests.get(stack.base + "/dev/outbox", timeout=5).json()["messages"]
        return [m for m in outbox if m["channel"] == "messenger" and "Cobán en 48" in m["raw"]]

    (entry,) = eventually(sandbox_send)
    assert entry["to"] == [psid] and json.loads(entry["raw"])["messaging_type"] == "RESPONSE"

    def read_reply() -> dict[str, Any] | None:
        messages = stack.api("GET", f"/api/tickets/{ticket['id']}").json()["messages"]
        outbound = [m for m in messages if m["kind"] == "outbound"]
        return outbound[0] if outbound and outbound[0]["delivery_status"] == "read" else None

    assert eventually(read_reply)["channel_message_id"] == entry["provider_message_id"]
    page.locator("li.message-outbound .ticks-read").wait_for()

    # The same person writes on WhatsApp: a supervisor is offered to merge the two contacts
    again = stack.cli("wa", "send", "--from", "+50255507788", "--name", "Marta Gómez", "Soy Marta, por Cobán")
    assert again.returncode == 0, again.stderr
    whatsapp = eventually(lambda: _ticket(stack, "whatsapp", "Soy Marta, por Cobán"))
    path = f"/api/contacts/{thread['contact']['id']}/same-person"

    def suggested() -> list[str] | None:
        found = stack.api("GET", path, as_agent=SUPERVISOR).json()["contacts"]
        return [c["id"] for c in found] or None

    # (the shared stack may hold other Marta Gómez contacts from other tests)
    assert whatsapp["contact_id"] in eventually(suggested)
    assert stack.api("GET", path).status_code == 403  # agents do not merge contacts


def test_an_instagram_story_reply_with_a_picture(browser: Any, stack: RunningStack, tmp_path: Path) -> None:
    picture = tmp_path / "blusa.png"
    picture.write_bytes(PICTURE)
    sent = stack.cli("instagram", "send", "--name", "Ana Ruiz", "--story-reply", "--image", str(picture),
                     "¿Tienen esta blusa en talla M?")  # fmt: skip
    assert sent.returncode == 0, sent.stderr
    igsid = json.loads(sent.stdout)["from"]
    ticket = eventually(lambda: _ticket(stack, "instagram", "blusa en talla M"))
    thread = stack.api("GET", f"/api/tickets/{ticket['id']}").json()
    (message,) = thread["messages"]
    assert [n["key"] for n in message["notices"]] == ["story_reply", "media"]
    (image,) = message["attachments"]
    assert image["content_type"] == "image/png" and image["size"] == len(PICTURE)

    page = signed_in(browser, stack, AGENT)
    page.goto(f"{stack.base}/#/tickets/{ticket['id']}")
    item = page.locator("ol.thread li.message-inbound", has_text="blusa en talla M")
    item.wait_for()
    assert item.locator("[data-channel=instagram]").count() == 1
    assert item.locator(".notice-story_reply").inner_text() == "Respondió a una historia tuya"

    # The agent answers with a picture: uploaded and sent in one Send API call, then the text
    file = {"filename": "blusa-m.png", "content_type": "image/png", "data": base64.b64encode(PICTURE).decode()}
    upload = stack.api("POST", f"/api/tickets/{ticket['id']}/attachments", json=file)
    assert upload.status_code == 201, upload.text
    body = {
        "body": "Sí, aquí la tienes en M.",
        "attachments": [{"key": upload.json()["key"], "filename": "blusa-m.png"}],
    }
    assert stack.api("POST", f"/api/tickets/{ticket['id']}/replies", json=body).status_code == 202

    def sandbox_sends() -> list[dict[str, Any]] | None:
        outbox = requests.get(stack.base + "/dev/outbox", timeout=5).json()["messages"]
        mine = [json.loads(m["raw"]) for m in reversed(outbox) if m["channel"] == "instagram"]
        mine = [m for m in mine if m["recipient"]["id"] == igsid]
        return mine if len(mine) == 2 else None

    picture_sent, text_sent = eventually(sandbox_sends)
    assert picture_sent["filedata"] == {"filename": "blusa-m.png", "content_type": "image/png", "size": len(PICTURE)}
    assert picture_sent["message"]["attachment"]["type"] == "image"
    assert text_sent["message"] == {"text": "Sí, aquí la tienes en M."}
