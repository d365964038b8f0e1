"""Agents answer tickets; the help desk acknowledges new ones (ARCHITECTURE §3,
flow 3). A reply is stored on the ticket first, then queued for its channel's
sender, which records what became of it."""

import json
from datetime import datetime
from typing import Annotated

from pydantic import ConfigDict, Field

from helpdesk.access import Viewer
from helpdesk.case_status.expectations import answer_expected
from helpdesk.case_status.links import status_link
from helpdesk.channels.meta_messaging.outbound import check_reply_window
from helpdesk.channels.outbound import OutboundQueue, OutboundRequest, outbound_message, text_to_html
from helpdesk.channels.whatsapp.templates import (  # named here too, for the callers that import them from here
    WHATSAPP_WINDOW,
    TemplateChoice,
    template_notice,
    template_text,
)
from helpdesk.clock import new_id, utc_now
from helpdesk.errors import IngestGaveUp, OutsideWindow, TicketClosed, TicketNotFound
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
    Language,
    Message,
    MessageKind,
    Notice,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from helpdesk.retrying import until_saved
from helpdesk.rules.ruleset import RuleEvent
from helpdesk.rules.running import run_rules
from helpdesk.rules.sending import Outbox
from helpdesk.settings import MailSettings, meta_window_settings
from helpdesk.sla.policies import Happened, track
from helpdesk.sla.setup import calendar_zone, current_setup
from helpdesk.store import HelpdeskStore
from helpdesk.tickets import notifications
from helpdesk.tickets.attachments import REPLY_ATTACHMENTS, ReplyAttachment
from helpdesk.tickets.changes import plain_value
from helpdesk.validated import Validated

