"""WhatsApp webhooks through the real handlers against moto's SQS FIFO and the
table: signatures, verification, every corpus payload, replays, order, statuses."""

import hashlib
import hmac
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest

from helpdesk import connections, http_policy
from helpdesk.channels.whatsapp.inbound import handle_social_messaging
from helpdesk.models import Actor, ActorKind, Channel, DeliveryStatus, MessageKind
from helpdesk.store import HelpdeskStore, TicketQuery
from local.lambda_runtime import LocalContext, QueueSubscription, QueueWorker
from tests.conftest import REGION, corpus_dir
from tests.events import load_event
from tests.integration.conftest import MEDIA_BYTES

SECRET = "test-app-secret-123"
CONTEXT: Any = LocalContext("WhatsAppWebhookFunction")
VERIFY = "test-verify-token"


@dataclass
class WhatsAppDesk:
    store: HelpdeskStore
    queue_url: str
    worker: QueueWorker

    def post(self, payload: dict[str, Any] | bytes, signature: str | None = "valid") -> dict[str, Any]:
        from whatsapp_webhook import app

        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if signature == "valid":
            headers["X-Hub-Signature-256"] = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        elif signature is not None:
            headers["X-Hub-Signature-256"] = signature
        event = {"httpMethod": "POST", "headers": headers, "body": body.decode("utf-8", "replace")}
        response: dict[str, Any] = app.handler(event, CONTEXT)
        return response

    def waiting(self) -> int:
        sqs = boto3.client("sqs", region_name=REGION)
        attributes = sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["ApproximateNumberOfMessages"])
        return int(attributes["Attributes"]["ApproximateNumberOfMessages"])

    def tickets(self) -> list[Any]:
        from helpdesk.models import TicketStatus

        return list(self.store.list_tickets(TicketQuery(statuses=(TicketStatus.NEW,), limit=100)).tickets)


@pytest.fixture
def wa(store: HelpdeskStore, monkeypatch: pytest.MonkeyPatch, graph_url: str) -> Iterator[WhatsAppDesk]:
    boto3.client("s3", region_name=REGION).create_bucket(Bucket="attachments")
    boto3.client("ssm", region_name=REGION).put_parameter(
        Name="/atiende/whatsapp/token", Value="token-abc", Type="SecureString"
    )
    sqs = boto3.client("sqs", region_name=REGION)
    queue_url = sqs.create_queue(QueueName="updates.fifo", Attributes={"FifoQueue": "true", "VisibilityTimeout": "30"})[
        "QueueUrl"
    ]
    for name, value in {
        "WHATSAPP_VERIFY_TOKEN": VERIFY,
        "WHATSAPP_APP_SECRET": SECRET,
        "WHATSAPP_UPDATES_QUEUE_URL": queue_url,
        "WHATSAPP_PHONE_NUMBER_ID": "100200300",
        "WHATSAPP_GRAPH_URL": graph_url,
        "WHATSAPP_ACCESS_TOKEN_PARAMETER": "/atiende/whatsapp/token",
        "SUPPORT_ADDRESS": "soporte@atiende.example",
        "RAW_MAIL_BUCKET": "raw-mail",
        "ATTACHMENTS_BUCKET": "attachments",
    }.items():
        monkeypatch.setenv(name, value)
    connections.forget()
    subscription = QueueSubscription("WhatsAppWorkerFunction", queue_url, "whatsapp_webhook.worker.handler", 10)
    yield WhatsAppDesk(store, queue_url, QueueWorker(sqs, subscription))
    connections.forget()


