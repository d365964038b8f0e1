"""Escalation steps: the escalation state machines put each step that needs
the help desk (notify the assignee, reassign to the supervisor, notify the
supervisor and wait for their acknowledgment, tell the next tier, hand a bot
conversation to people) on a queue; this carries them out
(``helpdesk.sla.escalation.carry_out``). Failures are retried, then dead-lettered."""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from helpdesk import connections
from helpdesk.observability import logger, metrics, traced
from helpdesk.sla.escalation import EscalationStep, carry_out

processor = BatchProcessor(event_type=EventType.SQS)


def _carry_out(record: SQSRecord) -> None:
    step = EscalationStep.model_validate_json(record.body)
    logger.info("escalation step", extra={"action": step.action.value, "ticket_id": step.ticket_id})
    carry_out(step, connections.store(), connections.agent_notices())


@traced
@logger.inject_lambda_context(clear_state=True)
@metrics().log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=_carry_out, processor=processor, context=context)
