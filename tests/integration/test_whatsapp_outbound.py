"""WhatsApp replies: the 24-hour window, templates, and the Graph API adapter
against a local server answering with the shapes Meta documents."""

from datetime import UTC, datetime, timedelta

import boto3
import pytest

from helpdesk.channels.outbound import OutboundRequest
from helpdesk.channels.whatsapp.outbound import deliver_whatsapp
from helpdesk.channels.whatsapp.templates import (
    ApprovedTemplate,
    TemplateCatalog,
    UnknownTemplate,
    save_template_catalog,
)
from helpdesk.conversations.ingest import ingest
from helpdesk.errors import OutsideWindow, WhatsAppUnavailable
from helpdesk.models import Actor, ActorKind, Channel, DeliveryStatus
from helpdesk.providers.sqs import SqsOutboundQueue
from helpdesk.providers.whatsapp_graph import GraphWhatsApp
from helpdesk.settings import MailSettings
from helpdesk.store import HelpdeskStore
from helpdesk.tickets.replies import ReplyDraft, TemplateChoice, reply_to_ticket
from tests.conftest import REGION, inbound
from tests.integration.conftest import FakeGraph

AGENT = Actor(kind=ActorKind.AGENT, id="agent-1", name="Ana")
SENT = {"messaging_product": "whatsapp", "contacts": [{"input": "50255509999", "wa_id": "50255509999"}],
        "messages": [{"id": "wamid.HBgLNTAyNTU1MDk5OTkVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA"}]}  # fmt: skip
REENGAGEMENT = {"error": {"message": "(#131047) Re-engagement message", "type": "OAuthException", "code": 131047,
                          "error_data": {"messaging_product": "whatsapp", "details": "Message failed to send because"
                                         " more than 24 hours have passed since the customer last replied."},
                          "fbtrace_id": "Az8or2yhqkZfEZ-_4Qn_Bam"}}  # fmt: skip


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


def _request(queue: SqsOutboundQueue) -> OutboundRequest:
    sqs = boto3.client("sqs", region_name=REGION)
    (message,) = sqs.receive_message(QueueUrl=sqs.get_queue_url(QueueName="outbound")["QueueUrl"])["Messages"]
    return OutboundRequest.model_validate_json(message["Body"])


def test_free_text_after_24_hours_is_refused_with_a_reason(
    store: HelpdeskStore, queue: SqsOutboundQueue, mail: MailSettings
) -> None:
    old = ingest(inbound(sender="50255509999", sent_at=datetime.now(UTC) - timedelta(hours=25)), store).ticket

    with pytest.raises(OutsideWindow):
        reply_to_ticket(store, queue, old.id, ReplyDraft(body="Hola"), AGENT, mail)

    template = TemplateChoice(name="seguimiento_pedido", language="es", parameters=("María",))
    message = reply_to_ticket(store, queue, old.id, ReplyDraft(body="(plantilla)", template=template), AGENT, mail)
    assert [n.key for n in message.notices] == ["template"]


def test_outside_the_window_only_an_approved_template_with_its_parameters_goes(
    store: HelpdeskStore, queue: SqsOutboundQueue, mail: MailSettings
) -> None:
    approved = ApprovedTemplate(name="seguimiento_ticket", label="Seguimiento", body="Hola {{1}}, sobre #{{2}}.")
    save_template_catalog(store, TemplateCatalog(templates=(approved,)), AGENT, datetime.now(UTC))
    old = ingest(inbound(sender="50255508888", sent_at=datetime.now(UTC) - timedelta(hours=30)), store).ticket

    for name, parameters in (("otra_plantilla", ("a", "b")), ("seguimiento_ticket", ("María",)),
                             ("seguimiento_ticket", ("María", " "))):  # fmt: skip
        draft = ReplyDraft(body="(plantilla)", template=TemplateChoice(name=name, parameters=parameters))
        with pytest.raises(UnknownTemplate):
            reply_to_ticket(store, queue, old.id, draft, AGENT, mail)
    good = ReplyDraft(body="(plantilla)", template=TemplateChoice(name="seguimiento_ticket", parameters=("María", "7")))
    sent = reply_to_ticket(store, queue, old.id, good, AGENT, mail)
    assert sent.notices[0].params["name"] == "seguimiento_ticket"
    assert sent.text == "Hola María, sobre #7."  # what the template sends, not the draft's "(plantilla)"
    with pytest.raises(ValueError, match="without gaps"):
        ApprovedTemplate(name="x", label="x", body="{{1}} y {{3}}")


def test_reply_goes_out_through_the_graph_api_and_statuses_find_it(
    store: HelpdeskStore, queue: SqsOutboundQueue, mail: MailSettings, graph: GraphWhatsApp
) -> None:
    customer = inbound(sender="50255509999", message_id="wamid.CUSTOMER1")
    ticket = ingest(customer, store).ticket
    reply_to_ticket(store, queue, ticket.id, ReplyDraft(body="¿En qué te ayudamos?"), AGENT, mail)
    FakeGraph.answers.extend([(200, {"success": True}), (200, SENT)])

    status = deliver_whatsapp(_request(queue), store, graph, final_attempt=False)

    assert status is DeliveryStatus.SENT
    _, _, read = FakeGraph.requests[0]
    assert read == {"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.CUSTOMER1"}
    path, headers, body = FakeGraph.requests[1]
    assert path == "/v21.0/100200300/messages" and headers["Authorization"] == "Bearer token-abc"
    assert body["messaging_product"] == "whatsapp" and body["to"] == "50255509999"
    assert body["type"] == "text" and body["text"]["body"] == "¿En qué te ayudamos?"
    found = store.find_channel_message(Channel.WHATSAPP, SENT["messages"][0]["id"])  # type: ignore[index]
    assert found is not None and found.delivery_status is DeliveryStatus.SENT


def test_meta_rule_violation_fails_at_once_with_its_code(
    store: HelpdeskStore, queue: SqsOutboundQueue, mail: MailSettings, graph: GraphWhatsApp
) -> None:
    ticket = ingest(inbound(sender="50255509999"), store).ticket
    message = reply_to_ticket(store, queue, ticket.id, ReplyDraft(body="Hola"), AGENT, mail)
    FakeGraph.answers.extend([(200, {"success": True}), (400, REENGAGEMENT)])

    assert deliver_whatsapp(_request(queue), store, graph, final_attempt=False) is DeliveryStatus.FAILED
    thread = store.get_thread(ticket.id)
    assert thread is not None
    failed = next(m for m in thread.messages if m.id == message.id)
    assert failed.delivery_error == "131047: (#131047) Re-engagement message"


def test_rate_limits_and_server_errors_are_retried_then_failed(
    store: HelpdeskStore, queue: SqsOutboundQueue, mail: MailSettings, graph: GraphWhatsApp
) -> None:
    ticket = ingest(inbound(sender="50255509999"), store).ticket
    reply_to_ticket(store, queue, ticket.id, ReplyDraft(body="Hola"), AGENT, mail)
    request = _request(queue)
    read_ok = (200, {"success": True})
    FakeGraph.answers.extend(
        [read_ok, (429, {"error": {"code": 130429, "message": "Rate limit hit"}}), read_ok, (500, {})]
    )

    with pytest.raises(WhatsAppUnavailable):
        deliver_whatsapp(request, store, graph, final_attempt=False)
    assert deliver_whatsapp(request, store, graph, final_attempt=True) is DeliveryStatus.FAILED
