"""Quality sampler: the table's stream (filtered in the template to tickets that
are solved now or were solved before) opens quality reviews
(``helpdesk.quality.sampling``): a share of solved tickets, every reopened one.
A record delivered twice samples once (the review is one conditional write per
ticket); a failed record is retried from there (partial batch response)."""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from helpdesk import connections
from helpdesk.clock import utc_now
from helpdesk.observability import logger, metrics
from helpdesk.quality.sampling import sample_stream_change

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def sample(record: DynamoDBRecord) -> None:
    images = record.raw_event.get("dynamodb") or {}
    sample_stream_change(connections.store(), images.get("OldImage"), images.get("NewImage"), utc_now())


@logger.inject_lambda_context(clear_state=True)
@metrics().log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=sample, processor=processor, context=context)
