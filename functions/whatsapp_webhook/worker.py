"""WhatsApp worker: drains the FIFO queue the webhook fills. Each record is one
customer message (into ``ingest``) or one status (onto the outbound message):
``helpdesk.channels.whatsapp.inbound.handle_update``. FIFO batches stop at the
first failure, so a customer's later messages never overtake an earlier one
that must be retried.

It also takes AWS End User Messaging Social's SNS notifications (subscribed
directly, or through an SQS queue), for operators who connect WhatsApp that way.
SNS invokes asynchronously: every record is tried, then the invocation fails
naming the ones that failed (``helpdesk.records.each_record``).
"""

from typing import Any

from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from helpdesk import connections
from helpdesk.assistant.callbacks import Callbacks
from helpdesk.channels.whatsapp.inbound import QueuedUpdate, handle_social_messaging, handle_update
from helpdesk.observability import logger, metrics, traced
from helpdesk.records import each_record
from helpdesk.rules.sending import Outbox
from helpdesk.settings import mail_settings

processor = SqsFifoPartialProcessor()
CALLBACKS = Callbacks(connections.callback_dialer)  # the assistant's "llámenme"


def _from_sqs(record: SQSRecord) -> None:
    body = record.json_body
    if isinstance(body, dict) and body.get("Type") == "Notification" and "Message" in body:
        _from_sns(body)  # SNS → SQS
    else:
        update = QueuedUpdate.model_validate_json(record.body)
        handle_update(
            update,
            connections.store(),
            connections.whatsapp_media(),
            _rules_outbox,
            connections.articles_for,  # what the assistant answers from (loaded when it first speaks)
            connections.hand_over,
            CALLBACKS,
            connections.answer_writer(),  # the articles' list, or a model's answer from them
        )


def _from_sns(notification: dict[str, Any]) -> None:
    message = str(notification["Message"])
    handle_social_messaging(
        message,
        connections.store(),
        connections.whatsapp_media(),
        _rules_outbox,
        connections.articles_for,  # what the assistant answers from (loaded when it first speaks)
        connections.hand_over,
        CALLBACKS,
        connections.answer_writer(),  # the articles' list, or a model's answer from them
    )


def _rules_outbox() -> Outbox:
    """Where a rule's reply to a customer message is queued (built when one replies)."""
    return Outbox(connections.outbound_queue(), mail_settings())


def _sns_message_id(record: dict[str, Any]) -> str:
    return str(record["Sns"]["MessageId"])


@traced
@logger.inject_lambda_context(clear_state=True)
@metrics().log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse | dict[str, Any]:
    records = event.get("Records") or []
    if records and records[0].get("EventSource") == "aws:sns":
        each_record(records, lambda record: _from_sns(record["Sns"]), _sns_message_id)
        return {"handled": len(records)}
    return process_partial_response(event=event, record_handler=_from_sqs, processor=processor, context=context)