EmailAddress = Annotated[str, Field(pattern=r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$", max_length=254)]
STATUSES_AFTER_REPLY = (TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.ON_HOLD, TicketStatus.SOLVED)

ACKNOWLEDGMENTS = {
    Language.SPANISH: (
        "Hola{name}:\n\n"
        "Recibimos tu mensaje y abrimos el ticket #{number}. {when}\n"
        "Si quieres agregar algo, responde a este correo.{status}\n\n"
        "{team}"
    ),
    Language.ENGLISH: (
        "Hello{name},\n\n"
        "We received your message and opened ticket #{number}. {when}\n"
        "To add anything, just reply to this email.{status}\n\n"
        "{team}"
    ),
}
PROMISES = {
    Language.SPANISH: ("Te responderemos {when}.", "Te responderemos lo antes posible."),
    Language.ENGLISH: ("We will answer you {when}.", "We will answer as soon as possible."),
}
STATUS_LINE = {
    Language.SPANISH: "\n\nSigue el estado de tu caso aquí: {url}",
    Language.ENGLISH: "\n\nFollow your case's status here: {url}",
}


class ReplyDraft(Validated):
    """Body of ``POST /api/tickets/{id}/replies``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    body: Annotated[str, Field(min_length=1, max_length=65536)]
    template: TemplateChoice | None = None  # WhatsApp, outside the 24-hour window
    cc: Annotated[tuple[EmailAddress, ...], Field(max_length=20)] = ()
    status: TicketStatus | None = None  # what the ticket becomes (default: open)
    attachments: Annotated[tuple[ReplyAttachment, ...], Field(max_length=REPLY_ATTACHMENTS)] = ()


def reply_to_ticket(
    store: HelpdeskStore,
    queue: OutboundQueue,
    ticket_id: str,
    draft: ReplyDraft,
    agent: Actor,
    mail: MailSettings,
    attachments: tuple[Attachment, ...] = (),
) -> Message:
    """Store an agent's public reply (with the files ``attachments.for_reply``
    found for it) and queue it for the ticket's channel."""
    if draft.status is not None and draft.status not in STATUSES_AFTER_REPLY:
        raise TicketClosed(ticket_id)  # closing happens by rule after solving, not by replying
    if draft.template is not None:  # the thread shows what the template sends, not the client's copy
        template = draft.template
        text = template_text(store, template.name, template.language, template.parameters)
        draft = draft.model_copy(update={"body": text}) if text else draft

    def reply() -> Message:
        ticket = _workable(store, ticket_id)
        now = utc_now()
        _check_window(ticket, draft, now)
        message = _outbound(ticket, draft.body, agent, mail).model_copy(update={"attachments": attachments})
        if draft.template is not None:
            message = message.model_copy(update={"notices": (template_notice(draft.template),)})
        status = draft.status or (TicketStatus.OPEN if ticket.status is TicketStatus.NEW else ticket.status)
        cc = tuple(dict.fromkeys((*ticket.cc, *(c.lower() for c in draft.cc))))
        changes: dict[str, object] = {"updated_at": now, "status": status, "cc": cc}
        if ticket.first_response_at is None:
            changes["first_response_at"] = now
        if status is TicketStatus.SOLVED:
            changes["solved_at"] = now
        after = ticket.model_copy(update=changes | {"version": ticket.version + 1}).counting_reopen(ticket)
        if ticket.sla is not None:
            after = after.model_copy(
                update={"sla": track(ticket, after, Happened.AGENT_REPLIED, current_setup(store), now)}
            )
        diffs = [
            FieldChange(field=name, old=plain_value(getattr(ticket, name)), new=plain_value(getattr(after, name)))
            for name in ("status", "cc")
            if getattr(ticket, name) != getattr(after, name)
        ]
        events = [_event(ticket.id, agent, diffs)] if diffs else []
        store.append_message(ticket, after, message, events)  # a customer message or another change may come first
        notice_change(store, ticket, after, now)  # solved late, reopened once too often
        return message

    message = until_saved(reply, give_up=lambda: IngestGaveUp("ticket too busy to reply"))
    queue.enqueue(OutboundRequest(ticket_id=ticket_id, message_id=message.id, sent_at=message.sent_at))
    run_rules(store, RuleEvent.AGENT_REPLY, ticket_id, draft.body, lambda: Outbox(queue, mail))
    return message


def acknowledge_new_ticket(
    store: HelpdeskStore,
    queue: OutboundQueue,
    ticket: Ticket,
    contact: Contact | None,
    mail: MailSettings,
    redelivered: bool = False,
) -> Message | None:
    """The automatic "we got it" mail in the customer's language; it changes
    neither the status nor the first-response time."""
    if not mail.auto_acknowledge or ticket.channel is not Channel.EMAIL:
        return None
    language = contact.language if contact else Language.SPANISH
    first_name = (contact.name.split()[0] if contact and contact.name.strip() else "").strip(",;:")
    now = utc_now()
    when = answer_expected(ticket, contact, calendar_zone(store, ticket), now)
    promise, unknown = PROMISES[language]
    status = ""
    if mail.customer_pages_url:
        status = STATUS_LINE[language].format(url=status_link(store, mail.customer_pages_url, ticket.id, now))
    text = ACKNOWLEDGMENTS[language].format(
        name=f" {first_name}" if first_name else "",
        number=ticket.number,
        team=mail.support_name,
        when=promise.format(when=when) if when else unknown,
        status=status,
    )
    system = Actor(kind=ActorKind.SYSTEM, name=mail.support_name)
    found: list[Message] = []

    def acknowledge() -> Message:
        current = _workable(store, ticket.id)
        # Copies of one mail delivered at once (or a redelivery) all reach this point: the one
        # whose save lands acknowledges; the others, retried on the newer ticket, find its mail
        earlier = _acknowledgment(store, ticket.id) if redelivered or current.version > 1 else None
        if earlier is not None:
            found.append(earlier)
            return earlier
        message = _outbound(current, text, system, mail)
        after = current.model_copy(update={"updated_at": utc_now(), "version": current.version + 1})
        store.append_message(current, after, message, [])
        return message

    try:
        message = until_saved(acknowledge, give_up=lambda: IngestGaveUp("ticket too busy to acknowledge"))
    except IngestGaveUp:
        return None
    if found and message.delivery_status is not DeliveryStatus.QUEUED:
        return message  # acknowledged and sent already
    queue.enqueue(OutboundRequest(ticket_id=ticket.id, message_id=message.id, sent_at=message.sent_at))
    return message


def _acknowledgment(store: HelpdeskStore, ticket_id: str) -> Message | None:
    """The automatic acknowledgment already on a ticket, if any."""
    thread = store.get_thread(ticket_id)
    messages = thread.messages if thread is not None else ()
    return next((m for m in messages if m.kind is MessageKind.OUTBOUND and m.author.kind is ActorKind.SYSTEM), None)


def _check_window(ticket: Ticket, draft: ReplyDraft, now: datetime) -> None:
    check_reply_window(ticket, now, meta_window_settings().human_agent_tag)  # Messenger, Instagram
    if ticket.channel is not Channel.WHATSAPP or draft.template is not None:
        return
    last = ticket.last_customer_message_at
    if last is None or now - last > WHATSAPP_WINDOW:
        raise OutsideWindow(ticket.id)


def template_of(message: Message) -> TemplateChoice | None:
    notice = next((n for n in message.notices if n.key == "template"), None)
    if notice is None:
        return None
    return TemplateChoice(
        name=notice.params["name"],
        language=notice.params["language"],
        parameters=tuple(json.loads(notice.params.get("parameters", "[]"))),
    )


def _workable(store: HelpdeskStore, ticket_id: str) -> Ticket:
    ticket = store.get_ticket(ticket_id)
    if ticket is None:
        raise TicketNotFound(ticket_id)
    if ticket.status is TicketStatus.CLOSED:
        raise TicketClosed(ticket_id)
    return ticket


def _outbound(ticket: Ticket, text: str, author: Actor, mail: MailSettings) -> Message:
    return outbound_message(ticket, text, author, mail.support_domain, utc_now())


def _event(ticket_id: str, actor: Actor, changes: list[FieldChange]) -> TicketEvent:
    return TicketEvent(
        id=new_id(), ticket_id=ticket_id, kind=EventKind.UPDATED, actor=actor, at=utc_now(), changes=tuple(changes)
    )


class NoteDraft(Validated):
    """Body of ``POST /api/tickets/{id}/notes``: an internal note, never sent to
    the customer; ``mentions`` are agent ids the note is addressed to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    body: Annotated[str, Field(min_length=1, max_length=65536)]
    mentions: Annotated[tuple[Annotated[str, Field(min_length=1, max_length=64)], ...], Field(max_length=20)] = ()


def add_note(
    store: HelpdeskStore, ticket_id: str, draft: NoteDraft, agent: Actor, viewer: Viewer | None = None
) -> Message:
    """Add an internal note to a ticket (closed tickets included: notes are
    how agents explain what happened). Mentions name agents that exist. With
    a ``viewer``, their access is checked on the ticket as read here."""
    named = [a for a in (store.get_agent(m) for m in dict.fromkeys(draft.mentions)) if a is not None and a.active]

    def note() -> Message:
        ticket = store.get_ticket(ticket_id)
        if ticket is None:
            raise TicketNotFound(ticket_id)
        if viewer is not None:
            viewer.require_visible(ticket)
        # Only agents who may open the ticket are told of it (a notification shows its subject)
        mentioned = tuple(a.id for a in named if Viewer.of(a).can_see(ticket))
        now = utc_now()
        message = Message(
            id=new_id(),
            ticket_id=ticket.id,
            kind=MessageKind.NOTE,
            channel=ticket.channel,
            author=agent,
            text=draft.body,
            html=text_to_html(draft.body),
            notices=(Notice(key="mentions", params={"agent_ids": ",".join(mentioned)}),) if mentioned else (),
            delivery_status=DeliveryStatus.RECEIVED,
            sent_at=now,
            created_at=now,
        )
        after = ticket.model_copy(update={"updated_at": now, "version": ticket.version + 1})
        store.append_message(ticket, after, message, [], notifications.for_mentions(after, mentioned, agent, now))
        return message

    return until_saved(note, give_up=lambda: IngestGaveUp("ticket too busy to add a note"))
