"""Meta's Messenger Platform on the Graph API: the Send API for Messenger and
Instagram replies, and the files customers send (Meta's CDN links).

One adapter for both products: the page access token (read from SSM Parameter
Store on first use, never from code) sends on Messenger and on the Instagram
account linked to the page. Meta's answers become ``MetaRejected`` (a rule says
no: do not retry) or ``MetaUnavailable`` (429, 5xx, no answer: retry later).

Attachment links come inside webhook payloads, so they are fetched as any
outside address is: ``https`` only, every address the host resolves to public
(``helpdesk.webhooks.addresses``), connected to the checked address, no
redirects, at most ``max_bytes`` read.
"""

import http.client
import json
import re
import secrets
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from helpdesk.errors import HelpdeskError, MetaRejected, MetaUnavailable
from helpdesk.providers.webhook_http import PinnedHttp, PinnedHttps, WebhookHttp
from helpdesk.webhooks.addresses import vet

TIMEOUT_SECONDS = 10
HUMAN_AGENT = "HUMAN_AGENT"


@dataclass(frozen=True)
class MetaProfile:
    """What the Graph API shares of a customer with the page."""

    name: str | None
    picture_url: str | None  # a CDN link that expires: fetch it at once


class GraphMessaging:
    def __init__(self, base_url: str, page_token: Callable[[], str], allow_loopback: bool = False) -> None:
        self._base = base_url.rstrip("/")
        self._token = page_token
        self._allow_loopback = allow_loopback

    @classmethod
    def with_token_in_ssm(
        cls, base_url: str, ssm: Any, parameter: str, allow_loopback: bool = False
    ) -> "GraphMessaging":
        @lru_cache(maxsize=1)
        def token() -> str:
            return str(ssm.get_parameter(Name=parameter, WithDecryption=True)["Parameter"]["Value"])

        return cls(base_url, token, allow_loopback)

    def send_text(self, recipient: str, text: str, tag: Literal["HUMAN_AGENT"] | None = None,
                  quick_replies: tuple[tuple[str, str], ...] = ()) -> str:  # fmt: skip
        """Send a reply to a PSID or IGSID (``quick_replies``: (payload, title)
        buttons under it); returns Meta's ``message_id`` (its mid)."""
        payload = text_payload(recipient, text, tag, quick_replies)
        answer = self._post("/me/messages", json.dumps(payload).encode())
        if not answer.get("message_id"):
            raise MetaUnavailable("answer without a message id")
        return str(answer["message_id"])

    def send_file(self, recipient: str, content: bytes, content_type: str, filename: str,
                  tag: Literal["HUMAN_AGENT"] | None = None) -> str:  # fmt: skip
        """Upload a file and send it in one call (the Send API's ``filedata``
        form field; the file is never made public); returns Meta's mid."""
        fields = {
            "recipient": json.dumps({"id": recipient}),
            "messaging_type": "MESSAGE_TAG" if tag else "RESPONSE",
            "message": json.dumps(
                {"attachment": {"type": attachment_type(content_type), "payload": {"is_reusable": False}}}
            ),
        }
        if tag:
            fields["tag"] = tag
        body, boundary = multipart(fields, ("filedata", filename or "archivo", content_type, content))
        answer = self._post("/me/messages", body, f"multipart/form-data; boundary={boundary}")
        if not answer.get("message_id"):
            raise MetaUnavailable("answer without a message id")
        return str(answer["message_id"])

    def profile(self, scoped_id: str, instagram: bool) -> MetaProfile | None:
        """The customer's name as the Graph API gives it to the page (Messenger:
        first and last name; Instagram: name, else username) and their profile
        picture's link; None when Meta will not say (privacy settings, an old
        id): both are a courtesy."""
        fields = "name,username,profile_pic" if instagram else "first_name,last_name,profile_pic"
        request = urllib.request.Request(  # noqa: S310 - the configured Graph API URL
            f"{self._base}/{urllib.parse.quote(scoped_id)}?fields={fields}",
            headers={"Authorization": f"Bearer {self._token()}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310  # nosec B310
                about = json.loads(response.read(64 * 1024))
        except (urllib.error.URLError, TimeoutError, ValueError):
            return None
        if instagram:
            name = about.get("name") or about.get("username")
        else:
            name = " ".join(str(about[k]) for k in ("first_name", "last_name") if about.get(k))
        picture = about.get("profile_pic")
        return MetaProfile(str(name)[:200] if name else None, str(picture) if picture else None)

    def attachment(self, url: str, max_bytes: int) -> tuple[bytes, str]:
        """A file a customer sent: the bytes behind Meta's CDN link and their type."""
        try:
            target = vet(url, self._allow_loopback, WebhookHttp().resolve)
        except HelpdeskError as refused:
            raise MetaRejected(400, f"address not allowed: {type(refused).__name__}") from refused
        kind = PinnedHttps if target.scheme == "https" else PinnedHttp
        connection = kind(target.host, target.port, target.addresses[0], TIMEOUT_SECONDS)
        try:
            connection.request("GET", target.path)
            response = connection.getresponse()
            if response.status == 429 or response.status >= 500:
                raise MetaUnavailable(f"HTTP {response.status}")
            if response.status != 200:  # redirects included: never followed
                raise MetaRejected(response.status, "the file is no longer available")
            declared = int(response.headers.get("Content-Length") or 0)
            if declared > max_bytes:
                raise MetaRejected(413, f"file of {declared} bytes is over the limit")
            content = response.read(max_bytes + 1)
        except (OSError, http.client.HTTPException, ssl.SSLError) as exc:
            raise MetaUnavailable(type(exc).__name__) from exc
        finally:
            connection.close()
        if len(content) > max_bytes:
            raise MetaRejected(413, "file over the limit")
        return content, str(response.headers.get("Content-Type") or "application/octet-stream").split(";")[0]

    def _post(self, path: str, body: bytes, content_type: str = "application/json") -> dict[str, Any]:
        request = urllib.request.Request(  # noqa: S310 - the configured Graph API URL
            self._base + path,
            data=body,
            headers={"Authorization": f"Bearer {self._token()}", "Content-Type": content_type},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310  # nosec B310
                answer: dict[str, Any] = json.loads(response.read(1024 * 1024) or b"{}")
                return answer
        except urllib.error.HTTPError as exc:
            if exc.code == 429 or exc.code >= 500:
                raise MetaUnavailable(f"HTTP {exc.code}") from exc
            error = _error(exc.read(64 * 1024))
            code = int(error.get("error_subcode") or error.get("code") or exc.code)
            raise MetaRejected(code, str(error.get("message", "refused"))[:300]) from exc
        except (urllib.error.URLError, TimeoutError) as exc:
            raise MetaUnavailable(type(exc).__name__) from exc


MOST_QUICK_REPLIES = 13  # the Send API's limit; titles are cut at 20 characters


def text_payload(
    recipient: str, text: str, tag: str | None = None, quick_replies: tuple[tuple[str, str], ...] = ()
) -> dict[str, Any]:
    """The Send API's body: a response inside the 24-hour window, or a tagged
    message after it; quick replies as text buttons."""
    message: dict[str, Any] = {"text": text}
    if quick_replies:
        message["quick_replies"] = [
            {"content_type": "text", "title": title[:20], "payload": payload}
            for payload, title in quick_replies[:MOST_QUICK_REPLIES]
        ]
    payload: dict[str, Any] = {
        "recipient": {"id": recipient},
        "messaging_type": "MESSAGE_TAG" if tag else "RESPONSE",
        "message": message,
    }
    if tag:
        payload["tag"] = tag
    return payload


def attachment_type(content_type: str) -> str:
    """The Send API's attachment type for a file: image, video, audio or file."""
    kind = content_type.split("/", 1)[0]
    return kind if kind in ("image", "video", "audio") else "file"


def multipart(fields: dict[str, str], file: tuple[str, str, str, bytes]) -> tuple[bytes, str]:
    """A multipart/form-data body of text ``fields`` and one ``file`` (field, filename, type, bytes)."""
    boundary = "atiende" + secrets.token_hex(16)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    field, filename, declared, content = file
    content_type = re.sub(r"[^\w.+/-]", "", declared.split(";", 1)[0]) or "application/octet-stream"
    safe_name = "".join(c for c in filename if c.isprintable() and c not in '"\\\r\n')[:200] or "archivo"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{safe_name}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n").encode()  # fmt: skip
    return b"".join([*parts, head, content, f"\r\n--{boundary}--\r\n".encode()]), boundary


def _error(body: bytes) -> dict[str, Any]:
    try:
        error: dict[str, Any] = json.loads(body).get("error") or {}
        return error
    except (ValueError, AttributeError):
        return {}
