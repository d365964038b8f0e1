"""Meta's side of Messenger and Instagram, on this machine (local stack only).

- ``POST /sandbox/graph/v21.0/me/messages``: the Send API. A bearer token is
  required; a plain response more than 24 hours after the customer's last
  message, or a ``HUMAN_AGENT`` one more than 7 days after it, is refused with
  Meta's error (code 10, subcode 2018278); every send is recorded for
  ``/dev/outbox``; then Meta's signed delivery and read callbacks reach the
  product's webhook (``/webhooks/messenger`` or ``/webhooks/instagram``).
- ``GET /sandbox/graph/v21.0/<PSID or IGSID>``: the customer's profile.
- ``GET /sandbox/cdn/<id>``: the files customers send (Meta's CDN links).
- ``POST /sandbox/meta/customer``: a customer writing (``atiende messenger send``,
  ``atiende instagram send``): a signed ``messages`` webhook, with a picture, or
  as a reply to one of the page's Instagram stories.
"""

import json
import secrets
import threading
import time
import urllib.request
from datetime import UTC, datetime
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from local.whatsapp_sandbox import SIGNATURE_HEADER, signature

# A 1×1 PNG: every sandbox customer's profile picture
PROFILE_PICTURE = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d494441"
    "54789c6390cfdff21f00043502427d4c97db0000000049454e44ae426082"
)
STANDARD_WINDOW_SECONDS = 24 * 3600
HUMAN_AGENT_WINDOW_SECONDS = 7 * 24 * 3600
RECEIPT_DELAYS = (("delivery", 0.4), ("read", 1.0))
OUTSIDE_WINDOW = {
    "message": "(#10) This message is sent outside of allowed window.",
    "type": "OAuthException",
    "code": 10,
    "error_subcode": 2018278,
}
PRODUCTS = {"messenger": ("page", "/webhooks/messenger"), "instagram": ("instagram", "/webhooks/instagram")}
PAGE_ID = "104000000000001"
INSTAGRAM_ACCOUNT_ID = "17841400000000001"


def _mid() -> str:
    return "m_SBX" + secrets.token_hex(20)


def new_scoped_id() -> str:
    """A fresh PSID or IGSID: 16 digits, as Meta hands them out."""
    return str(secrets.randbelow(9 * 10**15) + 10**15)


