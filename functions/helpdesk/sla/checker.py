"""The SLA checker's work (run every minute by a schedule): record the warnings
and breaches that have come due, publish them, and start escalations.

It reads only the ``by_due_minute`` partitions of the minutes since its
checkpoint, so its reads grow with due timers, never with open tickets. Runs
may overlap or be missed: each alert is saved under the ticket's version (a
second run finds it recorded), each escalation is named by its breach (a second
start is refused), and the checkpoint only moves forward; after missed runs the
next one reads every minute it missed, a day at most per run.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from helpdesk.clock import new_id
from helpdesk.errors import ConcurrentWrite, StaleTicket
from helpdesk.models import Actor, ActorKind, EventKind, FieldChange, Ticket, TicketEvent
from helpdesk.observability import logger
from helpdesk.retrying import CONFLICTS, until_saved
from helpdesk.sla.policies import Alert, alerts_due
from helpdesk.store import HelpdeskStore

CHECKPOINT = "sla_checker"
FIRST_RUN_LOOKBACK = timedelta(hours=1)
MAX_MINUTES_PER_RUN = 24 * 60
SLA_ACTOR = Actor(kind=ActorKind.SYSTEM, id="sla", name="SLA")


class DomainEvents(Protocol):
    def publish(self, detail_type: str, detail: dict[str, Any]) -> None: ...


# Starts the escalation of one breached timer; False if it had started.
StartEscalation = Callable[[str, Any], bool]


@dataclass
class CheckReport:
    minutes: int = 0
    tickets: int = 0
    warnings: int = 0
    breaches: int = 0
    escalations: int = 0
    done_through: datetime | None = None


def check_slas(store: HelpdeskStore, now: datetime, events: DomainEvents, escalate: StartEscalation) -> CheckReport:
    report = CheckReport()
    current = now.replace(second=0, microsecond=0)
    done = store.checkpoint(CHECKPOINT)
    minute = done + timedelta(minutes=1) if done else current - FIRST_RUN_LOOKBACK
    last = min(current, minute + timedelta(minutes=MAX_MINUTES_PER_RUN - 1))
    unfinished: datetime | None = None
    while minute <= last:
        for ticket in store.tickets_due_in(minute):
            report.tickets += 1
            if not _record_alerts(store, ticket, now, events, escalate, report) and unfinished is None:
                unfinished = minute
        report.minutes += 1
        minute += timedelta(minutes=1)
    # The current minute may still fill up: it is read again next run. So is
    # the first minute with a ticket that could not be saved.
    finished = min(last, current - timedelta(minutes=1))
    if unfinished is not None:
        finished = min(finished, unfinished - timedelta(minutes=1))
    if done is None or finished > done:
        store.advance_checkpoint(CHECKPOINT, finished)
        report.done_through = finished
    logger.info("sla check", extra=report.__dict__)
    return report


def _record_alerts(
    store: HelpdeskStore,
    ticket: Ticket,
    now: datetime,
    events: DomainEvents,
    escalate: StartEscalation,
    report: CheckReport,
) -> bool:
    """Record what came due on one ticket; False if it kept losing races."""
    current = ticket  # as the index showed it; after a lost race, as it is now

    def record() -> None:
        nonlocal current
        if current.sla is None:
            return
        sla, found = alerts_due(current.sla, now)
        if not found:
            return  # not due yet, or another run recorded it
        for alert, timer in found:
            if alert is Alert.BREACH and escalate(current.id, timer):
                # Started before the breach is saved: if saving loses to an
                # answer, the flow finds the breach answered (or absent) and ends.
                report.escalations += 1
        after = current.model_copy(update={"sla": sla, "version": current.version + 1})
        history = [
            TicketEvent(
                id=new_id(),
                ticket_id=current.id,
                kind=EventKind.SLA_BREACH if alert is Alert.BREACH else EventKind.SLA_WARNING,
                actor=SLA_ACTOR,
                at=now,
                changes=(FieldChange(field=f"sla.{timer.metric.value}", new=timer.state),),
            )
            for alert, timer in found
        ]
        try:
            store.save_ticket(current, after, history)
        except (StaleTicket, ConcurrentWrite) as lost:
            newer = lost.current if isinstance(lost, StaleTicket) else None
            current = newer or store.get_ticket(current.id) or current
            raise
        for alert, timer in found:
            if alert is Alert.BREACH:
                report.breaches += 1
            else:
                report.warnings += 1
            _publish(events, alert, after, timer)

    try:
        until_saved(record)
    except CONFLICTS:
        busy = "sla alerts not saved: ticket too busy; the next run tries again"
        logger.warning(busy, extra={"ticket_id": ticket.id})
        return False
    return True


def _publish(events: DomainEvents, alert: Alert, ticket: Ticket, timer: Any) -> None:
    detail = {
        "ticket_id": ticket.id,
        "ticket_number": ticket.number,
        "metric": timer.metric.value,
        "policy_id": ticket.sla.policy_id if ticket.sla else None,
        "due_at": timer.due_at.isoformat() if timer.due_at else None,
    }
    if alert is Alert.BREACH:
        detail["breach_id"] = timer.breach_id(ticket.id)
    try:
        events.publish("SlaBreached" if alert is Alert.BREACH else "SlaWarning", detail)
    except Exception:  # noqa: BLE001 - the alert is saved on the ticket; the event is a notification
        logger.exception("could not publish SLA event", extra={"ticket_id": ticket.id})
