"""Live updates fan-out: the table's stream (filtered in the template to
tickets, their messages and presence, and agents' notifications) becomes small
events posted to the WebSocket connections whose view each change touches
(``helpdesk.live.fanout``). A post that fails for another reason than a gone
connection fails the record, which Lambda retries from there."""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from helpdesk import connections
from helpdesk.live.events import TableChange
from helpdesk.live.fanout import deliver
from helpdesk.observability import logger, metrics

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def table_change(record: DynamoDBRecord) -> TableChange:
    data = record.dynamodb
    item_keys = (data.keys if data else None) or {}
    return TableChange(
        pk=str(item_keys.get("PK", "")),
        sk=str(item_keys.get("SK", "")),
        old=(data.old_image or None) if data else None,
        new=(data.new_image or None) if data else None,
    )


def _post(record: DynamoDBRecord) -> None:
    deliver(connections.store(), connections.live_poster(), [table_change(record)])


@logger.inject_lambda_context(clear_state=True)
@metrics().log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=_post, processor=processor, context=context)
