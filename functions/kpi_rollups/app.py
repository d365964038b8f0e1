"""KPI rollups: the table's stream (filtered in the template to tickets) folds
each ticket change into per-day counters (``helpdesk.reports``). A record
delivered twice, or after a newer one, changes nothing (the ticket's
contribution item carries the version it counts); a failed record is retried
from there (partial batch response)."""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from helpdesk import connections
from helpdesk.observability import logger, metrics
from helpdesk.reports.recording import record_stream_change

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def fold(record: DynamoDBRecord) -> None:
    images = record.raw_event.get("dynamodb") or {}
    record_stream_change(connections.store(), images.get("OldImage"), images.get("NewImage"))


@logger.inject_lambda_context(clear_state=True)
@metrics().log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=fold, processor=processor, context=context)
