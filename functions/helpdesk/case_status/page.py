"""A case's status page, as its customer sees it from a signed link: the
ticket's number and subject, its status in plain words, the expected next
step, and the public thread (the customer's messages and the team's replies;
never an internal note, an event or who handled it internally). A light HTML
page without JavaScript, in the customer's language and time zone."""

from dataclasses import dataclass
from datetime import datetime

from helpdesk.case_status.expectations import LocalTime, customer_time, moment_text, promised_answer
from helpdesk.case_status.links import LinkProblem, LinkRefused, open_status_link
from helpdesk.models import ActorKind, Contact, Language, Message, MessageKind, Ticket, TicketStatus
from helpdesk.sla.setup import current_setup
from helpdesk.store import HelpdeskStore

STATUS_WORDS = {
    Language.SPANISH: {
        TicketStatus.NEW: "Recibido",
        TicketStatus.OPEN: "En atención",
        TicketStatus.PENDING: "Esperando tu respuesta",
        TicketStatus.ON_HOLD: "En espera de un tercero",
        TicketStatus.SOLVED: "Resuelto",
        TicketStatus.CLOSED: "Cerrado",
    },
    Language.ENGLISH: {
        TicketStatus.NEW: "Received",
        TicketStatus.OPEN: "Being handled",
        TicketStatus.PENDING: "Waiting for your answer",
        TicketStatus.ON_HOLD: "Waiting on a third party",
        TicketStatus.SOLVED: "Solved",
        TicketStatus.CLOSED: "Closed",
    },
}
TEXTS = {
    Language.SPANISH: {
        "title": "Estado de tu caso",
        "ticket": "Ticket",
        "status": "Estado",
        "next": "Siguiente paso",
        "thread": "Conversación",
        "you": "Tú",
        "team": "Equipo de soporte",
        "answer_by": "Nuestro equipo te responderá {when}.",
        "answer_soon": "Nuestro equipo lo está revisando y te responderá lo antes posible.",
        "waiting_you": "Necesitamos tu respuesta para continuar: responde a nuestro último mensaje.",
        "on_hold": "Esperamos la respuesta de un tercero; te avisaremos en cuanto la tengamos.",
        "solved": "Lo dimos por resuelto. Si no es así, responde a nuestro último mensaje y lo reabriremos.",
        "closed": "Este caso está cerrado. Si necesitas algo más, escríbenos de nuevo.",
        "times": "Horas en {label}.",
    },
    Language.ENGLISH: {
        "title": "Your case's status",
        "ticket": "Ticket",
        "status": "Status",
        "next": "Next step",
        "thread": "Conversation",
        "you": "You",
        "team": "Support team",
        "answer_by": "Our team will answer you {when}.",
        "answer_soon": "Our team is looking into it and will answer as soon as possible.",
        "waiting_you": "We need your answer to go on: reply to our last message.",
        "on_hold": "We are waiting on a third party; we will let you know as soon as we hear back.",
        "solved": "We marked it solved. If it is not, reply to our last message and we will reopen it.",
        "closed": "This case is closed. If you need anything else, write to us again.",
        "times": "Times in {label}.",
    },
}
REFUSALS = {
    LinkProblem.TAMPERED: (
        "Este enlace no es válido. Revisa que lo copiaste completo.",
        "This link is not valid. Check that you copied all of it.",
    ),
    LinkProblem.EXPIRED: (
        "Este enlace ya venció. Responde a nuestro último correo y te enviaremos uno nuevo.",
        "This link has expired. Reply to our last email and we will send you a new one.",
    ),
    LinkProblem.REVOKED: (
        "Este enlace fue desactivado. Responde a nuestro último correo y te enviaremos uno nuevo.",
        "This link was turned off. Reply to our last email and we will send you a new one.",
    ),
}
PUBLIC_KINDS = (MessageKind.INBOUND, MessageKind.OUTBOUND)


@dataclass(frozen=True)
class PublicMessage:
    from_customer: bool
    author: str
    sent_at: datetime
    text: str


@dataclass(frozen=True)
class CaseStatus:
    """What the status page shows, and nothing else."""

    number: int
    subject: str
    status: TicketStatus
    next_step: str
    language: Language
    local: LocalTime
    thread: tuple[PublicMessage, ...]


def next_step(ticket: Ticket, contact: Contact | None, local: LocalTime, now: datetime) -> str:
    language = contact.language if contact else Language.SPANISH
    texts = TEXTS[language]
    if ticket.status is TicketStatus.PENDING:
        return texts["waiting_you"]
    if ticket.status is TicketStatus.ON_HOLD:
        return texts["on_hold"]
    if ticket.status is TicketStatus.SOLVED:
        return texts["solved"]
    if ticket.status is TicketStatus.CLOSED:
        return texts["closed"]
    moment = promised_answer(ticket)
    if moment is None or moment <= now:
        return texts["answer_soon"]
    return texts["answer_by"].format(when=moment_text(moment, now, local, language))


def _public(message: Message, team: str, you: str) -> PublicMessage:
    from_customer = message.kind is MessageKind.INBOUND
    if from_customer:
        author = you
    elif message.author.kind is ActorKind.AGENT and message.author.name.strip():
        author = message.author.name.split()[0]  # the first name only, as the replies sign
    else:
        author = team
    return PublicMessage(from_customer, author, message.sent_at, message.text)


def case_status(store: HelpdeskStore, token: str, now: datetime) -> CaseStatus:
    """The case a status link opens; ``LinkRefused`` for a bad, expired or
    revoked link (and for a ticket that is gone: the link says nothing of why)."""
    link = open_status_link(store, token, now)
    thread = store.get_thread(link.ticket_id)
    if thread is None:
        raise LinkRefused(LinkProblem.REVOKED)
    ticket = thread.ticket
    contact = thread.contact
    if contact is not None and contact.erased_at is not None:
        raise LinkRefused(LinkProblem.REVOKED)
    language = contact.language if contact else Language.SPANISH
    calendar_zone = None
    if ticket.sla is not None and ticket.sla.calendar_id:
        calendar_zone = current_setup(store).calendar(ticket.sla.calendar_id).time_zone
    local = customer_time(contact, calendar_zone)
    texts = TEXTS[language]
    messages = tuple(_public(m, texts["team"], texts["you"]) for m in thread.messages if m.kind in PUBLIC_KINDS)
    return CaseStatus(
        number=ticket.number,
        subject=ticket.subject,
        status=ticket.status,
        next_step=next_step(ticket, contact, local, now),
        language=language,
        local=local,
        thread=messages,
    )
