"""The web chat's first-line assistant: before a person takes a conversation,
it suggests up to ``MOST_ARTICLES`` public articles for the visitor's question
and asks "¿Te sirvió?"; it hands the conversation to people on "no", when the
visitor asks for a person ("hablar con una persona", "asesor", "humano"…), or
when no public article matches. Retrieval only: deterministic, offline.

It answers only from the public index (``ArticleSearch``, the help center's
``IndexShelf.public``): internal articles do not exist there. Its state is on
the ticket, where agents see it: the tag ``bot-asked`` while it waits for a
yes or no, ``bot-resolved`` when the visitor said it helped, and
``bot-handoff`` once people have it, with a note saying why and what it had
suggested. It never speaks on a ticket that has an assignee, an agent's
reply, or a handoff.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from helpdesk.clock import new_id
from helpdesk.knowledge.finding import ArticleHit, ArticleSearch
from helpdesk.knowledge.helpcenter import article_path
from helpdesk.language.analysis import fold
from helpdesk.models import (
    Actor,
    ActorKind,
    Channel,
    DeliveryStatus,
    EventKind,
    FieldChange,
    Language,
    Message,
    MessageKind,
    Ticket,
    TicketEvent,
)
from helpdesk.store import HelpdeskStore

MOST_ARTICLES = 3
ASKED, RESOLVED, HANDED_OFF = "bot-asked", "bot-resolved", "bot-handoff"
ASSISTANT = {Language.SPANISH: "Asistente", Language.ENGLISH: "Assistant"}

# Asking for a person, as people type it (accents and case folded first).
_PERSON = re.compile(
    r"\b(persona|humano|humana|asesor|asesora|agente|operador|operadora|ejecutivo|ejecutiva|alguien real"
    r"|person|human|agent|representative|someone real|real person)s?\b"
)
_YES = re.compile(r"^\s*(si+|sip|claro|me sirvio|sirvio|si me sirvio|gracias|listo|yes|yep|it did|thanks)\b")
_NO = re.compile(r"^\s*(no+|nop|no me sirvio|no sirvio|nada que ver|no it did not|not really|nope)\b")


class HandoffReason(StrEnum):
    ASKED = "asked_for_person"
    NOT_HELPFUL = "not_helpful"
    NO_MATCH = "no_article"


TEXTS = {
    Language.SPANISH: {
        "found": "Encontré esto que puede ayudarte:",
        "ask": "¿Te sirvió?",
        "glad": "¡Qué bueno! Si necesitas algo más, escríbenos aquí.",
        "handoff": "Te comunico con una persona del equipo: te responderá aquí mismo. Tu mensaje quedó guardado.",
        "note": "El asistente pasó la conversación a una persona ({reason}).",
        "suggested": "Artículos sugeridos: {ids}.",
        HandoffReason.ASKED: "el cliente pidió una persona",
        HandoffReason.NOT_HELPFUL: "los artículos no le sirvieron",
        HandoffReason.NO_MATCH: "ningún artículo público responde la consulta",
    },
    Language.ENGLISH: {
        "found": "I found this, which may help:",
        "ask": "Did this help?",
        "glad": "Great! If you need anything else, write to us here.",
        "handoff": "I am passing you to a person on the team: they will answer right here. Your message is saved.",
        "note": "The assistant handed the conversation to a person ({reason}).",
        "suggested": "Suggested articles: {ids}.",
        HandoffReason.ASKED: "the customer asked for a person",
        HandoffReason.NOT_HELPFUL: "the articles did not help",
        HandoffReason.NO_MATCH: "no public article answers the question",
    },
}


@dataclass(frozen=True)
class Turn:
    """What the assistant did with one visitor message."""

    articles: tuple[str, ...] = ()  # the ids it suggested, best first
    resolved: bool = False
    handoff: HandoffReason | None = None
    said: bool = False  # whether it wrote anything (False: people have the conversation)


@dataclass(frozen=True)
class Decision:
    """What the assistant makes of one question, before anything is stored
    (``atiende bot ask`` prints it). ``confidence``: the best article's score
    s as s / (s + CONFIDENCE_HALF), 0 without one, 1 when a person is asked for."""

    handoff: bool
    articles: tuple[str, ...]
    answer: str
    confidence: float
    reason: HandoffReason | None = None


CONFIDENCE_HALF = 5.0  # a BM25 score of 5 reads as 0.5


def decide(search: ArticleSearch, text: str, locale: Language) -> Decision:
    """The answer to a question: public articles, or a handoff (and why)."""
    words = TEXTS[locale]
    if wants_person(text):
        return Decision(True, (), words["handoff"], 1.0, HandoffReason.ASKED)
    hits = search.find(text, locale, MOST_ARTICLES)[:MOST_ARTICLES]
    if not hits:
        return Decision(True, (), words["handoff"], 0.0, HandoffReason.NO_MATCH)
    best = max(hits[0].score, 0.0)
    confidence = round(best / (best + CONFIDENCE_HALF), 3)
    return Decision(False, tuple(hit.id for hit in hits), _suggestion(hits, locale), confidence)


def wants_person(text: str) -> bool:
    return bool(_PERSON.search(fold(text)))


def is_on_duty(ticket: Ticket, store: HelpdeskStore) -> bool:
    """Whether the assistant still has this conversation."""
    if ticket.assignee_id or HANDED_OFF in ticket.tags:
        return False
    thread = store.get_thread(ticket.id)
    return thread is None or not any(
        m.kind is MessageKind.OUTBOUND and m.author.kind is ActorKind.AGENT for m in thread.messages
    )


def take_turn(
    store: HelpdeskStore, search: ArticleSearch, ticket: Ticket, text: str, locale: Language, now: datetime
) -> Turn:
    """Answer the visitor's latest ``text`` on ``ticket`` if the assistant still has it."""
    if not is_on_duty(ticket, store):
        return Turn()
    words = TEXTS[locale]
    folded = fold(text)
    if ASKED in ticket.tags and not wants_person(text):
        if _YES.search(folded):
            _say(store, ticket, words["glad"], locale, now, add=(RESOLVED,), remove=(ASKED,))
            return Turn(resolved=True, said=True)
        if _NO.search(folded):
            return _hand_off(store, ticket, locale, HandoffReason.NOT_HELPFUL, (), now)
    decision = decide(search, text, locale)
    if decision.reason is not None:
        return _hand_off(store, ticket, locale, decision.reason, (), now)
    _say(store, ticket, decision.answer, locale, now, add=(ASKED,), remove=(RESOLVED,))
    return Turn(articles=decision.articles, said=True)


