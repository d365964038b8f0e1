"""Messenger and Instagram webhook (``GET``/``POST /webhooks/messenger`` and
``/webhooks/instagram``, API Gateway proxy).

GET answers Meta's verification. POST checks ``X-Hub-Signature-256`` over the
raw bytes (401, nothing stored), refuses a body that is not Meta's envelope
(400 with the reason), queues each customer event on the FIFO queue and answers
200 at once (``helpdesk.channels.meta_messaging.inbound.accept_webhook``). Not
traced, as the WhatsApp webhook: its job is to answer at once.
"""

import base64
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict

from helpdesk import connections, http_policy
from helpdesk.channels.meta_messaging.inbound import (
    InvalidSignature,
    MalformedWebhook,
    accept_webhook,
    verification_challenge,
)
from helpdesk.observability import logger, metrics
from helpdesk.settings import meta_messaging_settings


class ProxyRequest(BaseModel):
    """The fields of API Gateway's proxy event the webhook reads."""

    model_config = ConfigDict(extra="ignore")

    httpMethod: str = ""
    headers: dict[str, str] | None = None
    queryStringParameters: dict[str, str] | None = None
    body: str | None = None
    isBase64Encoded: bool = False

    def raw_body(self) -> bytes:
        body = self.body or ""
        return base64.b64decode(body) if self.isBase64Encoded else body.encode("utf-8")

    def header(self, name: str) -> str | None:
        return next((v for k, v in (self.headers or {}).items() if k.lower() == name), None)


def _response(status: int, body: str) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"Content-Type": "text/plain", **http_policy.API_HEADERS}, "body": body}


@logger.inject_lambda_context(clear_state=True)
@metrics().log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = ProxyRequest.model_validate(event)
    if request.httpMethod == "GET":
        challenge = verification_challenge(request.queryStringParameters or {}, meta_messaging_settings())
        return _response(403, "forbidden") if challenge is None else _response(200, challenge)
    try:
        accept_webhook(
            request.raw_body(),
            request.header("x-hub-signature-256"),
            meta_messaging_settings(),
            connections.meta_update_queue(),
        )
    except InvalidSignature:
        return _response(401, "invalid signature")
    except MalformedWebhook as malformed:
        return _response(400, f"malformed webhook: {malformed.reason}")
    return _response(200, "EVENT_RECEIVED")
