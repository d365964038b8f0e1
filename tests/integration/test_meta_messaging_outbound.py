"""Messenger and Instagram replies: the agent's reply refused outside the window
(before it is stored), tagged HUMAN_AGENT when the page may, and the Send API
adapter against a local server answering with the recorded shapes."""

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import boto3
import pytest

from helpdesk.channels.meta_messaging.outbound import deliver_meta
from helpdesk.channels.outbound import OutboundRequest
from helpdesk.conversations.ingest import ingest
from helpdesk.errors import MetaUnavailable, OutsideHumanAgentWindow, OutsideMetaWindow
from helpdesk.models import Actor, ActorKind, Channel, DeliveryStatus, IdentityKind, MessageKind, Ticket
from helpdesk.providers.meta_graph import GraphMessaging
from helpdesk.providers.sqs import SqsOutboundQueue
from helpdesk.settings import MailSettings, forget_settings
from helpdesk.store import HelpdeskStore
from helpdesk.tickets.replies import ReplyDraft, reply_to_ticket
from tests.conftest import REGION, inbound
from tests.events import load_event

AGENT = Actor(kind=ActorKind.AGENT, id="agent-1", name="Ana")


class FakeSendApi(BaseHTTPRequestHandler):
    answers: ClassVar[list[tuple[int, dict[str, Any]]]] = []
    requests: ClassVar[list[tuple[str, dict[str, str], dict[str, Any]]]] = []

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers["content-length"]))
        body = json.loads(raw) if self.headers["content-type"] == "application/json" else _form(raw, self.headers)
        FakeSendApi.requests.append((self.path, dict(self.headers), body))
        status, answer = FakeSendApi.answers.pop(0)
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        pass


def _form(raw: bytes, headers: Any) -> dict[str, Any]:
    """A multipart/form-data body read as a mail parser reads MIME (the fields, the file's bytes)."""
    from email.parser import BytesParser
    from email.policy import HTTP

    parsed = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {headers['content-type']}\r\n\r\n".encode() + raw)
    fields: dict[str, Any] = {}
    for part in parsed.iter_parts():
        name = part.get_param("name", header="content-disposition")
        content = part.get_payload(decode=True)
        assert isinstance(content, bytes)
        fields[str(name)] = (
            (part.get_filename(), part.get_content_type(), content) if part.get_filename() else content.decode()
        )
    return fields


@pytest.fixture
def send_api() -> Iterator[GraphMessaging]:
    FakeSendApi.answers, FakeSendApi.requests = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSendApi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield GraphMessaging(f"http://127.0.0.1:{server.server_address[1]}/v21.0", lambda: "page-token-abc")
    server.shutdown()
    server.server_close()


@pytest.fixture
def mail(monkeypatch: pytest.MonkeyPatch) -> MailSettings:
    for name, value in {"SUPPORT_ADDRESS": "soporte@atiende.example", "RAW_MAIL_BUCKET": "r",
                        "ATTACHMENTS_BUCKET": "a"}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    return MailSettings.from_environment()


@pytest.fixture
def queue(store: HelpdeskStore) -> SqsOutboundQueue:
    sqs = boto3.client("sqs", region_name=REGION)
    return SqsOutboundQueue(sqs, sqs.create_queue(QueueName="outbound")["QueueUrl"])