def _suggestion(hits: list[ArticleHit], locale: Language) -> str:
    words = TEXTS[locale]
    lines = [words["found"], *(f"• {hit.title}: {article_path(hit.locale, hit.id)}" for hit in hits), words["ask"]]
    return "\n".join(lines)


def _hand_off(
    store: HelpdeskStore,
    ticket: Ticket,
    locale: Language,
    reason: HandoffReason,
    articles: tuple[str, ...],
    now: datetime,
) -> Turn:
    words = TEXTS[locale]
    note = words["note"].format(reason=words[reason])
    if articles:
        note += " " + words["suggested"].format(ids=", ".join(articles))
    after = _say(store, ticket, words["handoff"], locale, now, add=(HANDED_OFF,), remove=(ASKED,))
    _write(store, after, note, MessageKind.NOTE, locale, now, add=(), remove=())
    return Turn(articles=articles, handoff=reason, said=True)


def _say(
    store: HelpdeskStore,
    ticket: Ticket,
    text: str,
    locale: Language,
    now: datetime,
    add: tuple[str, ...],
    remove: tuple[str, ...],
) -> Ticket:
    return _write(store, ticket, text, MessageKind.OUTBOUND, locale, now, add, remove)


def _write(
    store: HelpdeskStore,
    ticket: Ticket,
    text: str,
    kind: MessageKind,
    locale: Language,
    now: datetime,
    add: tuple[str, ...],
    remove: tuple[str, ...],
) -> Ticket:
    """One message of the assistant's on the ticket, and its tags moved, at once.
    Its replies need no sending: the live fan-out takes them to the visitor."""
    actor = Actor(kind=ActorKind.BOT, id="assistant", name=ASSISTANT[locale])
    tags = tuple(dict.fromkeys(t for t in (*ticket.tags, *add) if t not in remove))
    after = ticket.model_copy(update={"tags": tags, "updated_at": now, "version": ticket.version + 1})
    message = Message(
        id=new_id(),
        ticket_id=ticket.id,
        kind=kind,
        channel=Channel.CHAT,
        author=actor,
        text=text,
        delivery_status=DeliveryStatus.SENT if kind is MessageKind.OUTBOUND else DeliveryStatus.RECEIVED,
        sent_at=now,
        created_at=now,
    )
    events = []
    if tags != ticket.tags:
        change = FieldChange(field="tags", old=list(ticket.tags), new=list(tags))
        events.append(TicketEvent(id=new_id(), ticket_id=ticket.id, kind=EventKind.UPDATED, actor=actor, at=now,
                                  changes=(change,)))  # fmt: skip
    store.append_message(ticket, after, message, events)
    return after
