"""Faults at every AWS call of every flow (issue 21): run each flow once
counting its AWS calls (and the Graph API's), then once per call *i* and fault
kind with that call failing. The queues redeliver, Meta retries its webhook, the
schedule fires again, dead letters are redriven as the console would; then the
table must hold exactly what the fault-free run holds (``canonical_dump``), and
nothing may be left in a queue.

The stack is the template provisioned into moto (``local.provision``), with the
real handlers; the faults come from botocore's own events (``faults.py``)."""

import contextlib
import dataclasses
import json
import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as time_of_day
from email import policy
from email.message import EmailMessage
from http.server import ThreadingHTTPServer
from typing import Any
from unittest import mock

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.config import DefaultConfig
from moto.ses.models import ses_backends
from moto.sqs.models import sqs_backends
from moto.stepfunctions.models import stepfunctions_backends

from bench.knowledge_bench import demo_articles
from helpdesk import connections, limits
from helpdesk.assistant import turns
from helpdesk.case_status.links import forget_signing_key
from helpdesk.channels.setup import ChannelSetup, save_channels
from helpdesk.conversations.ingest import ingest
from helpdesk.knowledge.finding import index_key
from helpdesk.knowledge.indexing import Audience, build, pack
from helpdesk.models import Actor, ActorKind, Agent, Channel, Group, SlaMetric, TicketStatus
from helpdesk.rules.timed import CHECKPOINT as RULES_CHECKPOINT
from helpdesk.settings import forget_settings, mail_settings
from helpdesk.sla.checker import CHECKPOINT as SLA_CHECKPOINT
from helpdesk.sla.escalation import EscalationStep, Step
from helpdesk.sla.policies import PolicyConditions, SlaPolicy, SlaSetup, SlaTarget
from helpdesk.store import HelpdeskStore
from helpdesk.store.table import TableAccess
from helpdesk.surveys.policies import SurveyPolicy, SurveySetup, save_survey_setup
from helpdesk.surveys.scheduling import DUE_CHECKPOINT, SOLVED_CHECKPOINT
from helpdesk.tickets.changes import TicketChanges, update_ticket
from helpdesk.tickets.replies import ReplyDraft, reply_to_ticket
from local.atomic_moto import serialize_in_process_requests
from local.lambda_runtime import LocalContext, load_handler
from local.provision import ProvisionedStack, provision
from local.stack import apply_bucket_notifications, create_user_pool, disable_event_source_mappings
from tests.conftest import REGION, inbound
from tests.integration.faults import (
    GRAPH_TIMEOUT,
    Call,
    FaultInjector,
    FaultyGraph,
    Plan,
    WorkerKilled,
    canonical_dump,
    difference,
    kinds_to_try,
)

pytestmark = pytest.mark.slow  # hundreds of runs of whole flows

SECRET = "fault-app-secret"
SUPPORT = "soporte@atiende.example"
TOKEN = "token-abc"
AGENT = Agent(id="agent-1", email="andres@atiende.example", name="Andrés Pérez", role="agent")
SUPERVISOR = Agent(id="sup-1", email="sofia@atiende.example", name="Sofía Castillo", role="supervisor")
ONE_MINUTE = SlaPolicy(
    id="chat",
    name="Un minuto",
    conditions=PolicyConditions(channels=(Channel.WHATSAPP,)),
    targets=(SlaTarget(metric=SlaMetric.FIRST_RESPONSE, minutes=1, business_hours=False),),
)


