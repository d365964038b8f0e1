"""(q) our own CPU per event: the time this thread spends on the processor while a
handler runs, minus what it spends inside AWS calls (from botocore's
``before-parameter-build`` to ``after-call``: building, signing, sending and
parsing a request; the embedded AWS answers on its own threads, so its work is
never on ours). Targets (issue 22): ingest of one message ≤ 5 ms, a webhook's
acknowledgement ≤ 3 ms, a ticket page's API requests ≤ 10 ms, at p50.

Three kinds of event, each ``EVENTS`` times, against a deployed local stack (moto
as a server, no workers: only the handler under measure runs):

- webhook: a signed WhatsApp delivery to the webhook handler (signature check,
  split, queue);
- ingest: one queued update handed to the WhatsApp worker as Lambda's SQS
  mapping would (a fifth open a ticket for a new customer, the rest follow up);
- api: the two requests an open ticket page makes, ``GET /api/tickets/{id}``
  and its presence beat ``PUT /api/tickets/{id}/presence``, through the agent
  API's Chalice app with an agent's ID token (its signature checked each time)."""

import functools
import hashlib
import hmac
import json
import logging
import os
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from bench import calls
from local.lambda_runtime import LocalContext, QueueWorker, load_handler, queue_subscriptions

EVENTS = 1000
CUSTOMERS = 200
TARGETS_MS = {"ingest": 5.0, "webhook": 3.0, "api": 10.0}


class AwsCallClock:
    """Thread CPU spent inside AWS calls, per thread."""

    def __init__(self) -> None:
        self._local = threading.local()

    def install(self) -> "AwsCallClock":
        calls.on_every_client("before-parameter-build", self._enter)
        calls.on_every_client("after-call", self._leave)
        calls.on_every_client("after-call-error", self._leave)
        return self

    def _enter(self, **_: Any) -> None:
        self._local.started = time.thread_time()

    def _leave(self, **_: Any) -> None:
        started = getattr(self._local, "started", None)
        if started is not None:
            self._local.inside = self.inside + time.thread_time() - started
            self._local.started = None

    @property
    def inside(self) -> float:
        return float(getattr(self._local, "inside", 0.0))


@dataclass
class Samples:
    own_ms: list[float] = field(default_factory=list)
    aws_ms: list[float] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # what each event was, where kinds differ

    def p(self, q: float, kind: str | None = None) -> float:
        ordered = sorted(
            ms
            for ms, k in zip(self.own_ms, self.kinds or [""] * len(self.own_ms), strict=True)
            if kind is None or k == kind
        )
        return ordered[min(len(ordered) - 1, int(len(ordered) * q))]

    @property
    def aws_p50(self) -> float:
        return statistics.median(self.aws_ms)


@contextmanager
def _measured(clock: AwsCallClock, samples: Samples) -> Iterator[None]:
    cpu, inside = time.thread_time(), clock.inside
    yield
    aws = clock.inside - inside
    samples.own_ms.append((time.thread_time() - cpu - aws) * 1000)
    samples.aws_ms.append(aws * 1000)


def delivery(secret: bytes, n: int, customers: int = CUSTOMERS) -> dict[str, Any]:
    """The ``n``th signed delivery, from customer ``n % customers``."""
    wa_id = f"50255{n % customers:06d}"
    message = {
        "from": wa_id,
        "id": f"wamid.CPU.{n}",
        "timestamp": str(1_797_000_000 + n),
        "type": "text",
        "text": {"body": f"Buenas, xq no me llega el pedido {n}? lo pagué con tarjeta"},
    }
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"phone_number_id": "1", "display_phone_number": "5025"},
        "contacts": [{"profile": {"name": f"Cliente {n % customers}"}, "wa_id": wa_id}],
        "messages": [message],
    }
    body = json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
        }
    )
    signature = "sha256=" + hmac.new(secret, body.encode(), hashlib.sha256).hexdigest()
    return {
        "httpMethod": "POST",
        "path": "/webhooks/whatsapp",
        "headers": {"X-Hub-Signature-256": signature},
        "body": body,
        "isBase64Encoded": False,
    }


