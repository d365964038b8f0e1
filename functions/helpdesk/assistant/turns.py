"""What the first-line assistant says: before a person takes a conversation,
it suggests up to ``MOST_ARTICLES`` public articles for the customer's question
and asks "¿Te sirvió?" (with buttons where the channel has them). "Sí" resolves
it; the first "no" asks for the question in other words, the second hands the
conversation to people, as does asking for a person ("hablar con una persona",
"asesor", "humano"…), a topic people handle (a disputed charge, ending a
contract, a legal complaint, the follow-up of an open case) or a question no
public article matches. How the answer is worded is an ``AnswerWriter``'s
(``answers``): by default the articles' list (deterministic, offline); a
deployment may have a language model phrase it from the public articles.

It answers only from the public index (``ArticleSearch``, the help center's
``IndexShelf.public``): internal articles do not exist there. Its state is on
the ticket, where agents see it: the tag ``bot-asked`` while it waits for a
yes or no, ``bot-retried`` once an answer did not help, ``bot-resolved`` when
the customer said it helped, and ``bot-handoff`` once people have it, with a
note saying why. It never speaks on a ticket that has an assignee, an agent's
reply, or a handoff. How its words reach the customer is the ``Voice``'s
(``voices``).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from helpdesk.assistant.answers import RETRIEVAL, AnswerWriter, suggestion
from helpdesk.assistant.callbacks import Callbacks, number_in
from helpdesk.assistant.tags import ASKED, BOT_SILENCE, HANDED_OFF, RESOLVED, RETRIED, is_on_duty
from helpdesk.assistant.voices import Voice
from helpdesk.case_status.expectations import customer_time, moment_text, promised_answer
from helpdesk.knowledge.finding import ArticleSearch
from helpdesk.language.analysis import fold
from helpdesk.models import Language, Ticket
from helpdesk.sla.setup import calendar_zone
from helpdesk.store import HelpdeskStore

MOST_ARTICLES = 3
# The ids of the buttons under its question (a reply button's or quick reply's id)
YES, NO, PERSON = "assistant.yes", "assistant.no", "assistant.person"

# Asking for a person, as people type it (accents and case folded first).
_PERSON = re.compile(
    r"\b(persona|humano|humana|asesor|asesora|agente|operador|operadora|ejecutivo|ejecutiva|alguien real"
    r"|person|human|agent|representative|someone real|real person)s?\b"
)
_YES = re.compile(r"^\s*(si+|sip|claro|me sirvio|sirvio|si me sirvio|gracias|listo|yes|yep|it did|thanks)\b")
_NO = re.compile(r"^\s*(no+|nop|no me sirvio|no sirvio|nada que ver|no it did not|not really|nope)\b")


# Topics people handle, whatever the articles say (accents and case folded first):
# a charge the customer disputes, ending a contract, a legal complaint, the
# follow-up of a case already open.
_PEOPLE_ONLY = re.compile(
    r"\b(contracargo|chargeback|desconozco (el|este|un|los|estos) cargos?|no reconozco (el|este|un|los|estos) cargos?"
    r"|disputar? (el|un|este) cargo|cargo no (reconocido|autorizado)|dispute (a|the|this) charge"
    r"|cancelar (mi|el) (contrato|suscripcion|plan|servicio|membresia)|dar de baja (mi|el) (contrato|servicio|plan)"
    r"|cancel (my|the) (subscription|contract|plan|membership)"
    r"|abogad[oa]s?|demanda(r|remos)?|denuncia(r)?|profeco|proteccion al consumidor|defensoria del consumidor"
    r"|libro de reclamaciones|reclamo (formal|legal)|accion legal|lawyer|lawsuit|sue you|legal action"
    r"|(numero|seguimiento) de (mi )?(caso|ticket|reclamo)|mi (caso|ticket|reclamo) (numero|#|no\.?)"
    r"|ya (les )?(escribi|llame|reporte)|sigo esperando (respuesta|que me)|my (case|ticket) number"
    r"|follow(-| )up on my (case|ticket|complaint))"
)


# Asking to be called (accents and case folded first)
_CALLBACK = re.compile(
    r"\b(llamame|llamenme|llameme|me (pueden|puede|podrian|podria|podes|podrias) llamar|(quiero|necesito|prefiero) "
    r"que me llamen|call me( back)?|give me a call|ring me)\b"
)
CALLBACK_ASKED = "bot-callback"  # the assistant asked for the number to call


class HandoffReason(StrEnum):
    ASKED = "asked_for_person"
    NOT_HELPFUL = "not_helpful"
    NO_MATCH = "no_article"
    PEOPLE_ONLY = "people_only_topic"
    CALLBACK = "callback_requested"


TEXTS = {
    Language.SPANISH: {
        "glad": "¡Qué bueno! Si necesitas algo más, escríbenos aquí.",
        "again": "Lo siento. ¿Me cuentas con otras palabras qué necesitas? Si prefieres, escribe «persona».",
        YES: "Sí, me sirvió",
        NO: "No me sirvió",
        PERSON: "Hablar con alguien",
        "handoff": "Te comunico con una persona del equipo: te responderá aquí mismo. Tu mensaje quedó guardado.",
        "handoff_when": "Te comunico con una persona del equipo: te responderá aquí mismo, {when}. "
        "Tu mensaje quedó guardado.",
        "note": "El asistente pasó la conversación a una persona ({reason}).",
        HandoffReason.ASKED: "el cliente pidió una persona",
        HandoffReason.NOT_HELPFUL: "los artículos no le sirvieron",
        HandoffReason.NO_MATCH: "ningún artículo público responde la consulta",
        HandoffReason.CALLBACK: "el cliente pidió que lo llamen",
        "callback_number": "Claro. ¿A qué número te llamamos? Escríbelo con el código de país, p. ej. +502 5555 1234.",
        "callback_done": "Listo: te llamaremos al {number}. Una persona del equipo sigue tu caso aquí mismo.",
        HandoffReason.PEOPLE_ONLY: "el tema lo atiende una persona: un cargo en disputa, una baja, un reclamo legal "
        "o el seguimiento de un caso",
    },
    Language.ENGLISH: {
        "glad": "Great! If you need anything else, write to us here.",
        "again": "Sorry about that. Could you tell me in other words what you need? Or type «person».",
        YES: "Yes, it helped",
        NO: "It didn't help",
        PERSON: "Talk to a person",
        "handoff": "I am passing you to a person on the team: they will answer right here. Your message is saved.",
        "handoff_when": "I am passing you to a person on the team: they will answer right here, {when}. "
        "Your message is saved.",
        "note": "The assistant handed the conversation to a person ({reason}).",
        HandoffReason.ASKED: "the customer asked for a person",
        HandoffReason.NOT_HELPFUL: "the articles did not help",
        HandoffReason.NO_MATCH: "no public article answers the question",
        HandoffReason.CALLBACK: "the customer asked to be called",
        "callback_number": "Sure. Which number should we call? Write it with the country code, e.g. +502 5555 1234.",
        "callback_done": "Done: we will call you at {number}. A person on the team follows your case right here.",
        HandoffReason.PEOPLE_ONLY: "people handle the topic: a disputed charge, a cancellation, a legal complaint "
        "or the follow-up of a case",
    },
}


# Starts the handoff flow for a ticket the assistant gave to people (routes it to
# its group's queue, tells the group, escalates when nobody takes it):
# ``helpdesk.sla.escalation.start_handoff``, as the functions build it.
HandOver = Callable[[Ticket], object]


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


def decide(search: ArticleSearch, text: str, locale: Language, writer: AnswerWriter = RETRIEVAL) -> Decision:
    """The answer to a question: public articles (worded by ``writer``, else
    listed), or a handoff (and why)."""
    words = TEXTS[locale]
    if wants_person(text):
        return Decision(True, (), words["handoff"], 1.0, HandoffReason.ASKED)
    if people_only(text):
        return Decision(True, (), words["handoff"], 1.0, HandoffReason.PEOPLE_ONLY)
    hits = search.find(text, locale, MOST_ARTICLES)[:MOST_ARTICLES]
    if not hits:
        return Decision(True, (), words["handoff"], 0.0, HandoffReason.NO_MATCH)
    best = max(hits[0].score, 0.0)
    confidence = round(best / (best + CONFIDENCE_HALF), 3)
    answer = writer.write(text, hits, locale) or suggestion(hits, locale)
    return Decision(False, tuple(hit.id for hit in hits), answer, confidence)


def wants_person(text: str) -> bool:
    return bool(_PERSON.search(fold(text)))


def wants_callback(text: str) -> bool:
    return bool(_CALLBACK.search(fold(text)))


def people_only(text: str) -> bool:
    return bool(_PEOPLE_ONLY.search(fold(text)))


def choices(locale: Language) -> tuple[tuple[str, str], ...]:
    """The buttons under its question: (id, title), titles within WhatsApp's 20 characters."""
    words = TEXTS[locale]
    return tuple((option, words[option]) for option in (YES, NO, PERSON))


