"""The web chat's assistant on the demo knowledge base's public index (built
as publishing builds it) and moto's table: it suggests public articles and asks
"¿Te sirvió?", is resolved on "sí", asks again on a first "no" and hands over
on the second, when the visitor asks
for a person or when no article matches (visible on the ticket: tag and note),
never shows an internal article, and is silent once people have the
conversation."""

from datetime import UTC, datetime

import pytest

from bench.knowledge_bench import demo_articles
from helpdesk.assistant import turns as bot
from helpdesk.channels import web_chat
from helpdesk.clock import utc_now
from helpdesk.knowledge.finding import CompactIndex
from helpdesk.knowledge.indexing import Audience, build_all, pack
from helpdesk.models import Language, MessageKind
from helpdesk.store import HelpdeskStore
from helpdesk.tickets.replies import ReplyDraft, reply_to_ticket
from tests.integration.conftest import AGENT
from tests.integration.test_web_chat import MAIL, Queue


@pytest.fixture(scope="module")
def public() -> CompactIndex:
    indexes = build_all(demo_articles(), datetime(2026, 12, 7, tzinfo=UTC))
    return CompactIndex.from_object(pack(indexes[Audience.PUBLIC]))


class Visitor:
    """One widget session writing to the help desk with the assistant on."""

    def __init__(self, store: HelpdeskStore, public: CompactIndex, locale: Language = Language.SPANISH) -> None:
        self.store, self.public, self.locale = store, public, locale
        self.token: str | None = None
        self.count = 0

    def says(self, text: str) -> web_chat.Sent:
        self.count += 1
        said = web_chat.VisitorMessage(
            visitor=self.token, client_message_id=f"msg-{self.count:08d}", text=text, locale=self.locale
        )
        sent = web_chat.send(self.store, said, utc_now(), self.public)
        self.token = sent.visitor
        return sent

    def sees(self) -> list[web_chat.ChatLine]:
        assert self.token is not None
        return web_chat.transcript(self.store, self.token)[1]

    def tags(self, sent: web_chat.Sent) -> tuple[str, ...]:
        ticket = self.store.get_ticket(sent.ticket_id)
        assert ticket is not None
        return ticket.tags

    def notes(self, sent: web_chat.Sent) -> list[str]:
        thread = self.store.get_thread(sent.ticket_id)
        assert thread is not None
        return [m.text for m in thread.messages if m.kind is MessageKind.NOTE]


def test_the_assistant_suggests_public_articles_and_is_resolved_on_yes(
    store: HelpdeskStore, public: CompactIndex
) -> None:
    visitor = Visitor(store, public)
    sent = visitor.says("ola kiero canbiar la contrasena xfa")
    answer = visitor.sees()[-1]
    assert answer.author == "bot" and answer.ask and "/ayuda/articulos/recuperar-contrasena" in answer.text
    assert answer.text.count("•") <= bot.MOST_ARTICLES and "¿Te sirvió?" in answer.text
    assert bot.ASKED in visitor.tags(sent) and not sent.handoff

    done = visitor.says("Sí, gracias")
    assert not done.handoff and bot.RESOLVED in visitor.tags(done) and bot.ASKED not in visitor.tags(done)
    assert visitor.sees()[-1].text.startswith("¡Qué bueno!") and not visitor.sees()[-1].ask


def test_a_second_no_hands_the_conversation_to_people_and_the_assistant_goes_quiet(
    store: HelpdeskStore, public: CompactIndex
) -> None:
    visitor = Visitor(store, public)
    visitor.says("necesito el tracking de mi orden")
    first = visitor.says("no")
    assert not first.handoff and visitor.sees()[-1].text.startswith("Lo siento. ¿Me cuentas con otras palabras")
    visitor.says("quiero saber dónde está mi envío")
    assert visitor.sees()[-1].ask
    sent = visitor.says("no me sirvió")
    assert sent.handoff and bot.HANDED_OFF in visitor.tags(sent)
    assert visitor.sees()[-1].text.startswith("Te comunico con una persona")
    assert visitor.notes(sent) == ["El asistente pasó la conversación a una persona (los artículos no le sirvieron)."]
    lines = len(visitor.sees())
    visitor.says("¿hola?")
    assert len(visitor.sees()) == lines + 1  # the visitor's line, and no answer from the assistant


@pytest.mark.parametrize("text", ["quiero hablar con un asesor", "una PERSONA por favor", "necesito un humano"])
def test_asking_for_a_person_hands_over_at_once(store: HelpdeskStore, public: CompactIndex, text: str) -> None:
    visitor = Visitor(store, public)
    sent = visitor.says(text)
    assert sent.handoff and "pidió una persona" in visitor.notes(sent)[0]
    assert [line.author for line in visitor.sees()] == ["visitor", "bot"]


def test_a_topic_people_handle_hands_over_at_once(store: HelpdeskStore, public: CompactIndex) -> None:
    visitor = Visitor(store, public)
    sent = visitor.says("buenas, no reconozco un cargo de mi tarjeta y quiero disputarlo")
    assert sent.handoff and "el tema lo atiende una persona" in visitor.notes(sent)[0]


def test_nothing_matching_hands_over(store: HelpdeskStore, public: CompactIndex) -> None:
    visitor = Visitor(store, public)
    sent = visitor.says("zxqv plumbus grfl")
    assert sent.handoff and "ningún artículo público" in visitor.notes(sent)[0]


def test_an_internal_articles_topic_never_shows_an_internal_article(store: HelpdeskStore, public: CompactIndex) -> None:
    visitor = Visitor(store, public)
    visitor.says("procedimiento interno de reembolso manual en la pasarela")
    shown = "\n".join(line.text for line in visitor.sees())
    assert "interno-" not in shown and "Procedimiento interno" not in shown.split("\n", 1)[-1]


def test_the_assistant_is_silent_once_an_agent_replied(store: HelpdeskStore, public: CompactIndex) -> None:
    visitor = Visitor(store, public)
    sent = visitor.says("¿cómo pago en cuotas?")
    reply_to_ticket(store, Queue(), sent.ticket_id, ReplyDraft(body="Hola, te ayudo yo."), AGENT, MAIL)
    visitor.says("gracias, ¿y con tarjeta de débito?")
    assert [line.author for line in visitor.sees()][-2:] == ["agent", "visitor"]


def test_it_answers_in_english(store: HelpdeskStore, public: CompactIndex) -> None:
    visitor = Visitor(store, public, Language.ENGLISH)
    visitor.says("I forgot my password")
    answer = visitor.sees()[-1]
    assert "/help/articles/forgot-password" in answer.text and "Did this help?" in answer.text
    assert visitor.says("talk to a real person").handoff


def test_a_decision_is_made_without_storing_anything(public: CompactIndex) -> None:
    found = bot.decide(public, "buenas tardes, vos sabes si puedo pagar en cuotas", Language.SPANISH)
    assert not found.handoff and found.articles[0] == "pagar-en-cuotas" and 0 < found.confidence < 1
    assert len(found.articles) <= bot.MOST_ARTICLES
    assert bot.decide(public, "zxqv plumbus grfl", Language.SPANISH).confidence == 0
