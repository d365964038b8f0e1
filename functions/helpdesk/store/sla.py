"""SLA timers and breaches as the checker and the escalation flows read them:
the tickets due in a minute, the checker's checkpoint, and the breach items
(written with the ticket that records or answers them)."""

from dataclasses import dataclass
from datetime import datetime

from helpdesk.models import BREACH_ANSWERED, EventKind, Ticket, TicketEvent
from helpdesk.store import keys
from helpdesk.store.conditions import Transaction, conditionally, get_or_none
from helpdesk.store.conversions import breach_item, event_from, ticket_from
from helpdesk.store.items import BreachItem, CheckpointItem, EventItem, HelpdeskItem, TicketItem
from helpdesk.store.table import TableAccess


@dataclass(frozen=True)
class Breach:
    """A breach item as the escalation reads it (with its flow's task token)."""

    id: str
    ticket_id: str
    metric: str
    breached_at: datetime
    state: str
    task_token: str | None = None
    acknowledged_by: str | None = None


def record_breaches(transaction: Transaction, before: Ticket | None, after: Ticket) -> None:
    """The breaches the change opens (``Ticket.breaches_since``) and answers
    (``Ticket.breaches_answered_since``), written with the ticket; an answered
    breach ends its escalation at the flow's next check."""
    for breach in after.breaches_since(before):
        transaction.put(f"breach:{breach.id}", breach_item(breach))
    for breach_id in after.breaches_answered_since(before):
        transaction.update(
            f"answered:{breach_id}",
            BreachItem(*keys.breach_key(after.id, breach_id)),
            [BreachItem.state.set(BREACH_ANSWERED), BreachItem.answered_at.set(after.updated_at)],
            HelpdeskItem.PK.exists(),
        )


class SlaRecords(TableAccess):
    def tickets_due_in(self, minute: datetime) -> list[Ticket]:
        """Tickets whose next SLA check falls in ``minute`` (one index partition,
        however many tickets are open)."""
        return [
            ticket_from(item)
            for item in HelpdeskItem.by_due_minute.query(keys.due_bucket(minute))
            if isinstance(item, TicketItem)
        ]

    def checkpoint(self, name: str) -> datetime | None:
        item = get_or_none(CheckpointItem, *keys.checkpoint_key(name), consistent_read=True)
        return item.done_through if item else None

    def advance_checkpoint(self, name: str, done_through: datetime) -> bool:
        """Move a checkpoint forward, never back (overlapping runs are safe)."""
        item = CheckpointItem(*keys.checkpoint_key(name), done_through=done_through)
        later = CheckpointItem.PK.does_not_exist() | (CheckpointItem.done_through < done_through)
        return conditionally(lambda: item.save(condition=later))

    def escalation_events(self, ticket_id: str) -> list[TicketEvent]:
        """The ticket's history of escalation steps (read consistently: a step
        retried a moment after its write must see it)."""
        items = EventItem.query(
            keys.ticket_pk(ticket_id),
            HelpdeskItem.SK.startswith(keys.EVENT_PREFIX),
            filter_condition=EventItem.kind == EventKind.ESCALATED.value,
            consistent_read=True,
        )
        return [event_from(item) for item in items]

    def get_breach(self, ticket_id: str, breach: str) -> Breach | None:
        item = get_or_none(BreachItem, *keys.breach_key(ticket_id, breach), consistent_read=True)
        if item is None:
            return None
        return Breach(
            id=item.id, ticket_id=item.ticket_id, metric=item.metric, breached_at=item.breached_at,
            state=item.state, task_token=item.task_token, acknowledged_by=item.acknowledged_by,
        )  # fmt: skip

    def await_acknowledgment(self, ticket_id: str, breach: str, task_token: str) -> None:
        """Remember the escalation waiting for a supervisor to acknowledge."""
        item = BreachItem(*keys.breach_key(ticket_id, breach))
        item.update(actions=[BreachItem.task_token.set(task_token)], condition=HelpdeskItem.PK.exists())

    def acknowledge_breach(self, ticket_id: str, breach: str, agent_id: str) -> str | None:
        """Record who acknowledged; returns the waiting escalation's task token,
        or None when it was acknowledged already or nothing waits (or somebody
        else acknowledged it at the same moment)."""
        found = self.get_breach(ticket_id, breach)
        if found is None or found.task_token is None or found.acknowledged_by is not None:
            return None
        item = BreachItem(*keys.breach_key(ticket_id, breach))
        acknowledged = conditionally(
            lambda: item.update(
                actions=[BreachItem.acknowledged_by.set(agent_id), BreachItem.task_token.remove()],
                condition=(BreachItem.task_token == found.task_token) & BreachItem.acknowledged_by.does_not_exist(),
            )
        )
        return found.task_token if acknowledged else None
