"""Outbound messages wait on a queue for their channel's sender."""

import json
from typing import Any, Protocol

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


class SqsOutboundQueue:
    def __init__(self, client: Any, queue_url: str) -> None:
        self._sqs = client
        self._url = queue_url

    def enqueue(self, request: OutboundRequest) -> None:
        self._sqs.send_message(QueueUrl=self._url, MessageBody=json.dumps(request.model_dump(mode="json")))


def queued_message(store: HelpdeskStore, request: OutboundRequest) -> Message | None:
    """The message a request names, if it still waits to be sent (None when it
    is gone or an earlier delivery of the request already handled it)."""
    message = store.get_message(request.ticket_id, request.sent_at, request.message_id)
    if message is None or message.delivery_status is not DeliveryStatus.QUEUED:
        return None
    return message
