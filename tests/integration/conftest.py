"""Shared by the integration tests: the help desk with moto's S3, SQS and SES
behind it (mail tests), and the agent API served on the local stack's own
bootstrap (``api``: the template in the embedded moto server, moto's Cognito
issuing real RS256 tokens, the demo seed)."""

import email
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, cast

import boto3
import pytest
import requests
from moto.core.base_backend import BackendDict

from agent_api import app as agent_app
from agent_api.auth import forget_signing_keys
from helpdesk import connections
from helpdesk.channels.email.intake import MailDelivery, MailReceipt, raw_mail_reference, receive_mail
from helpdesk.channels.email.outbound import deliver_email
from helpdesk.channels.outbound import OutboundRequest
from helpdesk.models import Actor, ActorKind, Channel
from helpdesk.providers.files import S3FileStore
from helpdesk.providers.ses import SesMailer
from helpdesk.providers.sqs import SqsOutboundQueue
from helpdesk.providers.whatsapp_graph import GraphWhatsApp
from helpdesk.settings import MailSettings, forget_settings, store_settings
from helpdesk.store import HelpdeskStore
from local import cognito_mail, saved_state
from local.embedded_aws import EmbeddedAWS
from local.lambda_runtime import StreamWorker, stream_subscriptions
from local.provision import ProvisionedStack
from local.seed import DEMO_PASSWORD, seed
from local.stack import deploy, session_for, sign_in
from local.web import console_server
from tests.conftest import REGION

SUPPORT = "soporte@atiende.example"
AGENT = Actor(kind=ActorKind.AGENT, id="agent-1", name="Andrés Pérez")


@dataclass
class MailDesk:
    store: HelpdeskStore
    files: S3FileStore
    settings: MailSettings
    queue: SqsOutboundQueue
    queue_url: str
    ses: Any
    count: int = 0

    def receive(self, raw: bytes, provider_id: str | None = None, **delivery: Any) -> MailReceipt:
        self.count += 1
        provider_id = provider_id or f"ses-{self.count:05d}"
        key = f"inbound/{provider_id}"
        boto3.client("s3", region_name=REGION).put_object(Bucket="raw-mail", Key=key, Body=raw)
        return receive_mail(
            raw,
            MailDelivery(
                provider_id=provider_id,
                original=raw_mail_reference("raw-mail", key, raw),
                **{"received_at": datetime.now(UTC), **delivery},
            ),
            self.store,
            self.files,
            self.settings,
            self.queue,
        )

    @staticmethod
    def store_channel_email() -> Channel:
        return Channel.EMAIL

    def queued(self) -> list[OutboundRequest]:
        sqs = boto3.client("sqs", region_name=REGION)
        found = []
        while messages := sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get("Messages"):
            for message in messages:
                found.append(OutboundRequest.model_validate(json.loads(message["Body"])))
                sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return found

    def send_all(self) -> list[bytes]:
        """Deliver what is queued through SES; returns the raw mails sent."""
        before = len(self.ses_sent())
        for request in self.queued():
            deliver_email(request, self.store, SesMailer(self.ses), self.settings, final_attempt=False)
        return self.ses_sent()[before:]

    def ses_sent(self) -> list[bytes]:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.ses.models import ses_backends

        sent = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
        return [m.raw_data.encode() if isinstance(m.raw_data, str) else m.raw_data for m in sent]


@pytest.fixture
def desk(store: HelpdeskStore, monkeypatch: pytest.MonkeyPatch) -> Iterator[MailDesk]:
    s3 = boto3.client("s3", region_name=REGION)
    for bucket in ("raw-mail", "attachments"):
        s3.create_bucket(Bucket=bucket)
    sqs = boto3.client("sqs", region_name=REGION)
    queue_url = sqs.create_queue(QueueName="outbound")["QueueUrl"]
    ses = boto3.client("ses", region_name=REGION)
    ses.verify_domain_identity(Domain="atiende.example")
    for name, value in {
        "SUPPORT_ADDRESS": SUPPORT,
        "RAW_MAIL_BUCKET": "raw-mail",
        "ATTACHMENTS_BUCKET": "attachments",
        "MAX_ATTACHMENT_BYTES": "2048",
        "MAX_MAIL_ATTACHMENT_BYTES": "4096",
        "OUTBOUND_QUEUE_URL": queue_url,
    }.items():
        monkeypatch.setenv(name, value)
    yield MailDesk(
        store, S3FileStore(s3), MailSettings.from_environment(), SqsOutboundQueue(sqs, queue_url), queue_url, ses
    )


