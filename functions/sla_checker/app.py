"""SLA checker: every minute (EventBridge schedule), record the SLA warnings
and breaches that came due, publish them on the bus, and start the escalation
of each breach (``helpdesk.sla.checker``)."""

from functools import lru_cache
from typing import Any

import boto3
from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from aws_lambda_powertools.utilities.typing import LambdaContext

from helpdesk.clock import utc_now
from helpdesk.models import SlaTimer
from helpdesk.observability import logger
from helpdesk.providers.eventbridge import EventBridgeBus
from helpdesk.providers.step_functions import StepFunctionsFlows
from helpdesk.settings import EventSettings, escalation_settings, store_settings
from helpdesk.sla.checker import check_slas
from helpdesk.sla.escalation import start_breach_escalation
from helpdesk.store import HelpdeskStore


@lru_cache(maxsize=1)
def _store() -> HelpdeskStore:
    return HelpdeskStore(store_settings())


@lru_cache(maxsize=1)
def _bus() -> EventBridgeBus:
    region = store_settings().region
    return EventBridgeBus(boto3.client("events", region_name=region), EventSettings.from_environment().bus_name)


@lru_cache(maxsize=1)
def _flows() -> StepFunctionsFlows:
    return StepFunctionsFlows(boto3.client("stepfunctions", region_name=store_settings().region))


def _escalate(ticket_id: str, timer: SlaTimer) -> bool:
    return start_breach_escalation(_flows(), escalation_settings(), ticket_id, timer)


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    scheduled = parse(event=event, model=EventBridgeModel)  # a malformed event fails loudly
    logger.append_keys(scheduled_for=scheduled.time.isoformat())
    report = check_slas(_store(), utc_now(), _bus(), _escalate)
    return {
        "minutes": report.minutes,
        "tickets": report.tickets,
        "warnings": report.warnings,
        "breaches": report.breaches,
        "escalations": report.escalations,
    }
