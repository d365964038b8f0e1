"""WhatsApp inbound on the local stack: Meta's verification, a signed webhook
becoming a ticket the API shows, an unsigned one refused."""

import hashlib
import hmac
import json
import time
from typing import Any

import pytest
import requests

from tests.e2e.conftest import RunningStack

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
