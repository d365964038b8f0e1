"""What one of each help desk operation asks of AWS, measured on a local stack
in this process (moto as the embedded AWS, the functions run by the local
runtime as Lambda's event sources would, the API and webhooks over HTTP):
requests by service and operation, DynamoDB units (``bench.aws_meter``) and
Lambda invocations by function. Feeds the cost model (``bench.cost_model``)."""

import hashlib
import hmac
import json
import logging
import os
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from functools import partial
from typing import Any

import requests

from bench.aws_meter import Meter

QUIET_SECONDS = 1.5  # the WhatsApp sandbox reports sent, delivered, read within 1.2 s


@dataclass
class Operation:
    name: str
    requests: Counter[str] = field(default_factory=Counter)  # "service.Operation" → count (our side)
    read_units: float = 0.0
    write_units: float = 0.0
    invocations: Counter[str] = field(default_factory=Counter)  # function → invocations
    api_requests: int = 0  # through API Gateway (the REST API)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LocalStackMeter:
    """A local stack in this process whose every AWS request is metered."""

    def __init__(self) -> None:
        self.port = _free_port()
        os.environ["ATIENDE_PORT"] = str(self.port)
        os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
        os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request lines
        from helpdesk.settings import forget_settings, store_settings
        from helpdesk.store import HelpdeskStore
        from local import lambda_runtime
        from local.cli import _sandbox
        from local.embedded_aws import EmbeddedAWS
        from local.seed import DEMO_PASSWORD, seed
        from local.stack import deploy, session_for, sign_in
        from local.web import console_server

        self.aws = EmbeddedAWS(port=0).start()
        session = session_for(self.aws.url)
        self.deployment = deploy(session, self.aws.url)
        forget_settings()
        self.meter = Meter.for_table(session, self.deployment.table_name)
        seed(session, self.deployment.user_pool_id, HelpdeskStore(store_settings()))
        self.session = session
        self.invocations: Counter[str] = Counter()
        loader = lambda_runtime.load_handler

        def counted(path: str) -> Any:
            handler = loader(path)

            def invoke(event: Any, context: Any) -> Any:
                self.invocations[context.function_name] += 1
                return handler(event, context)

            return invoke

        lambda_runtime.load_handler = counted
        stack = self.deployment.stack
        sqs = session.client("sqs")
        self.queues = [lambda_runtime.QueueWorker(sqs, s) for s in lambda_runtime.queue_subscriptions(stack)]
        self.streams = [lambda_runtime.StreamWorker(session, s) for s in lambda_runtime.stream_subscriptions(stack)]
        self.schedules = {
            s.function: lambda_runtime.ScheduleWorker(s, "us-east-1")
            for s in lambda_runtime.schedule_subscriptions(stack)
        }
        self.web = console_server("127.0.0.1", self.port, _sandbox(self.port))
        threading.Thread(target=self.web.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.port}"
        self.token = sign_in(session, self.deployment.user_pool_client_id, "agente@atiende.localhost", DEMO_PASSWORD)
        self.api_requests = 0
        self.settle()

    def settle(self) -> None:
        """Run every queue and stream until nothing is left (as Lambda's mappings would)."""
        for _ in range(20):
            handled = sum(q.poll_once() for q in self.queues) + sum(s.poll_once() for s in self.streams)
            if not handled:
                return

    def measure(self, name: str, action: Callable[[], object]) -> Operation:
        time.sleep(QUIET_SECONDS)  # the sandbox's status webhooks for an earlier reply land outside this window
        self.settle()
        self.meter.reset()
        self.invocations.clear()
        self.api_requests = 0
        action()
        self.settle()
        requests_made = Counter({k: v for k, v in self.meter.requests.items() if not k.startswith("dynamodbstreams.")})
        return Operation(
            name,
            requests_made,
            self.meter.read_units,
            self.meter.write_units,
            Counter(self.invocations),
            self.api_requests,
        )

    def http(self, method: str, path: str, function: str, **kwargs: Any) -> requests.Response:
        """A request through API Gateway to ``function`` (counted as one of each)."""
        self.api_requests += 1
        self.invocations[function] += 1
        headers = {"Authorization": f"Bearer {self.token}"} if path.startswith("/api/") else {}
        return requests.request(
            method, self.base + path, headers=headers | kwargs.pop("headers", {}), timeout=30, **kwargs
        )

    def stop(self) -> None:
        self.web.shutdown()
        self.web.server.server_close()
        self.aws.stop()