def run() -> dict[str, Samples]:
    saved = dict(os.environ)
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the embedded AWS's line per request
    from helpdesk import connections
    from helpdesk.settings import forget_settings, store_settings
    from helpdesk.store import HelpdeskStore
    from local.embedded_aws import EmbeddedAWS
    from local.seed import DEMO_PASSWORD, seed
    from local.stack import deploy, session_for, sign_in, whatsapp_secrets

    clock = AwsCallClock().install()
    aws = EmbeddedAWS(port=0).start()
    try:
        session = session_for(aws.url)
        deployment = deploy(session, aws.url)
        forget_settings()
        connections.forget()
        seed(session, deployment.user_pool_id, HelpdeskStore(store_settings()))
        found = {"webhook": Samples(), "ingest": Samples(), "api": Samples()}
        webhook = load_handler("whatsapp_webhook.app.handler")
        secret = whatsapp_secrets()["WhatsAppAppSecret"].encode()
        context: Any = LocalContext("WhatsAppWebhookFunction")
        for n in range(EVENTS):
            event = delivery(secret, n)
            with _measured(clock, found["webhook"]):
                answer = webhook(event, context)
            assert answer["statusCode"] == 200, answer
        _ingest_all(session, deployment, found["ingest"], clock)
        token = sign_in(session, deployment.user_pool_client_id, "agente@atiende.localhost", DEMO_PASSWORD)
        _ticket_pages(token, found["api"], clock)
        return found
    finally:
        aws.stop()
        os.environ.clear()
        os.environ.update(saved)
        forget_settings()


def _ingest_all(session: Any, deployment: Any, samples: Samples, clock: AwsCallClock) -> None:
    (subscription,) = [s for s in queue_subscriptions(deployment.stack) if s.function == "WhatsAppWorkerFunction"]
    sqs = session.client("sqs")
    worker = QueueWorker(sqs, subscription)
    handler = load_handler(subscription.handler)
    context = LocalContext(subscription.function)
    customers: set[str] = set()
    while len(samples.own_ms) < EVENTS:
        received = sqs.receive_message(QueueUrl=subscription.queue_url, MaxNumberOfMessages=10).get("Messages", [])
        if not received:
            break
        for message in received:
            event = {"Records": [worker._record(message)]}
            customer = json.loads(message["Body"])["group"]
            samples.kinds.append("follow-up" if customer in customers else "new ticket")
            customers.add(customer)
            with _measured(clock, samples):
                result = handler(event, context)
            assert not (result or {}).get("batchItemFailures"), result
        sqs.delete_message_batch(
            QueueUrl=subscription.queue_url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(received)],
        )


@functools.cache
def _converter() -> Any:
    from chalice.local import LambdaEventConverter, RouteMatcher

    from agent_api.app import app

    return LambdaEventConverter(RouteMatcher(list(app.routes)), app.api.binary_types)


def agent_api_event(method: str, path: str, token: str, body: bytes = b"") -> dict[str, Any]:
    """The REST proxy event API Gateway hands the agent API for a request with an agent's token."""
    converter = _converter()
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json", "host": "127.0.0.1"}
    event: dict[str, Any] = converter.create_lambda_event(method, path, headers, body)
    return event | {"body": body.decode() or None}


def _ticket_pages(token: str, samples: Samples, clock: AwsCallClock) -> None:
    from agent_api.app import app

    context = LocalContext("AgentApiFunction")
    listed = app(agent_api_event("GET", "/api/tickets?limit=50", token), context)
    assert listed["statusCode"] == 200, listed
    ticket_ids = [t["id"] for t in json.loads(listed["body"])["tickets"]]
    beat = json.dumps({"activity": "viewing"}).encode()
    events: list[dict[str, Any]] = []
    for n in range(EVENTS // 2):
        ticket = ticket_ids[n % len(ticket_ids)]
        events.append(agent_api_event("GET", f"/api/tickets/{ticket}", token))
        events.append(agent_api_event("PUT", f"/api/tickets/{ticket}/presence", token, beat))
    for event in events:
        samples.kinds.append(event["requestContext"]["httpMethod"] + " " + event["requestContext"]["resourcePath"])
        with _measured(clock, samples):
            answer = app(event, context)
        assert answer["statusCode"] < 300, answer


def report(found: dict[str, Samples]) -> tuple[list[str], dict[str, float]]:
    lines = [
        f"(q) own CPU per event, excluding AWS calls, {EVENTS} events each (thread CPU time)",
        f"  {'event':<44}{'p50':>8}{'p99':>8}{'target':>8}{'AWS calls p50':>15}",
    ]
    figures: dict[str, float] = {}
    for name, samples in found.items():
        p50, p99 = samples.p(0.5), samples.p(0.99)
        lines.append(f"  {name:<44}{p50:>7.2f}ms{p99:>7.2f}ms{TARGETS_MS[name]:>6.0f}ms{samples.aws_p50:>13.2f}ms")
        figures |= {f"cpu.{name}_p50_ms": round(p50, 2), f"cpu.{name}_p99_ms": round(p99, 2)}
        for kind in sorted(set(samples.kinds)):
            lines.append(f"    {kind:<42}{samples.p(0.5, kind):>7.2f}ms{samples.p(0.99, kind):>7.2f}ms")
    return lines, figures


if __name__ == "__main__":
    print("\n".join(report(run())[0]))
