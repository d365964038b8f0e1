"""Outgoing webhooks, first half: the table's stream (filtered in the template
to tickets and their messages) becomes events, and each event one delivery per
subscribed endpoint on the webhook queue (``helpdesk.webhooks``). A record
handed over twice yields the same event id, queued once. A failed record is
retried from there (partial batch response)."""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from helpdesk import connections
from helpdesk.clock import utc_now
from helpdesk.observability import logger, metrics
from helpdesk.webhooks.delivery import fan_out
from helpdesk.webhooks.events import Event, message_events, ticket_events

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def events_of(record: DynamoDBRecord) -> list[Event]:
    """What one stream record means to receivers (its raw images, read back by the store)."""
    store = connections.store()
    change = record.raw_event.get("dynamodb", {})
    sort_key = str(change.get("Keys", {}).get("SK", {}).get("S", ""))
    if sort_key == "META":
        before = store.ticket_from_image(change.get("OldImage"))
        return ticket_events(before, store.ticket_from_image(change.get("NewImage")))
    message = store.message_from_image(change.get("NewImage"))
    if message is None or change.get("OldImage"):
        return []  # a message's later writes (delivery statuses) are no new message
    return message_events(message, store.get_ticket(message.ticket_id))


def handle(record: DynamoDBRecord) -> None:
    fan_out(connections.store(), connections.webhook_queue(), events_of(record), utc_now())


@logger.inject_lambda_context(clear_state=True)
@metrics().log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=handle, processor=processor, context=context)
