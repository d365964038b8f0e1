"""Outgoing webhooks, second half: each queued delivery is POSTed, signed, to
its endpoint (``helpdesk.webhooks.delivery.attempt``). A failed try comes back
after a doubling delay (the message's visibility; partial batch response);
the last try (``WEBHOOK_MAX_ATTEMPTS``, the queue's maxReceiveCount) sends it
to the dead-letter queue with the reason, where the console shows it."""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from helpdesk import connections
from helpdesk.clock import utc_now
from helpdesk.observability import logger, metrics
from helpdesk.settings import webhook_settings
from helpdesk.webhooks.delivery import Delivery, deliver

processor = BatchProcessor(event_type=EventType.SQS)


class DeliveryFailed(Exception):
    """This try failed; the queue hands the delivery over again after its backoff."""


def handle(record: SQSRecord) -> None:
    delivery = Delivery.model_validate_json(record.body)
    number = int(record.attributes.approximate_receive_count or 1)
    queue = connections.webhook_queue()
    wait = deliver(
        connections.store(), connections.webhook_http(), queue, delivery, number, webhook_settings(), utc_now()
    )
    if wait is not None:
        queue.postpone(record.receipt_handle, wait)
        raise DeliveryFailed(delivery.event_id)


@logger.inject_lambda_context(clear_state=True)
@metrics().log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=handle, processor=processor, context=context)
