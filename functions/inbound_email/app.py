"""Inbound e-mail: the raw MIME SES stored in the raw-mail bucket becomes a
ticket message (``helpdesk.channels.email.intake.receive_mail``).

Two event shapes reach this handler, both with the object already in S3:

- S3 → SQS (the template's wiring): each SQS record holds an S3 ObjectCreated
  notification; failures are reported per record so only they are retried, and
  a mail that keeps failing lands in the queue's dead-letter queue;
- an SES receipt rule's Lambda action (the local stack's SMTP inbox delivers this
  shape; operators may wire it too): the object is at ``RAW_MAIL_PREFIX`` +
  SES message id, and SES's spam and virus verdicts come in the event.

Idempotent on the SES message id: it is the mail's channel message id.
"""

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import unquote_plus

import boto3
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.models import SesModel, SesRecordModel
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict

from helpdesk.channels.email.intake import MailDelivery, MailReceipt, raw_mail_reference, receive_mail
from helpdesk.channels.outbound import SqsOutboundQueue
from helpdesk.observability import logger
from helpdesk.providers.files import S3FileStore
from helpdesk.settings import mail_settings, outbound_settings, raw_mail_prefix, store_settings
from helpdesk.store import HelpdeskStore

processor = BatchProcessor(event_type=EventType.SQS)


class _Bucket(BaseModel):
    name: str


class _Object(BaseModel):
    key: str


class _S3Entity(BaseModel):
    bucket: _Bucket
    object: _Object


class _S3Record(BaseModel):
    model_config = ConfigDict(extra="ignore")

    eventName: str
    eventTime: datetime
    s3: _S3Entity


class ObjectCreatedNotification(BaseModel):
    """The fields of an S3 event notification this function uses (S3 sends an
    ``s3:TestEvent`` without ``Records`` when the notification is configured)."""

    model_config = ConfigDict(extra="ignore")

    Records: list[_S3Record] = []
    Event: str | None = None


@lru_cache(maxsize=1)
def _store() -> HelpdeskStore:
    return HelpdeskStore(store_settings())


@lru_cache(maxsize=1)
def _outbound() -> SqsOutboundQueue:
    sqs = boto3.client("sqs", region_name=store_settings().region)
    return SqsOutboundQueue(sqs, outbound_settings().outbound_queue_url)


@lru_cache(maxsize=1)
def _files() -> S3FileStore:
    return S3FileStore(boto3.client("s3", region_name=store_settings().region))


def _receive(bucket: str, key: str, provider_id: str, received_at: datetime, **delivery: Any) -> MailReceipt:
    files = _files()
    raw = files.get(bucket, key)
    receipt = receive_mail(
        raw,
        MailDelivery(
            provider_id=provider_id,
            original=raw_mail_reference(bucket, key, raw),
            received_at=received_at,
            **delivery,
        ),
        _store(),
        files,
        mail_settings(),
        _outbound(),
    )
    logger.info("mail received", extra={"outcome": receipt.outcome.value, "ticket_id": receipt.ticket_id})
    return receipt


def _from_ses(record: SesRecordModel) -> MailReceipt:
    mail, receipt = record.ses.mail, record.ses.receipt
    return _receive(
        mail_settings().raw_mail_bucket,
        raw_mail_prefix() + mail.messageId,
        mail.messageId,
        mail.timestamp,
        recipients=tuple(str(r).lower() for r in receipt.recipients),
        spam_verdict=receipt.spamVerdict.status,
        virus_verdict=receipt.virusVerdict.status,
    )


def _from_sqs(record: SQSRecord) -> None:
    notification = ObjectCreatedNotification.model_validate_json(record.body)
    for s3 in notification.Records:
        if not s3.eventName.startswith("ObjectCreated"):
            continue
        key = unquote_plus(s3.s3.object.key)
        _receive(s3.s3.bucket.name, key, key.rsplit("/", 1)[-1], s3.eventTime.astimezone(UTC))


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse | dict[str, Any]:
    records = event.get("Records") or []
    if records and records[0].get("eventSource") == "aws:ses":
        receipts = [_from_ses(record) for record in parse(event=event, model=SesModel).Records]
        return {"receipts": [r.outcome.value for r in receipts]}
    return process_partial_response(event=event, record_handler=_from_sqs, processor=processor, context=context)
