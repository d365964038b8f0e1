"""(e) WhatsApp webhook acknowledgement latency (the handler alone, in-process:
signature check, split, queue) and (f) worker throughput (queued messages into
tickets), against the local moto server."""

import hashlib
import hmac
import json
import os
import statistics
import time
from dataclasses import dataclass
from typing import Any

from helpdesk import connections
from helpdesk.settings import forget_settings
from local.embedded_aws import EmbeddedAWS
from local.lambda_runtime import LocalContext, QueueWorker, queue_subscriptions
from local.stack import deploy, session_for, whatsapp_secrets

WEBHOOKS = 300
CUSTOMERS = 30


@dataclass
class WhatsAppFigures:
    webhooks: int
    p50_ms: float
    p99_ms: float
    worker_messages_per_second: float


def _payload(customer: int, sequence: int) -> bytes:
    wa_id = f"50255{customer:06d}"
    message = {"from": wa_id, "id": f"wamid.BENCH.{customer}.{sequence}", "timestamp": str(1_797_000_000 + sequence),
               "type": "text", "text": {"body": f"Mensaje {sequence}: ¿me ayudan con mi pedido?"}}  # fmt: skip
    value = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": "1", "display_phone_number": "5025"},
             "contacts": [{"profile": {"name": "Cliente"}, "wa_id": wa_id}], "messages": [message]}  # fmt: skip
    change = {"field": "messages", "value": value}
    envelope = {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [change]}]}
    return json.dumps(envelope).encode()


def run() -> WhatsAppFigures:
    saved = dict(os.environ)
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")  # the figures, not CloudWatch's lines
    aws = EmbeddedAWS(port=0).start()
    try:
        session = session_for(aws.url)
        deployment = deploy(session, aws.url)
        forget_settings()
        from whatsapp_webhook import app

        connections.forget()
        secret = whatsapp_secrets()["WhatsAppAppSecret"].encode()
        context: Any = LocalContext("WhatsAppWebhookFunction")
        latencies = []
        for n in range(WEBHOOKS):
            body = _payload(n % CUSTOMERS, n // CUSTOMERS)
            signature = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
            event = {"httpMethod": "POST", "headers": {"X-Hub-Signature-256": signature}, "body": body.decode()}
            started = time.perf_counter()
            response = app.handler(event, context)
            latencies.append(time.perf_counter() - started)
            assert response["statusCode"] == 200
        (subscription,) = [s for s in queue_subscriptions(deployment.stack) if s.function == "WhatsAppWorkerFunction"]
        worker = QueueWorker(session.client("sqs"), subscription)
        started = time.perf_counter()
        worker.drain(timeout=600)
        elapsed = time.perf_counter() - started
        latencies.sort()
        return WhatsAppFigures(
            webhooks=WEBHOOKS,
            p50_ms=statistics.median(latencies) * 1000,
            p99_ms=latencies[int(len(latencies) * 0.99) - 1] * 1000,
            worker_messages_per_second=WEBHOOKS / elapsed,
        )
    finally:
        aws.stop()
        os.environ.clear()
        os.environ.update(saved)
        forget_settings()
