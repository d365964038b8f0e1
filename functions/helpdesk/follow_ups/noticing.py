"""The follow-ups a saved change to a ticket calls for, opened by the domain
path that made the change (ingest, an agent's or a rule's change, a reply):

- **not solved**: the customer writes on a solved ticket that it is not
  ("sigue igual", ``not_solved``); their message reopens it as usual;
- **reopened**: the ticket is opened again for the ``REOPENS_ALLOWED`` + 1-th
  time or more (``Ticket.reopens``, counted by the save that reopens it);
- **solved late**: the ticket is solved after its resolution SLA breached.

Each reads nothing: the table is touched only when one is due, by the
conditional write that opens it once per ticket and reason (``open_follow_up``:
a message delivered twice, or a retried save, opens one entry). The change is
saved already: an entry that cannot be written is logged as an error, never
turned into the change's failure."""

from datetime import datetime, timedelta

from helpdesk.follow_ups.entries import REOPENS_ALLOWED, FollowUpReason, open_follow_up
from helpdesk.follow_ups.not_solved import quoted, says_not_solved
from helpdesk.models import SlaMetric, Ticket, TicketStatus
from helpdesk.observability import logger
from helpdesk.store import HelpdeskStore


def notice_change(
    store: HelpdeskStore, before: Ticket, after: Ticket, now: datetime, customer_wrote: str | None = None
) -> tuple[FollowUpReason, ...]:
    """Open what the saved change from ``before`` to ``after`` calls for
    (``customer_wrote``: the customer's message that made it, if one did).
    The reasons it calls for (opened now or already open)."""
    due: list[tuple[FollowUpReason, str]] = []
    if after.solved_since(before) and (late := solved_late_by(after)) is not None:
        due.append((FollowUpReason.SOLVED_LATE, f"Resuelto {_span(late)} después de vencer su SLA de resolución"))
    if after.reopened_since(before):
        if customer_wrote and before.status is TicketStatus.SOLVED and says_not_solved(customer_wrote):
            due.append((FollowUpReason.NOT_SOLVED, f"El cliente escribió: «{quoted(customer_wrote)}»"))
        if after.reopens > REOPENS_ALLOWED:
            due.append((FollowUpReason.REOPENED, f"Reabierto {after.reopens} veces"))
    for reason, detail in due:
        try:
            open_follow_up(store, after, reason, detail, now)
        except Exception:  # noqa: BLE001 - the ticket's change stands; the log's error alarm tells
            logger.exception("follow-up not opened", extra={"ticket_id": after.id, "reason": reason.value})
    return tuple(reason for reason, _ in due)


def solved_late_by(ticket: Ticket) -> timedelta | None:
    """How long after its resolution SLA breached the ticket was solved (None:
    within it, or no resolution promise)."""
    timer = ticket.sla.timer(SlaMetric.RESOLUTION) if ticket.sla is not None else None
    if timer is None or timer.met_at is None:
        return None
    breached = timer.breached_at or timer.due_at
    return timer.met_at - breached if breached is not None and timer.met_at > breached else None


def _span(late: timedelta) -> str:
    """'40 min', '5 h', '3 días': how late, as an agent reads it."""
    minutes = max(1, int(late.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    return f"{hours} h" if hours < 48 else f"{hours // 24} días"