@dataclass
class Desk:
    """The provisioned stack, with clients of its own the injector never sees."""

    stack: ProvisionedStack
    session: boto3.Session
    injector: FaultInjector
    environment: dict[str, str]
    sqs: Any = None
    s3: Any = None
    dynamodb: Any = None
    sfn: Any = None
    dead_lettered: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sqs = self.session.client("sqs")
        self.s3 = self.session.client("s3")
        self.dynamodb = self.session.client("dynamodb")
        self.sfn = self.session.client("stepfunctions")

    def url(self, logical: str) -> str:
        return self.stack.physical_ids[logical]

    @property
    def table(self) -> str:
        return self.url("HelpdeskTable")

    # -- a fresh start for each run --------------------------------------------------

    def reset(self) -> None:
        self.injector.stop()
        scan = self.dynamodb.get_paginator("scan")
        for page in scan.paginate(TableName=self.table, ProjectionExpression="PK, SK"):
            for item in page["Items"]:
                self.dynamodb.delete_item(TableName=self.table, Key=item)
        for queue in sqs_backends[DEFAULT_ACCOUNT_ID][REGION].queues.values():  # PurgeQueue: once a minute
            queue._messages = []
            queue._pending_messages = set()
        for logical in ("RawMailBucket", "AttachmentsBucket"):
            for found in self.s3.list_objects_v2(Bucket=self.url(logical)).get("Contents", []):
                self.s3.delete_object(Bucket=self.url(logical), Key=found["Key"])
        ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages.clear()
        for machine in stepfunctions_backends[DEFAULT_ACCOUNT_ID][REGION].state_machines:
            machine.executions.clear()
        FaultyGraph.sent = []
        self.dead_lettered = []
        # Warm sandboxes: clients and the Graph token are kept between runs
        # (a warm-up run first, so every run makes the same calls).
        forget_settings()
        HelpdeskStore.forget_sla_setup()

    def queues(self) -> list[str]:
        return [name for name, r in self.stack.physical_ids.items() if r.startswith("https://sqs.")]

    def store(self) -> HelpdeskStore:
        return connections.store()

    # -- what Lambda, Meta and the console do around the handlers --------------------

    def drain(self, logical: str, handler: str, function: str, rounds: int = 30) -> None:
        """Lambda's event source mapping: hand batches to the handler, delete what
        succeeded, let the rest come back; dead letters are redriven (as an
        operator does from the console) and noted."""
        url = self.url(logical)
        for _ in range(rounds):
            received = self.sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"], MessageAttributeNames=["All"]
            ).get("Messages", [])
            if not received:
                if not self._redrive(logical):
                    return
                continue
            event = {"Records": [self._record(url, m) for m in received]}
            try:
                result = load_handler(handler)(event, LocalContext(function))
                failed = {f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])}
            except (Exception, WorkerKilled):  # noqa: BLE001 - the whole batch comes back, as in Lambda
                failed = {m["MessageId"] for m in received}
            for message in received:
                if message["MessageId"] in failed:  # visible again once its timeout passes
                    self.sqs.change_message_visibility(
                        QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                    )
                else:
                    self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        raise AssertionError(f"{logical} never drained")

    def _redrive(self, logical: str) -> int:
        dead = logical.replace("Queue", "DeadLetterQueue")
        if dead not in self.stack.physical_ids:
            return 0
        moved = 0
        while letters := self.sqs.receive_message(
            QueueUrl=self.url(dead), MaxNumberOfMessages=10, AttributeNames=["All"]
        ).get("Messages", []):
            for letter in letters:
                extra = {}
                if self.url(logical).endswith(".fifo"):
                    extra = {
                        "MessageGroupId": letter["Attributes"]["MessageGroupId"],
                        "MessageDeduplicationId": letter["MessageId"],
                    }
                self.sqs.send_message(QueueUrl=self.url(logical), MessageBody=letter["Body"], **extra)
                self.sqs.delete_message(QueueUrl=self.url(dead), ReceiptHandle=letter["ReceiptHandle"])
                self.dead_lettered.append((dead, letter["MessageId"]))
                moved += 1
        return moved

    @staticmethod
    def _record(url: str, message: dict[str, Any]) -> dict[str, Any]:
        arn = f"arn:aws:sqs:{REGION}:{DEFAULT_ACCOUNT_ID}:{url.rsplit('/', 1)[-1]}"
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": message.get("MessageAttributes", {}),
            "md5OfBody": message.get("MD5OfBody", ""),
            "eventSource": "aws:sqs",
            "eventSourceARN": arn,
            "awsRegion": REGION,
        }

    def post_webhook(self, payload: dict[str, Any], tries: int = 10) -> None:
        """Meta posts until it gets a 200 (it retries for days)."""
        import hashlib
        import hmac

        body = json.dumps(payload)
        signature = "sha256=" + hmac.new(SECRET.encode(), body.encode(), hashlib.sha256).hexdigest()
        event = {"httpMethod": "POST", "headers": {"X-Hub-Signature-256": signature}, "body": body}
        for _ in range(tries):
            try:
                if load_handler("whatsapp_webhook.app.handler")(event, LocalContext("Webhook"))["statusCode"] == 200:
                    return
            except (Exception, WorkerKilled):  # noqa: BLE001, S112 - API Gateway answers 502; Meta retries
                continue
        raise AssertionError("the webhook never answered 200")

    def schedule(self, handler: str, at: datetime, tries: int = 5) -> None:
        """A scheduled function fails: Lambda retries the event, and the next
        minute fires it again."""
        event = {
            "version": "0",
            "id": "schedule",
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": DEFAULT_ACCOUNT_ID,
            "time": at.isoformat().replace("+00:00", "Z"),
            "region": REGION,
            "resources": [],
            "detail": {},
        }
        for _ in range(tries):
            try:
                load_handler(handler)(event, LocalContext("Scheduled"))
                return
            except (Exception, WorkerKilled):  # noqa: BLE001, S112 - it runs again
                continue
        raise AssertionError(f"{handler} never succeeded")

    def left_in_queues(self) -> dict[str, int]:
        waiting = {}
        for logical in self.queues():
            attributes = self.sqs.get_queue_attributes(
                QueueUrl=self.url(logical),
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )["Attributes"]
            count = int(attributes["ApproximateNumberOfMessages"]) + int(
                attributes["ApproximateNumberOfMessagesNotVisible"]
            )
            if count:
                waiting[logical] = count
        return waiting

    def dump(self) -> list[str]:
        # Ticket numbers hidden: a creation that fails after taking its number
        # leaves a gap, by design (store.tickets.next_ticket_number), so a
        # faulted run's ticket may be #2 where the fault-free run's is #1.
        return canonical_dump(self.dynamodb, self.table, numbered=False)


