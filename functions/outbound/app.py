"""Outbound: queued replies leave on their ticket's channel (e-mail through SES,
WhatsApp through the Graph API).

SQS-driven with partial batch failures. A failed send is retried with growing
delays (the message's visibility is pushed out: 20 s, 40 s, 80 s…); the last
allowed attempt marks the message failed on the ticket, so agents see it.
"""

from functools import lru_cache
from typing import Any

import boto3
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from helpdesk.channels.email.outbound import deliver_email
from helpdesk.channels.outbound import OutboundRequest, queued_message
from helpdesk.channels.whatsapp.outbound import WhatsAppSender, deliver_whatsapp
from helpdesk.models import Channel, DeliveryStatus
from helpdesk.observability import logger
from helpdesk.providers.files import S3FileStore
from helpdesk.providers.ses import SesMailer
from helpdesk.providers.social_messaging import SocialMessagingWhatsApp
from helpdesk.providers.whatsapp_graph import GraphWhatsApp
from helpdesk.settings import mail_settings, outbound_settings, store_settings, whatsapp_sender_settings
from helpdesk.store import HelpdeskStore

processor = BatchProcessor(event_type=EventType.SQS)
BASE_DELAY_SECONDS = 10


@lru_cache(maxsize=1)
def _store() -> HelpdeskStore:
    return HelpdeskStore(store_settings())


@lru_cache(maxsize=1)
def _clients() -> tuple[Any, SesMailer]:
    region = store_settings().region
    return boto3.client("sqs", region_name=region), SesMailer(boto3.client("ses", region_name=region))


@lru_cache(maxsize=1)
def _files() -> S3FileStore:
    return S3FileStore(boto3.client("s3", region_name=store_settings().region))


@lru_cache(maxsize=1)
def _whatsapp() -> WhatsAppSender:
    settings = whatsapp_sender_settings()
    if settings.provider == "social_messaging":
        client = boto3.client("socialmessaging", region_name=store_settings().region)
        return SocialMessagingWhatsApp(client, settings.origination_phone_number_id)
    ssm = boto3.client("ssm", region_name=store_settings().region)
    return GraphWhatsApp.with_token_in_ssm(
        settings.graph_url, settings.phone_number_id, ssm, settings.access_token_parameter
    )


def _send(record: SQSRecord) -> None:
    request = OutboundRequest.model_validate_json(record.body)
    attempt = int(record.attributes.approximate_receive_count or 1)
    final = attempt >= outbound_settings().max_attempts
    ticket = _store().get_ticket(request.ticket_id)
    try:
        if ticket is not None and ticket.channel is Channel.EMAIL:
            status = deliver_email(request, _store(), _clients()[1], mail_settings(), final, _files())
        elif ticket is not None and ticket.channel is Channel.WHATSAPP:
            status = deliver_whatsapp(request, _store(), _whatsapp(), final_attempt=final)
        else:
            status = _unavailable(request)
    except Exception:
        _clients()[0].change_message_visibility(
            QueueUrl=outbound_settings().outbound_queue_url,
            ReceiptHandle=record.receipt_handle,
            VisibilityTimeout=min(900, BASE_DELAY_SECONDS * 2**attempt),
        )
        raise
    logger.info("outbound handled", extra={"ticket_id": request.ticket_id, "status": status, "attempt": attempt})


def _unavailable(request: OutboundRequest) -> DeliveryStatus | None:
    """Channels whose sender has not been built yet fail visibly, not silently."""
    message = queued_message(_store(), request)
    if message is None:
        return None
    _store().mark_delivery(message, DeliveryStatus.FAILED, "channel_not_available")
    return DeliveryStatus.FAILED


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=_send, processor=processor, context=context)
