"""Outbound messages wait on a queue (``OutboundQueue``) for their channel's
sender; the SQS adapter is ``helpdesk.providers.sqs.SqsOutboundQueue``."""

import html
from typing import Protocol

from pydantic import AwareDatetime, BaseModel, ConfigDict

from helpdesk.models import DeliveryStatus, Message
from helpdesk.store import HelpdeskStore


class OutboundRequest(BaseModel):
    """Which stored message to send (the message itself stays in the table)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ticket_id: str
    message_id: str
    sent_at: AwareDatetime


class OutboundQueue(Protocol):
    def enqueue(self, request: OutboundRequest) -> None: ...


def queued_message(store: HelpdeskStore, request: OutboundRequest) -> Message | None:
    """The message a request names, if it still waits to be sent (None when it
    is gone or an earlier delivery of the request already handled it)."""
    message = store.get_message(request.ticket_id, request.sent_at, request.message_id)
    if message is None or message.delivery_status is not DeliveryStatus.QUEUED:
        return None
    return message


def text_to_html(text: str) -> str:
    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
