"""Messenger and Instagram webhooks through the real handlers against moto's SQS
FIFO, S3 and the table: verification, signatures refused before anything is
kept, malformed bodies, every event type of the recorded samples, replays,
attachments fetched with the SSRF checks and size limit, receipts."""

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import boto3
import pytest

from helpdesk import connections
from helpdesk.models import Actor, ActorKind, Channel, DeliveryStatus, IdentityKind, MessageKind, Ticket, TicketStatus
from helpdesk.people.personal_data import erase_contact
from helpdesk.store import HelpdeskStore, TicketQuery
from helpdesk.tickets.lookup import contact_picture
from local.lambda_runtime import LocalContext, QueueSubscription, QueueWorker
from tests.conftest import REGION
from tests.events import load_event

SECRET = "meta-app-secret-123"
VERIFY = "meta-verify-token"
CONTEXT: Any = LocalContext("MetaMessagingWebhookFunction")
PICTURE = b"\xff\xd8\xff\xe0 a customer's photo"


class FakeCdn(BaseHTTPRequestHandler):
    """Meta's CDN behind attachment links: the bytes, or 404 once expired."""

    big: ClassVar[int] = 0
    profiles: ClassVar[list[str]] = []  # the Graph API's profile questions, by scoped id

    def do_GET(self) -> None:
        if self.path.startswith("/v21.0/"):  # the Graph API's profile of a customer, with their picture's link
            scoped_id = self.path.split("/")[2].split("?")[0]
            FakeCdn.profiles.append(scoped_id)
            host = f"http://{self.headers['Host']}"  # this fake, as the customer reached it
            about = {
                "id": scoped_id,
                "first_name": "Ana",
                "last_name": "Solís",
                "profile_pic": f"{host}/pic-{scoped_id}",
            }
            self._send(200, json.dumps(about).encode(), "application/json")
        elif "expired" in self.path:
            self._send(404, b"gone", "text/plain")
        elif "huge" in self.path:
            self._send(200, b"x" * FakeCdn.big, "image/jpeg")
        else:
            self._send(200, PICTURE, "image/jpeg")

    def _send(self, status: int, payload: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def cdn() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeCdn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@dataclass
class MetaDesk:
    store: HelpdeskStore
    queue_url: str
    worker: QueueWorker
    cdn: str

    def post(self, payload: dict[str, Any] | bytes, signature: str | None = "valid",
             path: str = "/webhooks/messenger") -> dict[str, Any]:  # fmt: skip
        from meta_messaging_webhook import app

        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        body = body.replace(b"CDN/", f"{self.cdn}/".encode())
        headers = {"Content-Type": "application/json"}
        if signature == "valid":
            headers["X-Hub-Signature-256"] = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        elif signature is not None:
            headers["X-Hub-Signature-256"] = signature
        event = {"httpMethod": "POST", "path": path, "headers": headers, "body": body.decode()}
        response: dict[str, Any] = app.handler(event, CONTEXT)
        return response

    def waiting(self) -> int:
        sqs = boto3.client("sqs", region_name=REGION)
        attributes = sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["ApproximateNumberOfMessages"])
        return int(attributes["Attributes"]["ApproximateNumberOfMessages"])

    def tickets(self) -> list[Ticket]:
        statuses = (TicketStatus.NEW, TicketStatus.OPEN)
        return list(self.store.list_tickets(TicketQuery(statuses=statuses, limit=100)).tickets)


@pytest.fixture
def meta(store: HelpdeskStore, monkeypatch: pytest.MonkeyPatch, cdn: str) -> Iterator[MetaDesk]:
    boto3.client("s3", region_name=REGION).create_bucket(Bucket="attachments")
    boto3.client("ssm", region_name=REGION).put_parameter(
        Name="/atiende/meta/page-token", Value="page-token-abc", Type="SecureString"
    )
    sqs = boto3.client("sqs", region_name=REGION)
    queue_url = sqs.create_queue(QueueName="meta.fifo", Attributes={"FifoQueue": "true", "VisibilityTimeout": "30"})[
        "QueueUrl"
    ]
    for name, value in {
        "META_VERIFY_TOKEN": VERIFY,
        "META_APP_SECRET": SECRET,
        "META_UPDATES_QUEUE_URL": queue_url,
        "META_GRAPH_URL": "http://127.0.0.1:9/v21.0",
        "META_PAGE_TOKEN_PARAMETER": "/atiende/meta/page-token",
        "WEBHOOK_ALLOW_LOOPBACK": "true",  # the fake CDN listens on 127.0.0.1, as the local stack's does
        "SUPPORT_ADDRESS": "soporte@atiende.example",
        "RAW_MAIL_BUCKET": "raw-mail",
        "ATTACHMENTS_BUCKET": "attachments",
        "MAX_ATTACHMENT_BYTES": "1000",
    }.items():
        monkeypatch.setenv(name, value)
    connections.forget()
    subscription = QueueSubscription("MetaMessagingWorkerFunction", queue_url, "meta_messaging_webhook.worker.handler",
                                     10)  # fmt: skip
    yield MetaDesk(store, queue_url, QueueWorker(sqs, subscription), cdn)
    connections.forget()


