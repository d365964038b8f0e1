"""Outgoing webhooks, first half: the table's stream (filtered in the template
to ticket writes, new messages and rules' webhook calls) becomes events, and each event one delivery
per subscribed endpoint on the webhook queue (``helpdesk.webhooks.changes``).
A record handed over twice yields the same event id, queued once. A failed
record is retried from there (partial batch response)."""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from helpdesk import connections
from helpdesk.clock import utc_now
from helpdesk.observability import logger, metrics
from helpdesk.webhooks.changes import TableChange, queue_events_of

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def handle(record: DynamoDBRecord) -> None:
    change = TableChange.of_record(record.raw_event.get("dynamodb", {}))  # the images as DynamoDB JSON
    queue_events_of(connections.store(), connections.webhook_queue(), change, utc_now())


@logger.inject_lambda_context(clear_state=True)
@metrics().log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=handle, processor=processor, context=context)
