"""The first-line assistant on the queued channels, through the workers' own
``handle_update`` against moto's table and SQS, on the demo knowledge base's
public index: where the channel setup turns it on, a WhatsApp question gets
public articles and three reply buttons, queued like an agent's reply; "No me
sirvió" once asks again, twice hands over (tag, note, the customer told); "Sí"
resolves; a person asked for by button hands over at once. A delivery again
after the answer was stored but not queued queues it once, and never answers
twice. On Messenger the question leaves with quick replies, and a quick reply
is understood. Off on a channel (the default), it says nothing there."""

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, time
from http.server import ThreadingHTTPServer
from typing import Any

import boto3
import pytest
import time_machine

from bench.knowledge_bench import demo_articles
from helpdesk.assistant import turns
from helpdesk.assistant.callbacks import Callbacks
from helpdesk.channels import web_chat
from helpdesk.channels.interactive import interactive_of
from helpdesk.channels.meta_messaging.inbound import handle_update as handle_meta_update
from helpdesk.channels.meta_messaging.outbound import deliver_meta
from helpdesk.channels.meta_messaging.payloads import MetaUpdate
from helpdesk.channels.outbound import OutboundRequest
from helpdesk.channels.setup import ChannelSetup, save_channels
from helpdesk.channels.whatsapp.inbound import QueuedUpdate, handle_update
from helpdesk.conversations.ingest import IngestResult
from helpdesk.knowledge.finding import CompactIndex, ContactArticles
from helpdesk.knowledge.indexing import Audience, build_all, pack
from helpdesk.models import Actor, ActorKind, Channel, DeliveryStatus, MessageKind, SlaMetric, Ticket, TicketThread
from helpdesk.providers.meta_graph import GraphMessaging
from helpdesk.providers.sqs import SqsOutboundQueue
from helpdesk.rules.sending import Outbox
from helpdesk.settings import MailSettings
from helpdesk.sla.calendars import BusinessCalendar, weekdays
from helpdesk.sla.policies import SlaPolicy, SlaSetup, SlaTarget
from helpdesk.store import HelpdeskStore
from tests.conftest import REGION
from tests.events import load_event
from tests.integration.test_meta_messaging_outbound import FakeSendApi

ADMIN = Actor(kind=ActorKind.AGENT, id="admin-1", name="Adriana")
ON_EVERYWHERE = (Channel.CHAT, Channel.WHATSAPP, Channel.MESSENGER, Channel.INSTAGRAM)


@pytest.fixture
def mail(monkeypatch: pytest.MonkeyPatch) -> MailSettings:
    for name, value in {"SUPPORT_ADDRESS": "soporte@atiende.example", "RAW_MAIL_BUCKET": "r",
                        "ATTACHMENTS_BUCKET": "a"}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    return MailSettings.from_environment()


@pytest.fixture
def send_api() -> Iterator[GraphMessaging]:
    """Meta's Send API, played by the outbound tests' fake."""
    FakeSendApi.answers, FakeSendApi.requests = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSendApi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield GraphMessaging(f"http://127.0.0.1:{server.server_address[1]}/v21.0", lambda: "page-token-abc")
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def indexes() -> dict[Audience, CompactIndex]:
    built = build_all(demo_articles(), datetime(2026, 12, 7, tzinfo=UTC))
    return {audience: CompactIndex.from_object(pack(index)) for audience, index in built.items()}


@pytest.fixture(scope="module")
def public(indexes: dict[Audience, CompactIndex]) -> CompactIndex:
    return indexes[Audience.PUBLIC]


class FlakyQueue(SqsOutboundQueue):
    """moto's outbound queue, failing the next ``fail`` enqueues (a worker cut off after its write)."""

    fail = 0

    def __init__(self, client: Any, url: str) -> None:
        super().__init__(client, url)
        self.url = url

    def enqueue(self, request: OutboundRequest) -> None:
        if self.fail:
            self.fail -= 1
            raise ConnectionError("the queue did not answer")
        super().enqueue(request)