@pytest.fixture(scope="module")
def desk() -> Iterator[Desk]:
    serialize_in_process_requests()
    injector = FaultInjector()
    FaultyGraph.injector = injector
    server = ThreadingHTTPServer(("127.0.0.1", 0), FaultyGraph)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    graph_url = f"http://127.0.0.1:{server.server_address[1]}/v21.0"
    # State machines do not run here: the flow sends their steps itself. Said
    # outright, since a local stack started earlier in this process (the API
    # tests' desk) turns moto's execution on for the whole process.
    no_executions: DefaultConfig = {"stepfunctions": {"execute_state_machine": False}}
    with pytest.MonkeyPatch.context() as patch, mock_aws(config=no_executions):
        for name, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "POWERTOOLS_METRICS_NAMESPACE": "AtiendeTest",
            "POWERTOOLS_LOG_LEVEL": "CRITICAL",
        }.items():
            patch.setenv(name, value)
        patch.delenv("AWS_ENDPOINT_URL", raising=False)
        patch.setattr("helpdesk.providers.whatsapp_graph.TIMEOUT_SECONDS", GRAPH_TIMEOUT)
        patch.setattr("helpdesk.clock.pause_before_retry", lambda attempt: None)
        # Warm sandboxes keep the public index they loaded (every run makes the same calls)
        patch.setattr("helpdesk.limits.KNOWLEDGE", dataclasses.replace(limits.KNOWLEDGE, index_refresh_seconds=1e9))
        session = boto3.Session(region_name=REGION)
        stack = provision(
            session,
            "atiende-faults",
            create_user_pool(session),
            stage="faults",
            parameters={
                "SupportAddress": SUPPORT,
                "WhatsAppAppSecret": SECRET,
                "WhatsAppGraphUrl": graph_url,
                "WhatsAppPhoneNumberId": "100200300",
            },
        )
        disable_event_source_mappings(session)
        apply_bucket_notifications(session, stack)
        session.client("ses").verify_domain_identity(Domain="atiende.example")
        environment: dict[str, str] = {}
        for function_environment in stack.function_environments.values():
            environment |= function_environment
        for name, value in environment.items():
            patch.setenv(name, value)
        session.client("ssm").put_parameter(
            Name=environment["WHATSAPP_ACCESS_TOKEN_PARAMETER"], Value=TOKEN, Type="SecureString"
        )
        patch.setattr(logging.getLogger("atiende"), "level", logging.CRITICAL)  # pytest keeps every record
        injector.install()
        # Clients built from now on carry the injector's hooks: boto3's default
        # session and PynamoDB's are made again.
        boto3.DEFAULT_SESSION = None
        TableAccess._bound_to = None
        connections.forget()
        forget_settings()
        try:
            yield Desk(stack, session, injector, environment)
        finally:
            injector.uninstall()
            boto3.DEFAULT_SESSION = None
            TableAccess._bound_to = None
            connections.forget()
            forget_settings()
    server.shutdown()
    server.server_close()


