"""Escalation steps: the escalation state machines put each step that needs
the help desk (notify the assignee, reassign to the supervisor, notify the
supervisor and wait for their acknowledgment, tell the next tier, hand a bot
conversation to people) on a queue; this carries them out
(``helpdesk.sla.escalation.carry_out``). Failures are retried, then dead-lettered."""

from functools import lru_cache
from typing import Any

import boto3
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from helpdesk.observability import logger
from helpdesk.providers.ses import SesMailer
from helpdesk.settings import NoticeSettings, store_settings
from helpdesk.sla.escalation import EscalationStep, carry_out
from helpdesk.store import HelpdeskStore
from helpdesk.team.notices import AgentNotices

processor = BatchProcessor(event_type=EventType.SQS)


@lru_cache(maxsize=1)
def _store() -> HelpdeskStore:
    return HelpdeskStore(store_settings())


@lru_cache(maxsize=1)
def _notices() -> AgentNotices:
    region = store_settings().region
    return AgentNotices(SesMailer(boto3.client("ses", region_name=region)), NoticeSettings.from_environment())


def _carry_out(record: SQSRecord) -> None:
    step = EscalationStep.model_validate_json(record.body)
    logger.info("escalation step", extra={"action": step.action.value, "ticket_id": step.ticket_id})
    carry_out(step, _store(), _notices())


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=_carry_out, processor=processor, context=context)
