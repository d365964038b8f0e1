"""Follow-up entries: one per ticket and reason, opened by what the help desk
notices (a poor survey answer, CSAT ≤ 2 or NPS ≤ 6; a callback request the
phone system cannot place; a customer writing that a solved case is not; a
ticket reopened more than ``REOPENS_ALLOWED`` times; a ticket solved after its
resolution SLA breached: ``noticing.py``; a bot conversation the customer
left without an answer that helped nor a person: ``assistant/silence.py``),
worked from the
follow-up queue (open → working → done, with an outcome), with their own
SLA (``FOLLOW_UP_WITHIN``: the customer hears from a person within a day).

Reaching out goes through the ticket as any reply does (on WhatsApp outside
the 24-hour window that needs an approved template: the reply's own picker)."""

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, ConfigDict, Field

from helpdesk.access import Viewer
from helpdesk.errors import FollowUpNotFound, OutcomeMissing
from helpdesk.models import Ticket
from helpdesk.observability import logger
from helpdesk.store import HelpdeskStore
from helpdesk.validated import Validated

FOLLOW_UP_WITHIN = timedelta(hours=24)
QUEUE_LENGTH = 100
REOPENS_ALLOWED = 2  # reopened more often than this: a person calls the customer


class FollowUpReason(StrEnum):
    POOR_SURVEY = "poor_survey"
    CALLBACK = "callback"  # the customer asked to be called back (``channels/phone/callbacks.py``)
    NOT_SOLVED = "not_solved"  # the customer wrote that a solved ticket is not (``noticing.py``)
    REOPENED = "reopened"  # reopened more than ``REOPENS_ALLOWED`` times
    SOLVED_LATE = "solved_late"  # solved after its resolution SLA breached
    BOT_ABANDONED = "bot_abandoned"  # the assistant's "¿Te sirvió?" never answered (``assistant/silence.py``)


class FollowUpState(StrEnum):
    OPEN = "open"
    WORKING = "working"
    DONE = "done"


class FollowUp(Validated):
    model_config = ConfigDict(frozen=True, extra="ignore")

    ticket_id: str
    ticket_number: int
    subject: str = ""
    contact_id: str
    reason: FollowUpReason
    detail: str = ""  # e.g. "CSAT 1/5: Nadie me respondió"
    state: FollowUpState = FollowUpState.OPEN
    assignee_id: str | None = None
    outcome: str | None = None
    created_at: AwareDatetime
    due_at: AwareDatetime  # the follow-up's own SLA
    closed_at: AwareDatetime | None = None
    version: int = 1


class FollowUpChange(Validated):
    """Body of ``PATCH /api/follow-ups/{ticket_id}/{reason}``: what changes, on the version read."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Annotated[int, Field(ge=1)]
    state: FollowUpState | None = None
    assignee_id: Annotated[str, Field(max_length=64)] | None = None
    outcome: Annotated[str, Field(min_length=1, max_length=2000)] | None = None


def open_follow_up(store: HelpdeskStore, ticket: Ticket, reason: FollowUpReason, detail: str, now: datetime) -> bool:
    """Open the ticket's follow-up for ``reason``; False when it has one already."""
    entry = FollowUp(
        ticket_id=ticket.id, ticket_number=ticket.number, subject=ticket.subject, contact_id=ticket.contact_id,
        reason=reason, detail=detail[:500], created_at=now, due_at=now + FOLLOW_UP_WITHIN,
    )  # fmt: skip
    opened = store.add_follow_up(ticket.id, reason.value, entry.model_dump(mode="json"), entry.state.value, now)
    logger.info("follow-up", extra={"ticket_id": ticket.id, "reason": reason.value, "opened": opened})
    return opened


def follow_up_queue(store: HelpdeskStore, viewer: Viewer, state: FollowUpState) -> list[FollowUp]:
    """The entries in ``state``, oldest first, of the tickets the viewer may see."""
    entries = [FollowUp.model_validate(v) for v in store.follow_ups_in_state(state.value, QUEUE_LENGTH)]
    tickets = {t.id: t for t in store.get_tickets(dict.fromkeys(e.ticket_id for e in entries))}
    return [e for e in entries if (t := tickets.get(e.ticket_id)) is not None and viewer.can_see(t)]


def change_follow_up(
    store: HelpdeskStore, viewer: Viewer, ticket_id: str, reason: FollowUpReason, change: FollowUpChange, now: datetime
) -> FollowUp:
    """Assign, move along or close an entry with its outcome (``StaleFollowUp``
    when someone saved it since ``change.version``). Done needs an outcome."""
    found = store.get_follow_up(ticket_id, reason.value)
    ticket = store.get_ticket(ticket_id)
    if found is None or ticket is None:
        raise FollowUpNotFound(ticket_id)
    viewer.require_visible(ticket)
    before = FollowUp.model_validate({**found[0], "version": found[1]})
    update: dict[str, object] = {}
    if change.assignee_id is not None:
        update["assignee_id"] = change.assignee_id
        update["state"] = FollowUpState.WORKING if before.state is FollowUpState.OPEN else before.state
    if change.outcome is not None:
        update["outcome"] = change.outcome
    if change.state is not None:
        update["state"] = change.state
    state = update.get("state", before.state)
    if state is FollowUpState.DONE:
        if not (change.outcome or before.outcome):
            raise OutcomeMissing(ticket_id)
        update["closed_at"] = now
    after = before.model_copy(update={**update, "version": change.version + 1})  # the JSON carries its version
    store.save_follow_up(ticket_id, reason.value, after.model_dump(mode="json"), change.version, after.state.value,
                         after.created_at)  # fmt: skip
    return after