# -- the flows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Flow:
    name: str
    setup: Callable[[Desk], Any]
    act: Callable[[Desk, Any], None]


def _mail_setup(desk: Desk) -> Any:
    return None


def _mail(message_id: str, subject: str, body: str, in_reply_to: str | None = None) -> bytes:
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = "Carlos Méndez <carlos@cliente.example>"
    message["To"] = SUPPORT
    message["Subject"] = subject
    message["Date"] = "Mon, 02 Nov 2026 10:00:00 -0600"
    message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = message["References"] = in_reply_to
    message.set_content(body)
    message.add_attachment(b"%PDF-1.4 comprobante", maintype="application", subtype="pdf", filename="comprobante.pdf")
    message.set_boundary("frontera-" + message_id.strip("<>"))  # the same bytes in every run
    return message.as_bytes()


def _mail_act(desk: Desk, _: Any) -> None:
    """Two mails in one thread, each stored by SES (not counted: SES's write),
    announced on the inbound-mail queue; acknowledgments leave through SES."""
    bucket = desk.url("RawMailBucket")
    first = _mail("<pedido-1@cliente.example>", "Factura de octubre", "Hola, mi factura de octubre tiene un error.")
    second = _mail(
        "<pedido-2@cliente.example>", "Re: Factura de octubre", "Adjunto el comprobante.", "<pedido-1@cliente.example>"
    )
    prefix = desk.environment.get("RAW_MAIL_PREFIX", "inbound/")
    for n, raw in enumerate((first, second)):
        desk.s3.put_object(Bucket=bucket, Key=f"{prefix}ses-{n:04d}", Body=raw)
        desk.drain("InboundMailQueue", "inbound_email.app.handler", "InboundEmail")
    desk.drain("OutboundQueue", "outbound.app.handler", "Outbound")


def _text(wa_id: str, wamid: str, body: str, timestamp: int) -> dict[str, Any]:
    return {"from": wa_id, "id": wamid, "timestamp": str(timestamp), "type": "text", "text": {"body": body}}


def _webhook(wa_id: str, messages: list[dict[str, Any]]) -> dict[str, Any]:
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "50255550000", "phone_number_id": "100200300"},
        "contacts": [{"profile": {"name": "Lucía Ramírez"}, "wa_id": wa_id}],
        "messages": messages,
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
    }


def _whatsapp_act(desk: Desk, _: Any) -> None:
    """A customer writes twice and sends a photo; the worker files them in order."""
    wa_id = "50255501234"
    now = int(datetime.now(UTC).timestamp())
    desk.post_webhook(_webhook(wa_id, [_text(wa_id, "wamid.IN1", "Hola, mi pedido no llegó", now - 30)]))
    photo: dict[str, Any] = {"from": wa_id, "id": "wamid.IN2", "timestamp": str(now - 20), "type": "image"}
    photo["image"] = {"id": "media-1", "mime_type": "image/jpeg", "caption": "Así llegó la caja"}
    desk.post_webhook(_webhook(wa_id, [photo, _text(wa_id, "wamid.IN3", "¿Me pueden ayudar?", now - 10)]))
    desk.drain("WhatsAppUpdatesQueue", "whatsapp_webhook.worker.handler", "WhatsAppWorker")


AGENT_ACTOR = Actor(kind=ActorKind.AGENT, id=AGENT.id, name=AGENT.name)


def _assistant_setup(desk: Desk) -> Any:
    """The assistant answers on WhatsApp, from the demo knowledge base's customers' index."""
    save_channels(
        desk.store(), ChannelSetup(assistant=(Channel.CHAT, Channel.WHATSAPP)), AGENT_ACTOR, datetime.now(UTC)
    )
    index = build(demo_articles(), Audience.CUSTOMERS, datetime(2026, 12, 7, tzinfo=UTC))
    desk.s3.put_object(Bucket=desk.url("KnowledgeBucket"), Key=index_key(Audience.CUSTOMERS), Body=pack(index))
    return None


def _button(wa_id: str, wamid: str, option: str, title: str, timestamp: int) -> dict[str, Any]:
    reply = {"type": "button_reply", "button_reply": {"id": option, "title": title}}
    return {"from": wa_id, "id": wamid, "timestamp": str(timestamp), "type": "interactive", "interactive": reply}


