"""Time-based rules: "N business or calendar hours since the ticket was
created / the customer last wrote / it became pending / it was solved".

They follow the SLA checker's O(due) design. When the moment happens (the
rules run after every intake, reply and change), ``schedule`` writes one timer
item per ticket, rule and moment in the bucket of the minute it comes due (in
business hours of the ticket's SLA calendar, or calendar hours). The scheduled
pass (``run_time_rules``, every minute with the SLA checker) reads only the
buckets of the minutes since its checkpoint, never the tickets.

At its due time a timer fires when its moment still stands (the customer has
not written since, the ticket is still pending or solved since then), the rule
is still active with the same hours, and its conditions hold now. It fires at
most once per ticket, rule and moment: a conditional "fired" item is written
before the actions are taken, so overlapping or repeated passes find it taken.
Its changes then run the "ticket updated" rules, as any change does.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from helpdesk.models import Ticket, TicketStatus
from helpdesk.observability import logger
from helpdesk.rules import sending
from helpdesk.rules.applying import apply_steps
from helpdesk.rules.context import calendar_of, facts_for
from helpdesk.rules.evaluation import evaluate, matches
from helpdesk.rules.ruleset import Rule, RuleEvent, RuleSet, current_rules
from helpdesk.store import HelpdeskStore, RuleTimer

CHECKPOINT = "rule_timers"
FIRST_RUN_LOOKBACK = timedelta(hours=1)
MAX_MINUTES_PER_RUN = 24 * 60
PENDING = "pending"  # the state whose start the store remembers

# Which immediate events may start each moment (others leave its timers alone)
_STARTED_BY = {
    RuleEvent.HOURS_SINCE_CREATED: {RuleEvent.TICKET_CREATED},
    RuleEvent.HOURS_SINCE_CUSTOMER_MESSAGE: {RuleEvent.TICKET_CREATED, RuleEvent.CUSTOMER_MESSAGE},
}


def schedule(
    store: HelpdeskStore,
    rules: RuleSet,
    ticket_id: str,
    event: RuleEvent,
    current: Ticket | None = None,
    status_changed: bool = True,
) -> int:
    """Write the timers of the time-based rules whose moment ``event`` may
    have started; never raises (logged). How many were written. ``current``:
    the ticket as it stands, when the caller holds it (else it is read);
    ``status_changed``: False when the event left the status as it was (so
    a pending ticket's moment cannot have ended)."""
    timed = [rule for rule in rules.timed if event in _STARTED_BY.get(rule.event, {event})]
    if not timed:
        return 0
    try:
        ticket = current if current is not None and current.id == ticket_id else store.get_ticket(ticket_id)
        if ticket is None:
            return 0
        return _schedule(store, timed, ticket, status_changed)
    except Exception:  # noqa: BLE001 - a timer not written is logged; it never blocks the event
        logger.exception("rule timers not written", extra={"ticket_id": ticket_id})
        return 0


def _schedule(store: HelpdeskStore, timed: list[Rule], ticket: Ticket, status_changed: bool = True) -> int:
    left_pending = status_changed and ticket.status is not TicketStatus.PENDING
    if left_pending and any(rule.event is RuleEvent.HOURS_SINCE_PENDING for rule in timed):
        store.clear_moment(ticket.id, PENDING)
    written = 0
    calendar = None
    for rule in timed:
        since = moment_of(store, rule.event, ticket, record=True)
        if since is None or rule.hours is None:
            continue
        if rule.business_hours and calendar is None:
            contact = store.get_contact(ticket.contact_id) if ticket.sla is None else None
            calendar = calendar_of(store, ticket, contact)
        hours = timedelta(hours=rule.hours)
        due = calendar.add_business_time(since, hours) if rule.business_hours and calendar else since + hours
        store.put_rule_timer(RuleTimer(ticket.id, rule.id, since, due, rule.hours, rule.business_hours))
        written += 1
    return written


def moment_of(store: HelpdeskStore, event: RuleEvent, ticket: Ticket, record: bool = False) -> datetime | None:
    """When the ticket's moment for ``event`` happened, if it stands now.
    ``record``: a pending ticket's moment is remembered the first time it is seen."""
    match event:
        case RuleEvent.HOURS_SINCE_CREATED:
            return ticket.created_at
        case RuleEvent.HOURS_SINCE_CUSTOMER_MESSAGE:
            return ticket.last_customer_message_at
        case RuleEvent.HOURS_SINCE_SOLVED:
            return ticket.solved_at if ticket.status is TicketStatus.SOLVED else None
        case RuleEvent.HOURS_SINCE_PENDING:
            if ticket.status is not TicketStatus.PENDING:
                return None
            if record:
                return store.mark_moment(ticket.id, PENDING, ticket.updated_at)
            return store.moment(ticket.id, PENDING)
        case _:
            return None


@dataclass
class TimedReport:
    minutes: int = 0
    timers: int = 0
    fired: int = 0
    done_through: datetime | None = None


def run_time_rules(store: HelpdeskStore, now: datetime, outbox: sending.OutboxFactory | None) -> TimedReport:
    """Fire the time-based rules due since the last pass (see the module's docstring)."""
    report = TimedReport()
    current = now.replace(second=0, microsecond=0)
    done = store.checkpoint(CHECKPOINT)
    minute = done + timedelta(minutes=1) if done else current - FIRST_RUN_LOOKBACK
    last = min(current, minute + timedelta(minutes=MAX_MINUTES_PER_RUN - 1))
    rules = current_rules(store) if minute <= last else RuleSet()
    while minute <= last:
        for timer in store.rule_timers_due_in(minute):
            if timer.due_at > now:
                continue  # later in the current minute: read again next pass
            report.timers += 1
            try:
                report.fired += fire(store, rules, timer, now, outbox)
            except Exception:  # noqa: BLE001 - one rule's failure never stops the others
                failed = {"ticket_id": timer.ticket_id, "rule_id": timer.rule_id}
                logger.exception("time-based rule failed", extra=failed)
        report.minutes += 1
        minute += timedelta(minutes=1)
    finished = min(last, current - timedelta(minutes=1))  # the current minute may still fill up
    if done is None or finished > done:
        store.advance_checkpoint(CHECKPOINT, finished)
        report.done_through = finished
    logger.info("time-based rules", extra=report.__dict__)
    return report


def fire(
    store: HelpdeskStore, rules: RuleSet, timer: RuleTimer, now: datetime, outbox: sending.OutboxFactory | None
) -> bool:
    """Take one due timer's rule if it still applies; False if it does not
    (or fired already)."""
    rule = next((r for r in rules.timed if r.id == timer.rule_id), None)
    if rule is None or (rule.hours, rule.business_hours) != (timer.hours, timer.business_hours):
        return False  # removed, paused or changed since: its new timers come with the next event
    ticket = store.get_ticket(timer.ticket_id)
    if ticket is None or moment_of(store, rule.event, ticket) != timer.since:
        return False  # the moment has passed: the customer wrote, the ticket moved on
    facts = facts_for(store, rules, ticket, at=now)
    if not matches(rule, ticket, facts) or not store.claim_rule_timer(timer, now):
        return False
    # The rule alone on its event, then the "ticket updated" rules its changes start
    chain = RuleSet(rules=(rule, *(r for r in rules.rules if r.event is RuleEvent.TICKET_UPDATED)))
    outcome = evaluate(chain, rule.event, ticket, facts)
    apply_steps(store, ticket.id, outcome, outbox)
    schedule(store, rules, ticket.id, RuleEvent.TICKET_UPDATED)
    logger.info("time-based rule fired", extra={"ticket_id": ticket.id, "rule_id": rule.id})
    return True
