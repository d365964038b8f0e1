"""Calls logged by hand: for teams on any phone system (a desk phone, a
mobile), an agent records on the ticket who took the call, when, how long,
which way and what was said. The call shows in the thread as a phone message
with its details; it is internal (a note: never sent to the customer), and
the notes are its text, searchable like any note."""

from datetime import datetime, timedelta
from typing import Annotated

from pydantic import AwareDatetime, ConfigDict, Field

from helpdesk.access import Viewer
from helpdesk.channels.outbound import text_to_html
from helpdesk.clock import new_id, utc_now
from helpdesk.errors import IngestGaveUp, InvalidCall, TicketNotFound
from helpdesk.models import (
    Actor,
    CallDirection,
    Channel,
    DeliveryStatus,
    Identity,
    IdentityKind,
    Message,
    MessageKind,
    PhoneCall,
)
from helpdesk.people.contacts import normalize_identity
from helpdesk.retrying import until_saved
from helpdesk.store import HelpdeskStore
from helpdesk.validated import Validated

# A call logged may have happened a while ago, never in the future (a little clock drift aside).
CLOCK_DRIFT = timedelta(minutes=5)
MAX_AGE = timedelta(days=90)


class CallLog(Validated):
    """Body of ``POST /api/tickets/{id}/calls``: a call as the agent remembers it."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    direction: CallDirection
    started_at: AwareDatetime
    duration_seconds: Annotated[int, Field(ge=0, le=86_400)]
    agent_name: Annotated[str, Field(max_length=120)] = ""  # who took it; the logging agent when empty
    number: Annotated[str, Field(max_length=40)] = ""  # the customer's, if known
    notes: Annotated[str, Field(max_length=20_000)] = ""


def log_call(store: HelpdeskStore, ticket_id: str, log: CallLog, agent: Actor, viewer: Viewer | None = None) -> Message:
    """The call on the ticket, as a phone note with its details; ``InvalidCall``
    for a time in the future or too long ago, or a number that is none."""
    now = utc_now()
    _check_time(log.started_at, now)
    number = ""
    if log.number:
        number = normalize_identity(Identity(kind=IdentityKind.PHONE, value=log.number)).value
    call = PhoneCall(
        call_id=new_id(),
        direction=log.direction,
        number=number,
        agent=log.agent_name or agent.name,
        started_at=log.started_at,
        answered_at=log.started_at,
        ended_at=log.started_at + timedelta(seconds=log.duration_seconds),
        duration_seconds=log.duration_seconds,
        logged_by=agent.id or agent.name,
    )

    def save() -> Message:
        ticket = store.get_ticket(ticket_id)
        if ticket is None:
            raise TicketNotFound(ticket_id)
        if viewer is not None:
            viewer.require_visible(ticket)
        at = utc_now()
        message = Message(
            id=new_id(),
            ticket_id=ticket.id,
            kind=MessageKind.NOTE,
            channel=Channel.PHONE,
            author=agent,
            text=log.notes,
            html=text_to_html(log.notes) if log.notes else None,
            delivery_status=DeliveryStatus.RECEIVED,
            sent_at=log.started_at,
            created_at=at,
            call=call,
        )
        after = ticket.model_copy(update={"updated_at": at, "version": ticket.version + 1})
        store.append_message(ticket, after, message, [])
        return message

    return until_saved(save, give_up=lambda: IngestGaveUp("ticket too busy to log a call"))


def _check_time(started_at: datetime, now: datetime) -> None:
    if started_at > now + CLOCK_DRIFT:
        raise InvalidCall("the call cannot start in the future")
    if started_at < now - MAX_AGE:
        raise InvalidCall("the call is older than 90 days")
