"""Outbound messages wait on a queue (``OutboundQueue``) for their channel's
sender; the SQS adapter is ``helpdesk.providers.sqs.SqsOutboundQueue``."""

import html
from datetime import datetime
from typing import Annotated, Protocol

from pydantic import AwareDatetime, ConfigDict, Field

from helpdesk.channels.email.thread_keys import our_message_id
from helpdesk.clock import new_id
from helpdesk.models import Actor, Channel, DeliveryStatus, Message, MessageKind, Notice, Ticket
from helpdesk.store import HelpdeskStore
from helpdesk.validated import Validated

# Where a one-time code goes in a stored message (``helpdesk.verification``): the
# code itself rides only on the request and is put in at the moment of sending.
CODE_MASK = "••••••"


class OutboundRequest(Validated):
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


def outbound_message(
    ticket: Ticket, text: str, author: Actor, support_domain: str, now: datetime, message_id: str | None = None
) -> Message:
    """A new message to the customer on the ticket's channel, queued to be sent
    (an e-mail gets its own Message-ID, which the customer's answer refers to);
    ``message_id`` when the caller fixed it beforehand."""
    message_id = message_id or new_id()
    rfc_id = our_message_id(message_id, ticket.id, support_domain) if ticket.channel is Channel.EMAIL else None
    return Message(
        id=message_id,
        ticket_id=ticket.id,
        kind=MessageKind.OUTBOUND,
        channel=ticket.channel,
        author=author,
        text=text,
        html=text_to_html(text),
        channel_message_id=rfc_id,
        thread_key=rfc_id,
        delivery_status=DeliveryStatus.QUEUED,
        sent_at=now,
        created_at=now,
    )