@pytest.fixture(params=[False, True], ids=["without-human-agent", "with-human-agent"])
def human_agent(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[bool]:
    monkeypatch.setenv("META_HUMAN_AGENT_TAG", "true" if request.param else "false")
    forget_settings()
    yield bool(request.param)
    forget_settings()


def _ticket(store: HelpdeskStore, channel: Channel, hours_ago: float, sender: str = "7100000000000001") -> Ticket:
    kind = IdentityKind.MESSENGER if channel is Channel.MESSENGER else IdentityKind.INSTAGRAM
    sent_at = datetime.now(UTC) - timedelta(hours=hours_ago)
    return ingest(inbound(channel=channel, sender=sender, kind=kind, message_id=f"m_{sender}_{hours_ago}",
                          sent_at=sent_at), store).ticket  # fmt: skip


def _queued(queue: SqsOutboundQueue) -> OutboundRequest:
    sqs = boto3.client("sqs", region_name=REGION)
    (message,) = sqs.receive_message(QueueUrl=sqs.get_queue_url(QueueName="outbound")["QueueUrl"])["Messages"]
    return OutboundRequest.model_validate_json(message["Body"])


@pytest.mark.parametrize("channel", [Channel.MESSENGER, Channel.INSTAGRAM])
def test_a_reply_within_24_hours_leaves_as_a_response(
    store: HelpdeskStore, queue: SqsOutboundQueue, mail: MailSettings, send_api: GraphMessaging, channel: Channel
) -> None:
    ticket = _ticket(store, channel, hours_ago=2)
    message = reply_to_ticket(store, queue, ticket.id, ReplyDraft(body="Ya lo revisamos"), AGENT, mail)
    FakeSendApi.answers.append((200, load_event("meta_send_api_response")))
    status = deliver_meta(_queued(queue), store, send_api, False, datetime.now(UTC), final_attempt=False)
    assert status is DeliveryStatus.SENT
    ((path, headers, body),) = FakeSendApi.requests
    assert path == "/v21.0/me/messages" and headers["Authorization"] == "Bearer page-token-abc"
    assert body == {"recipient": {"id": "7100000000000001"}, "messaging_type": "RESPONSE",
                    "message": {"text": "Ya lo revisamos"}}  # fmt: skip
    sent = store.find_channel_message(channel, "m_reply_0001")
    assert sent is not None and sent.id == message.id and sent.delivery_status is DeliveryStatus.SENT


def test_after_24_hours_the_reply_is_tagged_or_refused_by_the_page_setting(
    store: HelpdeskStore, queue: SqsOutboundQueue, mail: MailSettings, send_api: GraphMessaging, human_agent: bool
) -> None:
    ticket = _ticket(store, Channel.MESSENGER, hours_ago=30)
    draft = ReplyDraft(body="Perdón por la demora")
    if not human_agent:
        with pytest.raises(OutsideMetaWindow):
            reply_to_ticket(store, queue, ticket.id, draft, AGENT, mail)
        thread = store.get_thread(ticket.id)
        assert thread is not None and not [m for m in thread.messages if m.kind is MessageKind.OUTBOUND]
        return
    reply_to_ticket(store, queue, ticket.id, draft, AGENT, mail)
    FakeSendApi.answers.append((200, load_event("meta_send_api_response")))
    assert deliver_meta(_queued(queue), store, send_api, True, datetime.now(UTC), False) is DeliveryStatus.SENT
    ((_, _, body),) = FakeSendApi.requests
    assert (body["messaging_type"], body["tag"]) == ("MESSAGE_TAG", "HUMAN_AGENT")


def test_after_7_days_even_a_human_agent_cannot_reply(
    store: HelpdeskStore, queue: SqsOutboundQueue, mail: MailSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("META_HUMAN_AGENT_TAG", "true")
    forget_settings()
    ticket = _ticket(store, Channel.INSTAGRAM, hours_ago=7 * 24 + 1)
    with pytest.raises(OutsideHumanAgentWindow):
        reply_to_ticket(store, queue, ticket.id, ReplyDraft(body="Hola"), AGENT, mail)
    forget_settings()


def test_a_reply_that_waited_past_the_window_fails_visibly_without_calling_meta(
    store: HelpdeskStore, queue: SqsOutboundQueue, mail: MailSettings, send_api: GraphMessaging
) -> None:
    ticket = _ticket(store, Channel.MESSENGER, hours_ago=2)
    reply_to_ticket(store, queue, ticket.id, ReplyDraft(body="Hola"), AGENT, mail)
    later = datetime.now(UTC) + timedelta(hours=23)
    assert deliver_meta(_queued(queue), store, send_api, False, later, False) is DeliveryStatus.FAILED
    assert FakeSendApi.requests == []
    thread = store.get_thread(ticket.id)
    assert thread is not None
    (reply,) = [m for m in thread.messages if m.kind is MessageKind.OUTBOUND]
    assert reply.delivery_error == "error.meta_window_closed"


def test_meta_refusing_fails_the_reply_with_its_code(
    store: HelpdeskStore, queue: SqsOutboundQueue, mail: MailSettings, send_api: GraphMessaging
) -> None:
    ticket = _ticket(store, Channel.MESSENGER, hours_ago=1)
    reply_to_ticket(store, queue, ticket.id, ReplyDraft(body="Hola"), AGENT, mail)
    FakeSendApi.answers.append((400, load_event("meta_send_api_outside_window")))
    assert deliver_meta(_queued(queue), store, send_api, False, datetime.now(UTC), False) is DeliveryStatus.FAILED
    thread = store.get_thread(ticket.id)
    assert thread is not None
    (reply,) = [m for m in thread.messages if m.kind is MessageKind.OUTBOUND]
    assert reply.delivery_error is not None and reply.delivery_error.startswith("2018278: ")


def test_meta_unavailable_is_retried_then_failed_on_the_last_attempt(
    store: HelpdeskStore, queue: SqsOutboundQueue, mail: MailSettings, send_api: GraphMessaging
) -> None:
    ticket = _ticket(store, Channel.MESSENGER, hours_ago=1)
    reply_to_ticket(store, queue, ticket.id, ReplyDraft(body="Hola"), AGENT, mail)
    request = _queued(queue)
    FakeSendApi.answers.extend([(503, {}), (500, {})])
    with pytest.raises(MetaUnavailable):
        deliver_meta(request, store, send_api, False, datetime.now(UTC), final_attempt=False)
    assert deliver_meta(request, store, send_api, False, datetime.now(UTC), True) is DeliveryStatus.FAILED


def test_a_reply_with_a_file_uploads_it_then_sends_the_text(
    store: HelpdeskStore, queue: SqsOutboundQueue, mail: MailSettings, send_api: GraphMessaging
) -> None:
    from helpdesk.files import keep_file
    from helpdesk.providers.files import S3FileStore

    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="reply-files")
    files = S3FileStore(s3)
    picture = b"\x89PNG\r\n\x1a\n a receipt"
    attachment = keep_file(files, "reply-files", "outbound", picture, "recibo.png", "image/png")
    ticket = _ticket(store, Channel.INSTAGRAM, hours_ago=1, sender="9200000000000001")
    draft = ReplyDraft(body="Aquí está tu recibo")
    reply_to_ticket(store, queue, ticket.id, draft, AGENT, mail, attachments=(attachment,))
    FakeSendApi.answers.extend([(200, {"recipient_id": "9200000000000001", "message_id": "m_file"}),
                                (200, load_event("meta_send_api_response"))])  # fmt: skip
    status = deliver_meta(_queued(queue), store, send_api, False, datetime.now(UTC), False, lambda: files)
    assert status is DeliveryStatus.SENT
    (_, _, upload), (_, _, text) = FakeSendApi.requests
    assert json.loads(upload["recipient"]) == {"id": "9200000000000001"}
    assert upload["messaging_type"] == "RESPONSE"
    assert json.loads(upload["message"]) == {"attachment": {"type": "image", "payload": {"is_reusable": False}}}
    assert upload["filedata"] == ("recibo.png", "image/png", picture)
    assert text["message"] == {"text": "Aquí está tu recibo"}
    assert store.find_channel_message(Channel.INSTAGRAM, "m_reply_0001") is not None


def test_a_reply_over_2000_characters_leaves_in_parts_named_by_the_last(
    store: HelpdeskStore, queue: SqsOutboundQueue, mail: MailSettings, send_api: GraphMessaging
) -> None:
    ticket = _ticket(store, Channel.MESSENGER, hours_ago=1, sender="7100000000000077")
    steps = "\n\n".join(
        f"Paso {n}: " + ("revise la conexión del equipo y reinícielo. " * 12).strip() for n in range(1, 9)
    )
    reply_to_ticket(store, queue, ticket.id, ReplyDraft(body=steps), AGENT, mail)
    FakeSendApi.answers.extend([(200, {"recipient_id": "7100000000000077", "message_id": f"m_part_{n}"})
                                for n in (1, 2)] + [(200, load_event("meta_send_api_response"))])  # fmt: skip
    assert deliver_meta(_queued(queue), store, send_api, False, datetime.now(UTC), False) is DeliveryStatus.SENT
    texts = [body["message"]["text"] for _, _, body in FakeSendApi.requests]
    assert len(texts) == 3 and all(len(text) <= 2000 for text in texts)
    assert "\n\n".join(texts) == steps  # cut between paragraphs, nothing lost
    sent = store.find_channel_message(Channel.MESSENGER, "m_reply_0001")  # the last part's mid names the reply
    assert sent is not None and sent.delivery_status is DeliveryStatus.SENT