def take_turn(
    store: HelpdeskStore,
    search: ArticleSearch,
    voice: Voice,
    ticket: Ticket,
    text: str,
    locale: Language,
    now: datetime,
    option: str | None = None,
    callbacks: Callbacks | None = None,
    writer: AnswerWriter = RETRIEVAL,
) -> Turn:
    """Answer the customer's latest ``text`` on ``ticket`` (``option``: the
    button they pressed, if any) if the assistant still has it; ``callbacks``:
    how it takes a request to be called; ``writer``, how it words an answer."""
    if not is_on_duty(ticket):
        return Turn()
    words = TEXTS[locale]
    folded = fold(text)
    if callbacks is not None and (wants_callback(text) or CALLBACK_ASKED in ticket.tags):
        return _call_back(store, voice, callbacks, ticket, text, locale, now)
    if option == PERSON:
        return _hand_off(store, voice, ticket, locale, HandoffReason.ASKED, now)
    # A button means what it says whenever it is pressed; typed words answer only a question asked
    waiting = ASKED in ticket.tags
    said_yes = option == YES or (option is None and waiting and _YES.search(folded))
    said_no = option == NO or (option is None and (waiting or RETRIED in ticket.tags) and _NO.search(folded))
    if said_yes and not wants_person(text):
        voice.say(store, ticket, words["glad"], locale, now, add=(RESOLVED,), remove=(ASKED,))
        return Turn(resolved=True, said=True)
    if said_no and not wants_person(text):
        if RETRIED in ticket.tags:
            return _hand_off(store, voice, ticket, locale, HandoffReason.NOT_HELPFUL, now)
        voice.say(store, ticket, words["again"], locale, now, add=(RETRIED,), remove=(ASKED,))
        return Turn(said=True)
    decision = decide(search, text, locale, writer)
    if decision.reason is not None:
        return _hand_off(store, voice, ticket, locale, decision.reason, now)
    # left unanswered, a person follows up (``silence``): the wait is written with the question
    voice.say(store, ticket, decision.answer, locale, now, add=(ASKED,), remove=(RESOLVED,), ask=choices(locale),
              answer_due=now + BOT_SILENCE)  # fmt: skip
    return Turn(articles=decision.articles, said=True)