def text_message(wa_id: str, wamid: str, body: str, timestamp: int = 1_797_000_000) -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "123",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"display_phone_number": "50255550000", "phone_number_id": "100"},
                            "contacts": [{"profile": {"name": "Cliente"}, "wa_id": wa_id}],
                            "messages": [
                                {
                                    "from": wa_id,
                                    "id": wamid,
                                    "timestamp": str(timestamp),
                                    "type": "text",
                                    "text": {"body": body},
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }


def test_verification_echoes_the_challenge_only_for_our_token(wa: WhatsAppDesk) -> None:
    from whatsapp_webhook import app

    def verify(token: str) -> dict[str, Any]:
        params = {"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "1158201444"}
        event = {"httpMethod": "GET", "headers": {}, "queryStringParameters": params}
        response: dict[str, Any] = app.handler(event, CONTEXT)
        return response

    assert verify(VERIFY)["statusCode"] == 200 and verify(VERIFY)["body"] == "1158201444"
    assert verify("otro-token")["statusCode"] == 403


@pytest.mark.parametrize("signature", [None, "sha256=" + "0" * 64, "md5=abc", "tampered"])
def test_bad_or_missing_signature_is_401_and_nothing_is_stored(wa: WhatsAppDesk, signature: str | None) -> None:
    payload = text_message("50255501111", "wamid.SIG", "hola")
    if signature == "tampered":
        good = json.dumps(payload).encode()
        signature = "sha256=" + hmac.new(SECRET.encode(), good, hashlib.sha256).hexdigest()
        payload = text_message("50255501111", "wamid.SIG", "hola, cambiado")
    assert wa.post(payload, signature=signature)["statusCode"] == 401
    assert wa.waiting() == 0
    wa.worker.drain()
    assert wa.tickets() == []


def test_signed_garbage_is_200_and_kept_for_inspection(wa: WhatsAppDesk) -> None:
    assert wa.post(b'{"object": "whatsapp_business_account", "entry": "nope"')["statusCode"] == 200
    assert wa.waiting() == 0
    (kept,) = wa.store.set_aside_in_month(datetime.now(UTC))
    assert kept.reason == "malformed_webhook" and kept.channel is Channel.WHATSAPP


def test_a_signed_body_nested_5000_deep_is_kept_as_malformed_and_counted(
    wa: WhatsAppDesk, capsys: pytest.CaptureFixture[str]
) -> None:
    """Python's parser recursed once per level and raised RecursionError out of
    the webhook (connection dropped, nothing kept): now refused before parsing."""
    body = b'{"object":"whatsapp_business_account","entry":' + b"[" * 5000 + b"]" * 5000 + b"}"

    response = wa.post(body)

    assert response["statusCode"] == 200
    assert response["headers"]["X-Content-Type-Options"] == "nosniff"
    assert wa.waiting() == 0
    (kept,) = wa.store.set_aside_in_month(datetime.now(UTC))
    assert kept.reason == "malformed_webhook" and "NestedTooDeep" in kept.detail
    assert '"WhatsAppMalformedWebhook"' in capsys.readouterr().out


def test_a_social_messaging_entry_nested_too_deep_is_ignored_not_a_crash(wa: WhatsAppDesk) -> None:
    notification = json.dumps({"whatsAppWebhookEntry": "[" * 5000 + "]" * 5000})
    assert handle_social_messaging(notification, wa.store) == []


def _corpus_payloads() -> list[tuple[str, dict[str, Any]]]:
    folder = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "pywa" / "tests" / "data" / "updates"
    if not folder.is_dir():
        return [("absent", {})]
    return [
        (f"{path.stem}:{name}", payload)
        for path in sorted(folder.glob("*.json"))
        for name, payload in json.loads(path.read_text()).items()
    ]


def test_every_corpus_payload_is_accepted_or_deliberately_ignored(wa: WhatsAppDesk) -> None:
    """Each of pywa's recorded updates, one after the other on one desk (a desk
    per payload cost a second each): every message is stored as inbound, the
    rest is acknowledged and ignored, nothing waits and nothing is set aside."""
    corpus_dir("pywa")
    payloads = _corpus_payloads()
    assert len(payloads) > 50
    refused: dict[str, str] = {}
    for name, payload in payloads:
        answer = wa.post(payload)
        wa.worker.drain()
        messages = [
            m
            for change in (c for e in payload.get("entry", []) for c in e.get("changes", []))
            if change.get("field") == "messages"
            for m in change["value"].get("messages", [])
        ]
        stored = [wa.store.find_channel_message(Channel.WHATSAPP, m["id"]) for m in messages]
        if answer["statusCode"] != 200:
            refused[name] = f"answered {answer['statusCode']}"
        elif any(s is None or s.kind is not MessageKind.INBOUND for s in stored):
            refused[name] = "a message was not stored as inbound"
        elif wa.waiting():
            refused[name] = f"{wa.waiting()} updates still waiting"
    assert refused == {}
    assert wa.store.set_aside_in_month(datetime.now(UTC)) == []


def test_replaying_a_webhook_ten_times_makes_one_message(wa: WhatsAppDesk) -> None:
    payload = text_message("50255502222", "wamid.REPLAY", "Necesito ayuda")
    for _ in range(10):
        assert wa.post(payload)["statusCode"] == 200
    wa.worker.drain()

    (ticket,) = wa.tickets()
    thread = wa.store.get_thread(ticket.id)
    assert thread is not None and [m.text for m in thread.messages] == ["Necesito ayuda"]


@pytest.mark.slow  # real threads or real state-machine waits
def test_concurrent_customers_land_in_order_on_their_own_tickets(wa: WhatsAppDesk) -> None:
    customers = [f"5025550{n:04d}" for n in range(20)]
    payloads = [
        text_message(wa_id, f"wamid.{wa_id}.{seq:02d}", f"mensaje {seq}", timestamp=1_797_000_000 + seq)
        for seq in range(10)
        for wa_id in customers
    ]
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda p: wa.post(p)["statusCode"], payloads))
    assert statuses == [200] * 200
    wa.worker.drain(timeout=120)

    tickets = wa.tickets()
    assert len(tickets) == 20
    for ticket in tickets:
        thread = wa.store.get_thread(ticket.id)
        assert thread is not None
        assert [m.text for m in thread.messages] == [f"mensaje {seq}" for seq in range(10)]


