"""Ingest: a customer's message from any channel becomes exactly one message on
exactly one ticket (ARCHITECTURE §3, flow 1).

Channels normalize what the provider sent into an ``InboundMessage`` and call
``ingest``. It is idempotent on (channel, channel message id), creates one contact
per identity however many deliveries race, joins the contact's open conversation
on conversational channels, follows thread hints, and reopens a pending or solved
ticket when the customer writes again.

A new ticket on a listed support address or WhatsApp number starts in that
entry's default group, and a new contact first seen there gets its language
(``channels/setup.py``); then the rules run (which may move it again), then
the group's round robin hands out a ticket the rules left in that group.
"""

from dataclasses import dataclass, field, replace
from typing import Annotated

import nh3
from pydantic import AwareDatetime, ConfigDict, Field, field_validator

from helpdesk import verification
from helpdesk.channels.setup import ChannelEntry, current_channels, recipient_key
from helpdesk.clock import new_id, utc_now
from helpdesk.errors import (
    AutomaticMessageWithoutTicket,
    ConversationAlreadyOpen,
    DuplicateChannelMessage,
    IdentityTaken,
    IngestGaveUp,
)
from helpdesk.follow_ups.noticing import notice_change
from helpdesk.models import (
    Actor,
    ActorKind,
    Attachment,
    Channel,
    Contact,
    DeliveryStatus,
    EventKind,
    FieldChange,
    Identity,
    Language,
    Message,
    MessageKind,
    Notice,
    PhoneCall,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from helpdesk.observability import logger
from helpdesk.people.contacts import new_contact, normalize_identity
from helpdesk.retrying import CONFLICTS, until_saved
from helpdesk.rules.ruleset import RuleEvent
from helpdesk.rules.running import run_rules
from helpdesk.rules.sending import OutboxFactory
from helpdesk.sla.policies import Happened, track
from helpdesk.sla.setup import current_setup
from helpdesk.store import HelpdeskStore, IdentityRecord
from helpdesk.surveys.scale import opts_out
from helpdesk.team import assignment
from helpdesk.untrusted import one_line, without_control_characters
from helpdesk.validated import Validated

SUBJECT_FROM_TEXT_LENGTH = 80


class ThreadHints(Validated):
    """What the message itself says about the ticket it belongs to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # E-mail Message-IDs it answers, most relevant first (In-Reply-To, then
    # References newest to oldest).
    replies_to: tuple[str, ...] = ()
    # A ticket named by something only we hand out: our own Message-ID, a reply
    # address token.
    ticket_id: str | None = None
    # A ticket number the customer quoted (e.g. "[#48213]" in a subject): trusted
    # only when the sender is that ticket's contact or copied on it.
    ticket_number: int | None = None


class InboundMessage(Validated):
    """A customer's message as every channel hands it to the help desk."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    channel: Channel
    channel_message_id: Annotated[str, Field(min_length=1, max_length=512)]
    sender: Identity
    sender_name: str | None = None
    sender_picture: Attachment | None = None  # their profile picture, when the channel shared it (kept already)
    sent_at: AwareDatetime
    subject: str | None = None
    text: str = ""
    html: str | None = None
    full_text: str | None = None
    full_html: str | None = None
    attachments: tuple[Attachment, ...] = ()
    original: Attachment | None = None
    notices: tuple[Notice, ...] = ()
    cc: tuple[str, ...] = ()
    # Auto-replies, out-of-office, bulk mail: recorded on the ticket they answer,
    # never reopen it and never open one.
    automatic: bool = False
    thread: ThreadHints = ThreadHints()
    # The id other messages will answer this one by (an e-mail's Message-ID).
    thread_key: str | None = None
    # Where the customer sent it, most telling first (e-mail: the envelope's
    # recipients, then To and Cc; WhatsApp: the business number's
    # phone_number_id): the first one the channel setup lists gives a new
    # ticket its defaults.
    addressed_to: Annotated[tuple[Annotated[str, Field(max_length=320)], ...], Field(max_length=100)] = ()
    # A phone message's call (``channels/phone``): kept on the message, updated as the call goes on.
    call: PhoneCall | None = None

    @field_validator("subject", "sender_name")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        """A customer's control characters are stripped, never refused (``helpdesk.untrusted``)."""
        return None if value is None else one_line(value)

    @field_validator("text", "html", "full_text")
    @classmethod
    def _clean_text(cls, value: str | None) -> str | None:
        return None if value is None else without_control_characters(value)


@dataclass(frozen=True)
class IngestResult:
    ticket: Ticket
    message: Message
    created_ticket: bool = False
    reopened: bool = False
    duplicate: bool = False
    before: Ticket | None = None  # the ticket as this message found it (None: new, or a duplicate)


def ingest(inbound: InboundMessage, store: HelpdeskStore, outbox: OutboxFactory | None = None) -> IngestResult:
    """Store ``inbound`` on its ticket; safe to call again with the same message.
    ``outbox``: where the rules' replies are queued (none: they are not sent)."""
    sender = normalize_identity(inbound.sender)
    try:
        # Another delivery may change the same ticket or contact first: read again.
        result = until_saved(
            lambda: _ingest_once(inbound, sender, store),
            give_up=lambda: IngestGaveUp("too much contention on one conversation"),
            conflicts=(*CONFLICTS, ConversationAlreadyOpen, _IdentityRace),
        )
    except DuplicateChannelMessage:
        result = _duplicate(inbound, store)
        if inbound.thread_key:  # an earlier delivery may have stopped before remembering it
            store.remember_thread_key(inbound.thread_key, result.ticket.id)
        return result
    if inbound.thread_key:
        store.remember_thread_key(inbound.thread_key, result.ticket.id)
    if result.reopened and result.before is not None:  # "sigue igual" on a solved ticket, a third reopen…
        notice_change(store, result.before, result.ticket, result.message.created_at, inbound.text)
    opened_in = result.ticket.group_id if result.created_ticket else None
    if not result.created_ticket and not inbound.automatic:
        verification.answer_with(store, result.ticket, result.message)
    if not inbound.automatic and opts_out(inbound.text or ""):
        # "No quiero encuestas" on any channel: no more surveys (the message stays, a person reads it)
        store.opt_out_of_surveys(result.ticket.contact_id, result.message.sent_at, inbound.channel.value)
    result = _after_rules(inbound, result, store, outbox)
    if opened_in is not None and result.ticket.group_id == opened_in:
        result = _hand_out(result, store)
    logger.info(
        "message ingested",
        extra={
            "ticket_id": result.ticket.id,
            "message_id": result.message.id,
            "channel": inbound.channel.value,
            "created_ticket": result.created_ticket,
            "reopened": result.reopened,
        },
    )
    return result


def _after_rules(
    inbound: InboundMessage, result: IngestResult, store: HelpdeskStore, outbox: OutboxFactory | None
) -> IngestResult:
    """The rules for a new ticket or a customer's message (not an auto-reply),
    run once the message is saved; the ticket as they left it."""
    if inbound.automatic:
        return result
    event = RuleEvent.TICKET_CREATED if result.created_ticket else RuleEvent.CUSTOMER_MESSAGE
    # A new ticket, or a message that did not reopen one, left no status behind.
    outcome = run_rules(
        store, event, result.ticket.id, inbound.text, outbox, saved=result.ticket, status_changed=result.reopened
    )
    if outcome is None or not outcome.steps:
        return result
    return replace(result, ticket=store.get_ticket(result.ticket.id) or result.ticket)


def _hand_out(result: IngestResult, store: HelpdeskStore) -> IngestResult:
    """A new ticket still in the group its channel gave it (the rules did not
    move it; a rule's move hands out through ``update_ticket``): that group's
    round robin, if it has one, hands it out now rather than at the
    assigner's next run. Never stands in the way of intake."""
    ticket = result.ticket
    if not assignment.assignable(ticket):
        return result
    try:
        assigned = assignment.assign_next(store, ticket, utc_now())
    except Exception:  # noqa: BLE001 - the message is saved; the assigner's schedule tries again
        logger.exception("round robin after intake failed", extra={"ticket_id": ticket.id})
        return result
    return replace(result, ticket=assigned) if assigned is not None else result


@dataclass
class _Arrival:
    """The channel entry a message arrived on, read only when a new contact or
    a new ticket needs it (a message on an open ticket reads nothing more)."""

    inbound: InboundMessage
    store: HelpdeskStore
    _entry: ChannelEntry | None = field(default=None, init=False)
    _read: bool = field(default=False, init=False)

    def entry(self) -> ChannelEntry | None:
        if not self._read and self.inbound.addressed_to:
            self._entry = current_channels(self.store).entry_for(self.inbound.channel, self.inbound.addressed_to)
        self._read = True
        return self._entry


class _IdentityRace(Exception):
    """The sender's identity was claimed by a concurrent delivery."""


def _ingest_once(inbound: InboundMessage, sender: Identity, store: HelpdeskStore) -> IngestResult:
    arrival = _Arrival(inbound, store)
    record = store.find_identity(sender)
    if record is None:
        entry = None if inbound.automatic else arrival.entry()
        record = _create_contact(inbound, sender, store, entry.language if entry else None)
    ticket = _ticket_to_join(inbound, sender, record, store)
    if ticket is None or ticket.status is TicketStatus.CLOSED:
        if inbound.automatic:
            raise AutomaticMessageWithoutTicket()
        return _open_ticket(inbound, sender, record, store, arrival.entry())
    return _append(inbound, ticket, record.contact_id, store)


def _create_contact(
    inbound: InboundMessage, sender: Identity, store: HelpdeskStore, language: Language | None = None
) -> IdentityRecord:
    """A contact for a new sender; ``language``: the channel entry's, which
    a contact first seen there speaks (else guessed from their number)."""
    contact = new_contact(sender, inbound.sender_name)
    if inbound.sender_picture is not None:
        contact = contact.model_copy(update={"picture": inbound.sender_picture})
    if language is not None:
        contact = contact.model_copy(update={"language": language})
    while True:
        try:
            store.create_contact(contact)
            return IdentityRecord(contact_id=contact.id, open_tickets={})
        except IdentityTaken as taken:
            if (taken.kind, taken.value) == (sender.kind.value, sender.value):
                raise _IdentityRace() from taken
            # A secondary identity (the phone behind a WhatsApp id) belongs to
            # someone else already: keep the contact without it.
            contact = _without_identity(contact, taken.kind, taken.value)


def _without_identity(contact: Contact, kind: str, value: str) -> Contact:
    kept = tuple(i for i in contact.identities if (i.kind.value, i.value) != (kind, value))
    return contact.model_copy(update={"identities": kept})


def _ticket_to_join(
    inbound: InboundMessage, sender: Identity, record: IdentityRecord, store: HelpdeskStore
) -> Ticket | None:
    """The ticket this message continues, if any (a merged ticket's successor)."""
    ticket = _named_ticket(inbound, sender, record, store)
    for _ in range(5):  # merges chain rarely; never follow a loop forever
        if ticket is None or ticket.merged_into is None:
            break
        ticket = store.get_ticket(ticket.merged_into)
    return ticket


def _named_ticket(
    inbound: InboundMessage, sender: Identity, record: IdentityRecord, store: HelpdeskStore
) -> Ticket | None:
    """Named by something we handed out, by the thread it answers, by a ticket
    number its sender may quote, or by the contact's open conversation."""
    if inbound.thread.ticket_id and (ticket := store.get_ticket(inbound.thread.ticket_id)):
        return ticket
    if inbound.thread.replies_to:
        ticket_id = store.find_ticket_id_by_thread(inbound.thread.replies_to)
        if ticket_id and (ticket := store.get_ticket(ticket_id)):
            return ticket
    if inbound.thread.ticket_number is not None:
        ticket_id = store.find_ticket_id_by_number(inbound.thread.ticket_number)
        ticket = store.get_ticket(ticket_id) if ticket_id else None
        if ticket is not None and (ticket.contact_id == record.contact_id or sender.value in ticket.cc):
            return ticket
    if not inbound.channel.joins_open_conversation:
        return None
    hinted = record.open_tickets.get(inbound.channel.value)
    if hinted:
        ticket = store.get_ticket(hinted)
        if ticket and ticket.contact_id == record.contact_id and ticket.status is not TicketStatus.CLOSED:
            return ticket
    open_id = store.find_open_ticket_id(record.contact_id, inbound.channel)
    ticket = store.get_ticket(open_id) if open_id else None
    if ticket is not None and ticket.status is TicketStatus.CLOSED:
        # A pointer left behind by a close that could not remove it: heal it.
        store.end_conversation(record.contact_id, inbound.channel, ticket.id)
        return None
    return ticket


def _customer(record_contact_id: str, inbound: InboundMessage) -> Actor:
    return Actor(kind=ActorKind.CONTACT, id=record_contact_id, name=inbound.sender_name or "")


def _message(inbound: InboundMessage, ticket_id: str, contact_id: str) -> Message:
    return Message(
        id=new_id(),
        ticket_id=ticket_id,
        kind=MessageKind.INBOUND,
        channel=inbound.channel,
        author=_customer(contact_id, inbound),
        text=inbound.text,
        html=sanitize_html(inbound.html) if inbound.html else None,
        full_text=inbound.full_text,
        full_html=sanitize_html(inbound.full_html) if inbound.full_html else None,
        attachments=inbound.attachments,
        original=inbound.original,
        notices=inbound.notices,
        channel_message_id=inbound.channel_message_id,
        thread_key=inbound.thread_key,
        delivery_status=DeliveryStatus.RECEIVED,
        sent_at=inbound.sent_at,
        created_at=utc_now(),
        call=inbound.call,
    )


def _open_ticket(
    inbound: InboundMessage,
    sender: Identity,
    record: IdentityRecord,
    store: HelpdeskStore,
    entry: ChannelEntry | None = None,
) -> IngestResult:
    """A new ticket; on a listed channel ``entry``, in its default group (set
    here, before the rules and the SLA policy look at the ticket)."""
    now = utc_now()
    ticket = Ticket(
        id=new_id(),
        number=store.next_ticket_number(),
        subject=_subject(inbound),
        status=TicketStatus.NEW,
        channel=inbound.channel,
        contact_id=record.contact_id,
        cc=inbound.cc,
        group_id=entry.default_group_id if entry else None,
        recipient=recipient_key(entry) if entry else None,
        created_at=now,
        updated_at=now,
        last_customer_message_at=inbound.sent_at,
    )
    setup = current_setup(store)
    if setup.policies:
        contact = store.get_contact(record.contact_id) if setup.need_contact else None
        ticket = ticket.model_copy(update={"sla": track(None, ticket, Happened.CREATED, setup, now, contact)})
    message = _message(inbound, ticket.id, record.contact_id)
    created = TicketEvent(
        id=new_id(),
        ticket_id=ticket.id,
        kind=EventKind.CREATED,
        actor=_customer(record.contact_id, inbound),
        at=now,
        changes=(
            FieldChange(field="status", new=ticket.status.value),
            FieldChange(field="priority", new=ticket.priority.value),
            FieldChange(field="channel", new=ticket.channel.value),
            *((FieldChange(field="group_id", new=ticket.group_id),) if ticket.group_id else ()),
        ),
    )
    store.open_ticket(
        ticket,
        message,
        [created],
        sender=sender,
        sender_record=record,
        open_conversation=inbound.channel.joins_open_conversation,
    )
    return IngestResult(ticket=ticket, message=message, created_ticket=True)


def _append(inbound: InboundMessage, ticket: Ticket, contact_id: str, store: HelpdeskStore) -> IngestResult:
    now = utc_now()
    reopen = ticket.status.reopens_on_customer_message and not inbound.automatic
    last_customer = max(filter(None, (ticket.last_customer_message_at, inbound.sent_at)))
    changes: dict[str, object] = {"updated_at": now, "last_customer_message_at": last_customer}
    events = []
    if reopen:
        changes["status"] = TicketStatus.OPEN
        events.append(
            TicketEvent(
                id=new_id(),
                ticket_id=ticket.id,
                kind=EventKind.REOPENED,
                actor=_customer(contact_id, inbound),
                at=now,
                changes=(FieldChange(field="status", old=ticket.status.value, new=TicketStatus.OPEN.value),),
            )
        )
    after = ticket.model_copy(update=changes | {"version": ticket.version + 1}).counting_reopen(ticket)
    if ticket.sla is not None and not inbound.automatic:
        after = after.model_copy(
            update={"sla": track(ticket, after, Happened.CUSTOMER_WROTE, current_setup(store), now)}
        )
    message = _message(inbound, ticket.id, contact_id)
    store.append_message(ticket, after, message, events)
    return IngestResult(ticket=after, message=message, reopened=reopen, before=ticket)


def _duplicate(inbound: InboundMessage, store: HelpdeskStore) -> IngestResult:
    message = store.find_channel_message(inbound.channel, inbound.channel_message_id)
    ticket = store.get_ticket(message.ticket_id) if message else None
    if message is None or ticket is None:  # pragma: no cover - pointer written with the message
        raise IngestGaveUp("duplicate without its message")
    logger.info("duplicate delivery ignored", extra={"ticket_id": ticket.id, "message_id": message.id})
    return IngestResult(ticket=ticket, message=message, duplicate=True)


def _subject(inbound: InboundMessage) -> str:
    if inbound.subject and inbound.subject.strip():
        return inbound.subject.strip()[:250]
    first_line = next((line.strip() for line in inbound.text.splitlines() if line.strip()), "")
    if len(first_line) > SUBJECT_FROM_TEXT_LENGTH:
        return first_line[: SUBJECT_FROM_TEXT_LENGTH - 1].rstrip() + "…"
    return first_line


ATTACHMENT_URL_PREFIX = "/api/attachments/"


def sanitize_html(html: str) -> str:
    """HTML safe to show an agent: an allow-list of tags and attributes (no
    scripts, styles, event handlers or ``javascript:`` URLs), and images only from
    our own stored attachments, so no remote tracker learns an agent opened it."""
    return nh3.clean(
        html,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_only_our_images,
    )


def _only_our_images(element: str, attribute: str, value: str) -> str | None:
    if attribute in ("src", "srcset") and not value.startswith(ATTACHMENT_URL_PREFIX):
        return None
    return value