def _call_back(
    store: HelpdeskStore, voice: Voice, callbacks: Callbacks, ticket: Ticket, text: str, locale: Language, now: datetime
) -> Turn:
    """A request to be called: with a number (written, else the one they write
    from) the call is asked for and people take the conversation; without one
    the assistant asks for it once, then hands over."""
    number = number_in(text) or callbacks.known_number(store, ticket)
    if number is None and CALLBACK_ASKED not in ticket.tags:
        voice.say(store, ticket, TEXTS[locale]["callback_number"], locale, now, add=(CALLBACK_ASKED,), remove=(ASKED,))
        return Turn(said=True)
    if number is None:
        return _hand_off(store, voice, ticket, locale, HandoffReason.CALLBACK, now)
    callbacks.request(store, ticket, number, text)
    said = TEXTS[locale]["callback_done"].format(number=number)
    return _hand_off(store, voice, ticket, locale, HandoffReason.CALLBACK, now, said)


def _answer_expected(store: HelpdeskStore, ticket: Ticket, locale: Language, now: datetime) -> str | None:
    """When people answer, as the ticket's SLA promises it (outside business
    hours: after they are back), in the customer's time zone; None when nothing runs."""
    moment = promised_answer(ticket)
    if moment is None:
        return None
    local = customer_time(store.get_contact(ticket.contact_id), calendar_zone(store, ticket))
    return moment_text(moment, now, local, locale)


def _hand_off(
    store: HelpdeskStore,
    voice: Voice,
    ticket: Ticket,
    locale: Language,
    reason: HandoffReason,
    now: datetime,
    said: str | None = None,
) -> Turn:
    words = TEXTS[locale]
    note = words["note"].format(reason=words[reason])
    if said is None:
        when = _answer_expected(store, ticket, locale, now)
        said = words["handoff_when"].format(when=when) if when else words["handoff"]
    voice.say(store, ticket, said, locale, now, add=(HANDED_OFF,), remove=(ASKED, CALLBACK_ASKED),
              note=note)  # fmt: skip
    return Turn(handoff=reason, said=True)