def test_statuses_move_delivery_forward_and_never_open_tickets(wa: WhatsAppDesk) -> None:
    from helpdesk.clock import new_id, utc_now
    from helpdesk.models import Message, Ticket

    wa.post(text_message("50255503333", "wamid.IN", "hola"))
    wa.worker.drain()
    (opened,) = wa.tickets()
    current = wa.store.get_ticket(opened.id)
    assert isinstance(current, Ticket)
    reply = Message(
        id=new_id(),
        ticket_id=opened.id,
        kind=MessageKind.OUTBOUND,
        channel=Channel.WHATSAPP,
        author=Actor(kind=ActorKind.AGENT, id="a1"),
        text="¡Hola!",
        channel_message_id="wamid.OUT",
        delivery_status=DeliveryStatus.SENT,
        sent_at=utc_now(),
        created_at=utc_now(),
    )
    wa.store.append_message(current, current.model_copy(update={"version": current.version + 1}), reply, [])

    def status(name: str, wamid: str = "wamid.OUT", **extra: Any) -> dict[str, Any]:
        payload = text_message("50255503333", "x", "x")
        value = payload["entry"][0]["changes"][0]["value"]
        del value["messages"]
        value["statuses"] = [
            {"id": wamid, "status": name, "timestamp": "1797000000", "recipient_id": "50255503333", **extra}
        ]
        return payload

    for name in ("read", "delivered"):  # out of order: read first
        wa.post(status(name))
    wa.post(status("delivered", wamid="wamid.UNKNOWN"))
    wa.worker.drain()

    found = wa.store.find_channel_message(Channel.WHATSAPP, "wamid.OUT")
    assert found is not None and found.delivery_status is DeliveryStatus.READ
    assert len(wa.tickets()) == 1

    wa.post(status("failed", errors=[{"code": 131047, "title": "Re-engagement message"}]))
    wa.worker.drain()
    failed = wa.store.find_channel_message(Channel.WHATSAPP, "wamid.OUT")
    assert failed is not None and failed.delivery_status is DeliveryStatus.FAILED
    assert failed.delivery_error == "131047: Re-engagement message"


def _social_messaging_notification(wamid: str, text: str) -> str:
    """What AWS End User Messaging Social publishes to SNS for one Meta entry."""
    entry = text_message("50499887766", wamid, text)["entry"][0]
    return json.dumps(
        {
            "context": {
                "MetaWabaIds": [{"wabaId": "1234567890", "arn": "arn:aws:social-messaging:us-east-1:1:waba/x"}]
            },
            "whatsAppWebhookEntry": json.dumps(entry),
            "aws_account_id": "123456789012",
            "message_timestamp": "2026-11-02T16:00:00.000Z",
            "messageId": "6d69f07a-c317-4278-9d5c-6a84078419ec",
        }
    )


