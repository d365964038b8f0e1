"""WhatsApp worker: drains the FIFO queue the webhook fills. Each record is one
customer message (into ``ingest``) or one status (onto the outbound message).
FIFO batches stop at the first failure, so a customer's later messages never
overtake an earlier one that must be retried."""

from functools import lru_cache
from typing import Any

from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from helpdesk.observability import logger
from helpdesk.settings import store_settings
from helpdesk.store import HelpdeskStore
from helpdesk.whatsapp_inbound import QueuedUpdate, handle_update

processor = SqsFifoPartialProcessor()


@lru_cache(maxsize=1)
def _store() -> HelpdeskStore:
    return HelpdeskStore(store_settings())


def _handle(record: SQSRecord) -> None:
    handle_update(QueuedUpdate.model_validate_json(record.body), _store())


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=_handle, processor=processor, context=context)