def _webhook(stack: LocalStackMeter, value: dict[str, Any]) -> None:
    from local.stack import whatsapp_secrets

    body = json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
        }
    ).encode()
    secret = whatsapp_secrets()["WhatsAppAppSecret"].encode()
    signature = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    headers = {"X-Hub-Signature-256": signature, "Content-Type": "application/json"}
    stack.http("POST", "/webhooks/whatsapp", "WhatsAppWebhookFunction", data=body, headers=headers)


def _whatsapp_text(stack: LocalStackMeter, wa_id: str, text: str) -> None:
    from local.stack import whatsapp_secrets

    message = {
        "from": wa_id,
        "id": f"wamid.COST.{time.time_ns()}",
        "timestamp": str(int(time.time())),
        "type": "text",
        "text": {"body": text},
    }
    metadata = {"display_phone_number": "50255550000", "phone_number_id": whatsapp_secrets()["WhatsAppPhoneNumberId"]}
    _webhook(
        stack,
        {
            "messaging_product": "whatsapp",
            "metadata": metadata,
            "contacts": [{"profile": {"name": "Cliente"}, "wa_id": wa_id}],
            "messages": [message],
        },
    )


def _mail_in(stack: LocalStackMeter, sender: str, subject: str, in_reply_to: str | None = None) -> None:
    """What SES does with a mail: the raw message into the bucket (its S3 event reaches the queue)."""
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, "soporte@atiende.localhost", subject
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
    mail.set_content("Hola, tengo una consulta sobre mi pedido 4412. Gracias.")
    bucket = stack.deployment.stack.physical_ids["RawMailBucket"]
    s3 = stack.session.client("s3")
    stack.meter.unmetered(lambda: s3.put_object(Bucket=bucket, Key=f"inbound/{time.time_ns()}", Body=mail.as_bytes()))


def _ticket(stack: LocalStackMeter, subject: str) -> dict[str, Any]:
    for _ in range(50):
        found = stack.meter.unmetered(
            lambda: requests.get(
                stack.base + "/api/tickets",
                params={"limit": "100", "status": "new,open,pending"},
                headers={"Authorization": f"Bearer {stack.token}"},
                timeout=30,
            ).json()["tickets"]
        )
        match = [t for t in found if t["subject"] == subject]
        if match:
            return match[0]
        stack.settle()
    raise RuntimeError(f"no ticket {subject!r}")


def measure_all() -> dict[str, Operation]:
    stack = LocalStackMeter()
    try:
        return _measure(stack)
    finally:
        stack.stop()


