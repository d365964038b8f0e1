"""Messenger and Instagram worker: drains the FIFO queue the webhook fills. Each
record is one customer event: a message, postback or reaction into ``ingest``
(attachments fetched into the attachments bucket), or a delivery or read
receipt onto the page's replies (``helpdesk.channels.meta_messaging.inbound.handle_update``).
FIFO batches stop at the first failure, so a customer's later messages never
overtake an earlier one that must be retried.
"""

from typing import Any

from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from helpdesk import connections
from helpdesk.assistant.callbacks import Callbacks
from helpdesk.channels.meta_messaging.inbound import handle_update
from helpdesk.channels.meta_messaging.payloads import MetaUpdate
from helpdesk.observability import logger, metrics, traced
from helpdesk.rules.sending import Outbox
from helpdesk.settings import mail_settings

processor = SqsFifoPartialProcessor()
CALLBACKS = Callbacks(connections.callback_dialer)  # the assistant's "llámenme"


def _from_sqs(record: SQSRecord) -> None:
    update = MetaUpdate.model_validate_json(record.body)
    store, graph = connections.store(), connections.meta_sender()
    handle_update(
        update,
        store,
        connections.meta_attachments(),
        _rules_outbox,
        graph,
        connections.articles_for,  # what the assistant answers from (loaded when it first speaks)
        connections.hand_over,
        CALLBACKS,
        connections.answer_writer(),  # the articles' list, or a model's answer from them
    )


def _rules_outbox() -> Outbox:
    """Where a rule's reply to a customer message is queued (built when one replies)."""
    return Outbox(connections.outbound_queue(), mail_settings())


@traced
@logger.inject_lambda_context(clear_state=True)
@metrics().log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=_from_sqs, processor=processor, context=context)