@pytest.fixture
def queue(store: HelpdeskStore) -> Iterator[FlakyQueue]:
    sqs = boto3.client("sqs", region_name=REGION)
    yield FlakyQueue(sqs, sqs.create_queue(QueueName="outbound")["QueueUrl"])


class Customer:
    """One customer writing on WhatsApp to the worker, with the assistant's index."""

    def __init__(
        self, store: HelpdeskStore, customers: CompactIndex, queue: FlakyQueue, mail: MailSettings, number: str
    ) -> None:
        self.store, self.customers, self.queue, self.mail, self.number = store, customers, queue, mail, number
        self.sent = 0
        self.ticket_id = ""
        self.handed_over: list[str] = []  # the tickets the handoff flow was started for

    def says(self, text: str, button: str | None = None, again: int | None = None) -> IngestResult:
        """A text, or a reply button pressed (its id and title); ``again``: the number of an earlier delivery."""
        if again is None:
            self.sent += 1
        wamid = f"wamid.{self.number}.{again or self.sent}"
        item: dict[str, Any] = {"id": wamid, "from": self.number, "timestamp": str(int(datetime.now(UTC).timestamp()))}
        if button:
            item |= {"type": "interactive", "interactive": {"type": "button_reply",
                                                            "button_reply": {"id": button, "title": text}}}  # fmt: skip
        else:
            item |= {"type": "text", "text": {"body": text}}
        update = QueuedUpdate(kind="message", group=self.number, dedup_id=wamid, item=item,
                              contact={"profile": {"name": "Rosa"}})  # fmt: skip
        outbox = Outbox(self.queue, self.mail)
        result = handle_update(update, self.store, None, lambda: outbox, self.articles_for, self.hand_over,
                               Callbacks(lambda: None))  # fmt: skip
        assert isinstance(result, IngestResult)
        self.ticket_id = result.ticket.id
        return result

    def articles_for(self, contact_id: str) -> ContactArticles:
        """What the worker reads (``connections.articles_for``): the customers' index as this contact may."""
        contact = self.store.get_contact(contact_id)
        assert contact is not None
        return ContactArticles(self.customers, contact.tier, contact.country)

    def hand_over(self, ticket: Ticket) -> None:
        self.handed_over.append(ticket.id)

    @property
    def ticket(self) -> Ticket:
        ticket = self.store.get_ticket(self.ticket_id)
        assert ticket is not None
        return ticket

    @property
    def thread(self) -> TicketThread:
        thread = self.store.get_thread(self.ticket_id)
        assert thread is not None
        return thread

    def answers(self) -> list[str]:
        """What the assistant said to the customer, oldest first."""
        return [m.text for m in self._assistants() if m.kind is MessageKind.OUTBOUND]

    def queued(self) -> list[str]:
        """The ids of the messages on the outbound queue (taking them off it)."""
        sqs = boto3.client("sqs", region_name=REGION)
        found = []
        while batch := sqs.receive_message(QueueUrl=self.queue.url, MaxNumberOfMessages=10).get("Messages", []):
            for message in batch:
                found.append(OutboundRequest.model_validate_json(message["Body"]).message_id)
                sqs.delete_message(QueueUrl=self.queue.url, ReceiptHandle=message["ReceiptHandle"])
        return found

    def _assistants(self) -> list[Any]:
        return sorted((m for m in self.thread.messages if m.author.kind is ActorKind.BOT), key=lambda m: m.sent_at)


def assistant_on(store: HelpdeskStore, channels: tuple[Channel, ...] = ON_EVERYWHERE) -> None:
    save_channels(store, ChannelSetup(assistant=channels), ADMIN, datetime.now(UTC))


@pytest.fixture
def customers(indexes: dict[Audience, CompactIndex]) -> CompactIndex:
    return indexes[Audience.CUSTOMERS]