def _assistant_act(desk: Desk, _: Any) -> None:
    """A customer asks; the assistant answers with buttons; "No me sirvió" twice
    hands over (the handoff flow starts); its three messages leave on WhatsApp."""
    wa_id = "50255504321"
    now = int(datetime.now(UTC).timestamp())
    for message in (
        _text(wa_id, "wamid.A1", "¿Cómo pago en cuotas con mi tarjeta?", now - 30),
        _button(wa_id, "wamid.A2", turns.NO, "No me sirvió", now - 20),
        _button(wa_id, "wamid.A3", turns.NO, "No me sirvió", now - 10),
    ):
        desk.post_webhook(_webhook(wa_id, [message]))
        desk.drain("WhatsAppUpdatesQueue", "whatsapp_webhook.worker.handler", "WhatsAppWorker")
    desk.drain("OutboundQueue", "outbound.app.handler", "Outbound")


def _replies_setup(desk: Desk) -> Any:
    store = desk.store()
    question = inbound(sender="50255507777", text="¿Tienen envíos a Quetzaltenango?", message_id="wamid.Q1")
    whatsapp = ingest(question, store).ticket
    by_mail = inbound(
        channel=Channel.EMAIL, sender="carlos@cliente.example", text="Necesito mi factura", message_id="<f-1@c.example>"
    )
    email = ingest(by_mail, store).ticket
    queue = connections.outbound_queue()
    for ticket, body in ((whatsapp, "Sí, llegamos en 48 horas."), (email, "Adjunto su factura.")):
        reply_to_ticket(store, queue, ticket.id, ReplyDraft(body=body), AGENT_ACTOR, mail_settings())
    return None


def _replies_act(desk: Desk, _: Any) -> None:
    desk.drain("OutboundQueue", "outbound.app.handler", "Outbound")


def _sla_setup(desk: Desk) -> Any:
    store = desk.store()
    store.put_sla_setup_document(SlaSetup(policies=(ONE_MINUTE,)).model_dump(mode="json"), datetime.now(UTC))
    for agent in (AGENT, SUPERVISOR):
        store.put_agent(agent)
    store.put_group(Group(id="soporte", name="Soporte", supervisor_id=SUPERVISOR.id))
    ticket = ingest(inbound(sender="50255508888", text="¿Hay alguien?", message_id="wamid.S1"), store).ticket
    changes = TicketChanges(group_id="soporte", assignee_id=AGENT.id, status=TicketStatus.OPEN)
    update_ticket(store, ticket.id, changes, ticket.version, AGENT_ACTOR)
    # The checker has run every minute until now (a first run would read the
    # last hour's 60 buckets): the faulted run reads the few minutes since.
    ran = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=1)
    for checkpoint in (SLA_CHECKPOINT, RULES_CHECKPOINT):
        store.advance_checkpoint(checkpoint, ran)
    HelpdeskStore.forget_sla_setup()
    return ticket.id


def _sla_act(desk: Desk, ticket_id: Any) -> None:
    """The checker finds the breach and starts its escalation; the state
    machine's steps (sent here as it would send them) reassign and notify."""
    later = datetime.now(UTC) + timedelta(minutes=3)
    with mock.patch("sla_checker.app.utc_now", return_value=later):  # the checker runs three minutes on
        desk.schedule("sla_checker.app.handler", later)
    arn = desk.environment["ESCALATION_STATE_MACHINE_ARN"]
    # This run's ticket's escalation (an earlier run's execution may still be listed).
    executions = desk.sfn.list_executions(stateMachineArn=arn)["executions"]
    inputs = [json.loads(desk.sfn.describe_execution(executionArn=e["executionArn"])["input"]) for e in executions]
    (started,) = [given for given in inputs if given["ticket_id"] == ticket_id]
    for action in (Step.NOTIFY_ASSIGNEE, Step.REASSIGN_TO_SUPERVISOR):
        step = EscalationStep(
            action=action, ticket_id=ticket_id, breach_id=started["breach_id"], metric=started["metric"]
        )
        desk.sqs.send_message(QueueUrl=desk.url("EscalationQueue"), MessageBody=step.model_dump_json())
    desk.drain("EscalationQueue", "escalation.app.handler", "Escalation")


NO_QUIET_HOURS = time_of_day(0)
SURVEYS = SurveyPolicy(
    id="csat", name="Satisfacción", delay_hours=0, quiet_from=NO_QUIET_HOURS, quiet_until=NO_QUIET_HOURS
)