def test_verification_echoes_the_challenge_only_for_our_token(meta: MetaDesk) -> None:
    from meta_messaging_webhook import app

    def verify(token: str) -> dict[str, Any]:
        params = {"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "8812"}
        response: dict[str, Any] = app.handler({"httpMethod": "GET", "queryStringParameters": params}, CONTEXT)
        return response

    assert (verify(VERIFY)["statusCode"], verify(VERIFY)["body"]) == (200, "8812")
    assert verify("otro-token")["statusCode"] == 403


@pytest.mark.parametrize("signature", [None, "sha256=" + "0" * 64, "sha1=abc", "tampered"])
def test_a_bad_signature_is_401_and_nothing_is_stored(meta: MetaDesk, signature: str | None) -> None:
    payload = load_event("meta_messenger_webhook")
    if signature == "tampered":
        good = json.dumps(payload).encode()
        signature = "sha256=" + hmac.new(SECRET.encode(), good, hashlib.sha256).hexdigest()
        payload["entry"][0]["messaging"][0]["message"]["text"] = "cambiado"
    assert meta.post(payload, signature=signature)["statusCode"] == 401
    assert meta.waiting() == 0
    meta.worker.drain()
    assert meta.tickets() == []


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "not JSON"),
        (json.dumps({"object": "whatsapp_business_account", "entry": []}).encode(), "object"),
        (json.dumps({"object": "page", "entry": [{"messaging": [{"recipient": {"id": "1"}}]}]}).encode(), "sender"),
        (json.dumps({"object": "page", "entry": [{"messaging": [
            {"sender": {"id": "7100"}, "recipient": {"id": "1"}, "message": {"text": "sin mid"}}]}]}).encode(), "mid"),
    ],
)  # fmt: skip
def test_a_signed_but_malformed_body_is_400_with_the_reason(meta: MetaDesk, body: bytes, reason: str) -> None:
    response = meta.post(body)
    assert response["statusCode"] == 400
    assert reason in response["body"]
    assert meta.waiting() == 0
    meta.post(body)  # Meta sends it again: still one entry aside
    (kept,) = meta.store.set_aside_in_month(datetime.now(UTC))
    assert (kept.channel, kept.reason) == (Channel.MESSENGER, "malformed_webhook") and reason in kept.detail


def test_each_messenger_event_lands_once_on_one_ticket(meta: MetaDesk) -> None:
    assert meta.post(load_event("meta_messenger_webhook"))["statusCode"] == 200
    meta.worker.drain()
    (ticket,) = meta.tickets()
    assert ticket.channel is Channel.MESSENGER
    thread = meta.store.get_thread(ticket.id)
    assert thread is not None and thread.contact is not None
    assert [(i.kind, i.value) for i in thread.contact.identities] == [(IdentityKind.MESSENGER, "7100000000000001")]
    inbound = [m for m in thread.messages if m.kind is MessageKind.INBOUND]
    by_id = {m.channel_message_id: m for m in inbound}
    # the echo of the page's own message is not a customer's message
    assert set(by_id) == {"m_text_0001", "m_image_0002", "m_postback_0003", "m_unsupported_0006",
                          "reaction.m_text_0001.react.1797000000400"}  # fmt: skip
    text = by_id["m_text_0001"]
    assert text.text == "Hola, mi pedido no ha llegado"
    assert [(n.key, n.params) for n in text.notices] == [("quick_reply", {"payload": "ORDER_STATUS"})]
    (picture,) = by_id["m_image_0002"].attachments
    assert (picture.content_type, picture.size) == ("image/jpeg", len(PICTURE))
    kept = boto3.client("s3", region_name=REGION).get_object(Bucket="attachments", Key=picture.key)
    assert kept["Body"].read() == PICTURE
    assert by_id["m_postback_0003"].text == "Hablar con una persona"
    assert by_id["m_postback_0003"].notices[0].params == {"payload": "HUMAN"}
    reaction = by_id["reaction.m_text_0001.react.1797000000400"]
    assert (reaction.text, reaction.notices[0].key) == ("\u2764\ufe0f", "reaction")
    assert by_id["m_unsupported_0006"].notices[0].key == "unsupported"


