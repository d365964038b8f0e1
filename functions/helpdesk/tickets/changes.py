"""Working tickets: read a thread, list a queue view, change a ticket safely,
and tell the console what changed since it last asked."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated

from pydantic import ConfigDict, Field

from helpdesk.access import Viewer
from helpdesk.clock import new_id, utc_now
from helpdesk.errors import HelpdeskError, StaleTicket, TicketClosed, TicketNotFound
from helpdesk.follow_ups.noticing import notice_change
from helpdesk.models import (
    Actor,
    ActorKind,
    EventKind,
    FieldChange,
    Notification,
    Priority,
    Scalar,
    Ticket,
    TicketEvent,
    TicketSla,
    TicketStatus,
    TicketThread,
)
from helpdesk.retrying import until_saved
from helpdesk.sla.policies import Happened, policy_fields_changed, track
from helpdesk.sla.setup import current_setup
from helpdesk.store import HelpdeskStore, TicketPage, TicketQuery
from helpdesk.team import assignment
from helpdesk.tickets import notifications
from helpdesk.tickets.fields import Tag, check_custom_fields, sensitive_fields
from helpdesk.validated import Validated
from helpdesk.verification import require_verified


class TicketChanges(Validated):
    """What an agent changes on a ticket; fields left out stay as they are
    (``None`` for group or assignee clears it)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    status: TicketStatus | None = None
    priority: Priority | None = None
    group_id: str | None = None
    assignee_id: str | None = None
    tags: tuple[Tag, ...] | None = None
    custom_fields: dict[Annotated[str, Field(max_length=64)], Scalar] | None = None
    subject: Annotated[str, Field(max_length=250)] | None = None


# Fields that may not be cleared by sending null.
_REQUIRED = {"status", "priority", "tags", "custom_fields", "subject"}


def get_thread(store: HelpdeskStore, ticket_id: str) -> TicketThread:
    thread = store.get_thread(ticket_id)
    if thread is None:
        raise TicketNotFound(ticket_id)
    return thread


def list_tickets(store: HelpdeskStore, query: TicketQuery) -> TicketPage:
    return store.list_tickets(query)


def update_ticket(
    store: HelpdeskStore,
    ticket_id: str,
    changes: TicketChanges,
    expected_version: int | None,
    actor: Actor,
    viewer: Viewer | None = None,
) -> Ticket:
    """Apply ``changes`` if the ticket is still at ``expected_version`` (None: on
    whatever version it is at when read); record who changed what. A stale
    version raises StaleTicket carrying the current ticket. With a ``viewer``,
    their access is checked on the ticket as read here (one read per change)."""
    before = store.get_ticket(ticket_id)
    if before is None:
        raise TicketNotFound(ticket_id)
    if viewer is not None:
        viewer.require_visible(before)  # before the version check: a 409 shows the ticket
        if "assignee_id" in changes.model_fields_set:
            viewer.require_assignable(before, changes.assignee_id)
    if expected_version is not None and before.version != expected_version:
        raise StaleTicket(before)
    updates: dict[str, object] = {}
    diffs: list[FieldChange] = []
    for name in sorted(changes.model_fields_set):
        new = getattr(changes, name)
        if new is None and name in _REQUIRED:
            continue
        old = getattr(before, name)
        if name == "custom_fields":  # a partial change: the fields sent, checked against their definitions
            new = check_custom_fields(store, old, new)
            _verified_for(store, before.id, actor, {k for k in {*old, *new} if old.get(k) != new.get(k)})
        if new == old:
            continue
        updates[name] = new
        if name == "custom_fields":  # one entry per field that changed
            diffs.extend(
                FieldChange(field=f"custom_fields.{key}", old=old.get(key), new=new.get(key))
                for key in sorted(set(old) | set(new))
                if old.get(key) != new.get(key)
            )
        else:
            diffs.append(FieldChange(field=name, old=plain_value(old), new=plain_value(new)))
    if not diffs:
        return before
    if before.status is TicketStatus.CLOSED:
        raise TicketClosed(ticket_id)
    now = utc_now()
    if updates.get("status") is TicketStatus.SOLVED:
        updates["solved_at"] = now
    after = before.model_copy(update=updates | {"updated_at": now, "version": before.version + 1})
    after = Ticket.model_validate(after.model_dump())  # re-validate the merged ticket
    return _save_change(store, before, after, EventKind.UPDATED, actor, diffs)


def _save_change(
    store: HelpdeskStore, before: Ticket, after: Ticket, kind: EventKind, actor: Actor, changes: list[FieldChange]
) -> Ticket:
    """Save a changed ticket with its SLA timers moved (a reopen counted), the
    history event, and the new assignee's notification; open the follow-ups
    it calls for; then hand it out if round robin wants it."""
    after = after.model_copy(update={"sla": sla_after_change(store, before, after)}).counting_reopen(before)
    now = after.updated_at
    event = TicketEvent(id=new_id(), ticket_id=after.id, kind=kind, actor=actor, at=now, changes=tuple(changes))
    store.save_ticket(before, after, [event], notifications.for_assignment(before, after, actor, now))
    notice_change(store, before, after, now)
    return _hand_out(store, before, after)


def _hand_out(store: HelpdeskStore, before: Ticket, after: Ticket) -> Ticket:
    """A ticket that just became one for its group's round robin (moved to the
    group, released, or reopened) goes to the next agent in turn at once."""
    if not assignment.assignable(after) or (assignment.assignable(before) and before.group_id == after.group_id):
        return after
    return assignment.assign_next(store, after, after.updated_at) or after