def test_social_messaging_through_sns_reaches_a_ticket(wa: WhatsAppDesk) -> None:
    from whatsapp_webhook import worker

    event = {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "Sns": {
                    "Type": "Notification",
                    "MessageId": "m1",
                    "TopicArn": "arn:aws:sns:us-east-1:1:wa",
                    "Message": _social_messaging_notification("wamid.SNS1", "Hola por SNS"),
                    "Timestamp": "2026-11-02T16:00:00.000Z",
                },
            }
        ]
    }
    worker.handler(event, CONTEXT)
    worker.handler(event, CONTEXT)  # SNS delivers at least once

    stored = wa.store.find_channel_message(Channel.WHATSAPP, "wamid.SNS1")
    assert stored is not None and stored.text == "Hola por SNS"
    (ticket,) = wa.tickets()
    thread = wa.store.get_thread(ticket.id)
    assert thread is not None and len(thread.messages) == 1


def test_social_messaging_through_sns_and_sqs_reaches_a_ticket(wa: WhatsAppDesk) -> None:
    from whatsapp_webhook import worker

    sns_envelope = {
        "Type": "Notification",
        "MessageId": "m2",
        "TopicArn": "arn:aws:sns:us-east-1:1:wa",
        "Message": _social_messaging_notification("wamid.SNS2", "Hola por SNS y SQS"),
    }
    event = {
        "Records": [
            {
                "messageId": "q1",
                "receiptHandle": "r",
                "body": json.dumps(sns_envelope),
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:1:wa.fifo",
                "awsRegion": "us-east-1",
            }
        ]
    }

    assert worker.handler(event, CONTEXT) == {"batchItemFailures": []}
    stored = wa.store.find_channel_message(Channel.WHATSAPP, "wamid.SNS2")
    assert stored is not None and stored.text == "Hola por SNS y SQS"


def _image_message(wamid: str, media_id: str) -> dict[str, Any]:
    payload = text_message("50255504444", wamid, "")
    message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    message.update(type="image", image={"id": media_id, "mime_type": "image/jpeg", "caption": "Así llegó la caja"})
    del message["text"]
    return payload


def test_media_is_fetched_into_the_attachments_bucket(wa: WhatsAppDesk) -> None:
    wa.post(_image_message("wamid.IMG1", "1037543291543636"))
    wa.worker.drain()

    stored = wa.store.find_channel_message(Channel.WHATSAPP, "wamid.IMG1")
    assert stored is not None and stored.text == "Así llegó la caja"
    (attachment,) = stored.attachments
    assert attachment.bucket == "attachments" and attachment.key.startswith("whatsapp/")
    assert attachment.content_type == "image/jpeg" and attachment.size == len(MEDIA_BYTES)
    body = boto3.client("s3", region_name=REGION).get_object(Bucket="attachments", Key=attachment.key)["Body"]
    assert body.read() == MEDIA_BYTES


def test_expired_media_leaves_a_notice_not_a_stuck_conversation(wa: WhatsAppDesk) -> None:
    wa.post(_image_message("wamid.IMG2", "expired"))
    wa.post(text_message("50255504444", "wamid.AFTER", "¿Lo recibieron?", timestamp=1_797_000_100))
    wa.worker.drain()

    stored = wa.store.find_channel_message(Channel.WHATSAPP, "wamid.IMG2")
    assert stored is not None and stored.attachments == ()
    assert [n.key for n in stored.notices] == ["media_unavailable"]
    assert wa.store.find_channel_message(Channel.WHATSAPP, "wamid.AFTER") is not None


def test_without_from_and_with_several_contacts_nobody_is_guessed(wa: WhatsAppDesk) -> None:
    payload = text_message("50255507777", "wamid.NOFROM", "¿de quién soy?")
    value = payload["entry"][0]["changes"][0]["value"]
    del value["messages"][0]["from"]
    value["contacts"].append({"profile": {"name": "Otra"}, "wa_id": "50255508888"})

    assert wa.post(payload)["statusCode"] == 200
    wa.worker.drain()

    assert wa.tickets() == []
    (entry,) = wa.store.set_aside_in_month(datetime.now(UTC))
    assert entry.reason == "no_sender"


# --- the real event samples (tests/events) -------------------------------------