def mail(
    body: str = "Hola, mi factura de octubre tiene un error.",
    sender: str = "Carlos Méndez <carlos@cliente.example>",
    subject: str = "Factura de octubre",
    headers: dict[str, str] | None = None,
    to: str = SUPPORT,
) -> bytes:
    message = email.message.EmailMessage(policy=policy.SMTP)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = "Mon, 02 Nov 2026 10:00:00 -0600"
    message["Message-ID"] = email.utils.make_msgid(domain="cliente.example")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes()


MEDIA_BYTES = b"\xff\xd8\xff\xe0 a small jpeg"


class FakeGraph(BaseHTTPRequestHandler):
    """Meta's Graph API as its documentation shows it. POST answers are queued
    per test; media ids answer with a short-lived URL, then the bytes ("expired"
    answers 404 the way Meta does)."""

    answers: ClassVar[list[tuple[int, dict[str, Any]]]] = []
    requests: ClassVar[list[tuple[str, dict[str, str], dict[str, Any]]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        FakeGraph.requests.append((self.path, dict(self.headers), body))
        status, answer = FakeGraph.answers.pop(0)
        self._send(status, json.dumps(answer).encode(), "application/json")

    def do_GET(self) -> None:
        if self.headers.get("Authorization", "") != "Bearer token-abc":
            self._send(401, json.dumps({"error": {"code": 190, "message": "Invalid OAuth access token."}}).encode())
        elif self.path.startswith("/download/"):
            self._send(200, MEDIA_BYTES, "image/jpeg")
        elif self.path.endswith("/expired"):
            error = {"error": {"message": "Unsupported get request.", "type": "GraphMethodException", "code": 100}}
            self._send(404, json.dumps(error).encode())
        else:
            media_id = self.path.rsplit("/", 1)[-1]
            host = f"http://127.0.0.1:{cast(ThreadingHTTPServer, self.server).server_port}"
            about = {
                "messaging_product": "whatsapp",
                "url": f"{host}/download/{media_id}",
                "mime_type": "image/jpeg",
                "sha256": "4654+8g=",
                "file_size": str(len(MEDIA_BYTES)),
                "id": media_id,
            }
            self._send(200, json.dumps(about).encode())

    def _send(self, status: int, payload: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def graph_url() -> Iterator[str]:
    FakeGraph.answers, FakeGraph.requests = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGraph)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v21.0"
    server.shutdown()
    server.server_close()


@pytest.fixture
def graph(graph_url: str) -> GraphWhatsApp:
    return GraphWhatsApp(graph_url, "100200300", lambda: "token-abc")


# --- the agent API on the local stack's bootstrap -----------------------------------


@dataclass
class Api:
    base: str
    session: boto3.Session
    pool_id: str
    client_id: str
    stream: StreamWorker | None = None  # the table's stream → the search indexer, as Lambda's mapping
    stack: ProvisionedStack | None = None  # what the template created (its queues, for their workers)
    sampler: StreamWorker | None = None  # the table's stream → the quality sampler

    def index(self) -> None:
        """Hand what the table's stream holds to the search indexer (the local
        stack does it in the background; tests say when)."""
        assert self.stream is not None, "no stream worker"
        self.stream.drain()
        if self.sampler is not None:  # the stream's other reader: its records are dropped once both have them
            self.sampler.drain()

    def token(self, email: str = "agente@atiende.localhost", client_id: str | None = None) -> str:
        return sign_in(self.session, client_id or self.client_id, email, DEMO_PASSWORD)

    def get(self, path: str, token: str | None = None, **params: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.get(self.base + path, headers=headers, params=params, timeout=10)

    def patch(self, path: str, token: str, body: Any) -> requests.Response:
        return self.send("PATCH", path, token, body)

    def send(self, method: str, path: str, token: str, body: Any = None) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"}
        return requests.request(method, self.base + path, headers=headers, json=body, timeout=10)


ADMIN_LOGIN = "admin@atiende.localhost"
SUPERVISOR_LOGIN = "supervisora@atiende.localhost"
AGENT_LOGIN = "agente@atiende.localhost"
CANCELLATION = "Quiero cancelar mi suscripción hoy mismo, me cobraron dos veces"  # billing, unassigned


def _forget_everything() -> None:
    """Each module's stack has its own ports: drop every client the app kept."""
    forget_settings()
    forget_signing_keys()
    connections.forget()
    for value in vars(agent_app).values():
        if callable(getattr(value, "cache_clear", None)):
            value.cache_clear()


@dataclass(frozen=True)
class _DeployedDesk:
    """The template deployed in the embedded AWS and the demo seeded, once per
    test process: the environment it left and moto's backends, pickled."""

    aws: EmbeddedAWS
    session: boto3.Session
    deployment: Any  # local.stack.LocalDeployment
    environment: dict[str, str]
    backends: bytes


@pytest.fixture(scope="session")
def _deployed_desk() -> Iterator[_DeployedDesk]:
    """Deploying and seeding take seconds (the template's resources, 43 articles
    and their help center pages and index); every module's ``api`` starts from a
    copy of what they made instead (``local.saved_state``, the local stack's own
    restart path), so no module sees another's changes."""
    saved = dict(os.environ)
    aws = EmbeddedAWS(port=0).start()
    try:
        session = session_for(aws.url)
        deployment = deploy(session, aws.url)
        _forget_everything()
        seed(session, deployment.user_pool_id, HelpdeskStore(store_settings()))
        # One test process asks faster than a whole team of agents: the limits
        # themselves are tested with small buckets (tests/e2e/test_local_state.py).
        os.environ |= {
            "ATIENDE_API_THROTTLE": "10000/10000",
            "ATIENDE_WEBHOOK_THROTTLE": "10000/10000",
            "ATIENDE_HELP_CENTER_THROTTLE": "10000/10000",
        }
        yield _DeployedDesk(aws, session, deployment, dict(os.environ), saved_state.snapshot())
    finally:
        aws.stop()
        os.environ.clear()
        os.environ.update(saved)
        _forget_everything()


@pytest.fixture(scope="module")
def api(_deployed_desk: _DeployedDesk) -> Iterator[Api]:
    desk, saved, web = _deployed_desk, dict(os.environ), None
    BackendDict.reset()  # what other modules (or moto's decorator) left
    assert saved_state.restore(desk.backends), "the deployed desk's backends did not load"
    cognito_mail.forget_sent_mail()
    os.environ.clear()
    os.environ.update(desk.environment)
    _forget_everything()
    try:
        web = console_server("127.0.0.1", 0)
        threading.Thread(target=web.server.serve_forever, daemon=True).start()
        port = web.server.server_address[1]
        subscriptions = {s.function: s for s in stream_subscriptions(desk.deployment.stack)}
        stream = StreamWorker(desk.session, subscriptions["SearchIndexerFunction"])
        sampler = StreamWorker(desk.session, subscriptions["QualitySamplerFunction"])
        yield Api(
            f"http://127.0.0.1:{port}",
            desk.session,
            desk.deployment.user_pool_id,
            desk.deployment.user_pool_client_id,
            stream,
            desk.deployment.stack,
            sampler,
        )
    finally:
        if web is not None:
            web.shutdown()
            web.server.server_close()
        BackendDict.reset()
        os.environ.clear()
        os.environ.update(saved)
        _forget_everything()


def ticket_with_subject(api: Api, token: str, subject: str) -> dict[str, Any]:
    tickets = api.get("/api/tickets", token, limit=50).json()["tickets"]
    return next(t for t in tickets if t["subject"] == subject)