@pytest.fixture
def rosa(store: HelpdeskStore, customers: CompactIndex, queue: FlakyQueue, mail: MailSettings) -> Customer:
    return Customer(store, customers, queue, mail, "50255511111")


def test_a_whatsapp_question_gets_articles_and_three_buttons_queued_like_a_reply(rosa: Customer) -> None:
    assistant_on(rosa.store)
    rosa.says("ola kiero canbiar la contrasena xfa")
    (answer,) = [m for m in rosa.thread.messages if m.author.kind is ActorKind.BOT]
    assert "/ayuda/articulos/recuperar-contrasena" in answer.text and "¿Te sirvió?" in answer.text
    assert answer.channel is Channel.WHATSAPP and answer.delivery_status is DeliveryStatus.QUEUED
    choices = interactive_of(answer)
    assert choices is not None and choices.style == "buttons"
    assert [option for option, _ in choices.options] == [turns.YES, turns.NO, turns.PERSON]
    assert all(len(title) <= 20 for _, title in choices.options)  # WhatsApp's limit for a button
    assert rosa.queued() == [answer.id]
    assert turns.ASKED in rosa.ticket.tags


def test_a_vip_customer_is_answered_from_the_vip_articles_and_others_never_see_them(
    store: HelpdeskStore, customers: CompactIndex, queue: FlakyQueue, mail: MailSettings
) -> None:
    assistant_on(store)
    question = "tienen envio gratis para vip?"
    other = Customer(store, customers, queue, mail, "50255544444")
    other.says(question)
    vip = Customer(store, customers, queue, mail, "50255555555")
    vip.says("como rastreo mi pedido")  # the contact exists once it writes; then an agent gives it its tier
    contact = store.get_contact(vip.ticket.contact_id)
    assert contact is not None
    store.save_contact(contact, contact.model_copy(update={"tier": "vip"}))
    vip.says(question)

    def answers(customer: Customer) -> str:
        return " ".join(m.text for m in customer.thread.messages if m.author.kind is ActorKind.BOT)

    # a segment article has no help-center page: its summary is the answer
    vip_article = "Envío gratis y prioridad para clientes VIP: Beneficios de envío para clientes del nivel VIP."
    assert vip_article in answers(vip)
    assert "VIP" not in answers(other) and "/ayuda/articulos/envio-gratis-vip" not in answers(vip)


def test_two_answers_that_did_not_help_hand_over_and_the_assistant_goes_quiet(rosa: Customer) -> None:
    assistant_on(rosa.store)
    rosa.says("necesito el tracking de mi orden")
    rosa.says("No me sirvió", button=turns.NO)
    assert rosa.answers()[-1].startswith("Lo siento. ¿Me cuentas con otras palabras")
    assert turns.RETRIED in rosa.ticket.tags and turns.HANDED_OFF not in rosa.ticket.tags
    rosa.says("quiero saber dónde está mi envío")
    assert "¿Te sirvió?" in rosa.answers()[-1]
    assert rosa.handed_over == []
    rosa.says("No me sirvió", button=turns.NO)
    assert rosa.answers()[-1].startswith("Te comunico con una persona")
    assert turns.HANDED_OFF in rosa.ticket.tags and rosa.handed_over == [rosa.ticket_id]
    notes = [m.text for m in rosa.thread.messages if m.kind is MessageKind.NOTE]
    assert notes == ["El asistente pasó la conversación a una persona (los artículos no le sirvieron)."]
    said = len(rosa.answers())
    rosa.says("¿hola?")
    assert len(rosa.answers()) == said and len(rosa.queued()) == said  # each answer queued once, no more
    rosa.says("No me sirvió", button=turns.NO, again=4)  # the handing over delivered again: the flow starts (once)
    assert rosa.handed_over == [rosa.ticket_id, rosa.ticket_id] and len(rosa.answers()) == said


