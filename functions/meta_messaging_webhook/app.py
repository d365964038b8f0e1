"""Messenger and Instagram webhook (``GET``/``POST /webhooks/messenger`` and
``/webhooks/instagram``, API Gateway proxy).

GET answers Meta's verification. POST checks ``X-Hub-Signature-256`` over the
raw bytes (401, nothing stored), refuses a body that is not Meta's envelope
(400 with the reason; the body kept aside for agents), queues each customer event on the FIFO queue and answers
200 at once (``helpdesk.channels.meta_messaging.inbound.accept_webhook``). Not
traced, as the WhatsApp webhook: its job is to answer at once.
"""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from helpdesk import connections
from helpdesk.channels.meta_messaging.inbound import (
    InvalidSignature,
    MalformedWebhook,
    accept_webhook,
    verification_challenge,
)
from helpdesk.http_policy import ProxyRequest, plain_answer
from helpdesk.observability import logger, metrics
from helpdesk.settings import meta_messaging_settings


@logger.inject_lambda_context(clear_state=True)
@metrics().log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = ProxyRequest.model_validate(event)
    if request.httpMethod == "GET":
        challenge = verification_challenge(request.queryStringParameters or {}, meta_messaging_settings())
        return plain_answer(403, "forbidden") if challenge is None else plain_answer(200, challenge)
    try:
        accept_webhook(
            request.raw_body(),
            request.header("x-hub-signature-256"),
            meta_messaging_settings(),
            connections.meta_update_queue(),
            connections.store(),
        )
    except InvalidSignature:
        return plain_answer(401, "invalid signature")
    except MalformedWebhook as malformed:
        return plain_answer(400, f"malformed webhook: {malformed.reason}")
    return plain_answer(200, "EVENT_RECEIVED")
