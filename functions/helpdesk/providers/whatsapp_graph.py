"""WhatsApp Cloud API (Meta's Graph API): send messages, mark messages read.

One adapter per provider: this one speaks HTTPS to the Graph API with the
business number's bearer token (read from SSM Parameter Store, never from code).
Meta's answers become ``WhatsAppRejected`` (a rule says no: do not retry) or
``WhatsAppUnavailable`` (429 and 5xx: retry later).
"""

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from helpdesk.errors import WhatsAppRejected, WhatsAppUnavailable

TIMEOUT_SECONDS = 10


class GraphWhatsApp:
    def __init__(self, base_url: str, phone_number_id: str, access_token: Callable[[], str]) -> None:
        self._base = base_url.rstrip("/")
        self._url = f"{self._base}/{phone_number_id}/messages"
        self._token = access_token

    @classmethod
    def with_token_in_ssm(cls, base_url: str, phone_number_id: str, ssm: Any, parameter: str) -> "GraphWhatsApp":
        """The token is read from SSM Parameter Store on first use, then kept."""

        @lru_cache(maxsize=1)
        def token() -> str:
            return str(ssm.get_parameter(Name=parameter, WithDecryption=True)["Parameter"]["Value"])

        return cls(base_url, phone_number_id, token)

    def send_text(self, to: str, body: str, reply_to: str | None = None) -> str:
        """Send free text (inside the customer-service window); returns the wamid."""
        return self._message_id(self._post(text_payload(to, body, reply_to)))

    def send_template(self, to: str, name: str, language: str, parameters: list[str]) -> str:
        """Send an approved template (outside the window); returns the wamid."""
        return self._message_id(self._post(template_payload(to, name, language, parameters)))

    def send_buttons(self, to: str, body: str, buttons: list[tuple[str, str]]) -> str:
        """Up to three reply buttons (id, title), for the bot and surveys."""
        return self._message_id(self._post(buttons_payload(to, body, buttons)))

    def send_list(self, to: str, body: str, button: str, rows: list[tuple[str, str]]) -> str:
        """A list of up to ten rows (id, title), for surveys."""
        return self._message_id(self._post(list_payload(to, body, button, rows)))

    def media(self, media_id: str, max_bytes: int) -> tuple[bytes, str]:
        """Meta's two steps: the media id gives a short-lived URL, which gives the
        bytes (both with the bearer token). Larger than ``max_bytes`` is refused."""
        about = self._get_json(f"{self._base}/{media_id}")
        size = int(about.get("file_size") or 0)
        if size > max_bytes:
            raise WhatsAppRejected(413, f"media of {size} bytes is over the limit")
        content = self._get(str(about["url"]), max_bytes)
        return content, str(about.get("mime_type") or "application/octet-stream")

    def mark_read(self, wamid: str) -> None:
        self._post(read_payload(wamid))

    def _post(self, payload: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(  # noqa: S310 - the configured Graph API URL
            self._url,
            data=json.dumps(payload).encode(),
            headers={"Authorization": f"Bearer {self._token()}", "Content-Type": "application/json"},
            method="POST",
        )
        answer: dict[str, Any] = json.loads(self._call(request, 1024 * 1024) or b"{}")
        return answer

    def _get_json(self, url: str) -> dict[str, Any]:
        answer: dict[str, Any] = json.loads(self._get(url, 1024 * 1024))
        return answer

    def _get(self, url: str, max_bytes: int) -> bytes:
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {self._token()}"})  # noqa: S310
        content = self._call(request, max_bytes)
        if len(content) > max_bytes:
            raise WhatsAppRejected(413, "media over the limit")
        return content

    @staticmethod
    def _call(request: urllib.request.Request, max_bytes: int) -> bytes:
        """Meta's answer body (up to ``max_bytes`` + 1); its refusals as our errors."""
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310  # nosec B310
                content: bytes = response.read(max_bytes + 1)
                return content
        except urllib.error.HTTPError as exc:
            if exc.code == 429 or exc.code >= 500:
                raise WhatsAppUnavailable(f"HTTP {exc.code}") from exc
            error = _error(exc.read())
            raise WhatsAppRejected(int(error.get("code", exc.code)), str(error.get("message", "refused"))) from exc
        except (urllib.error.URLError, TimeoutError) as exc:
            raise WhatsAppUnavailable(type(exc).__name__) from exc

    @staticmethod
    def _message_id(answer: dict[str, Any]) -> str:
        messages = answer.get("messages") or []
        if not messages or not messages[0].get("id"):
            raise WhatsAppUnavailable("answer without a message id")
        return str(messages[0]["id"])


# Meta's message bodies: the same for the Graph API and for AWS End User
# Messaging Social, which forwards them to Meta.


def text_payload(to: str, body: str, reply_to: str | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "text",
        "text": {"body": body, "preview_url": False},
    }
    if reply_to:
        payload["context"] = {"message_id": reply_to}
    return payload


def template_payload(to: str, name: str, language: str, parameters: list[str]) -> dict[str, Any]:
    components = [{"type": "body", "parameters": [{"type": "text", "text": p} for p in parameters]}]
    return {
        "messaging_product": "whatsapp",
        "to": to,
        "type": "template",
        "template": {"name": name, "language": {"code": language}, "components": components if parameters else []},
    }


def buttons_payload(to: str, body: str, buttons: list[tuple[str, str]]) -> dict[str, Any]:
    if not 1 <= len(buttons) <= 3:
        raise ValueError("WhatsApp allows one to three reply buttons")
    return {
        "messaging_product": "whatsapp",
        "to": to,
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": body},
            "action": {"buttons": [{"type": "reply", "reply": {"id": i, "title": t[:20]}} for i, t in buttons]},
        },
    }


def list_payload(to: str, body: str, button: str, rows: list[tuple[str, str]]) -> dict[str, Any]:
    if not 1 <= len(rows) <= 10:
        raise ValueError("WhatsApp allows one to ten list rows")
    return {
        "messaging_product": "whatsapp",
        "to": to,
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": body},
            "action": {
                "button": button[:20],
                "sections": [{"title": button[:24], "rows": [{"id": i, "title": t[:24]} for i, t in rows]}],
            },
        },
    }


def read_payload(wamid: str) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "status": "read", "message_id": wamid}


def _error(body: bytes) -> dict[str, Any]:
    try:
        error: dict[str, Any] = json.loads(body).get("error") or {}
        return error
    except (ValueError, AttributeError):
        return {}
