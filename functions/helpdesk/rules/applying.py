"""How a rule's step is taken: its field changes saved through the same path
as an agent's (``update_ticket``), under the rule's name, then its
notifications and replies (``sending``); a step or a message that fails is
logged and skipped."""

from helpdesk.errors import StaleTicket
from helpdesk.models import Actor
from helpdesk.observability import logger
from helpdesk.retrying import until_saved
from helpdesk.rules import sending
from helpdesk.rules.evaluation import Outcome, Step
from helpdesk.store import HelpdeskStore
from helpdesk.team import assignment
from helpdesk.tickets.changes import TicketChanges, update_ticket


def rule_actor(step: Step) -> Actor:
    """Who the history names for a rule's change ("Regla: <name>" in the console)."""
    return sending.Sender(step.rule_id, step.rule_name).actor


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
