"""What rules tell people: a notification in the console for agents or a
group (``notify_agents``, ``notify_group``), and a reply to the customer on the
ticket's channel (``send_reply``: a macro's reply or a text).

Both go through the paths people's actions take: a notification is written in
the same transaction as the history entry that names the rule, and a reply is
stored on the ticket as a queued outbound message and queued for the
channel's sender (like the acknowledgment of a new ticket: it changes neither
the status nor the first-response time). On WhatsApp, outside the customer's
24-hour window, a reply goes only as the rule's approved template; without
one it is not sent, and the history says why.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from helpdesk.access import Viewer
from helpdesk.channels.email.thread_keys import our_message_id
from helpdesk.channels.outbound import OutboundQueue, OutboundRequest, text_to_html
from helpdesk.channels.whatsapp.templates import (
    WHATSAPP_WINDOW,
    TemplateChoice,
    UnknownTemplate,
    template_notice,
    template_text,
)
from helpdesk.clock import new_id, utc_now
from helpdesk.errors import IngestGaveUp
from helpdesk.models import (
    Actor,
    ActorKind,
    Channel,
    DeliveryStatus,
    EventKind,
    FieldChange,
    Message,
    MessageKind,
    Notice,
    Notification,
    NotificationKind,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from helpdesk.observability import logger
from helpdesk.retrying import until_saved
from helpdesk.rules.ruleset import Action, ActionKind
from helpdesk.settings import MailSettings
from helpdesk.store import HelpdeskStore
from helpdesk.tickets.placeholders import render

NOTIFIED = "rule_notified"  # history fields a rule's messages write
REPLIED = "rule_reply"
SKIPPED = "rule_reply_skipped"
WEBHOOK_CALLED = "rule_webhook"


class SkipReason(StrEnum):
    """Why a rule's reply was not sent (the history's value; the console names it)."""

    OUTSIDE_WINDOW = "outside_whatsapp_window"  # no template on the rule
    TEMPLATE_NOT_APPROVED = "template_not_approved"
    EMPTY_MACRO = "macro_without_reply"
    TICKET_CLOSED = "ticket_closed"


@dataclass(frozen=True)
class Outbox:
    """Where a rule's reply is queued, and how outbound mail is named."""

    queue: OutboundQueue
    mail: MailSettings


@dataclass(frozen=True)
class Sender:
    """The rule that sends, as the history and the thread name it."""

    rule_id: str
    rule_name: str

    @property
    def actor(self) -> Actor:
        return Actor(kind=ActorKind.RULE, id=self.rule_id, name=self.rule_name)


# The outbox, built when a rule replies (the handler that runs the rules knows it)
OutboxFactory = Callable[[], Outbox]


def take(store: HelpdeskStore, ticket_id: str, sender: Sender, action: Action, outbox: OutboxFactory | None) -> None:
    if action.kind is ActionKind.SEND_REPLY:
        if outbox is None:
            logger.warning("rule reply not sent: no outbound queue here", extra={"ticket_id": ticket_id})
            return
        send_reply(store, ticket_id, sender, action, outbox)
    elif action.kind is ActionKind.CALL_WEBHOOK:
        call_webhook(store, ticket_id, sender, action)
    else:
        notify(store, ticket_id, sender, action)


def call_webhook(store: HelpdeskStore, ticket_id: str, sender: Sender, action: Action) -> None:
    """Note in the history that the rule calls the endpoint: the webhook events
    function reads that entry from the table's stream and queues the delivery
    (so every function that runs rules needs no webhook queue of its own)."""

    def save() -> None:
        ticket = _ticket(store, ticket_id)
        now = utc_now()
        called = TicketEvent(
            id=new_id(),
            ticket_id=ticket.id,
            kind=EventKind.WEBHOOK_CALLED,
            actor=sender.actor,
            at=now,
            changes=(FieldChange(field=WEBHOOK_CALLED, new=action.value),),
        )
        store.save_ticket(ticket, _touched(ticket, now), [called])

    until_saved(save, give_up=lambda: IngestGaveUp("ticket too busy to call a webhook"))


def notify(store: HelpdeskStore, ticket_id: str, sender: Sender, action: Action) -> list[str]:
    """Notify the action's agents (or its group's active agents) who may see
    the ticket; the history names them under the rule. Their ids."""
    if action.kind is ActionKind.NOTIFY_GROUP:
        agents = [a for a in store.list_agents() if action.value in a.group_ids]
    else:
        agents = [a for a in (store.get_agent(agent_id) for agent_id in dict.fromkeys(action.values)) if a]
    told: list[str] = []

    def save() -> None:
        ticket = _ticket(store, ticket_id)
        reached = [a for a in agents if a.active and Viewer.of(a).can_see(ticket)]
        told[:] = [a.id for a in reached]
        if not reached:
            return
        now = utc_now()
        notes = [_notification(agent.id, ticket, sender.actor, now) for agent in reached]
        change = FieldChange(field=NOTIFIED, new=", ".join(a.name or a.id for a in reached))
        store.save_ticket(ticket, _touched(ticket, now), [_event(ticket.id, sender, change, now)], notes)

    until_saved(save, give_up=lambda: IngestGaveUp("ticket too busy to notify"))
    if not told:
        logger.info("rule notified nobody", extra={"ticket_id": ticket_id, "rule_id": sender.rule_id})
    return told


