"""Rules at work: after intake, a reply or a change is saved, the rules for
that event run on the ticket and each change they make is saved through the
same path as an agent's (``update_ticket``: optimistic locking, SLA timers,
history, round robin), in the history under the rule's name.

Rules never stand in the way of the event that triggered them: a rule whose
change fails (a group that no longer exists, a closed ticket) is logged and
skipped, and anything unexpected while running them is logged and ignored.
The message is already saved when rules run.
"""

from datetime import datetime

from helpdesk.access import Viewer
from helpdesk.clock import utc_now
from helpdesk.errors import StaleTicket
from helpdesk.models import Actor, Contact, Ticket
from helpdesk.observability import logger
from helpdesk.retrying import until_saved
from helpdesk.rules import sending
from helpdesk.rules.evaluation import Facts, Outcome, Step, evaluate
from helpdesk.rules.ruleset import RuleEvent, RuleSet, current_rules
from helpdesk.sla.calendars import BusinessCalendar
from helpdesk.sla.setup import current_setup
from helpdesk.store import HelpdeskStore
from helpdesk.team import assignment
from helpdesk.tickets.changes import BulkChange, BulkOutcome, TicketChanges, bulk_update, update_ticket


def rule_actor(step: Step) -> Actor:
    """Who the history names for a rule's change ("Regla: <name>" in the console)."""
    return sending.Sender(step.rule_id, step.rule_name).actor


def facts_for(
    store: HelpdeskStore, rules: RuleSet, ticket: Ticket, text: str = "", at: datetime | None = None
) -> Facts:
    """What the rules may look at besides the ticket, read only when a rule needs it."""
    need_calendar = rules.need_calendar
    contact = store.get_contact(ticket.contact_id) if rules.need_contact or need_calendar else None
    calendar = calendar_of(store, ticket, contact) if need_calendar else None
    return Facts(contact=contact, text=text, at=at or utc_now(), calendar=calendar)


def calendar_of(store: HelpdeskStore, ticket: Ticket, contact: Contact | None) -> BusinessCalendar | None:
    """The business calendar the ticket's SLA counts on (the policy it follows,
    or the one it would follow); None: around the clock."""
    setup = current_setup(store)
    if ticket.sla is not None:
        return setup.calendar(ticket.sla.calendar_id) if ticket.sla.calendar_id else None
    policy = setup.match(ticket, contact)
    calendar_id = setup.calendar_for(policy, contact) if policy is not None else None
    return setup.calendar(calendar_id) if calendar_id else None


def run_rules(
    store: HelpdeskStore,
    event: RuleEvent,
    ticket_id: str,
    text: str = "",
    outbox: sending.OutboxFactory | None = None,
) -> Outcome | None:
    """Run the rules for ``event`` on the ticket and save what they change;
    never raises (see the module's docstring). None when no rule listens.
    ``outbox`` is where a rule's reply is queued (without one, replies are skipped)."""
    try:
        rules = current_rules(store)
        if not any(rule.active for rule in rules.rules):
            return None
        ticket = store.get_ticket(ticket_id)
        if ticket is None:
            return None
        outcome = evaluate(rules, event, ticket, facts_for(store, rules, ticket, text))
    except Exception:  # noqa: BLE001 - rules must never block intake: log and go on
        logger.exception("rules not run", extra={"ticket_id": ticket_id, "event": event.value})
        return None
    if outcome.stopped_at_bound:
        logger.warning("rules stopped at the chain bound", extra={"ticket_id": ticket_id, "passes": outcome.passes})
    apply_steps(store, ticket_id, outcome, outbox)
    if outcome.steps:
        logger.info(
            "rules applied",
            extra={"ticket_id": ticket_id, "event": event.value, "rules": [s.rule_id for s in outcome.steps]},
        )
    return outcome


def change_with_rules(
    store: HelpdeskStore,
    ticket_id: str,
    changes: TicketChanges,
    expected_version: int | None,
    actor: Actor,
    viewer: Viewer | None = None,
    outbox: sending.OutboxFactory | None = None,
) -> Ticket:
    """An agent's change (``update_ticket``), then the rules for "ticket
    updated" when it changed anything; the ticket as they left it."""
    after = update_ticket(store, ticket_id, changes, expected_version, actor, viewer)
    if expected_version is not None and after.version == expected_version:
        return after  # nothing changed
    outcome = run_rules(store, RuleEvent.TICKET_UPDATED, ticket_id, outbox=outbox)
    if outcome is None or not outcome.steps:
        return after
    return store.get_ticket(ticket_id) or after


def bulk_with_rules(
    store: HelpdeskStore, bulk: BulkChange, viewer: Viewer, actor: Actor, outbox: sending.OutboxFactory | None = None
) -> list[BulkOutcome]:
    """The same change on many tickets (``bulk_update``), then each changed
    ticket's rules for "ticket updated"."""
    outcomes = bulk_update(store, bulk, viewer, actor)
    for number, outcome in enumerate(outcomes):
        if outcome.ok and outcome.ticket is not None:
            ran = run_rules(store, RuleEvent.TICKET_UPDATED, outcome.ticket_id, outbox=outbox)
            if ran is not None and ran.steps:
                latest = store.get_ticket(outcome.ticket_id) or outcome.ticket
                outcomes[number] = outcome.model_copy(update={"ticket": latest})
    return outcomes


def apply_steps(store: HelpdeskStore, ticket_id: str, outcome: Outcome, outbox: sending.OutboxFactory | None) -> None:
    """Save each step's changes, then take its notifications and replies; a
    step (or one of its messages) that fails is logged and skipped."""
    for step in outcome.steps:
        try:
            _apply(store, ticket_id, step)
        except Exception:  # noqa: BLE001 - a failing rule is skipped, the others still apply
            logger.exception("rule failed", extra={"ticket_id": ticket_id, "rule_id": step.rule_id})
            continue
        for action in step.sends:
            try:
                sending.take(store, ticket_id, sending.Sender(step.rule_id, step.rule_name), action, outbox)
            except Exception:  # noqa: BLE001 - as above: the message is skipped, the rest goes on
                failed = {"ticket_id": ticket_id, "rule_id": step.rule_id, "action": action.kind.value}
                logger.exception("rule message failed", extra=failed)


def _apply(store: HelpdeskStore, ticket_id: str, step: Step) -> None:
    if not step.changes and not step.round_robin:
        return
    actor = rule_actor(step)
    changes = TicketChanges.model_validate(step.changes)
    ticket = until_saved(
        lambda: update_ticket(store, ticket_id, changes, None, actor),
        give_up=lambda: StaleTicket(None),
    )
    if step.round_robin:
        assignment.assign_next(store, ticket, ticket.updated_at)