def _signed(event: dict[str, Any]) -> dict[str, Any]:
    body = event["body"].encode()
    event["headers"]["X-Hub-Signature-256"] = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return event


def test_api_gateway_samples_verify_and_queue_metas_delivery(wa: WhatsAppDesk) -> None:
    from whatsapp_webhook import app

    verification = load_event("api_gateway_whatsapp_verification")
    assert app.handler(verification, CONTEXT) == {
        "statusCode": 200,
        "headers": {"Content-Type": "text/plain", **http_policy.API_HEADERS},
        "body": "1158201444",
    }

    delivery = _signed(load_event("api_gateway_whatsapp_post"))
    assert app.handler(delivery, CONTEXT)["statusCode"] == 200
    assert wa.waiting() == 1
    wa.worker.drain()

    (ticket,) = wa.tickets()
    thread = wa.store.get_thread(ticket.id)
    assert thread is not None and [m.text for m in thread.messages] == ["Hola, ¿abren el domingo?"]
    assert thread.contact is not None and thread.contact.name == "Rosa Gómez"


def test_api_gateway_sample_with_metas_placeholder_signature_is_refused(wa: WhatsAppDesk) -> None:
    from whatsapp_webhook import app

    assert app.handler(load_event("api_gateway_whatsapp_post"), CONTEXT)["statusCode"] == 401
    assert wa.waiting() == 0


def _sample_wamid() -> str:
    sample = load_event("whatsapp_webhook_text_message")
    return str(sample["entry"][0]["changes"][0]["value"]["messages"][0]["id"])


def test_social_messaging_sample_through_sns_reaches_a_ticket(wa: WhatsAppDesk) -> None:
    from whatsapp_webhook import worker

    assert worker.handler(load_event("sns_social_messaging_whatsapp"), CONTEXT) == {"handled": 1}

    stored = wa.store.find_channel_message(Channel.WHATSAPP, _sample_wamid())
    assert stored is not None and stored.text == "Hola, ¿abren el domingo?"
    assert len(wa.tickets()) == 1


def test_one_failing_sns_record_neither_loses_nor_repeats_the_others(
    wa: WhatsAppDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from whatsapp_webhook import worker

    from helpdesk.errors import WhatsAppUnavailable
    from helpdesk.providers.whatsapp_graph import GraphWhatsApp
    from helpdesk.records import RecordsFailed

    # Given an SNS delivery whose first record names media Meta cannot serve right now
    event = load_event("sns_social_messaging_whatsapp")
    good = event["Records"][0]
    bad = json.loads(json.dumps(good))
    bad["Sns"]["MessageId"] = "sns-media-down"
    entry = _image_message("wamid.SNSIMG", "media-down")["entry"][0]
    bad["Sns"]["Message"] = json.dumps(
        {**json.loads(good["Sns"]["Message"]), "whatsAppWebhookEntry": json.dumps(entry)}
    )
    event["Records"] = [bad, good]
    real_media = GraphWhatsApp.media

    def media(self: GraphWhatsApp, media_id: str, max_bytes: int) -> tuple[bytes, str]:
        if media_id == "media-down":
            raise WhatsAppUnavailable("HTTP 503")
        return real_media(self, media_id, max_bytes)

    monkeypatch.setattr(GraphWhatsApp, "media", media)

    # When SNS invokes the worker, it fails naming only that record
    with pytest.raises(RecordsFailed) as failed:
        worker.handler(event, CONTEXT)
    assert failed.value.failed == ["sns-media-down"]

    # Then the record after it was not lost
    assert wa.store.find_channel_message(Channel.WHATSAPP, _sample_wamid()) is not None
    assert wa.store.find_channel_message(Channel.WHATSAPP, "wamid.SNSIMG") is None

    # When Lambda retries the event once Meta serves the media again
    monkeypatch.setattr(GraphWhatsApp, "media", real_media)
    assert worker.handler(event, CONTEXT) == {"handled": 2}

    # Then the late message is in, with its media, and the other is not repeated
    late = wa.store.find_channel_message(Channel.WHATSAPP, "wamid.SNSIMG")
    assert late is not None and len(late.attachments) == 1
    for ticket in wa.tickets():
        thread = wa.store.get_thread(ticket.id)
        assert thread is not None and len(thread.messages) == 1
