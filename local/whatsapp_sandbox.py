"""Meta's side of WhatsApp, on this machine (local stack only).

- ``POST /sandbox/graph/v21.0/<phone number id>/messages``: takes sends as the
  Graph API does (bearer token required), answers with Meta's shape
  (``messages[].id`` wamids), refuses free text more than 24 hours after the
  customer's last message with Meta's error 131047, records every send for
  ``/dev/outbox``, and then posts signed status webhooks (sent, delivered, read)
  to ``/webhooks/whatsapp``, as Meta would.
- ``POST /sandbox/customer``: plays a customer writing from their phone (what
  ``atiende wa send`` calls): a signed message webhook to ``/webhooks/whatsapp``.
"""

import hashlib
import hmac
import json
import secrets
import threading
import time
import urllib.request
from datetime import UTC, datetime
from typing import Any

from helpdesk.untrusted import load_json

WINDOW_SECONDS = 24 * 3600
STATUS_DELAYS = (("sent", 0.2), ("delivered", 0.6), ("read", 1.2))
OUTSIDE_WINDOW = {
    "message": "(#131047) Re-engagement message",
    "type": "OAuthException",
    "code": 131047,
    "error_data": {
        "messaging_product": "whatsapp",
        "details": "Message failed to send because more than 24 hours have passed since the customer last "
        "replied to this number.",
    },
}


SIGNATURE_HEADER = "X-Hub-Signature-256"


def webhook_body(value: dict[str, Any], display_number: str, phone_number_id: str) -> bytes:
    """Meta's webhook envelope around one change's ``value`` (messages or statuses)."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": display_number, "phone_number_id": phone_number_id},
        **value,
    }
    envelope = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "sandbox", "changes": [{"field": "messages", "value": value}]}],
    }
    return json.dumps(envelope).encode()


def signature(app_secret: str, body: bytes) -> str:
    """``X-Hub-Signature-256`` as Meta signs a delivery: HMAC-SHA256 of the exact bytes."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def customers_in(body: bytes) -> list[str]:
    """The senders of the customer messages in a webhook delivery."""
    try:
        envelope = load_json(body)  # a hostile delivery may nest 5,000 deep: the webhook keeps it, we skip it
        changes = [c for entry in envelope.get("entry", []) for c in entry.get("changes", [])]
        return [str(m["from"]) for c in changes for m in c.get("value", {}).get("messages", []) if "from" in m]
    except (ValueError, AttributeError, TypeError, KeyError):  # NestedTooDeep is a ValueError
        return []


def _wamid() -> str:
    return "wamid.SBX" + secrets.token_hex(16).upper()


class WhatsAppSandbox:
    def __init__(self, webhook_url: str, app_secret: str, phone_number_id: str, display_number: str) -> None:
        self.webhook_url = webhook_url
        self.app_secret = app_secret
        self.phone_number_id = phone_number_id
        self.display_number = display_number
        self.sent: list[dict[str, Any]] = []
        self._last_customer_message: dict[str, float] = {}
        self._media: dict[str, tuple[bytes, str]] = {}
        self.base_url = webhook_url.rsplit("/webhooks/", 1)[0]
        self._lock = threading.Lock()

    # Meta's Graph API

    def graph_send(self, phone_number_id: str, authorization: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if not authorization.startswith("Bearer ") or len(authorization) < 12:
            return 401, {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}}
        if phone_number_id != self.phone_number_id:
            return 400, {"error": {"message": "Unsupported post request.", "type": "GraphMethodException", "code": 100}}
        if body.get("status") == "read":
            return 200, {"success": True}
        to = str(body.get("to", "")).lstrip("+")
        kind = body.get("type", "text")
        with self._lock:
            last = self._last_customer_message.get(to)
        if kind != "template" and (last is None or time.time() - last > WINDOW_SECONDS):
            return 400, {"error": OUTSIDE_WINDOW}
        wamid = _wamid()
        with self._lock:
            self.sent.append(
                {
                    "channel": "whatsapp",
                    "provider_message_id": wamid,
                    "from": self.display_number,
                    "to": [to],
                    "subject": "",
                    "message_id": wamid,
                    "in_reply_to": "",
                    "sent_at": datetime.now(UTC).isoformat(),
                    "raw": json.dumps(body, ensure_ascii=False),
                }
            )
        threading.Thread(target=self._report_statuses, args=(wamid, to), daemon=True).start()
        return 200, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to}],
            "messages": [{"id": wamid}],
        }

    def graph_media(self, media_id: str, authorization: str) -> tuple[int, dict[str, Any]]:
        """``GET /<media id>``: Meta's description of a media, with its short-lived URL."""
        if not authorization.startswith("Bearer "):
            return 401, {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}}
        with self._lock:
            found = self._media.get(media_id)
        if found is None:
            return 404, {"error": {"message": "Unsupported get request.", "type": "GraphMethodException", "code": 100}}
        content, mime_type = found
        return 200, {
            "messaging_product": "whatsapp",
            "url": f"{self.base_url}/sandbox/media/{media_id}",
            "mime_type": mime_type,
            "sha256": hashlib.sha256(content).hexdigest(),
            "file_size": str(len(content)),
            "id": media_id,
        }

    def media_bytes(self, media_id: str, authorization: str) -> tuple[bytes, str] | None:
        if not authorization.startswith("Bearer "):
            return None
        with self._lock:
            return self._media.get(media_id)

    def _report_statuses(self, wamid: str, to: str) -> None:
        started = time.monotonic()
        for status, delay in STATUS_DELAYS:
            time.sleep(max(0.0, delay - (time.monotonic() - started)))
            entry = {"id": wamid, "status": status, "timestamp": str(int(time.time())), "recipient_id": to}
            self._deliver({"statuses": [entry]})

    # the customer's phone

    def customer_sends(
        self, wa_id: str, name: str, text: str, image: bytes | None = None, mime_type: str = "image/jpeg"
    ) -> str:
        wa_id = wa_id.lstrip("+").replace(" ", "")
        wamid = _wamid()
        with self._lock:
            self._last_customer_message[wa_id] = time.time()
        message: dict[str, Any] = {"from": wa_id, "id": wamid, "timestamp": str(int(time.time()))}
        if image is not None:
            media_id = str(secrets.randbelow(10**15) + 10**15)
            with self._lock:
                self._media[media_id] = (image, mime_type)
            message |= {"type": "image", "image": {"id": media_id, "mime_type": mime_type, "caption": text}}
        else:
            message |= {"type": "text", "text": {"body": text}}
        self._deliver({"contacts": [{"profile": {"name": name}, "wa_id": wa_id}], "messages": [message]})
        return wamid

    def customer_wrote(self, wa_id: str) -> None:
        """A customer's message reached the webhook another way than through
        ``customer_sends`` (``atiende load`` signs its own): Meta would know."""
        with self._lock:
            self._last_customer_message[wa_id.lstrip("+")] = time.time()

    def _deliver(self, value: dict[str, Any]) -> None:
        body = webhook_body(value, self.display_number, self.phone_number_id)
        request = urllib.request.Request(  # noqa: S310 - our own local webhook
            self.webhook_url,
            data=body,
            headers={"Content-Type": "application/json", SIGNATURE_HEADER: signature(self.app_secret, body)},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  # nosec B310
            response.read()
