"""Outbound: queued replies leave on their ticket's channel (e-mail through SES,
WhatsApp through the Graph API or AWS End User Messaging Social, Messenger and
Instagram through Meta's Send API):
``helpdesk.channels.delivery.send_reply``.

SQS-driven with partial batch failures. A failed send comes back after a growing
delay (its visibility is pushed out: 20 s, 40 s, 80 s…); the last allowed attempt
marks the message failed on the ticket, so agents see it.
"""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from helpdesk import connections
from helpdesk.channels.delivery import Senders, retry_delay, send_reply
from helpdesk.channels.outbound import OutboundRequest
from helpdesk.observability import logger, metrics, traced
from helpdesk.settings import mail_settings, outbound_settings

processor = BatchProcessor(event_type=EventType.SQS)
SENDERS = Senders(
    mailer=connections.mailer,
    whatsapp=connections.whatsapp_sender,
    files=connections.files,
    meta=connections.meta_sender,
)


def _send(record: SQSRecord) -> None:
    request = OutboundRequest.model_validate_json(record.body)
    attempt = int(record.attributes.approximate_receive_count or 1)
    try:
        send_reply(request, attempt, outbound_settings().max_attempts, connections.store(), SENDERS, mail_settings())
    except Exception:
        connections.outbound_queue().postpone(record.receipt_handle, retry_delay(attempt))
        raise


@traced
@logger.inject_lambda_context(clear_state=True)
@metrics().log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=_send, processor=processor, context=context)
