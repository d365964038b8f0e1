"""WhatsApp webhook (``GET``/``POST /webhooks/whatsapp``, API Gateway proxy).

GET answers Meta's verification. POST checks ``X-Hub-Signature-256`` over the
raw bytes (401 and nothing stored when it fails), queues each customer message
and status on the FIFO queue and answers 200 at once
(``helpdesk.channels.whatsapp.inbound.accept_webhook``): Meta retries slow or
failed deliveries for days, so the slow work belongs to the worker. Not traced:
its job is to answer at once, and the X-Ray SDK would add a third of a second
to each cold start (Lambda still records the invocation's own segment).
"""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from helpdesk import connections
from helpdesk.channels.whatsapp.inbound import InvalidSignature, accept_webhook, verification_challenge
from helpdesk.http_policy import ProxyRequest, plain_answer
from helpdesk.observability import logger, metrics
from helpdesk.settings import whatsapp_settings


@logger.inject_lambda_context(clear_state=True)
@metrics().log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = ProxyRequest.model_validate(event)
    if request.httpMethod == "GET":
        challenge = verification_challenge(request.queryStringParameters or {}, whatsapp_settings())
        return plain_answer(403, "forbidden") if challenge is None else plain_answer(200, challenge)
    try:
        accept_webhook(
            request.raw_body(),
            request.header("x-hub-signature-256"),
            whatsapp_settings(),
            connections.update_queue(),
            connections.store(),
        )
    except InvalidSignature:
        return plain_answer(401, "invalid signature")
    return plain_answer(200, "EVENT_RECEIVED")