def test_replays_add_nothing(meta: MetaDesk) -> None:
    payload = load_event("meta_messenger_webhook")
    meta.post(payload)
    meta.worker.drain()
    meta.post(payload)  # within SQS's five minutes: the queue drops it
    meta.worker.drain()
    sqs = boto3.client("sqs", region_name=REGION)
    for update in (json.loads(r) for r in _split(payload, meta.cdn)):  # later: ingest drops it
        sqs.send_message(QueueUrl=meta.queue_url, MessageBody=json.dumps(update), MessageGroupId="again",
                         MessageDeduplicationId=update["dedup_id"] + ".later")  # fmt: skip
    meta.worker.drain()
    (ticket,) = meta.tickets()
    thread = meta.store.get_thread(ticket.id)
    assert thread is not None
    assert len([m for m in thread.messages if m.kind is MessageKind.INBOUND]) == 5


def _split(payload: dict[str, Any], cdn: str) -> list[str]:
    from helpdesk.channels.meta_messaging.payloads import split_webhook

    body = json.dumps(payload).encode().replace(b"CDN/", f"{cdn}/".encode())
    return [u.model_dump_json() for u in split_webhook(body)]


def test_an_instagram_story_reply_with_a_picture_and_a_mention(meta: MetaDesk) -> None:
    assert meta.post(load_event("meta_instagram_webhook"), path="/webhooks/instagram")["statusCode"] == 200
    meta.worker.drain()
    (ticket,) = meta.tickets()
    assert ticket.channel is Channel.INSTAGRAM
    thread = meta.store.get_thread(ticket.id)
    assert thread is not None and thread.contact is not None
    assert thread.contact.identities[0].kind is IdentityKind.INSTAGRAM
    reply, mention = [m for m in thread.messages if m.kind is MessageKind.INBOUND]
    assert reply.text == "¿Tienen esta en talla M?"
    assert [n.key for n in reply.notices] == ["story_reply", "media"]
    assert reply.notices[0].params["story"] == "17900000000000001"
    assert len(reply.attachments) == 1 and reply.attachments[0].size == len(PICTURE)
    assert [n.key for n in mention.notices] == ["story_mention", "media"]
    assert len(mention.attachments) == 1


def _one_image(url: str) -> dict[str, Any]:
    attachment = {"type": "image", "payload": {"url": url}}
    event = {"sender": {"id": "7100000000000009"}, "recipient": {"id": "104"}, "timestamp": 1797000000000,
             "message": {"mid": f"m_{abs(hash(url))}", "attachments": [attachment]}}  # fmt: skip
    return {"object": "page", "entry": [{"id": "104", "messaging": [event]}]}


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://10.0.0.7/internal.jpg", "address not allowed"),  # SSRF: a private address is never fetched
        ("http://169.254.169.254/latest/meta-data", "address not allowed"),
        ("CDN/expired.jpg", "no longer available"),
        ("CDN/huge.jpg", "over the limit"),
    ],
)
def test_files_meta_cannot_give_land_as_a_notice(meta: MetaDesk, url: str, reason: str) -> None:
    FakeCdn.big = 1001  # MAX_ATTACHMENT_BYTES is 1000 here
    meta.post(_one_image(url))
    meta.worker.drain()
    (ticket,) = meta.tickets()
    thread = meta.store.get_thread(ticket.id)
    assert thread is not None
    (message,) = [m for m in thread.messages if m.kind is MessageKind.INBOUND]
    assert message.attachments == ()
    (notice,) = message.notices
    assert notice.key == "media_unavailable" and reason in notice.params["reason"]


