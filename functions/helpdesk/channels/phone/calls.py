"""Contact events → one ``phone`` message per call (ARCHITECTURE §3, flow 1).

EventBridge delivers Connect's events at least once and in no promised order.
The first event of a call that arrives ingests the call's message (the caller's
number as a ``phone`` identity, so a caller who wrote on WhatsApp from the same
number joins that contact; the contact's open phone conversation or a new
ticket); every later event merges into the message's call. Applying an event is
idempotent on (contact id, event type): an event already in ``call.events``
changes nothing, and two events merging at once retry on the stored call
(a conditional write), so none is lost.
"""

from datetime import datetime

from helpdesk.channels.phone.events import EVENT_ORDER, ContactEvent, ContactEventType, arn_name
from helpdesk.conversations.ingest import InboundMessage, ingest
from helpdesk.errors import HelpdeskError, IngestGaveUp, InvalidIdentity
from helpdesk.models import CallDirection, Channel, Identity, IdentityKind, Message, PhoneCall
from helpdesk.observability import logger
from helpdesk.people.contacts import normalize_identity
from helpdesk.retrying import until_saved
from helpdesk.rules.sending import OutboxFactory
from helpdesk.store import HelpdeskStore


class CallerUnknown(HelpdeskError):
    """An event of a call not seen yet names no caller's number: nothing can be
    stored until an event that does arrives (the event is retried, then kept
    in the dead-letter queue)."""

    message_key = "error.bad_request"


def call_of(event: ContactEvent) -> PhoneCall:
    """What this one event says of its call."""
    detail = event.detail
    endpoint = detail.customer_endpoint
    number = ""
    if endpoint is not None and endpoint.address:
        try:
            number = normalize_identity(Identity(kind=IdentityKind.PHONE, value=endpoint.address)).value
        except InvalidIdentity:
            number = ""  # an anonymous or withheld caller
    queue = detail.queue_info
    agent = detail.agent_info
    ended = detail.disconnect_timestamp
    started = detail.initiation_timestamp or event.time
    return PhoneCall(
        call_id=detail.contact_id,
        direction=detail.direction,
        number=number,
        queue=arn_name(queue.queue_arn) if queue else None,
        agent=arn_name(agent.agent_arn) if agent else None,
        started_at=started,
        queued_at=queue.enqueue_timestamp if queue else None,
        answered_at=agent.connected_to_agent_timestamp if agent else None,
        ended_at=ended,
        duration_seconds=_seconds(started, ended),
        events=(detail.event_type,),
        disconnect_reason=detail.disconnect_reason,
    )


def merge(kept: PhoneCall, arriving: PhoneCall) -> PhoneCall:
    """Both snapshots of one call as one: each fact from whichever knows it
    (the same in any order), the events seen by both."""
    started = min(kept.started_at, arriving.started_at)
    ended = kept.ended_at or arriving.ended_at
    events = sorted(set(kept.events) | set(arriving.events), key=lambda e: (EVENT_ORDER.get(e, len(EVENT_ORDER)), e))
    return kept.model_copy(
        update={
            "number": kept.number or arriving.number,
            "queue": kept.queue or arriving.queue,
            "agent": kept.agent or arriving.agent,
            "started_at": started,
            "queued_at": kept.queued_at or arriving.queued_at,
            "answered_at": kept.answered_at or arriving.answered_at,
            "ended_at": ended,
            "duration_seconds": _seconds(started, ended),
            "events": tuple(events),
            "disconnect_reason": kept.disconnect_reason or arriving.disconnect_reason,
            "voicemail": kept.voicemail or arriving.voicemail,
        }
    )


def _seconds(started: datetime, ended: datetime | None) -> int | None:
    return None if ended is None else max(round((ended - started).total_seconds()), 0)


def subject_of(call: PhoneCall) -> str:
    """A new ticket's subject (the console translates the call's own details)."""
    return f"Llamada de {call.number}" if call.direction is CallDirection.INBOUND else f"Llamada a {call.number}"


def record_contact_event(
    event: ContactEvent, store: HelpdeskStore, outbox: OutboxFactory | None = None
) -> Message | None:
    """Apply one contact event; the call's message as it is now, or None for
    an event that is not a call's."""
    if not event.is_call:
        logger.info("contact event ignored", extra={"channel": event.detail.channel, "event": event.detail.event_type})
        return None
    return record_call(call_of(event), store, outbox)


def record_call(call: PhoneCall, store: HelpdeskStore, outbox: OutboxFactory | None = None, text: str = "") -> Message:
    """The call's message with ``call`` merged in: ingested when it is the
    first word of the call, else merged into the stored one."""
    message = store.find_channel_message(Channel.PHONE, call.call_id)
    if message is None:
        if not call.number:
            raise CallerUnknown("no caller number for a call not seen yet")
        inbound = InboundMessage(
            channel=Channel.PHONE,
            channel_message_id=call.call_id,
            sender=Identity(kind=IdentityKind.PHONE, value=call.number),
            sent_at=call.started_at,
            subject=subject_of(call),
            text=text,
            call=call,
        )
        result = ingest(inbound, store, outbox)
        if not result.duplicate:
            logger.info("call recorded", extra={"ticket_id": result.ticket.id, "events": list(call.events)})
            return result.message
        message = result.message  # another event of the call came first: merge into it
    return until_saved(
        lambda: _merge_into(message.ticket_id, message, call, store),
        give_up=lambda: IngestGaveUp("too much contention on one call"),
    )


def _merge_into(ticket_id: str, first_read: Message, call: PhoneCall, store: HelpdeskStore) -> Message:
    message = store.get_message(ticket_id, first_read.sent_at, first_read.id) or first_read
    kept = message.call or call
    merged = merge(kept, call)
    if message.call is not None and merged == kept:
        logger.info("call event already applied", extra={"ticket_id": ticket_id, "events": list(call.events)})
        return message
    updated = store.replace_call(message, merged)
    logger.info("call updated", extra={"ticket_id": ticket_id, "events": list(merged.events)})
    return updated


__all__ = ["CallerUnknown", "ContactEventType", "call_of", "merge", "record_call", "record_contact_event"]
