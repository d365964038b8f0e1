"""WhatsApp webhook (``GET``/``POST /webhooks/whatsapp``, API Gateway proxy).

GET answers Meta's verification. POST checks ``X-Hub-Signature-256`` over the
raw bytes (401 and nothing stored when it fails), queues each customer message
and status on the FIFO queue and answers 200 at once: Meta retries slow or
failed deliveries for days, so the slow work belongs to the worker. A validly
signed body that is not Meta's envelope is answered 200 too (Meta would retry it
forever) and kept, with a metric, for inspection.
"""

import base64
import hashlib
from functools import lru_cache
from typing import Any

import boto3
from aws_lambda_powertools.utilities.typing import LambdaContext

from helpdesk.channels.whatsapp.inbound import InvalidSignature, split_webhook, verify_signature
from helpdesk.clock import utc_now
from helpdesk.models import Channel, SetAside
from helpdesk.observability import logger, metrics
from helpdesk.providers.update_queue import SqsFifoQueue
from helpdesk.settings import store_settings, whatsapp_settings
from helpdesk.store import HelpdeskStore

MAX_KEPT_BODY = 64 * 1024


@lru_cache(maxsize=1)
def _queue() -> SqsFifoQueue:
    client = boto3.client("sqs", region_name=store_settings().region)
    return SqsFifoQueue(client, whatsapp_settings().updates_queue_url)


@lru_cache(maxsize=1)
def _store() -> HelpdeskStore:
    return HelpdeskStore(store_settings())


def _response(status: int, body: str = "", content_type: str = "text/plain") -> dict[str, Any]:
    return {"statusCode": status, "headers": {"Content-Type": content_type}, "body": body}


def _verify(params: dict[str, str]) -> dict[str, Any]:
    if params.get("hub.mode") == "subscribe" and params.get("hub.verify_token") == whatsapp_settings().verify_token:
        return _response(200, params.get("hub.challenge", ""))
    return _response(403, "forbidden")


def _receive(raw: bytes, signature: str | None) -> dict[str, Any]:
    try:
        verify_signature(raw, signature, whatsapp_settings().app_secret)
    except InvalidSignature:
        logger.warning("webhook signature refused")
        return _response(401, "invalid signature")
    try:
        updates = split_webhook(raw)
    except ValueError as exc:
        _keep_malformed(raw, str(exc))
        return _response(200, "EVENT_RECEIVED")
    _queue().enqueue([(u.group, u.dedup_id, u) for u in updates])
    logger.info("webhook queued", extra={"updates": len(updates)})
    return _response(200, "EVENT_RECEIVED")


def _keep_malformed(raw: bytes, reason: str) -> None:
    now = utc_now()
    _store().set_aside(
        SetAside(
            id=hashlib.sha256(raw).hexdigest()[:32],
            channel=Channel.WHATSAPP,
            reason="malformed_webhook",
            received_at=now,
            detail=f"{reason}\n{raw[:MAX_KEPT_BODY].decode('utf-8', 'replace')}",
        )
    )
    metrics().add_metric(name="WhatsAppMalformedWebhook", unit="Count", value=1)
    metrics().flush_metrics()
    logger.warning("malformed webhook kept", extra={"reason": reason})


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    if event.get("httpMethod") == "GET":
        return _verify(event.get("queryStringParameters") or {})
    body = event.get("body") or ""
    raw = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode("utf-8")
    return _receive(raw, headers.get("x-hub-signature-256"))
