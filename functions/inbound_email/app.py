"""Inbound e-mail: the raw MIME SES stored in the raw-mail bucket becomes a
ticket message (``helpdesk.channels.email.intake.file_stored_mail``).

Two event shapes reach this handler, both with the object already in S3:

- S3 → SQS (the template's wiring): each SQS record holds an S3 ObjectCreated
  notification; failures are reported per record so only they are retried, and
  a mail that keeps failing lands in the queue's dead-letter queue;
- an SES receipt rule's Lambda action (the local stack's SMTP inbox delivers this
  shape; operators may wire it too): the object is at ``RAW_MAIL_PREFIX`` +
  SES message id, and SES's spam and virus verdicts come in the event. Every
  record is tried; failures then fail the invocation, naming them.

Idempotent on the SES message id: it is the mail's channel message id.
"""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from helpdesk import connections
from helpdesk.channels.email.intake import MailReceipt, StoredMail, file_stored_mail, stored_by_s3, stored_by_ses
from helpdesk.observability import logger, metrics, traced
from helpdesk.records import each_record
from helpdesk.settings import mail_settings

processor = BatchProcessor(event_type=EventType.SQS)


def _file(stored: StoredMail) -> MailReceipt:
    return file_stored_mail(
        stored, connections.store(), connections.files(), mail_settings(), connections.outbound_queue()
    )


def _from_sqs(record: SQSRecord) -> None:
    for stored in stored_by_s3(record.body):
        _file(stored)


def _from_ses(record: dict[str, Any]) -> str:
    return _file(stored_by_ses(record, mail_settings().raw_mail_bucket)).outcome.value


def _ses_message_id(record: dict[str, Any]) -> str:
    return str(record["ses"]["mail"]["messageId"])


@traced
@logger.inject_lambda_context(clear_state=True)
@metrics().log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse | dict[str, Any]:
    records = event.get("Records") or []
    if records and records[0].get("eventSource") == "aws:ses":
        return {"receipts": each_record(records, _from_ses, _ses_message_id)}
    return process_partial_response(event=event, record_handler=_from_sqs, processor=processor, context=context)
