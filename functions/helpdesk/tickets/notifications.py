"""What tells an agent that something is theirs now: a ticket assigned to them
by someone else, or an internal note that mentions them. Notifications are
written in the same transaction as the change that causes them, so one never
exists without the other."""

from collections.abc import Iterable
from datetime import datetime

from helpdesk.clock import new_id, utc_now
from helpdesk.models import Actor, Notification, NotificationKind, Ticket
from helpdesk.store import HelpdeskStore


def for_assignment(before: Ticket | None, after: Ticket, actor: Actor, at: datetime) -> list[Notification]:
    """The new assignee's notification, unless they took the ticket themselves."""
    assignee = after.assignee_id
    if assignee is None or (before is not None and before.assignee_id == assignee) or assignee == actor.id:
        return []
    return [_notification(assignee, NotificationKind.ASSIGNED, after, actor, at)]


def for_mentions(ticket: Ticket, agent_ids: Iterable[str], actor: Actor, at: datetime) -> list[Notification]:
    """One notification per agent a note mentions (never the note's author)."""
    return [
        _notification(agent_id, NotificationKind.MENTIONED, ticket, actor, at)
        for agent_id in dict.fromkeys(agent_ids)
        if agent_id != actor.id
    ]


def _notification(agent_id: str, kind: NotificationKind, ticket: Ticket, actor: Actor, at: datetime) -> Notification:
    return Notification(
        id=new_id(),
        agent_id=agent_id,
        kind=kind,
        ticket_id=ticket.id,
        ticket_number=ticket.number,
        subject=ticket.subject,
        actor=actor,
        at=at,
    )


def recent(store: HelpdeskStore, agent_id: str, limit: int = 30) -> tuple[list[Notification], datetime | None]:
    """The agent's latest notifications, newest first, and how far they have read."""
    return store.notifications_of(agent_id, limit=limit), store.notifications_read_through(agent_id)


def mark_read(store: HelpdeskStore, agent_id: str, through: datetime) -> datetime:
    """Mark read up to ``through``, never past now: a mark in the future would
    hide notifications that have not happened yet."""
    return store.mark_notifications_read(agent_id, min(through, utc_now()))
