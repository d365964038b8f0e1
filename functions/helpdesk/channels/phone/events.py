"""Amazon Connect's contact events as EventBridge delivers them (source
``aws.connect``, detail-type ``Amazon Connect Contact Event``), typed.

Connect adds fields and event types over time: unknown fields are ignored and
an unknown event type is kept as its name (it still marks the call as seen,
and changes nothing else). Every event repeats what is known of the contact so
far (initiation, queue, agent, disconnect), which is what lets ``calls.py``
apply them in any order.
"""

from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, ConfigDict, Field

from helpdesk.models import CallDirection
from helpdesk.validated import Validated

SOURCE = "aws.connect"
DETAIL_TYPE = "Amazon Connect Contact Event"
VOICE = "VOICE"


class ContactEventType(StrEnum):
    INITIATED = "INITIATED"
    CONNECTED_TO_SYSTEM = "CONNECTED_TO_SYSTEM"
    QUEUED = "QUEUED"
    CONNECTED_TO_AGENT = "CONNECTED_TO_AGENT"
    DISCONNECTED = "DISCONNECTED"
    COMPLETED = "COMPLETED"
    CONTACT_DATA_UPDATED = "CONTACT_DATA_UPDATED"


# The order a call goes through: how a message lists the events it has seen.
EVENT_ORDER = {kind.value: rank for rank, kind in enumerate(ContactEventType)}

# How Connect says a contact began that means we called the customer.
OUTBOUND_METHODS = frozenset({"OUTBOUND", "CALLBACK", "API", "CAMPAIGN"})


class _Lenient(Validated):
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)


class Endpoint(_Lenient):
    type: str = ""  # TELEPHONE_NUMBER for calls
    address: str = ""


class QueueInfo(_Lenient):
    queue_arn: str = Field("", alias="queueArn")
    queue_type: str | None = Field(None, alias="queueType")
    enqueue_timestamp: AwareDatetime | None = Field(None, alias="enqueueTimestamp")


class AgentInfo(_Lenient):
    agent_arn: str = Field("", alias="agentArn")
    connected_to_agent_timestamp: AwareDatetime | None = Field(None, alias="connectedToAgentTimestamp")


class ContactDetail(_Lenient):
    event_type: str = Field(alias="eventType", min_length=1, max_length=64)
    contact_id: str = Field(alias="contactId", min_length=1, max_length=128)
    initial_contact_id: str | None = Field(None, alias="initialContactId")
    previous_contact_id: str | None = Field(None, alias="previousContactId")
    channel: str = ""
    instance_arn: str = Field("", alias="instanceArn")
    initiation_method: str = Field("", alias="initiationMethod")
    initiation_timestamp: AwareDatetime | None = Field(None, alias="initiationTimestamp")
    connected_to_system_timestamp: AwareDatetime | None = Field(None, alias="connectedToSystemTimestamp")
    disconnect_timestamp: AwareDatetime | None = Field(None, alias="disconnectTimestamp")
    disconnect_reason: str | None = Field(None, alias="disconnectReason")
    queue_info: QueueInfo | None = Field(None, alias="queueInfo")
    agent_info: AgentInfo | None = Field(None, alias="agentInfo")
    customer_endpoint: Endpoint | None = Field(None, alias="customerEndpoint")
    system_endpoint: Endpoint | None = Field(None, alias="systemEndpoint")
    tags: dict[str, Any] = Field(default_factory=dict)

    @property
    def direction(self) -> CallDirection:
        return CallDirection.OUTBOUND if self.initiation_method in OUTBOUND_METHODS else CallDirection.INBOUND


class ContactEvent(_Lenient):
    """One EventBridge event carrying a contact event."""

    id: str = ""
    source: str
    detail_type: str = Field(alias="detail-type")
    time: AwareDatetime
    detail: ContactDetail

    @property
    def is_call(self) -> bool:
        """A voice contact's event (chats and tasks are not calls)."""
        return self.source == SOURCE and self.detail_type == DETAIL_TYPE and self.detail.channel.upper() == VOICE


def arn_name(arn: str) -> str | None:
    """The last part of a Connect ARN (``…/queue/<id>`` → ``<id>``)."""
    return arn.rsplit("/", 1)[-1] or None if arn else None
