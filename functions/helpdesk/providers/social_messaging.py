"""AWS End User Messaging Social: the same WhatsApp messages, sent through AWS
(``socialmessaging.send_whatsapp_message``) instead of Meta's Graph API, for
operators who linked their WhatsApp Business account to AWS. No token to keep:
IAM authorizes the call."""

import json
from typing import Any

from botocore.exceptions import ClientError

from helpdesk.errors import WhatsAppRejected, WhatsAppUnavailable
from helpdesk.providers.whatsapp_graph import (
    buttons_payload,
    list_payload,
    read_payload,
    template_payload,
    text_payload,
)

META_API_VERSION = "v20.0"
RETRYABLE = {"ThrottledRequestException", "InternalServiceException", "DependencyException"}


class SocialMessagingWhatsApp:
    def __init__(self, client: Any, origination_phone_number_id: str) -> None:
        self._client = client
        self._origin = origination_phone_number_id

    def send_text(self, to: str, body: str, reply_to: str | None = None) -> str:
        return self._send(text_payload(to, body, reply_to))

    def send_template(self, to: str, name: str, language: str, parameters: list[str]) -> str:
        return self._send(template_payload(to, name, language, parameters))

    def send_buttons(self, to: str, body: str, buttons: list[tuple[str, str]]) -> str:
        return self._send(buttons_payload(to, body, buttons))

    def send_list(self, to: str, body: str, button: str, rows: list[tuple[str, str]]) -> str:
        return self._send(list_payload(to, body, button, rows))

    def mark_read(self, wamid: str) -> None:
        self._send(read_payload(wamid))

    def _send(self, payload: dict[str, Any]) -> str:
        try:
            answer = self._client.send_whatsapp_message(
                originationPhoneNumberId=self._origin,
                message=json.dumps(payload).encode(),
                metaApiVersion=META_API_VERSION,
            )
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in RETRYABLE:
                raise WhatsAppUnavailable(code) from exc
            message = exc.response.get("Error", {}).get("Message", code)
            raise WhatsAppRejected(400, f"{code}: {message}") from exc
        return str(answer.get("messageId", ""))