def _surveys_setup(desk: Desk) -> Any:
    """A mail ticket solved a moment ago, under a policy that surveys at once;
    the sender has run every minute until now."""
    store = desk.store()
    forget_signing_key()
    save_survey_setup(store, SurveySetup(policies=(SURVEYS,)), AGENT_ACTOR)
    question = "No me llega la factura"
    by_mail = inbound(channel=Channel.EMAIL, sender="lucia@cliente.example", text=question, message_id="<s-1@c.x>")
    ticket = ingest(by_mail, store).ticket
    answer = ReplyDraft(body="Se la reenviamos hoy.", status=TicketStatus.SOLVED)
    reply_to_ticket(store, connections.outbound_queue(), ticket.id, answer, AGENT_ACTOR, mail_settings())
    desk.drain("OutboundQueue", "outbound.app.handler", "Outbound")  # the answer went out before
    ran = datetime.now(UTC) - timedelta(minutes=2)
    for checkpoint in (SOLVED_CHECKPOINT, DUE_CHECKPOINT):
        store.advance_checkpoint(checkpoint, ran)
    return ticket.id


def _surveys_act(desk: Desk, _: Any) -> None:
    """A pass plans the survey, the next sends it (a step planned now settles
    for a minute), a third finds what a failed one left, and the outbound
    worker mails it. A pass that fails is not tried again at once: Lambda's
    retry, like the next pass, comes minutes later."""
    for minutes in (2, 4, 7):
        later = datetime.now(UTC) + timedelta(minutes=minutes)
        with mock.patch("survey_sender.app.utc_now", return_value=later), contextlib.suppress(AssertionError):
            desk.schedule("survey_sender.app.handler", later, tries=1)
    desk.drain("OutboundQueue", "outbound.app.handler", "Outbound")


FLOWS = {
    "mail": Flow("mail", _mail_setup, _mail_act),
    "whatsapp": Flow("whatsapp", _mail_setup, _whatsapp_act),
    "assistant": Flow("assistant", _assistant_setup, _assistant_act),
    "replies": Flow("replies", _replies_setup, _replies_act),
    "sla": Flow("sla", _sla_setup, _sla_act),
    "surveys": Flow("surveys", _surveys_setup, _surveys_act),
}


@dataclass
class Outcome:
    dump: list[str]
    calls: list[Call]
    left: dict[str, int]
    dead_lettered: int
    ses_sent: int
    graph_sent: int


def run(desk: Desk, flow: Flow, plan: Plan | None, monkeypatch: pytest.MonkeyPatch) -> Outcome:
    desk.reset()
    context = flow.setup(desk)
    desk.injector.start(plan)
    try:
        flow.act(desk, context)
    finally:
        desk.injector.stop()
    sent = len(ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages)
    return Outcome(
        desk.dump(), desk.injector.calls, desk.left_in_queues(), len(desk.dead_lettered), sent, len(FaultyGraph.sent)
    )


@pytest.mark.parametrize("name", list(FLOWS))
def test_a_fault_at_any_call_leaves_the_table_as_a_fault_free_run(
    desk: Desk, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    flow = FLOWS[name]
    # Given the flow's table without faults, and the calls it makes
    run(desk, flow, None, monkeypatch)  # warm: clients built, the token read
    reference = run(desk, flow, None, monkeypatch)
    assert reference.left == {} and reference.dump
    calls = list(reference.calls)
    problems = []
    started, runs = time.monotonic(), 0
    # When each call in turn fails, in each way it can
    for index, call in enumerate(calls):
        for kind in kinds_to_try(index, call):
            runs += 1
            plan = Plan(at=index, kind=kind)
            outcome = run(desk, flow, plan, monkeypatch)
            # Then the table is the same, and nothing is left behind
            label = f"{name}: {kind} at call {index} ({call.service}.{call.operation})"
            if outcome.dump != reference.dump:
                problems.append(f"{label}: {difference(reference.dump, outcome.dump)}")
            if outcome.left:
                problems.append(f"{label}: left in queues {outcome.left}")
    if os.environ.get("FAULTS_REPORT"):
        print(f"{name}: {len(calls)} calls, {runs} runs in {time.monotonic() - started:.0f} s", Counter(calls))
    assert problems == [], "\n".join(problems)