def test_yes_resolves_and_a_person_by_button_hands_over_at_once(
    store: HelpdeskStore, customers: CompactIndex, queue: FlakyQueue, mail: MailSettings
) -> None:
    assistant_on(store)
    ana = Customer(store, customers, queue, mail, "50255522222")
    ana.says("¿cómo pago en cuotas?")
    ana.says("Sí, me sirvió", button=turns.YES)
    assert turns.RESOLVED in ana.ticket.tags and ana.answers()[-1].startswith("¡Qué bueno!")

    luis = Customer(store, customers, queue, mail, "50255533333")
    luis.says("¿cómo pago en cuotas?")
    luis.says("Hablar con alguien", button=turns.PERSON)
    assert turns.HANDED_OFF in luis.ticket.tags
    assert any("pidió una persona" in m.text for m in luis.thread.messages if m.kind is MessageKind.NOTE)


def test_it_answers_an_english_question_in_english(rosa: Customer) -> None:
    assistant_on(rosa.store)
    rosa.says("Hi, I forgot my password, how can I reset it?")
    assert "/help/articles/forgot-password" in rosa.answers()[-1] and "Did this help?" in rosa.answers()[-1]


def test_off_on_a_channel_it_says_nothing_there(rosa: Customer) -> None:
    rosa.says("ola kiero canbiar la contrasena xfa")  # the default: on the web chat only
    assistant_on(rosa.store, (Channel.CHAT, Channel.MESSENGER))
    rosa.says("¿y cómo pago en cuotas?")
    assert rosa.answers() == [] and rosa.queued() == []


def test_a_delivery_again_queues_the_stored_answer_once_and_never_answers_twice(rosa: Customer) -> None:
    assistant_on(rosa.store)
    rosa.queue.fail = 1
    with pytest.raises(ConnectionError):  # the answer is stored, its queueing fails: the record comes back
        rosa.says("¿cómo pago en cuotas?")
    rosa.says("¿cómo pago en cuotas?", again=1)
    rosa.says("¿cómo pago en cuotas?", again=1)
    (answer,) = rosa.answers()
    ids = rosa.queued()
    assert set(ids) == {m.id for m in rosa.thread.messages if m.author.kind is ActorKind.BOT}
    assert answer and len(ids) == 2  # queued on both deliveries again; the sender sends what is still queued, once


def test_on_messenger_the_question_leaves_with_quick_replies_and_a_quick_reply_is_understood(
    store: HelpdeskStore, public: CompactIndex, queue: FlakyQueue, mail: MailSettings, send_api: GraphMessaging
) -> None:
    assistant_on(store)
    outbox = Outbox(queue, mail)

    def event(mid: str, text: str, payload: str | None = None) -> MetaUpdate:
        message: dict[str, Any] = {"mid": mid, "text": text}
        if payload:
            message["quick_reply"] = {"payload": payload}
        body = {"sender": {"id": "7100000000000009"}, "recipient": {"id": "page-1"},
                "timestamp": int(datetime.now(UTC).timestamp() * 1000), "message": message}  # fmt: skip
        return MetaUpdate(channel=Channel.MESSENGER, kind="message", group="7100000000000009", dedup_id=mid,
                          page_id="page-1", event=body)  # fmt: skip

    result = handle_meta_update(event("m_1", "¿cómo pago en cuotas?"), store, None, lambda: outbox, None,
                                lambda _contact: public)  # fmt: skip
    assert isinstance(result, IngestResult)
    sqs = boto3.client("sqs", region_name=REGION)
    (queued,) = sqs.receive_message(QueueUrl=queue.url, MaxNumberOfMessages=10)["Messages"]
    FakeSendApi.answers.append((200, load_event("meta_send_api_response")))
    request = OutboundRequest.model_validate_json(queued["Body"])
    assert deliver_meta(request, store, send_api, False, datetime.now(UTC), final_attempt=False) is DeliveryStatus.SENT
    ((_, _, body),) = FakeSendApi.requests
    replies = body["message"]["quick_replies"]
    assert [r["payload"] for r in replies] == [turns.YES, turns.NO, turns.PERSON]
    assert all(r["content_type"] == "text" and len(r["title"]) <= 20 for r in replies)

    handle_meta_update(event("m_2", "Sí, me sirvió", payload=turns.YES), store, None, lambda: outbox, None,
                       lambda _contact: public)  # fmt: skip
    ticket = store.get_ticket(result.ticket.id)
    assert ticket is not None and turns.RESOLVED in ticket.tags


