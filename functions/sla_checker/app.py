"""SLA checker: every minute (EventBridge schedule), record the SLA warnings
and breaches that came due, publish them on the bus, and start the escalation
of each breach (``helpdesk.sla.checker``); then fire the time-based rules that
came due (``helpdesk.rules.timed``: the same due-minute design, its own
checkpoint), and follow up the assistant's questions left unanswered
(``helpdesk.assistant.silence``: hour buckets, its own checkpoint)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from helpdesk import connections
from helpdesk.assistant.silence import follow_up_silences
from helpdesk.clock import utc_now
from helpdesk.models import SlaTimer
from helpdesk.observability import BusinessMetric, count, logger, metrics, traced
from helpdesk.rules.sending import Outbox
from helpdesk.rules.timed import run_time_rules
from helpdesk.scheduled import scheduled_event
from helpdesk.settings import escalation_settings, mail_settings
from helpdesk.sla.checker import check_slas
from helpdesk.sla.escalation import start_breach_escalation


def _escalate(ticket_id: str, timer: SlaTimer) -> bool:
    return start_breach_escalation(connections.flows(), escalation_settings(), ticket_id, timer)


def _rules_outbox() -> Outbox:
    """Where a time-based rule's reply is queued (built when one replies)."""
    return Outbox(connections.outbound_queue(), mail_settings())


@traced
@logger.inject_lambda_context(clear_state=True)
@metrics().log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    scheduled = scheduled_event(event)  # a malformed event fails loudly
    logger.append_keys(scheduled_for=scheduled.time.isoformat())
    report = check_slas(connections.store(), utc_now(), connections.bus(), _escalate)
    count(BusinessMetric.SLA_WARNINGS, value=report.warnings)
    count(BusinessMetric.SLA_BREACHES, value=report.breaches)
    count(BusinessMetric.ESCALATIONS_STARTED, value=report.escalations)
    rules = run_time_rules(connections.store(), utc_now(), _rules_outbox)
    silences = follow_up_silences(connections.store(), utc_now())
    return {
        "rules_fired": rules.fired,
        "bot_silences_followed_up": silences.opened,
        "minutes": report.minutes,
        "tickets": report.tickets,
        "warnings": report.warnings,
        "breaches": report.breaches,
        "escalations": report.escalations,
    }
