"""What a change of the table means to a webhook receiver.

The table's stream hands over a ticket's or a message's item before and after
a write; ``ticket_events`` and ``message_events`` turn them into events
(pure: no reads, no clock). An event's id is derived from what it is about
(the ticket and its version, the message), never from the stream record, so
a stream record handed over twice yields the same event, and a receiver can
deduplicate retries by the id. Bodies carry what a receiver needs of the
ticket and message, never the table's keys or internal bookkeeping.

Internal notes and system messages are not sent out: ``message.created`` is
a customer's message or an agent's public reply.
"""

import json
import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import ConfigDict

from helpdesk.models import Message, MessageKind, Ticket, TicketEvent, TicketStatus
from helpdesk.validated import Validated


class EventName(StrEnum):
    """What an endpoint may subscribe to."""

    TICKET_CREATED = "ticket.created"
    TICKET_UPDATED = "ticket.updated"
    MESSAGE_CREATED = "message.created"
    TICKET_SOLVED = "ticket.solved"
    SURVEY_ANSWERED = "survey.answered"  # a customer answered (or changed, or commented on) a survey


PING = "ping"  # a test delivery an administrator asks for; no subscription needed
RULE_CALLED = "rule.called"  # a rule's call_webhook action: sent to its endpoint, no subscription needed

# The ticket fields a receiver sees, and whose change is a ``ticket.updated``.
TICKET_FIELDS = (
    "id", "number", "subject", "status", "priority", "channel", "contact_id", "group_id",
    "assignee_id", "tags", "custom_fields", "created_at", "updated_at", "first_response_at", "solved_at",
)  # fmt: skip
UPDATE_FIELDS = ("subject", "status", "priority", "group_id", "assignee_id", "tags", "custom_fields")
MAX_TEXT = 8000  # characters of a message's text a delivery carries (SQS takes 256 KB)
PUBLIC_KINDS = (MessageKind.INBOUND, MessageKind.OUTBOUND)
_IDS = uuid.UUID("5f0e4a57-7d1c-4d55-9a3e-6e0d3b1a2c44")  # the namespace of event ids


class Event(Validated):
    """One event, as every endpoint subscribed to it receives it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    event: str
    occurred_at: datetime
    data: dict[str, Any]

    def body(self) -> bytes:
        """The exact bytes sent (and signed): the same on every retry."""
        document = self.model_dump(mode="json")
        return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def event_id(*about: str) -> str:
    """A stable id: the same ``about`` always gives the same id."""
    return str(uuid.uuid5(_IDS, "|".join(about)))


def ticket_view(ticket: Ticket) -> dict[str, Any]:
    dumped = ticket.model_dump(mode="json")
    return {name: dumped.get(name) for name in TICKET_FIELDS}


def message_view(message: Message) -> dict[str, Any]:
    return {
        "id": message.id,
        "ticket_id": message.ticket_id,
        "kind": message.kind.value,
        "channel": message.channel.value,
        "author": {"kind": message.author.kind.value, "name": message.author.name},
        "text": message.text[:MAX_TEXT],
        "truncated": len(message.text) > MAX_TEXT,
        "attachments": [
            {"filename": a.filename, "content_type": a.content_type, "size": a.size} for a in message.attachments
        ],
        "sent_at": message.sent_at.isoformat(),
    }


def ticket_events(before: Ticket | None, after: Ticket | None) -> list[Event]:
    """The events of one write of a ticket (``before`` None: it was created;
    ``after`` None: it was deleted, which is no event)."""
    if after is None:
        return []
    view = ticket_view(after)
    if before is None:
        return [Event(id=event_id(EventName.TICKET_CREATED, after.id), event=EventName.TICKET_CREATED,
                      occurred_at=after.created_at, data={"ticket": view})]  # fmt: skip
    old = ticket_view(before)
    changes = {name: {"from": old[name], "to": view[name]} for name in UPDATE_FIELDS if old[name] != view[name]}
    if not changes:
        return []  # bookkeeping only (SLA timers, loads, versions): nothing a receiver sees changed
    version = str(after.version)
    events = [
        Event(
            id=event_id(EventName.TICKET_UPDATED, after.id, version),
            event=EventName.TICKET_UPDATED,
            occurred_at=after.updated_at,
            data={"ticket": view, "changes": changes},
        )
    ]
    if after.status == TicketStatus.SOLVED and before.status != TicketStatus.SOLVED:
        events.append(
            Event(
                id=event_id(EventName.TICKET_SOLVED, after.id, version),
                event=EventName.TICKET_SOLVED,
                occurred_at=after.solved_at or after.updated_at,
                data={"ticket": view},
            )
        )
    return events


def message_events(message: Message, ticket: Ticket | None) -> list[Event]:
    """The event of a message added to a ticket (none for notes and system lines)."""
    if message.kind not in PUBLIC_KINDS:
        return []
    data: dict[str, Any] = {"message": message_view(message)}
    if ticket is not None:
        data["ticket"] = ticket_view(ticket)
    return [
        Event(
            id=event_id(EventName.MESSAGE_CREATED, message.id),
            event=EventName.MESSAGE_CREATED,
            occurred_at=message.created_at,
            data=data,
        )
    ]


SURVEY_FIELDS = ("ticket_id", "ticket_number", "contact_id", "kinds", "channel", "language", "sent_at", "csat", "nps",
                 "comment", "answered_at", "answered_via")  # fmt: skip


def survey_events(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[Event]:
    """A survey answered, changed or commented on (its JSON before and after the
    write); sending it is no event. The id names the answer, so a record handed
    over twice is one event."""
    if after is None or after.get("answered_at") is None:
        return []
    view = {name: after.get(name) for name in SURVEY_FIELDS}
    if before is not None and {name: before.get(name) for name in SURVEY_FIELDS} == view:
        return []
    return [
        Event(
            id=event_id(EventName.SURVEY_ANSWERED, str(after["ticket_id"]), str(after["answered_at"])),
            event=EventName.SURVEY_ANSWERED,
            occurred_at=datetime.fromisoformat(str(after["answered_at"])),
            data={"survey": view},
        )
    ]


def ping_event(endpoint_id: str, at: datetime) -> Event:
    """A test delivery (its id is new each time: each ping is its own event)."""
    return Event(id=event_id(PING, endpoint_id, at.isoformat()), event=PING, occurred_at=at,
                 data={"endpoint_id": endpoint_id, "message": "Atiende ping"})  # fmt: skip


def rule_call_event(entry: TicketEvent, ticket: Ticket) -> Event:
    """What a rule's ``call_webhook`` sends: the ticket as it is, and the rule."""
    return Event(
        id=event_id(RULE_CALLED, entry.ticket_id, entry.id),
        event=RULE_CALLED,
        occurred_at=entry.at,
        data={"ticket": ticket_view(ticket), "rule": {"id": entry.actor.id, "name": entry.actor.name}},
    )