def test_asked_to_be_called_on_whatsapp_it_takes_the_number_they_write_from(rosa: Customer) -> None:
    assistant_on(rosa.store)
    rosa.says("¿me pueden llamar mañana en la tarde? es por mi factura")
    assert rosa.answers() == ["Listo: te llamaremos al +50255511111. Una persona del equipo sigue tu caso aquí mismo."]
    found = rosa.store.get_follow_up(rosa.ticket_id, "callback")  # no Connect here: an agent's task
    assert (
        found is not None
        and found[0]["detail"] == "+50255511111 · ¿me pueden llamar mañana en la tarde? es por mi factura"
    )
    assert turns.HANDED_OFF in rosa.ticket.tags and rosa.handed_over == [rosa.ticket_id]
    notes = [m.text for m in rosa.thread.messages if m.kind is MessageKind.NOTE]
    assert notes == ["El asistente pasó la conversación a una persona (el cliente pidió que lo llamen)."]


def test_in_the_web_chat_it_asks_for_the_number_once(store: HelpdeskStore, public: CompactIndex) -> None:
    visitor = web_chat.VisitorMessage(client_message_id="call-0001", text="llámenme por favor")
    first = web_chat.send(store, visitor, datetime.now(UTC), public, None, Callbacks(lambda: None))
    assert not first.handoff
    number = web_chat.VisitorMessage(visitor=first.visitor, client_message_id="call-0002", text="al +502 4455 6677")
    second = web_chat.send(store, number, datetime.now(UTC), public, None, Callbacks(lambda: None))
    assert second.handoff
    lines = [line.text for line in web_chat.transcript(store, first.visitor)[1] if line.author == "bot"]
    assert lines[0].startswith("Claro. ¿A qué número te llamamos?")
    assert lines[1].startswith("Listo: te llamaremos al +50244556677")
    found = store.get_follow_up(first.ticket_id, "callback")
    assert found is not None and found[0]["detail"].startswith("+50244556677")


def test_handed_over_after_hours_it_says_when_people_answer(rosa: Customer) -> None:
    """Friday 17:30 in Guatemala, the office answering WhatsApp within 4 business hours from 08:00."""
    office = BusinessCalendar(id="gt", name="Oficina GT", time_zone="America/Guatemala",
                              blocks=weekdays(time(8), time(17)), holiday_country="GT")  # fmt: skip
    four_hours = SlaTarget(metric=SlaMetric.FIRST_RESPONSE, minutes=4 * 60, business_hours=True)
    policy = SlaPolicy(id="wa", name="WhatsApp", calendar_id="gt", targets=(four_hours,))
    friday_evening = datetime(2026, 12, 11, 23, 30, tzinfo=UTC)
    rosa.store.put_sla_setup_document(
        SlaSetup(calendars=(office,), policies=(policy,)).model_dump(mode="json"), friday_evening
    )
    HelpdeskStore.forget_sla_setup()
    assistant_on(rosa.store)
    with time_machine.travel(friday_evening, tick=False):
        rosa.says("quiero hablar con un asesor")
    assert rosa.answers() == [
        "Te comunico con una persona del equipo: te responderá aquí mismo, antes del lunes 14 de diciembre, "
        "12:00 (hora de Guatemala). Tu mensaje quedó guardado."
    ]