def change_until_saved(
    store: HelpdeskStore,
    ticket_id: str,
    actor: Actor,
    changes: Callable[[Ticket], dict[str, object]],
    *,
    kind: EventKind = EventKind.UPDATED,
    note: FieldChange | None = None,
    redact: bool = False,
) -> Ticket:
    """Apply ``changes(ticket)`` to the ticket as it is now, reading it again
    whenever someone else wrote first: for changes the system or a flow makes on
    its own (escalations, merges, erasure), where no agent saw a version. The
    history event says what changed (only which fields when ``redact``), after
    ``note`` if given."""

    def change() -> Ticket:
        before = store.get_ticket(ticket_id)
        if before is None:
            raise TicketNotFound(ticket_id)
        update = {name: value for name, value in changes(before).items() if getattr(before, name) != value}
        if not update and note is None:
            return before
        after = before.model_copy(update=update | {"updated_at": utc_now(), "version": before.version + 1})
        diffs = [
            FieldChange(field=name)
            if redact
            else FieldChange(field=name, old=plain_value(getattr(before, name)), new=plain_value(value))
            for name, value in update.items()
            if note is None or name != note.field  # the note says it already, in its own words
        ]
        return _save_change(store, before, after, kind, actor, [note, *diffs] if note else diffs)

    return until_saved(change, give_up=lambda: StaleTicket(None))


CHANGES_OVERLAP = timedelta(seconds=5)  # an index shows a write a moment later: each look reaches back this far
CHANGES_HORIZON = timedelta(minutes=10)  # from further back, the console reloads its views instead


class Changes(Validated):
    """What changed for one agent since a moment: the tickets they may see that
    changed, and their new notifications. Entries may repeat from one answer to
    the next (each look reaches back ``CHANGES_OVERLAP``); ``until`` is the
    ``since`` of the next question. ``complete`` is false when ``since`` was
    too long ago to answer exactly: reload the views."""

    model_config = ConfigDict(frozen=True)

    until: datetime
    complete: bool
    tickets: tuple[Ticket, ...]
    notifications: tuple[Notification, ...]


def changes_since(store: HelpdeskStore, viewer: Viewer, since: datetime | None, now: datetime) -> Changes:
    oldest = now - CHANGES_HORIZON
    complete = since is not None and since >= oldest
    start = max(since, oldest) if since is not None else now
    start -= CHANGES_OVERLAP
    changed = tuple(t for t in store.tickets_changed_since(start) if viewer.can_see(t))
    mine = tuple(store.notifications_of(viewer.agent_id, after=start))
    return Changes(until=now, complete=complete, tickets=changed, notifications=mine)


def sla_after_change(store: HelpdeskStore, before: Ticket, after: Ticket) -> TicketSla | None:
    """The SLA timers after a change to the ticket (status, priority, group…)."""
    setup = current_setup(store)
    if not setup.policies and before.sla is None:
        return None
    needs_contact = setup.need_contact and policy_fields_changed(before, after)
    contact = store.get_contact(after.contact_id) if needs_contact else None
    return track(before, after, Happened.CHANGED, setup, after.updated_at, contact)


def plain_value(value: object) -> Scalar | list[str]:
    """A field's value as the ticket history stores it (enums by value, tuples
    as lists)."""
    if isinstance(value, tuple):
        return [str(v) for v in value]
    if isinstance(value, dict):
        return str(sorted(value.items()))
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return value  # type: ignore[return-value]


class BulkChange(Validated):
    """Body of ``POST /api/tickets/bulk``: the same changes on up to 100 tickets."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ticket_ids: Annotated[
        tuple[Annotated[str, Field(min_length=1, max_length=64)], ...], Field(min_length=1, max_length=100)
    ]
    changes: TicketChanges


class BulkOutcome(Validated):
    model_config = ConfigDict(frozen=True)

    ticket_id: str
    ok: bool
    error: str | None = None  # the message key of what stopped it
    ticket: Ticket | None = None


def bulk_update(store: HelpdeskStore, bulk: BulkChange, viewer: Viewer, actor: Actor) -> list[BulkOutcome]:
    """Apply the same changes to each ticket the caller may change, on top of
    its current version (a ticket changed meanwhile is read again); one
    ticket's refusal does not stop the others."""
    outcomes = []
    for ticket_id in dict.fromkeys(bulk.ticket_ids):
        try:
            outcomes.append(
                BulkOutcome(ticket_id=ticket_id, ok=True, ticket=_bulk_one(store, ticket_id, bulk, viewer, actor))
            )
        except HelpdeskError as refused:
            outcomes.append(BulkOutcome(ticket_id=ticket_id, ok=False, error=refused.message_key))
    return outcomes


def _bulk_one(store: HelpdeskStore, ticket_id: str, bulk: BulkChange, viewer: Viewer, actor: Actor) -> Ticket:
    """The changes on the ticket as it is now (read again when changed between
    its read and its write)."""
    return until_saved(
        lambda: update_ticket(store, ticket_id, bulk.changes, None, actor, viewer),
        give_up=lambda: StaleTicket(store.get_ticket(ticket_id)),
    )


def _verified_for(store: HelpdeskStore, ticket_id: str, actor: Actor, changed: set[str]) -> None:
    """An agent sets a sensitive field only once the customer is verified (rules
    and integrations, set up by administrators, are not asked)."""
    if actor.kind is ActorKind.AGENT and changed & sensitive_fields(store):
        require_verified(store, ticket_id)