def send_reply(
    store: HelpdeskStore, ticket_id: str, sender: Sender, action: Action, outbox: OutboxFactory
) -> Message | None:
    """Queue the action's reply for the ticket's channel, or note in the
    history why it was not sent. The message, if one was queued."""
    box = outbox()
    text = action.text or ""
    if action.macro_id is not None:  # a macro removed since: nothing to send, said in the history
        text = str((store.get_macro(action.macro_id) or {}).get("reply", ""))
    queued: list[Message] = []

    def save() -> None:
        queued.clear()
        ticket = _ticket(store, ticket_id)
        now = utc_now()
        reason, body, notices = _what_to_send(store, ticket, text, action, box, now)
        if reason is not None:
            change = FieldChange(field=SKIPPED, new=reason.value)
            store.save_ticket(ticket, _touched(ticket, now), [_event(ticket.id, sender, change, now)])
            return
        message = _outbound(ticket, body, sender.actor, box.mail, now).model_copy(update={"notices": notices})
        template = action.template.name if notices and action.template else None
        change = FieldChange(field=REPLIED, new=action.macro_id or template or "text")
        store.append_message(ticket, _touched(ticket, now), message, [_event(ticket.id, sender, change, now)])
        queued.append(message)

    until_saved(save, give_up=lambda: IngestGaveUp("ticket too busy to reply"))
    if not queued:
        logger.info("rule reply not sent", extra={"ticket_id": ticket_id, "rule_id": sender.rule_id})
        return None
    message = queued[0]
    box.queue.enqueue(OutboundRequest(ticket_id=ticket_id, message_id=message.id, sent_at=message.sent_at))
    return message


def outside_window(ticket: Ticket, at: datetime) -> bool:
    """Whether a free-form WhatsApp message to the customer would break the 24-hour window."""
    if ticket.channel is not Channel.WHATSAPP:
        return False
    last = ticket.last_customer_message_at
    return last is None or at - last > WHATSAPP_WINDOW


def _what_to_send(
    store: HelpdeskStore, ticket: Ticket, text: str, action: Action, box: Outbox, now: datetime
) -> tuple[SkipReason | None, str, tuple[Notice, ...]]:
    if ticket.status is TicketStatus.CLOSED:
        return SkipReason.TICKET_CLOSED, "", ()
    if not text.strip():
        return SkipReason.EMPTY_MACRO, "", ()
    contact = store.get_contact(ticket.contact_id)
    signer = Actor(kind=ActorKind.SYSTEM, name=box.mail.support_name)  # {{agent.name}}: the team
    if not outside_window(ticket, now):
        return None, render(text, ticket, contact, signer), ()
    if action.template is None:
        return SkipReason.OUTSIDE_WINDOW, "", ()
    template = action.template
    parameters = tuple(render(p, ticket, contact, signer) for p in template.parameters)
    try:
        body = template_text(store, template.name, template.language, parameters)
    except UnknownTemplate:
        return SkipReason.TEMPLATE_NOT_APPROVED, "", ()
    choice = TemplateChoice(name=template.name, language=template.language, parameters=parameters)
    return None, body or render(text, ticket, contact, signer), (template_notice(choice),)


def _ticket(store: HelpdeskStore, ticket_id: str) -> Ticket:
    ticket = store.get_ticket(ticket_id)
    if ticket is None:
        raise LookupError(ticket_id)
    return ticket


def _touched(ticket: Ticket, now: datetime) -> Ticket:
    return ticket.model_copy(update={"updated_at": now, "version": ticket.version + 1})


def _event(ticket_id: str, sender: Sender, change: FieldChange, at: datetime) -> TicketEvent:
    return TicketEvent(
        id=new_id(), ticket_id=ticket_id, kind=EventKind.UPDATED, actor=sender.actor, at=at, changes=(change,)
    )


def _notification(agent_id: str, ticket: Ticket, actor: Actor, at: datetime) -> Notification:
    return Notification(
        id=new_id(),
        agent_id=agent_id,
        kind=NotificationKind.RULE,
        ticket_id=ticket.id,
        ticket_number=ticket.number,
        subject=ticket.subject,
        actor=actor,
        at=at,
    )


def _outbound(ticket: Ticket, text: str, author: Actor, mail: MailSettings, now: datetime) -> Message:
    message_id = new_id()
    rfc_id = our_message_id(message_id, ticket.id, mail.support_domain) if ticket.channel is Channel.EMAIL else None
    return Message(
        id=message_id,
        ticket_id=ticket.id,
        kind=MessageKind.OUTBOUND,
        channel=ticket.channel,
        author=author,
        text=text,
        html=text_to_html(text),
        channel_message_id=rfc_id,
        thread_key=rfc_id,
        delivery_status=DeliveryStatus.QUEUED,
        sent_at=now,
        created_at=now,
    )