def test_receipts_move_a_reply_forward_and_never_back(meta: MetaDesk) -> None:
    now = datetime.now(UTC)
    event = load_event("meta_messenger_webhook")
    event["entry"][0]["messaging"] = event["entry"][0]["messaging"][:1]
    event["entry"][0]["messaging"][0]["timestamp"] = int((now - timedelta(minutes=5)).timestamp() * 1000)
    meta.post(event)
    meta.worker.drain()
    (ticket,) = meta.tickets()
    reply = _sent_reply(meta.store, ticket, "MID_OF_REPLY")
    receipts = load_event("meta_messenger_receipts")
    delivery, read = receipts["entry"][0]["messaging"]
    read["read"]["watermark"] = int((now + timedelta(minutes=1)).timestamp() * 1000)
    receipts["entry"][0]["messaging"] = [delivery]
    meta.post(receipts)
    meta.worker.drain()
    assert _status(meta.store, reply) is DeliveryStatus.DELIVERED
    receipts["entry"][0]["messaging"] = [read]
    meta.post(receipts)
    meta.worker.drain()
    assert _status(meta.store, reply) is DeliveryStatus.READ
    late = json.loads(json.dumps(delivery))
    late["delivery"]["watermark"] += 1  # another delivery, arriving after the read
    receipts["entry"][0]["messaging"] = [late]
    meta.post(receipts)
    meta.worker.drain()
    assert _status(meta.store, reply) is DeliveryStatus.READ
    assert len(meta.tickets()) == 1  # receipts open no ticket


def test_an_instagram_read_names_its_reply_by_mid(meta: MetaDesk) -> None:
    event = load_event("meta_instagram_webhook")
    messages = event["entry"][0]["messaging"]
    event["entry"][0]["messaging"] = messages[1:2]
    meta.post(event, path="/webhooks/instagram")
    meta.worker.drain()
    (ticket,) = meta.tickets()
    reply = _sent_reply(meta.store, ticket, "MID_OF_REPLY")
    event["entry"][0]["messaging"] = messages[2:]
    meta.post(event, path="/webhooks/instagram")
    meta.worker.drain()
    assert _status(meta.store, reply) is DeliveryStatus.READ


def _sent_reply(store: HelpdeskStore, ticket: Ticket, mid: str) -> Any:
    from helpdesk.channels.outbound import outbound_message

    agent = Actor(kind=ActorKind.AGENT, id="agent-1", name="Ana")
    message = outbound_message(ticket, "Ya lo revisamos", agent, "atiende.example", datetime.now(UTC))
    after = ticket.model_copy(update={"version": ticket.version + 1})
    store.append_message(ticket, after, message, ())
    return store.record_sent(message, mid)


def _status(store: HelpdeskStore, message: Any) -> DeliveryStatus:
    found = store.find_channel_message(message.channel, message.channel_message_id)
    assert found is not None
    return found.delivery_status


def test_a_new_customer_gets_their_name_and_picture_once(meta: MetaDesk, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("META_GRAPH_URL", f"{meta.cdn}/v21.0")  # the fake serves the profile too
    connections.forget()
    FakeCdn.profiles = []
    first = load_event("meta_messenger_webhook")
    first["entry"][0]["messaging"] = first["entry"][0]["messaging"][:1]
    assert meta.post(first)["statusCode"] == 200
    meta.worker.drain()
    (ticket,) = meta.tickets()
    contact = meta.store.get_contact(ticket.contact_id)
    assert contact is not None and contact.name == "Ana Solís" and contact.picture is not None
    assert (contact.picture.content_type, contact.picture.size) == ("image/jpeg", len(PICTURE))
    content, _ = contact_picture(meta.store, connections.files(), contact.id)
    assert content == PICTURE
    again = load_event("meta_messenger_webhook")
    again["entry"][0]["messaging"] = again["entry"][0]["messaging"][1:2]  # a later message of theirs
    assert meta.post(again)["statusCode"] == 200
    meta.worker.drain()
    assert FakeCdn.profiles == ["7100000000000001"]  # asked once: later messages find the contact


def test_erasing_a_contact_erases_their_picture(meta: MetaDesk, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("META_GRAPH_URL", f"{meta.cdn}/v21.0")
    connections.forget()
    first = load_event("meta_messenger_webhook")
    first["entry"][0]["messaging"] = first["entry"][0]["messaging"][:1]
    meta.post(first)
    meta.worker.drain()
    (ticket,) = meta.tickets()
    contact = meta.store.get_contact(ticket.contact_id)
    assert contact is not None and contact.picture is not None
    admin = Actor(kind=ActorKind.AGENT, id="admin-1", name="Adriana")
    erase_contact(meta.store, connections.files(), contact.id, admin, datetime.now(UTC))
    erased = meta.store.get_contact(contact.id)
    assert erased is not None and erased.picture is None
    s3 = boto3.client("s3", region_name=REGION)
    assert s3.list_objects_v2(Bucket="attachments", Prefix=contact.picture.key).get("KeyCount", 0) == 0