def _measure(stack: LocalStackMeter) -> dict[str, Operation]:
    found: dict[str, Operation] = {}
    wa_subject = "Hola, quiero saber el estado de mi pedido 4412"
    found["whatsapp_new"] = stack.measure("whatsapp_new", lambda: _whatsapp_text(stack, "50255512001", wa_subject))
    found["whatsapp_follow_up"] = stack.measure(
        "whatsapp_follow_up", lambda: _whatsapp_text(stack, "50255512001", "¿Me pueden ayudar?")
    )
    wa_ticket = _ticket(stack, wa_subject)
    found["email_new"] = stack.measure("email_new", lambda: _mail_in(stack, "ana@cliente.example", "Pedido 4413"))
    mail_ticket = _ticket(stack, "Pedido 4413")
    found["email_follow_up"] = stack.measure(
        "email_follow_up", lambda: _mail_in(stack, "ana@cliente.example", f"Re: Pedido 4413 [#{mail_ticket['number']}]")
    )
    body = {"body": "Con gusto, su pedido sale mañana."}
    for name, ticket in (("reply_whatsapp", wa_ticket), ("reply_email", mail_ticket)):
        path = f"/api/tickets/{ticket['id']}/replies"
        found[name] = stack.measure(name, partial(stack.http, "POST", path, "AgentApiFunction", json=body))
    thread = stack.http("GET", f"/api/tickets/{wa_ticket['id']}", "AgentApiFunction").json()
    wamid = next(m["channel_message_id"] for m in thread["messages"] if m["kind"] == "outbound")
    status = {"id": wamid, "status": "delivered", "timestamp": str(int(time.time())), "recipient_id": "50255512001"}
    found["whatsapp_status"] = stack.measure(
        "whatsapp_status",
        lambda: _webhook(
            stack, {"messaging_product": "whatsapp", "metadata": {"phone_number_id": "1"}, "statuses": [status]}
        ),
    )
    version = stack.http("GET", f"/api/tickets/{mail_ticket['id']}", "AgentApiFunction").json()["ticket"]["version"]
    found["solve"] = stack.measure(
        "solve",
        lambda: stack.http(
            "PATCH",
            f"/api/tickets/{mail_ticket['id']}",
            "AgentApiFunction",
            json={"version": version, "status": "solved"},
        ),
    )
    since = thread["ticket"]["updated_at"]
    found["changes_poll"] = stack.measure(
        "changes_poll", lambda: stack.http("GET", "/api/changes", "AgentApiFunction", params={"since": since})
    )
    found["presence_beat"] = stack.measure(
        "presence_beat",
        lambda: stack.http(
            "PUT", f"/api/tickets/{wa_ticket['id']}/presence", "AgentApiFunction", json={"activity": "viewing"}
        ),
    )
    for name, function in (("sla_check", "SlaCheckerFunction"), ("assigner_run", "TicketAssignerFunction")):
        stack.schedules[function].fire()  # the first run catches up on the last hour: a minute's is what repeats
        found[name] = stack.measure(name, stack.schedules[function].fire)
    wa_version = stack.http("GET", f"/api/tickets/{wa_ticket['id']}", "AgentApiFunction").json()["ticket"]["version"]
    stack.http(
        "PATCH", f"/api/tickets/{wa_ticket['id']}", "AgentApiFunction", json={"version": wa_version, "status": "solved"}
    )
    found.update(_surveys(stack))
    return found


def _surveys(stack: LocalStackMeter) -> dict[str, Operation]:
    """The survey sender (every minute): the pass that plans the two tickets just
    solved (one by mail, one by WhatsApp: CSAT 24 h after solving, the policy
    before any save), an idle pass, and a day later the pass that sends both
    surveys, with what their sending sets off (the clock moved, as the local
    stack's ATIENDE_NOW does). The last pass also reads the hours since the one
    before it, 10 minutes before they came due: a few queries more than a minute's."""
    import time_machine

    sender = stack.schedules["SurveySenderFunction"]
    solved_at = datetime.now(UTC)
    found = {
        "survey_plan": stack.measure("survey_plan", sender.fire),
        "survey_run": stack.measure("survey_run", sender.fire),
    }
    due = solved_at + timedelta(days=1)
    sent_at = due.replace(hour=16, minute=0)  # after 08:00 (quiet hours' end) from UTC-8 to UTC+2
    if sent_at < due:
        sent_at += timedelta(days=1)
    with time_machine.travel(due - timedelta(minutes=10), tick=True) as clock:
        sender.fire()
        clock.move_to(sent_at)
        found["survey_sent"] = stack.measure("survey_sent", sender.fire)
    return found
