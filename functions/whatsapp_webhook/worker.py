"""WhatsApp worker: drains the FIFO queue the webhook fills. Each record is one
customer message (into ``ingest``) or one status (onto the outbound message).
FIFO batches stop at the first failure, so a customer's later messages never
overtake an earlier one that must be retried.

It also takes AWS End User Messaging Social's SNS notifications (subscribed
directly, or through an SQS queue), for operators who connect WhatsApp that way.
"""

from functools import lru_cache
from typing import Any

from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from helpdesk.channels.whatsapp.inbound import MediaStorage, QueuedUpdate, handle_update, split_social_messaging
from helpdesk.observability import logger
from helpdesk.providers.files import S3FileStore
from helpdesk.providers.whatsapp_graph import GraphWhatsApp
from helpdesk.settings import mail_settings, store_settings, whatsapp_sender_settings
from helpdesk.store import HelpdeskStore

processor = SqsFifoPartialProcessor()


@lru_cache(maxsize=1)
def _store() -> HelpdeskStore:
    return HelpdeskStore(store_settings())


@lru_cache(maxsize=1)
def _media() -> MediaStorage:
    import boto3

    region = store_settings().region
    sender = whatsapp_sender_settings()
    ssm = boto3.client("ssm", region_name=region)
    mail = mail_settings()
    return MediaStorage(
        source=GraphWhatsApp.with_token_in_ssm(
            sender.graph_url, sender.phone_number_id, ssm, sender.access_token_parameter
        ),
        files=S3FileStore(boto3.client("s3", region_name=region)),
        bucket=mail.attachments_bucket,
        max_bytes=mail.max_attachment_bytes,
    )


def _handle(record: SQSRecord) -> None:
    body = record.json_body
    if isinstance(body, dict) and body.get("Type") == "Notification" and "Message" in body:
        _handle_social_messaging(str(body["Message"]))  # SNS → SQS
    else:
        handle_update(QueuedUpdate.model_validate_json(record.body), _store(), _media())


def _handle_social_messaging(message: str) -> None:
    try:
        updates = split_social_messaging(message)
    except ValueError:
        logger.warning("social messaging notification not understood; ignored")
        return
    for update in updates:
        handle_update(update, _store(), _media())


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse | dict[str, Any]:
    records = event.get("Records") or []
    if records and records[0].get("EventSource") == "aws:sns":
        for record in records:
            _handle_social_messaging(record["Sns"]["Message"])
        return {"handled": len(records)}
    return process_partial_response(event=event, record_handler=_handle, processor=processor, context=context)
