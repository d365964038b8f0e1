"""How the assistant's words reach the customer: one message on the ticket,
written with the ticket's new tags in one transaction, then carried by the
ticket's channel.

- The web chat (``Voice()``, no queue): the message is stored as sent, and the
  live fan-out takes it to the widget (which draws its own buttons under a
  question: ``ChatLine.ask``).
- WhatsApp, Messenger, Instagram (``Voice(queue)``): the message is stored
  queued and handed to the outbound queue, as an agent's reply is; a question
  carries its buttons (``interactive_notice``: WhatsApp reply buttons, Meta
  quick replies). A delivery of the customer's message that comes again after
  the message was stored but not queued queues it then (``queue_unsent``).
"""

from dataclasses import dataclass
from datetime import datetime

from helpdesk.channels.interactive import interactive_notice
from helpdesk.channels.outbound import OutboundQueue, OutboundRequest, text_to_html
from helpdesk.clock import new_id
from helpdesk.models import (
    Actor,
    ActorKind,
    DeliveryStatus,
    EventKind,
    FieldChange,
    Language,
    Message,
    MessageKind,
    Ticket,
    TicketEvent,
    TicketThread,
)
from helpdesk.store import HelpdeskStore

ASSISTANT = {Language.SPANISH: "Asistente", Language.ENGLISH: "Assistant"}
ASSISTANT_ID = "assistant"


def assistant_actor(locale: Language) -> Actor:
    return Actor(kind=ActorKind.BOT, id=ASSISTANT_ID, name=ASSISTANT[locale])


@dataclass(frozen=True)
class Voice:
    queue: OutboundQueue | None = None  # None: the live fan-out carries the message (web chat)

    def say(
        self,
        store: HelpdeskStore,
        ticket: Ticket,
        text: str,
        locale: Language,
        now: datetime,
        add: tuple[str, ...] = (),
        remove: tuple[str, ...] = (),
        ask: tuple[tuple[str, str], ...] = (),
        note: str | None = None,
        answer_due: datetime | None = None,
    ) -> Ticket:
        """Say ``text`` to the customer (``ask``: the buttons under a question;
        ``note``: an internal note for the agents, written with it;
        ``answer_due``: when a question left unanswered goes to a person, kept
        with it); the ticket as saved."""
        after, message = _write(store, ticket, text, locale, now, add, remove, ask, self.queued, note, answer_due)
        if self.queue is not None:
            self.queue.enqueue(OutboundRequest(ticket_id=ticket.id, message_id=message.id, sent_at=message.sent_at))
        return after

    @property
    def queued(self) -> bool:
        return self.queue is not None


def queue_unsent(thread: TicketThread, since: datetime, queue: OutboundQueue) -> int:
    """Queue the assistant's messages stored from ``since`` on that still wait
    to be queued (a delivery that failed between storing and queueing them);
    queueing one twice sends it once (the sender takes only what is still queued)."""
    waiting = [
        m
        for m in thread.messages
        if m.author.id == ASSISTANT_ID
        and m.kind is MessageKind.OUTBOUND
        and m.delivery_status is DeliveryStatus.QUEUED
        and m.created_at >= since
    ]
    for message in waiting:
        queue.enqueue(OutboundRequest(ticket_id=thread.ticket.id, message_id=message.id, sent_at=message.sent_at))
    return len(waiting)


def _write(
    store: HelpdeskStore,
    ticket: Ticket,
    text: str,
    locale: Language,
    now: datetime,
    add: tuple[str, ...],
    remove: tuple[str, ...],
    ask: tuple[tuple[str, str], ...],
    queued: bool,
    note: str | None,
    answer_due: datetime | None = None,
) -> tuple[Ticket, Message]:
    actor = assistant_actor(locale)
    tags = tuple(dict.fromkeys(t for t in (*ticket.tags, *add) if t not in remove))
    after = ticket.model_copy(update={"tags": tags, "updated_at": now, "version": ticket.version + 1})
    message = Message(
        id=new_id(),
        ticket_id=ticket.id,
        kind=MessageKind.OUTBOUND,
        channel=ticket.channel,
        author=actor,
        text=text,
        html=text_to_html(text) if queued else None,
        notices=(interactive_notice("buttons", ask),) if ask and queued else (),
        delivery_status=DeliveryStatus.QUEUED if queued else DeliveryStatus.SENT,
        sent_at=now,
        created_at=now,
    )
    notes = []
    if note is not None:
        internal = {"kind": MessageKind.NOTE, "text": note, "html": None, "notices": ()}
        notes.append(message.model_copy(update=internal | {"id": new_id(), "delivery_status": DeliveryStatus.RECEIVED}))
    events = []
    if tags != ticket.tags:
        change = FieldChange(field="tags", old=list(ticket.tags), new=list(tags))
        events.append(TicketEvent(id=new_id(), ticket_id=ticket.id, kind=EventKind.UPDATED, actor=actor, at=now,
                                  changes=(change,)))  # fmt: skip
    store.append_message(ticket, after, message, events, notes=notes, question_due=answer_due)
    return after, message
