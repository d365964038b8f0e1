"""Outbound messages wait on a queue (``OutboundQueue``) for their channel's
sender; the SQS adapter is ``helpdesk.providers.sqs.SqsOutboundQueue``."""

import html
from typing import Annotated, Protocol

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from helpdesk.models import Channel, DeliveryStatus, Message, Notice
from helpdesk.store import HelpdeskStore

# Where a one-time code goes in a stored message (``helpdesk.verification``): the
# code itself rides only on the request and is put in at the moment of sending.
CODE_MASK = "••••••"


class OutboundRequest(BaseModel):
    """Which stored message to send (the message itself stays in the table)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ticket_id: str
    message_id: str
    sent_at: AwareDatetime
    channel: Channel | None = None  # another way to reach the contact than the ticket's channel
    code: Annotated[str, Field(pattern=r"^[0-9]{6}$")] | None = None  # an identity check's one-time code


class OutboundQueue(Protocol):
    def enqueue(self, request: OutboundRequest) -> None: ...


def queued_message(store: HelpdeskStore, request: OutboundRequest) -> Message | None:
    """The message a request names, if it still waits to be sent (None when it
    is gone or an earlier delivery of the request already handled it)."""
    message = store.get_message(request.ticket_id, request.sent_at, request.message_id)
    if message is None or message.delivery_status is not DeliveryStatus.QUEUED:
        return None
    return _with_code(message, request.code) if request.code else message


def _with_code(message: Message, code: str) -> Message:
    """The message as it is sent: the one-time code where the stored copy masks it."""
    notices = tuple(
        Notice(key=n.key, params={k: v.replace(CODE_MASK, code) for k, v in n.params.items()}) for n in message.notices
    )
    return message.model_copy(
        update={
            "text": message.text.replace(CODE_MASK, code),
            "html": (message.html or "").replace(CODE_MASK, code) or None,
            "notices": notices,
        }
    )


def text_to_html(text: str) -> str:
    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
