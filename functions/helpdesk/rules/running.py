"""Rules at work: after intake, a reply or a change is saved, the rules for
that event run on the ticket and each change they make is saved through the
same path as an agent's (``update_ticket``: optimistic locking, SLA timers,
history, round robin), in the history under the rule's name.

Rules never stand in the way of the event that triggered them: a rule whose
change fails (a group that no longer exists, a closed ticket) is logged and
skipped, and anything unexpected while running them is logged and ignored.
The message is already saved when rules run.
"""

from helpdesk.access import Viewer
from helpdesk.models import Actor, Ticket
from helpdesk.observability import logger
from helpdesk.rules import sending, timed
from helpdesk.rules.applying import apply_steps, rule_actor
from helpdesk.rules.context import calendar_of, facts_for
from helpdesk.rules.evaluation import Outcome, evaluate
from helpdesk.rules.ruleset import RuleEvent, current_rules
from helpdesk.store import HelpdeskStore
from helpdesk.tickets.changes import BulkChange, BulkOutcome, TicketChanges, bulk_update, update_ticket

__all__ = ["apply_steps", "bulk_with_rules", "calendar_of", "change_with_rules", "rule_actor", "run_rules"]


def run_rules(
    store: HelpdeskStore,
    event: RuleEvent,
    ticket_id: str,
    text: str = "",
    outbox: sending.OutboxFactory | None = None,
    saved: Ticket | None = None,
    status_changed: bool = True,
) -> Outcome | None:
    """Run the rules for ``event`` on the ticket and save what they change;
    never raises (see the module's docstring). None when no rule listens.
    ``outbox`` is where a rule's reply is queued (without one, replies are skipped).
    ``saved``: the ticket as the event's own save left it (not read again);
    ``status_changed``: whether that save changed its status."""
    try:
        rules = current_rules(store)
        if not any(rule.active for rule in rules.rules):
            return None
        ticket = saved if saved is not None and saved.id == ticket_id else store.get_ticket(ticket_id)
        if ticket is None:
            return None
        outcome = evaluate(rules, event, ticket, facts_for(store, rules, ticket, text))
    except Exception:  # noqa: BLE001 - rules must never block intake: log and go on
        logger.exception("rules not run", extra={"ticket_id": ticket_id, "event": event.value})
        return None
    if outcome.stopped_at_bound:
        logger.warning("rules stopped at the chain bound", extra={"ticket_id": ticket_id, "passes": outcome.passes})
    apply_steps(store, ticket_id, outcome, outbox)
    if outcome.steps:  # the steps changed it: read again
        timed.schedule(store, rules, ticket_id, event)
    else:
        timed.schedule(store, rules, ticket_id, event, ticket, status_changed)
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