class MetaSandbox:
    def __init__(self, base_url: str, app_secret: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.app_secret = app_secret
        self.sent: list[dict[str, Any]] = []
        self._customers: dict[str, tuple[str, str, float]] = {}  # id → product, name, last message time
        self._files: dict[str, tuple[bytes, str]] = {}
        self._lock = threading.Lock()

    # Meta's Send API and Graph API

    def send(self, authorization: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if not authorization.startswith("Bearer ") or len(authorization) < 12:
            return 401, {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}}
        recipient = str((body.get("recipient") or {}).get("id", ""))
        with self._lock:
            customer = self._customers.get(recipient)
        if customer is None:
            return 400, {"error": {"message": "(#100) No matching user found", "type": "OAuthException", "code": 100,
                                   "error_subcode": 2018001}}  # fmt: skip
        product, _, last = customer
        tagged = body.get("messaging_type") == "MESSAGE_TAG" and body.get("tag") == "HUMAN_AGENT"
        allowed = HUMAN_AGENT_WINDOW_SECONDS if tagged else STANDARD_WINDOW_SECONDS
        if time.time() - last > allowed:
            return 400, {"error": OUTSIDE_WINDOW}
        mid = _mid()
        with self._lock:
            self.sent.append({
                "channel": product,
                "provider_message_id": mid,
                "from": PAGE_ID if product == "messenger" else INSTAGRAM_ACCOUNT_ID,
                "to": [recipient],
                "subject": "",
                "message_id": mid,
                "in_reply_to": "",
                "sent_at": datetime.now(UTC).isoformat(),
                "raw": json.dumps(body, ensure_ascii=False),
            })  # fmt: skip
        threading.Thread(target=self._report_receipts, args=(product, recipient, mid), daemon=True).start()
        return 200, {"recipient_id": recipient, "message_id": mid}

    def send_form(self, authorization: str, raw: bytes, content_type: str) -> tuple[int, dict[str, Any]]:
        """The Send API's upload-and-send (multipart/form-data with ``filedata``)."""
        parsed = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
        body: dict[str, Any] = {}
        for part in parsed.iter_parts():
            name = str(part.get_param("name", header="content-disposition"))
            payload = part.get_payload(decode=True)
            content = payload if isinstance(payload, bytes) else b""
            if part.get_filename():
                body[name] = {"filename": part.get_filename(), "content_type": part.get_content_type(),
                              "size": len(content)}  # fmt: skip
            else:
                text = content.decode("utf-8", "replace")
                body[name] = json.loads(text) if name in ("recipient", "message") else text
        if "filedata" not in body:
            return 400, {"error": {"message": "(#100) Upload attachment failure.", "type": "OAuthException",
                                   "code": 100}}  # fmt: skip
        return self.send(authorization, body)

    def profile(self, scoped_id: str, authorization: str) -> tuple[int, dict[str, Any]]:
        with self._lock:
            customer = self._customers.get(scoped_id)
        if not authorization.startswith("Bearer ") or customer is None:
            return 400, {"error": {"message": "Unsupported get request.", "type": "GraphMethodException", "code": 100}}
        product, name, _ = customer
        picture = self._keep(PROFILE_PICTURE, "image/png")  # a CDN link of its own, as Meta gives
        if product == "instagram":
            return 200, {"id": scoped_id, "name": name, "username": name.lower().replace(" ", "_"),
                         "profile_pic": picture}  # fmt: skip
        first, _, last = name.partition(" ")
        return 200, {"id": scoped_id, "first_name": first, "last_name": last, "profile_pic": picture}

    def file(self, file_id: str) -> tuple[bytes, str] | None:
        with self._lock:
            return self._files.get(file_id)

    def _report_receipts(self, product: str, recipient: str, mid: str) -> None:
        started = time.monotonic()
        for receipt, delay in RECEIPT_DELAYS:
            time.sleep(max(0.0, delay - (time.monotonic() - started)))
            now = int(time.time() * 1000)
            body: dict[str, Any]
            if receipt == "delivery":
                body = {"mids": [mid], "watermark": now}
            else:  # Messenger reads by watermark, Instagram by mid
                body = {"watermark": now} if product == "messenger" else {"mid": mid}
            self._deliver(product, {"sender": {"id": recipient}, "recipient": {"id": PAGE_ID}, "timestamp": now,
                                    receipt: body})  # fmt: skip

    # the customer's app

    def customer_sends(self, product: str, scoped_id: str, name: str, text: str, image: bytes | None = None,
                       mime_type: str = "image/jpeg", story_reply: bool = False) -> str:  # fmt: skip
        """A customer's message as Meta delivers it; its mid."""
        mid = _mid()
        now = time.time()
        with self._lock:
            self._customers[scoped_id] = (product, name, now)
        message: dict[str, Any] = {"mid": mid}
        if text:
            message["text"] = text
        if image is not None:
            message["attachments"] = [{"type": "image", "payload": {"url": self._keep(image, mime_type)}}]
        if story_reply:
            story = self._keep(image or b"\x89PNG\r\n\x1a\n a story", mime_type)
            message["reply_to"] = {"story": {"url": story, "id": str(secrets.randbelow(10**17))}}
        self._deliver(product, {"sender": {"id": scoped_id}, "recipient": {"id": PAGE_ID},
                                "timestamp": int(now * 1000), "message": message})  # fmt: skip
        return mid

    def _keep(self, content: bytes, mime_type: str) -> str:
        file_id = secrets.token_hex(12)
        with self._lock:
            self._files[file_id] = (content, mime_type)
        return f"{self.base_url}/sandbox/cdn/{file_id}"

    def _deliver(self, product: str, event: dict[str, Any]) -> None:
        object_name, path = PRODUCTS[product]
        account = PAGE_ID if product == "messenger" else INSTAGRAM_ACCOUNT_ID
        envelope = {"object": object_name,
                    "entry": [{"id": account, "time": int(time.time() * 1000), "messaging": [event]}]}  # fmt: skip
        body = json.dumps(envelope).encode()
        request = urllib.request.Request(  # noqa: S310 - our own local webhook
            self.base_url + path,
            data=body,
            headers={"Content-Type": "application/json", SIGNATURE_HEADER: signature(self.app_secret, body)},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  # nosec B310
            response.read()
