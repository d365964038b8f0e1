"""Search indexer: the table's stream (DynamoDB Streams, filtered in the
template to tickets, their messages and contacts) keeps the search index in
step (``helpdesk.search.indexing``). Each changed ticket is re-indexed once per
batch, whatever number of its items changed; a failed record is retried from
there (partial batch response), and re-indexing is idempotent."""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from helpdesk import connections
from helpdesk.observability import logger, metrics
from helpdesk.search.indexing import Changed, changed_by, index_changes

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


class _Batch:
    """What one invocation already re-indexed: a ticket changed by ten records
    of a batch is read and indexed once."""

    def __init__(self) -> None:
        self.done: set[str] = set()

    def index(self, record: DynamoDBRecord) -> None:
        item_keys = (record.dynamodb.keys if record.dynamodb else None) or {}
        changed = changed_by([(str(item_keys.get("PK", "")), str(item_keys.get("SK", "")))])
        fresh = Changed(changed.tickets - self.done, changed.contacts - self.done)
        index_changes(connections.store(), fresh)
        self.done |= fresh.tickets | fresh.contacts


@logger.inject_lambda_context(clear_state=True)
@metrics().log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    batch = _Batch()
    return process_partial_response(event=event, record_handler=batch.index, processor=processor, context=context)
