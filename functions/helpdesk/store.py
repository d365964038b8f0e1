"""The help desk table (ARCHITECTURE §2): the only module that imports PynamoDB.

One DynamoDB table holds every entity. Each item's keys come from one template
below; callers get and give domain models (``helpdesk.models``), never items.

| item                 | PK                          | SK                    |
|----------------------|-----------------------------|-----------------------|
| ticket               | ``TICKET#<id>``             | ``META``              |
| message              | ``TICKET#<id>``             | ``MSG#<sent>#<id>``   |
| ticket event         | ``TICKET#<id>``             | ``EVT#<at>#<id>``     |
| contact              | ``CONTACT#<id>``            | ``META``              |
| open conversation    | ``CONTACT#<id>``            | ``OPEN#<channel>``    |
| identity             | ``IDENT#<kind>#<value>``    | ``IDENT``             |
| e-mail thread key    | ``THREAD#<Message-ID>``     | ``THREAD``            |
| channel message id   | ``CHMSG#<channel>#<id>``    | ``CHMSG``             |
| ticket number        | ``TICKETNUM#<n>``           | ``TICKETNUM``         |
| ticket counter       | ``COUNTER#ticket_number``   | ``COUNTER``           |
| agent / group        | ``AGENT#<id>`` / ``GROUP#<id>`` | ``META``          |
| SLA breach           | ``TICKET#<id>``             | ``BREACH#<breach id>``|
| SLA setup            | ``CONFIG#sla``              | ``META``              |
| checker checkpoint   | ``CHECKPOINT#<name>``       | ``CHECKPOINT``        |
| agent notification   | ``AGENT#<id>``              | ``NOTIF#<at>#<id>``   |
| audit log entry      | ``AUDIT#<yyyy-mm>``         | ``<at>#<id>``         |
| other settings       | ``CONFIG#<name>``           | ``META``              |
| notifications read   | ``AGENT#<id>``              | ``NOTIFREAD``         |
| presence on a ticket | ``TICKET#<id>``             | ``PRESENCE#<agent>``  |
| agent's open load    | ``AGENT#<id>``              | ``LOAD``              |
| agent online         | ``AGENT#<id>``              | ``ONLINE``            |
| group's round robin  | ``GROUP#<id>``              | ``ROUND_ROBIN``       |
| word in a subject    | ``WORD#<word>``             | ``T#<created>#<id>``  |
| word in a name       | ``WORD#<word>``             | ``C#<contact id>``    |

Indexes (all projections ALL): ``by_status`` (status → updated), ``by_group``
(group + status → updated), ``by_assignee`` (assignee or ``-`` + status →
updated), ``by_contact`` (contact → created) and the sparse ``by_due_minute``
(minute bucket → due time) that the SLA checker and survey sender read: a
ticket with a running SLA timer sits in the bucket of the minute its next
warning or breach is due, and in no bucket otherwise.
"""

import base64
import binascii
import heapq
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, NamedTuple

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.connection import Connection
from pynamodb.exceptions import DeleteError, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from helpdesk.clock import sortable
from helpdesk.errors import (
    AgentAtCapacity,
    ConcurrentWrite,
    ConversationAlreadyOpen,
    DuplicateChannelMessage,
    IdentityTaken,
    InvalidCursor,
    StaleContact,
    StaleTicket,
)
from helpdesk.models import (
    Actor,
    Agent,
    Attachment,
    AuditEntry,
    Channel,
    Contact,
    DeliveryStatus,
    FieldChange,
    Group,
    GroupAssignment,
    Identity,
    Message,
    Notice,
    Notification,
    Presence,
    SetAside,
    SlaBreach,
    Ticket,
    TicketEvent,
    TicketSla,
    TicketStatus,
    TicketThread,
)
from helpdesk.settings import StoreSettings
from helpdesk.sla.policies import SlaSetup, breach_id, newly_met_breaches
from helpdesk.text_index import index_words


class IndexKeys(NamedTuple):
    name: str
    hash_key: str
    range_key: str


# The table's shape, stated once. infra/template.yaml must declare the same
# (tests/unit/test_template_agreement.py compares them).
HASH_KEY = "PK"
RANGE_KEY = "SK"
TTL_ATTRIBUTE = "expires_at"
BY_STATUS = IndexKeys("by_status", "GSI1PK", "GSI1SK")
BY_GROUP = IndexKeys("by_group", "GSI2PK", "GSI2SK")
BY_ASSIGNEE = IndexKeys("by_assignee", "GSI3PK", "GSI3SK")
BY_CONTACT = IndexKeys("by_contact", "GSI4PK", "GSI4SK")
BY_DUE_MINUTE = IndexKeys("by_due_minute", "GSI5PK", "GSI5SK")
INDEXES = (BY_STATUS, BY_GROUP, BY_ASSIGNEE, BY_CONTACT, BY_DUE_MINUTE)
UNASSIGNED = "-"


def _index(keys: IndexKeys) -> type[GlobalSecondaryIndex[Any]]:
    meta = type("Meta", (), {"index_name": keys.name, "projection": AllProjection()})
    attributes = {
        "Meta": meta,
        keys.hash_key: UnicodeAttribute(hash_key=True),
        keys.range_key: UnicodeAttribute(range_key=True),
    }
    return type(f"{keys.name}_index", (GlobalSecondaryIndex,), attributes)


class HelpdeskItem(Model):
    """Every item of the table; ``type`` says which entity it is."""

    class Meta:
        table_name = "unbound"  # set by HelpdeskStore from StoreSettings
        region: str | None = None
        host: str | None = None

    PK = UnicodeAttribute(hash_key=True)
    SK = UnicodeAttribute(range_key=True)
    type = DiscriminatorAttribute()
    expires_at = TTLAttribute(null=True)
    GSI1PK = UnicodeAttribute(null=True)
    GSI1SK = UnicodeAttribute(null=True)
    GSI2PK = UnicodeAttribute(null=True)
    GSI2SK = UnicodeAttribute(null=True)
    GSI3PK = UnicodeAttribute(null=True)
    GSI3SK = UnicodeAttribute(null=True)
    GSI4PK = UnicodeAttribute(null=True)
    GSI4SK = UnicodeAttribute(null=True)
    GSI5PK = UnicodeAttribute(null=True)
    GSI5SK = UnicodeAttribute(null=True)

    by_status = _index(BY_STATUS)()
    by_group = _index(BY_GROUP)()
    by_assignee = _index(BY_ASSIGNEE)()
    by_contact = _index(BY_CONTACT)()
    by_due_minute = _index(BY_DUE_MINUTE)()


class TicketItem(HelpdeskItem, discriminator="ticket"):
    id = UnicodeAttribute()
    number = NumberAttribute()
    subject = UnicodeAttribute(default="")
    status = UnicodeAttribute()
    priority = UnicodeAttribute()
    channel = UnicodeAttribute()
    contact_id = UnicodeAttribute()
    group_id = UnicodeAttribute(null=True)
    assignee_id = UnicodeAttribute(null=True)
    tags = ListAttribute(of=UnicodeAttribute, default=list)
    cc = ListAttribute(of=UnicodeAttribute, default=list)
    custom_fields = JSONAttribute(default=dict)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    first_response_at = UTCDateTimeAttribute(null=True)
    solved_at = UTCDateTimeAttribute(null=True)
    last_customer_message_at = UTCDateTimeAttribute(null=True)
    sla = JSONAttribute(null=True)
    merged_into = UnicodeAttribute(null=True)
    version = VersionAttribute()


class MessageItem(HelpdeskItem, discriminator="message"):
    id = UnicodeAttribute()
    ticket_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    channel = UnicodeAttribute()
    author = JSONAttribute()
    text = UnicodeAttribute(default="")
    html = UnicodeAttribute(null=True)
    full_text = UnicodeAttribute(null=True)
    attachments = JSONAttribute(default=list)
    original = JSONAttribute(null=True)
    notices = JSONAttribute(default=list)
    channel_message_id = UnicodeAttribute(null=True)
    thread_key = UnicodeAttribute(null=True)
    delivery_status = UnicodeAttribute()
    delivery_error = UnicodeAttribute(null=True)
    sent_at = UTCDateTimeAttribute()
    created_at = UTCDateTimeAttribute()


class EventItem(HelpdeskItem, discriminator="event"):
    id = UnicodeAttribute()
    ticket_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    actor = JSONAttribute()
    at = UTCDateTimeAttribute()
    changes = JSONAttribute(default=list)


class ContactItem(HelpdeskItem, discriminator="contact"):
    id = UnicodeAttribute()
    name = UnicodeAttribute(default="")
    country = UnicodeAttribute(null=True)
    language = UnicodeAttribute()
    identities = JSONAttribute(default=list)
    tier = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    merged_into = UnicodeAttribute(null=True)
    erased_at = UTCDateTimeAttribute(null=True)


class IdentityItem(HelpdeskItem, discriminator="identity"):
    contact_id = UnicodeAttribute()
    # channel → ticket id of the contact's open conversation, written in the same
    # transaction as the OPEN# pointer: lets a message on an open conversation be
    # stored in three calls. The OPEN# pointer stays the truth when they differ.
    open_tickets = JSONAttribute(default=dict)


class OpenConversationItem(HelpdeskItem, discriminator="open_conversation"):
    ticket_id = UnicodeAttribute()


class PointerItem(HelpdeskItem, discriminator="pointer"):
    """Thread keys, channel message ids and ticket numbers: a key → the ticket."""

    ticket_id = UnicodeAttribute()
    message_sk = UnicodeAttribute(null=True)


class CounterItem(HelpdeskItem, discriminator="counter"):
    value = NumberAttribute(default=0)


class SetAsideItem(HelpdeskItem, discriminator="set_aside"):
    """Inbound that became no message: quarantined, unreadable, unanswerable
    auto-replies, unmatched bounces. Kept, with the raw original, for agents."""

    id = UnicodeAttribute()
    channel = UnicodeAttribute()
    reason = UnicodeAttribute()
    received_at = UTCDateTimeAttribute()
    sender = UnicodeAttribute(default="")
    subject = UnicodeAttribute(default="")
    original = JSONAttribute(null=True)
    detail = UnicodeAttribute(default="")


class AgentItem(HelpdeskItem, discriminator="agent"):
    id = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    role = UnicodeAttribute()
    group_ids = ListAttribute(of=UnicodeAttribute, default=list)
    active = BooleanAttribute(default=True)


class GroupItem(HelpdeskItem, discriminator="group"):
    id = UnicodeAttribute()
    name = UnicodeAttribute()
    supervisor_id = UnicodeAttribute(null=True)
    assignment = JSONAttribute(null=True)


class AuditItem(HelpdeskItem, discriminator="audit"):
    id = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    actor = JSONAttribute()
    action = UnicodeAttribute()
    target = UnicodeAttribute()
    changes = JSONAttribute(default=list)


class BreachItem(HelpdeskItem, discriminator="breach"):
    """One breach of one SLA timer. The escalation state machine reads
    ``state`` directly (open → answered) to know whether to go on."""

    id = UnicodeAttribute()
    ticket_id = UnicodeAttribute()
    metric = UnicodeAttribute()
    breached_at = UTCDateTimeAttribute()
    state = UnicodeAttribute()  # "open" until the timer is met, then "answered"
    answered_at = UTCDateTimeAttribute(null=True)
    task_token = UnicodeAttribute(null=True)  # the escalation waiting for a supervisor
    acknowledged_by = UnicodeAttribute(null=True)


class ConfigItem(HelpdeskItem, discriminator="config"):
    value = JSONAttribute()
    updated_at = UTCDateTimeAttribute()


class MacroItem(HelpdeskItem, discriminator="macro"):
    value = JSONAttribute()


class CheckpointItem(HelpdeskItem, discriminator="checkpoint"):
    done_through = UTCDateTimeAttribute()  # every bucket up to this minute is handled


class NotificationItem(HelpdeskItem, discriminator="notification"):
    id = UnicodeAttribute()
    agent_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    ticket_id = UnicodeAttribute()
    ticket_number = NumberAttribute()
    subject = UnicodeAttribute(default="")
    actor = JSONAttribute()
    at = UTCDateTimeAttribute()


class ReadMarkItem(HelpdeskItem, discriminator="read_mark"):
    read_through = UTCDateTimeAttribute()  # the agent has seen every notification up to here


class WordItem(HelpdeskItem, discriminator="word"):
    """A word of a ticket's subject or a contact's name (``text_index``), for
    search; kept in the same transaction as the subject or name."""

    target_id = UnicodeAttribute()


class LoadItem(HelpdeskItem, discriminator="load"):
    """How many tickets an agent holds in the statuses that count as their
    work (``LOAD_STATUSES``); kept in the same transaction as every ticket change
    that moves one, so a cap holds under concurrency."""

    open_tickets = NumberAttribute(default=0)


class OnlineItem(HelpdeskItem, discriminator="online"):
    seen_at = UTCDateTimeAttribute()  # the console last asked for changes
    available = BooleanAttribute(default=True)  # the agent's own switch


class RoundRobinItem(HelpdeskItem, discriminator="round_robin"):
    last_agent_id = UnicodeAttribute()


class PresenceItem(HelpdeskItem, discriminator="presence"):
    agent_id = UnicodeAttribute()
    name = UnicodeAttribute(default="")
    activity = UnicodeAttribute()
    at = UTCDateTimeAttribute()


ITEM_CLASSES: tuple[type[HelpdeskItem], ...] = (
    HelpdeskItem, TicketItem, MessageItem, EventItem, ContactItem, IdentityItem,
    OpenConversationItem, PointerItem, CounterItem, SetAsideItem, AgentItem, GroupItem,
    BreachItem, ConfigItem, CheckpointItem, MacroItem, NotificationItem, ReadMarkItem, PresenceItem,
    AuditItem, LoadItem, OnlineItem, RoundRobinItem, WordItem,
)  # fmt: skip


# --- keys: one template per entity ------------------------------------------------

META = "META"


def ticket_pk(ticket_id: str) -> str:
    return f"TICKET#{ticket_id}"


def message_sk(message: Message) -> str:
    return f"MSG#{sortable(message.sent_at)}#{message.id}"


def event_sk(event: TicketEvent) -> str:
    return f"EVT#{sortable(event.at)}#{event.id}"


def contact_pk(contact_id: str) -> str:
    return f"CONTACT#{contact_id}"


def open_sk(channel: Channel) -> str:
    return f"OPEN#{channel.value}"


def identity_key(identity: Identity) -> tuple[str, str]:
    return f"IDENT#{identity.kind.value}#{identity.value}", "IDENT"


def thread_key(message_id: str) -> tuple[str, str]:
    return f"THREAD#{message_id}", "THREAD"


def channel_message_key(channel: Channel, channel_message_id: str) -> tuple[str, str]:
    return f"CHMSG#{channel.value}#{channel_message_id}", "CHMSG"


def ticket_number_key(number: int) -> tuple[str, str]:
    return f"TICKETNUM#{number}", "TICKETNUM"


TICKET_COUNTER_KEY = ("COUNTER#ticket_number", "COUNTER")


def set_aside_key(entry: SetAside) -> tuple[str, str]:
    return f"ASIDE#{entry.received_at:%Y-%m}", f"{sortable(entry.received_at)}#{entry.id}"


def breach_sk(breach: str) -> str:
    return f"BREACH#{breach}"


SLA_SETUP_KEY = ("CONFIG#sla", META)
SLA_SETUP_MAX_AGE = 60.0  # seconds a function keeps the setup it read


def checkpoint_key(name: str) -> tuple[str, str]:
    return f"CHECKPOINT#{name}", "CHECKPOINT"


def due_bucket(moment: datetime) -> str:
    """The ``by_due_minute`` partition of a moment: its minute, in UTC."""
    return f"SLA#{moment.astimezone(UTC):%Y-%m-%dT%H:%M}"


AGENT_DIRECTORY = "DIRECTORY#agent"  # by_status partition listing the agents
MACRO_DIRECTORY = "DIRECTORY#macro"  # and the macros
GROUP_DIRECTORY = "DIRECTORY#group"  # and the groups


LOAD_SK = "LOAD"
ONLINE_SK = "ONLINE"
ROUND_ROBIN_SK = "ROUND_ROBIN"
LOAD_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN)  # what counts toward an agent's cap
NOTIFICATION_DAYS = 30  # an agent's notifications expire (TTL) after this
NOTIFICATIONS_READ_SK = "NOTIFREAD"


def audit_key(entry: AuditEntry) -> tuple[str, str]:
    return f"AUDIT#{entry.at:%Y-%m}", f"{sortable(entry.at)}#{entry.id}"


def ticket_word_key(word: str, ticket: Ticket) -> tuple[str, str]:
    return f"WORD#{word}", f"T#{sortable(ticket.created_at)}#{ticket.id}"


def contact_word_key(word: str, contact_id: str) -> tuple[str, str]:
    return f"WORD#{word}", f"C#{contact_id}"


def notification_sk(at: datetime, notification_id: str) -> str:
    return f"NOTIF#{sortable(at)}#{notification_id}"


def presence_sk(agent_id: str) -> str:
    return f"PRESENCE#{agent_id}"


def macro_pk(macro_id: str) -> str:
    return f"MACRO#{macro_id}"


def agent_pk(agent_id: str) -> str:
    return f"AGENT#{agent_id}"


def group_pk(group_id: str) -> str:
    return f"GROUP#{group_id}"


# --- items ↔ domain models ---------------------------------------------------------


def _ticket_item(ticket: Ticket) -> TicketItem:
    updated = f"{sortable(ticket.updated_at)}#{ticket.id}"
    item = TicketItem(
        ticket_pk(ticket.id),
        META,
        id=ticket.id,
        number=ticket.number,
        subject=ticket.subject,
        status=ticket.status.value,
        priority=ticket.priority.value,
        channel=ticket.channel.value,
        contact_id=ticket.contact_id,
        group_id=ticket.group_id,
        assignee_id=ticket.assignee_id,
        tags=list(ticket.tags),
        cc=list(ticket.cc),
        custom_fields=dict(ticket.custom_fields),
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        first_response_at=ticket.first_response_at,
        solved_at=ticket.solved_at,
        last_customer_message_at=ticket.last_customer_message_at,
        GSI1PK=f"STATUS#{ticket.status.value}",
        GSI1SK=updated,
        GSI2PK=f"GROUP#{ticket.group_id}#{ticket.status.value}" if ticket.group_id else None,
        GSI2SK=updated if ticket.group_id else None,
        GSI3PK=f"AGENT#{ticket.assignee_id or UNASSIGNED}#{ticket.status.value}",
        GSI3SK=updated,
        GSI4PK=contact_pk(ticket.contact_id),
        GSI4SK=f"{sortable(ticket.created_at)}#{ticket.id}",
        sla=ticket.sla.model_dump(mode="json", exclude_computed_fields=True) if ticket.sla else None,
        merged_into=ticket.merged_into,
    )
    check = ticket.sla.next_check if ticket.sla else None
    if check is not None:
        # Never in a minute the checker may have finished already: a check that
        # is overdue when written goes in the minute of the write.
        item.GSI5PK = due_bucket(max(check, ticket.updated_at))
        item.GSI5SK = f"{sortable(check)}#{ticket.id}"
    return item


def _ticket(item: TicketItem) -> Ticket:
    return Ticket(
        id=item.id,
        number=int(item.number),
        subject=item.subject,
        status=TicketStatus(item.status),
        priority=item.priority,  # pydantic coerces
        channel=Channel(item.channel),
        contact_id=item.contact_id,
        group_id=item.group_id,
        assignee_id=item.assignee_id,
        tags=tuple(item.tags or ()),
        cc=tuple(item.cc or ()),
        custom_fields=item.custom_fields or {},
        created_at=item.created_at,
        updated_at=item.updated_at,
        first_response_at=item.first_response_at,
        solved_at=item.solved_at,
        last_customer_message_at=item.last_customer_message_at,
        sla=TicketSla.model_validate(item.sla) if item.sla else None,
        merged_into=item.merged_into,
        version=int(item.version or 1),
    )


def _message_item(message: Message) -> MessageItem:
    return MessageItem(
        ticket_pk(message.ticket_id),
        message_sk(message),
        id=message.id,
        ticket_id=message.ticket_id,
        kind=message.kind.value,
        channel=message.channel.value,
        author=message.author.model_dump(mode="json"),
        text=message.text,
        html=message.html,
        full_text=message.full_text,
        attachments=[a.model_dump(mode="json") for a in message.attachments],
        original=message.original.model_dump(mode="json") if message.original else None,
        notices=[n.model_dump(mode="json") for n in message.notices],
        channel_message_id=message.channel_message_id,
        thread_key=message.thread_key,
        delivery_status=message.delivery_status.value,
        delivery_error=message.delivery_error,
        sent_at=message.sent_at,
        created_at=message.created_at,
    )


def _message(item: MessageItem) -> Message:
    return Message(
        id=item.id,
        ticket_id=item.ticket_id,
        kind=item.kind,
        channel=Channel(item.channel),
        author=Actor.model_validate(item.author),
        text=item.text,
        html=item.html,
        full_text=item.full_text,
        attachments=tuple(Attachment.model_validate(a) for a in item.attachments or ()),
        original=Attachment.model_validate(item.original) if item.original else None,
        notices=tuple(Notice.model_validate(n) for n in item.notices or ()),
        channel_message_id=item.channel_message_id,
        thread_key=item.thread_key,
        delivery_status=item.delivery_status,
        delivery_error=item.delivery_error,
        sent_at=item.sent_at,
        created_at=item.created_at,
    )


def _event_item(event: TicketEvent) -> EventItem:
    return EventItem(
        ticket_pk(event.ticket_id),
        event_sk(event),
        id=event.id,
        ticket_id=event.ticket_id,
        kind=event.kind.value,
        actor=event.actor.model_dump(mode="json"),
        at=event.at,
        changes=[c.model_dump(mode="json") for c in event.changes],
    )


def _event(item: EventItem) -> TicketEvent:
    return TicketEvent(
        id=item.id,
        ticket_id=item.ticket_id,
        kind=item.kind,
        actor=Actor.model_validate(item.actor),
        at=item.at,
        changes=tuple(FieldChange.model_validate(c) for c in item.changes or ()),
    )


def _contact_item(contact: Contact) -> ContactItem:
    return ContactItem(
        contact_pk(contact.id),
        META,
        id=contact.id,
        name=contact.name,
        country=contact.country,
        language=contact.language.value,
        identities=[i.model_dump(mode="json") for i in contact.identities],
        tier=contact.tier,
        created_at=contact.created_at,
        updated_at=contact.updated_at,
        merged_into=contact.merged_into,
        erased_at=contact.erased_at,
    )


def _notification_item(notification: Notification) -> NotificationItem:
    return NotificationItem(
        agent_pk(notification.agent_id),
        notification_sk(notification.at, notification.id),
        id=notification.id,
        agent_id=notification.agent_id,
        kind=notification.kind.value,
        ticket_id=notification.ticket_id,
        ticket_number=notification.ticket_number,
        subject=notification.subject,
        actor=notification.actor.model_dump(mode="json"),
        at=notification.at,
        expires_at=notification.at + timedelta(days=NOTIFICATION_DAYS),
    )


def _notification(item: NotificationItem) -> Notification:
    return Notification(
        id=item.id,
        agent_id=item.agent_id,
        kind=item.kind,  # pydantic coerces
        ticket_id=item.ticket_id,
        ticket_number=int(item.ticket_number),
        subject=item.subject,
        actor=Actor.model_validate(item.actor),
        at=item.at,
    )


def _agent(item: AgentItem) -> Agent:
    return Agent(
        id=item.id, email=item.email, name=item.name, role=item.role,
        group_ids=tuple(item.group_ids or ()), active=item.active is not False,
    )  # fmt: skip


def _group(item: GroupItem) -> Group:
    assignment = GroupAssignment.model_validate(item.assignment) if item.assignment else GroupAssignment()
    return Group(id=item.id, name=item.name, supervisor_id=item.supervisor_id, assignment=assignment)


def _audit_item(entry: AuditEntry) -> AuditItem:
    return AuditItem(
        *audit_key(entry),
        id=entry.id,
        at=entry.at,
        actor=entry.actor.model_dump(mode="json"),
        action=entry.action,
        target=entry.target,
        changes=[c.model_dump(mode="json") for c in entry.changes],
    )


def _breach(item: BreachItem) -> SlaBreach:
    return SlaBreach(
        id=item.id,
        ticket_id=item.ticket_id,
        metric=item.metric,  # pydantic coerces
        breached_at=item.breached_at,
        state=item.state,
        awaiting_acknowledgment=item.task_token is not None,
        acknowledged_by=item.acknowledged_by,
    )


def _contact(item: ContactItem) -> Contact:
    return Contact(
        id=item.id,
        name=item.name,
        country=item.country,
        language=item.language,
        identities=tuple(Identity.model_validate(i) for i in item.identities or ()),
        tier=item.tier,
        created_at=item.created_at,
        updated_at=item.updated_at,
        merged_into=item.merged_into,
        erased_at=item.erased_at,
    )


# --- the repository -----------------------------------------------------------------


@dataclass(frozen=True)
class IdentityRecord:
    """Who an identity belongs to, and the open conversations it last saw."""

    contact_id: str
    open_tickets: dict[str, str]


@dataclass(frozen=True)
class TicketQuery:
    """A queue view: tickets in any of ``statuses``, newest activity first (or
    oldest first: the longest waiting)."""

    statuses: tuple[TicketStatus, ...]
    group_id: str | None = None
    assignee_id: str | None = None  # UNASSIGNED for "nobody"
    channel: Channel | None = None
    limit: int = 25
    cursor: str | None = None
    # Only tickets in these groups, in no group, or assigned to ``visible_assignee``
    # (an agent's reach); None: every ticket.
    visible_groups: tuple[str, ...] | None = None
    visible_assignee: str | None = None
    oldest_first: bool = False


@dataclass(frozen=True)
class Assignment:
    """An automatic assignment riding on a ticket save: the cap the new assignee
    must be under, and the group whose round robin moves to them."""

    group_id: str
    agent_id: str
    cap: int


@dataclass(frozen=True)
class TicketPage:
    tickets: tuple[Ticket, ...]
    cursor: str | None


@dataclass
class _Transaction:
    """A TransactWrite whose operations carry names, so a cancellation says which
    condition failed (DynamoDB lists reasons by position; PynamoDB sends condition
    checks, then deletes, then puts, then updates)."""

    connection: Connection
    _ops: dict[str, list[tuple[str, Any]]] = field(
        default_factory=lambda: {"check": [], "delete": [], "put": [], "update": []}
    )

    def put(self, name: str, item: HelpdeskItem, condition: Condition | None = None) -> None:
        self._ops["put"].append((name, ("save", item, condition)))

    def delete(self, name: str, item: HelpdeskItem, condition: Condition | None = None) -> None:
        self._ops["delete"].append((name, ("delete", item, condition)))

    def update(self, name: str, item: HelpdeskItem, actions: list[Action], condition: Condition | None = None) -> None:
        self._ops["update"].append((name, ("update", item, (actions, condition))))

    def commit(self) -> set[str]:
        """Run it; return the names of the operations whose conditions failed
        (empty when it committed)."""
        names = [name for kind in ("check", "delete", "put", "update") for name, _ in self._ops[kind]]
        try:
            with TransactWrite(connection=self.connection) as transaction:
                for kind in ("put", "delete"):
                    for _, (verb, item, condition) in self._ops[kind]:
                        getattr(transaction, verb)(item, condition=condition)
                for _, (_, item, (actions, condition)) in self._ops["update"]:
                    transaction.update(item, actions=actions, condition=condition)
        except TransactWriteError as exc:
            reasons = exc.cancellation_reasons
            if any(reason is not None and reason.code == "TransactionConflict" for reason in reasons):
                raise ConcurrentWrite("another transaction was writing the same items") from exc
            failed = {
                name
                for name, reason in zip(names, reasons, strict=False)
                if reason is not None and reason.code == "ConditionalCheckFailed"
            }
            if not failed:
                raise
            return failed
        return set()


class HelpdeskStore:
    """Reads and writes help desk entities in the table named by ``StoreSettings``."""

    _bound_to: ClassVar[tuple[str, str, str | None] | None] = None

    def __init__(self, settings: StoreSettings) -> None:
        self.settings = settings
        binding = (settings.table_name, settings.region, settings.endpoint_url)
        if HelpdeskStore._bound_to != binding:
            for cls in ITEM_CLASSES:
                cls.Meta.table_name = settings.table_name
                cls.Meta.region = settings.region
                cls.Meta.host = settings.endpoint_url
                cls._connection = None
            HelpdeskStore._bound_to = binding
        self._connection = Connection(region=settings.region, host=settings.endpoint_url)

    def _transaction(self) -> _Transaction:
        return _Transaction(self._connection)

    # contacts and identities

    def find_identity(self, identity: Identity) -> IdentityRecord | None:
        try:
            item = IdentityItem.get(*identity_key(identity), consistent_read=True)
        except IdentityItem.DoesNotExist:
            return None
        return IdentityRecord(contact_id=item.contact_id, open_tickets=dict(item.open_tickets or {}))

    def create_contact(self, contact: Contact) -> None:
        """Store a new contact and claim each of its identities for it; raises
        IdentityTaken (with the first identity another contact holds)."""
        transaction = self._transaction()
        transaction.put("contact", _contact_item(contact), HelpdeskItem.PK.does_not_exist())
        _index_words(transaction, "", contact.name, lambda word: contact_word_key(word, contact.id), contact.id)
        _claim_identities(transaction, contact.id, contact.identities)
        failed = transaction.commit()
        _refuse_taken(failed, contact.identities)
        if failed:
            raise ConversationAlreadyOpen("contact id collision")

    def save_contact(
        self,
        before: Contact,
        after: Contact,
        claim: Iterable[Identity] = (),
        release: Iterable[Identity] = (),
        audit: AuditEntry | None = None,
    ) -> None:
        """Save a changed contact if nobody changed it since ``before`` (raises
        StaleContact), claiming new identities for it (IdentityTaken when another
        contact holds one) and releasing the ones it no longer has."""
        transaction = self._transaction()
        transaction.put("contact", _contact_item(after), ContactItem.updated_at == before.updated_at)
        _index_words(transaction, before.name, after.name, lambda word: contact_word_key(word, after.id), after.id)
        claimed = list(claim)
        _claim_identities(transaction, after.id, claimed)
        for identity in release:
            transaction.delete(
                f"release:{identity.kind.value}:{identity.value}",
                IdentityItem(*identity_key(identity)),
                IdentityItem.contact_id == after.id,
            )
        if audit is not None:
            transaction.put("audit", _audit_item(audit))
        failed = transaction.commit()
        _refuse_taken(failed, claimed)
        if failed:
            raise StaleContact(before.id)

    def move_identity(self, identity: Identity, from_contact: str, to_contact: str) -> None:
        """Hand an identity to another contact (merging duplicates); a no-op when
        it moved already. Its open-conversation hint is dropped: the OPEN# pointers
        are the truth."""
        item = IdentityItem(*identity_key(identity))
        try:
            item.update(
                actions=[IdentityItem.contact_id.set(to_contact), IdentityItem.open_tickets.set({})],
                condition=IdentityItem.contact_id == from_contact,
            )
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise

    def open_conversations(self, contact_id: str) -> dict[Channel, str]:
        """The contact's open conversation per channel (channel → ticket id)."""
        items = HelpdeskItem.query(contact_pk(contact_id), HelpdeskItem.SK.startswith("OPEN#"), consistent_read=True)
        return {
            Channel(item.SK.removeprefix("OPEN#")): item.ticket_id
            for item in items
            if isinstance(item, OpenConversationItem)
        }

    def move_open_conversation(self, channel: Channel, ticket_id: str, from_contact: str, to_contact: str) -> bool:
        """Make ``ticket_id`` the other contact's open conversation on ``channel``
        unless they have one already; the old pointer goes either way. Whether it moved."""
        transaction = self._transaction()
        transaction.put(
            "open",
            OpenConversationItem(contact_pk(to_contact), open_sk(channel), ticket_id=ticket_id),
            HelpdeskItem.PK.does_not_exist(),
        )
        transaction.delete(
            "old",
            OpenConversationItem(contact_pk(from_contact), open_sk(channel)),
            OpenConversationItem.ticket_id == ticket_id,
        )
        failed = transaction.commit()
        if "open" in failed:
            self.end_conversation(from_contact, channel, ticket_id)
            return False
        return not failed

    def replace_message(self, message: Message) -> None:
        """Overwrite a stored message (erasure of its content)."""
        _message_item(message).save(condition=HelpdeskItem.PK.exists())

    def replace_event(self, event: TicketEvent) -> None:
        _event_item(event).save(condition=HelpdeskItem.PK.exists())

    def copy_message(self, message: Message) -> None:
        """Store a message on another ticket (merging tickets), pointing its
        provider id there too; idempotent."""
        transaction = self._transaction()
        self._put_message(transaction, message, first_delivery=False)
        transaction.commit()

    def get_contact(self, contact_id: str) -> Contact | None:
        try:
            return _contact(ContactItem.get(contact_pk(contact_id), META))
        except ContactItem.DoesNotExist:
            return None

    # tickets

    def get_ticket(self, ticket_id: str) -> Ticket | None:
        try:
            return _ticket(TicketItem.get(ticket_pk(ticket_id), META, consistent_read=True))
        except TicketItem.DoesNotExist:
            return None

    def find_open_ticket_id(self, contact_id: str, channel: Channel) -> str | None:
        try:
            item = OpenConversationItem.get(contact_pk(contact_id), open_sk(channel), consistent_read=True)
        except OpenConversationItem.DoesNotExist:
            return None
        return item.ticket_id

    def end_conversation(self, contact_id: str, channel: Channel, ticket_id: str) -> None:
        """Remove the contact's open-conversation pointer if it still names
        ``ticket_id`` (a closed ticket): the next message opens a new one."""
        pointer = OpenConversationItem(contact_pk(contact_id), open_sk(channel), ticket_id=ticket_id)
        try:
            pointer.delete(condition=OpenConversationItem.ticket_id == ticket_id)
        except DeleteError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise

    def find_ticket_id_by_thread(self, message_ids: Iterable[str]) -> str | None:
        """The ticket of the first of ``message_ids`` (most relevant first) we know."""
        wanted = list(dict.fromkeys(message_ids))[:50]
        if not wanted:
            return None
        found = {item.PK: item.ticket_id for item in PointerItem.batch_get([thread_key(m) for m in wanted])}
        for message_id in wanted:
            if (ticket_id := found.get(thread_key(message_id)[0])) is not None:
                return ticket_id
        return None

    def remember_thread_key(self, message_id: str, ticket_id: str) -> None:
        """Map an e-mail Message-ID to its ticket; the first mapping wins."""
        item = PointerItem(*thread_key(message_id), ticket_id=ticket_id)
        try:
            item.save(condition=HelpdeskItem.PK.does_not_exist())
        except PutError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise

    def find_ticket_id_by_number(self, number: int) -> str | None:
        try:
            return PointerItem.get(*ticket_number_key(number)).ticket_id
        except PointerItem.DoesNotExist:
            return None

    def next_ticket_number(self) -> int:
        """The next ticket number: an atomic counter, so numbers never repeat and
        grow with time (a failed creation leaves a gap, as in every help desk)."""
        counter = CounterItem(*TICKET_COUNTER_KEY)
        counter.update(actions=[CounterItem.value.add(1)])
        return int(counter.value)

    def open_ticket(
        self,
        ticket: Ticket,
        message: Message,
        events: Iterable[TicketEvent],
        sender: Identity,
        sender_record: IdentityRecord,
        open_conversation: bool,
    ) -> None:
        """Create a ticket with its first message in one transaction. Raises
        DuplicateChannelMessage or ConversationAlreadyOpen; nothing is written then."""
        transaction = self._transaction()
        item = _ticket_item(ticket)
        transaction.put("ticket", item)
        _index_words(transaction, "", ticket.subject, lambda word: ticket_word_key(word, ticket), ticket.id)
        transaction.put(
            "number",
            PointerItem(*ticket_number_key(ticket.number), ticket_id=ticket.id),
            HelpdeskItem.PK.does_not_exist(),
        )
        self._add_message(transaction, message, events)
        if open_conversation:
            transaction.put(
                "open",
                OpenConversationItem(contact_pk(ticket.contact_id), open_sk(ticket.channel), ticket_id=ticket.id),
                HelpdeskItem.PK.does_not_exist(),
            )
            open_tickets = dict(sender_record.open_tickets)
            open_tickets[ticket.channel.value] = ticket.id
            transaction.put(
                "identity",
                IdentityItem(*identity_key(sender), contact_id=ticket.contact_id, open_tickets=open_tickets),
                IdentityItem.contact_id == ticket.contact_id,
            )
        failed = transaction.commit()
        if "channel_message" in failed:
            raise DuplicateChannelMessage()
        if failed:
            raise ConversationAlreadyOpen(", ".join(sorted(failed)))

    def append_message(
        self,
        before: Ticket,
        after: Ticket,
        message: Message,
        events: Iterable[TicketEvent],
        notifications: Iterable[Notification] = (),
    ) -> None:
        """Add a message to a ticket and save the ticket's new state, if the ticket
        is still at ``before.version``. Raises DuplicateChannelMessage or StaleTicket."""
        transaction = self._transaction()
        self._put_ticket(transaction, before, after)
        self._add_message(transaction, message, events)
        for notification in notifications:
            transaction.put("notification", _notification_item(notification))
        failed = transaction.commit()
        if "channel_message" in failed:
            raise DuplicateChannelMessage()
        if failed:
            raise StaleTicket(None)

    def save_ticket(
        self,
        before: Ticket,
        after: Ticket,
        events: Iterable[TicketEvent],
        notifications: Iterable[Notification] = (),
        assignment: "Assignment | None" = None,
    ) -> None:
        """Save a changed ticket with its history (and the notifications it causes)
        if nobody changed it since ``before`` was read; raises StaleTicket with the
        current ticket otherwise. Closing a conversational ticket ends its open
        conversation. With an ``assignment`` (automatic assignment), the new
        assignee must be under its cap (AgentAtCapacity otherwise) and the
        group's round robin moves to them in the same transaction."""
        events = list(events)
        notes = list(notifications)
        closing = (
            after.status is TicketStatus.CLOSED
            and before.status is not TicketStatus.CLOSED
            and after.channel.joins_open_conversation
        )
        try:
            failed = self._commit_ticket_change(before, after, events, notes, closing, assignment)
        except ConcurrentWrite as exc:
            raise StaleTicket(self.get_ticket(after.id)) from exc
        if failed == {"open"}:
            # The conversation pointer already belongs to a newer ticket: close
            # this one and leave the pointer alone.
            failed = self._commit_ticket_change(before, after, events, notes, False, assignment)
        if "load_now" in failed:
            raise AgentAtCapacity(after.assignee_id or "")
        if failed:
            raise StaleTicket(self.get_ticket(after.id))

    def _commit_ticket_change(
        self,
        before: Ticket,
        after: Ticket,
        events: list[TicketEvent],
        notifications: list[Notification],
        end_conversation: bool,
        assignment: "Assignment | None" = None,
    ) -> set[str]:
        transaction = self._transaction()
        self._put_ticket(transaction, before, after, assignment.cap if assignment else None)
        if assignment is not None:
            transaction.put(
                "round_robin",
                RoundRobinItem(group_pk(assignment.group_id), ROUND_ROBIN_SK, last_agent_id=assignment.agent_id),
            )
        for event in events:
            transaction.put("event", _event_item(event))
        for notification in notifications:
            transaction.put("notification", _notification_item(notification))
        if end_conversation:
            transaction.delete(
                "open",
                OpenConversationItem(contact_pk(after.contact_id), open_sk(after.channel), ticket_id=after.id),
                OpenConversationItem.ticket_id == after.id,
            )
        return transaction.commit()

    @staticmethod
    def _put_ticket(transaction: _Transaction, before: Ticket, after: Ticket, cap: int | None = None) -> None:
        item = _ticket_item(after)
        item.version = before.version  # condition: still at this version; saved as +1
        transaction.put("ticket", item)
        _record_breaches(transaction, before, after)
        _count_load(transaction, before, after, cap)
        _index_words(transaction, before.subject, after.subject, lambda word: ticket_word_key(word, after), after.id)

    @staticmethod
    def _add_message(transaction: _Transaction, message: Message, events: Iterable[TicketEvent]) -> None:
        HelpdeskStore._put_message(transaction, message, first_delivery=True)
        for event in events:
            transaction.put("event", _event_item(event))

    @staticmethod
    def _put_message(transaction: _Transaction, message: Message, first_delivery: bool) -> None:
        """The message and the pointer from its provider id to it; on its first
        delivery the pointer must not exist yet (a duplicate delivery fails)."""
        item = _message_item(message)
        transaction.put("message", item)
        if message.channel_message_id is not None:
            transaction.put(
                "channel_message",
                PointerItem(
                    *channel_message_key(message.channel, message.channel_message_id),
                    ticket_id=message.ticket_id,
                    message_sk=item.SK,
                ),
                HelpdeskItem.PK.does_not_exist() if first_delivery else None,
            )

    def get_message(self, ticket_id: str, sent_at: datetime, message_id: str) -> Message | None:
        sk = f"MSG#{sortable(sent_at)}#{message_id}"
        try:
            return _message(MessageItem.get(ticket_pk(ticket_id), sk, consistent_read=True))
        except MessageItem.DoesNotExist:
            return None

    def find_channel_message(self, channel: Channel, channel_message_id: str) -> Message | None:
        try:
            pointer = PointerItem.get(*channel_message_key(channel, channel_message_id), consistent_read=True)
        except PointerItem.DoesNotExist:
            return None
        if pointer.message_sk is None:
            return None
        try:
            return _message(MessageItem.get(ticket_pk(pointer.ticket_id), pointer.message_sk, consistent_read=True))
        except MessageItem.DoesNotExist:
            return None

    def mark_delivery(self, message: Message, status: DeliveryStatus, error: str | None) -> Message:
        """Record what the provider says became of an outbound message."""
        item = MessageItem(ticket_pk(message.ticket_id), message_sk(message))
        actions: list[Action] = [MessageItem.delivery_status.set(status.value)]
        actions.append(MessageItem.delivery_error.set(error[:500]) if error else MessageItem.delivery_error.remove())
        item.update(actions=actions, condition=HelpdeskItem.PK.exists())
        return message.model_copy(update={"delivery_status": status, "delivery_error": error})

    def record_sent(self, message: Message, provider_id: str) -> Message:
        """The provider took the message and named it ``provider_id`` (a wamid):
        remember the name, so its status updates find the message."""
        item = _message_item(message.model_copy(update={"channel_message_id": provider_id}))
        item.delivery_status = DeliveryStatus.SENT.value
        transaction = self._transaction()
        transaction.put("message", item, HelpdeskItem.PK.exists())
        transaction.put(
            "channel_message",
            PointerItem(
                *channel_message_key(message.channel, provider_id), ticket_id=message.ticket_id, message_sk=item.SK
            ),
        )
        if transaction.commit():
            raise StaleTicket(None)
        return message.model_copy(update={"channel_message_id": provider_id, "delivery_status": DeliveryStatus.SENT})

    def set_aside(self, entry: SetAside) -> None:
        """Keep an inbound that became no message (idempotent on its id)."""
        pk, sk = set_aside_key(entry)
        SetAsideItem(
            pk,
            sk,
            id=entry.id,
            channel=entry.channel.value,
            reason=entry.reason,
            received_at=entry.received_at,
            sender=entry.sender,
            subject=entry.subject,
            original=entry.original.model_dump(mode="json") if entry.original else None,
            detail=entry.detail,
        ).save()

    def set_aside_in_month(self, month: datetime) -> list[SetAside]:
        return [
            SetAside(
                id=item.id,
                channel=Channel(item.channel),
                reason=item.reason,
                received_at=item.received_at,
                sender=item.sender,
                subject=item.subject,
                original=Attachment.model_validate(item.original) if item.original else None,
                detail=item.detail,
            )
            for item in SetAsideItem.query(f"ASIDE#{month:%Y-%m}", scan_index_forward=False)
        ]

    def get_thread(self, ticket_id: str) -> TicketThread | None:
        """The ticket, its contact, its messages in the order sent and its history."""
        ticket: Ticket | None = None
        messages: list[Message] = []
        events: list[TicketEvent] = []
        breaches: list[SlaBreach] = []
        for item in HelpdeskItem.query(ticket_pk(ticket_id)):
            if isinstance(item, TicketItem):
                ticket = _ticket(item)
            elif isinstance(item, MessageItem):
                messages.append(_message(item))
            elif isinstance(item, EventItem):
                events.append(_event(item))
            elif isinstance(item, BreachItem):
                breaches.append(_breach(item))
        if ticket is None:
            return None
        return TicketThread(
            ticket=ticket,
            contact=self.get_contact(ticket.contact_id),
            messages=tuple(messages),
            events=tuple(events),
            breaches=tuple(breaches),
        )

    def list_tickets(self, query: TicketQuery) -> TicketPage:
        """One page of a queue view. Each status is its own index partition; they
        are read side by side and merged newest first, and the cursor remembers
        where each partition stopped."""
        index, keys, partition_of = self._view_index(query)
        partitions = [partition_of(status) for status in query.statuses]
        cursors = _decode_cursor(query.cursor, partitions, keys)
        condition: Condition | None = TicketItem.channel == query.channel.value if query.channel else None
        if query.group_id and query.assignee_id:
            group_condition = TicketItem.group_id == query.group_id
            condition = group_condition if condition is None else condition & group_condition
        if query.visible_groups is not None:
            reach: Condition = TicketItem.group_id.does_not_exist()
            if query.visible_groups:
                reach = reach | TicketItem.group_id.is_in(*query.visible_groups)
            if query.visible_assignee:
                reach = reach | (TicketItem.assignee_id == query.visible_assignee)
            condition = reach if condition is None else condition & reach

        heads: list[tuple[str, str, TicketItem]] = []
        for partition in partitions:
            start = cursors.get(partition, {})
            if start is None:
                continue  # exhausted on an earlier page
            for item in _first_items(index, partition, start, condition, query.limit, query.oldest_first):
                heads.append((getattr(item, keys.range_key), partition, item))
        pick = heapq.nsmallest if query.oldest_first else heapq.nlargest
        chosen = pick(query.limit, heads, key=lambda head: head[0])

        next_cursors: dict[str, dict[str, str] | None] = {}
        for partition in partitions:
            from_partition = [item for _, p, item in chosen if p == partition]
            fetched = sum(1 for _, p, _ in heads if p == partition)
            if from_partition:
                more = fetched > len(from_partition) or fetched >= query.limit
                next_cursors[partition] = _item_key(from_partition[-1], keys) if more else None
            else:
                # Nothing taken: start where it started ({} = the beginning), or
                # mark it exhausted (None) when it had nothing left.
                next_cursors[partition] = cursors.get(partition, {}) if fetched else None
        more_anywhere = any(value is not None for value in next_cursors.values())
        return TicketPage(
            tickets=tuple(_ticket(item) for _, _, item in chosen),
            cursor=_encode_cursor(next_cursors) if more_anywhere else None,
        )

    @staticmethod
    def _view_index(query: TicketQuery) -> tuple[GlobalSecondaryIndex[Any], IndexKeys, Any]:
        if query.assignee_id:
            assignee = query.assignee_id
            return HelpdeskItem.by_assignee, BY_ASSIGNEE, lambda s: f"AGENT#{assignee}#{s.value}"
        if query.group_id:
            group = query.group_id
            return HelpdeskItem.by_group, BY_GROUP, lambda s: f"GROUP#{group}#{s.value}"
        return HelpdeskItem.by_status, BY_STATUS, lambda s: f"STATUS#{s.value}"

    def tickets_changed_since(self, since: datetime, limit: int = 100) -> list[Ticket]:
        """Tickets whose last change is after ``since``, oldest change first: one
        short Query per status partition of ``by_status`` (an index, so a change
        shows up there a moment after it is written)."""
        found: list[Ticket] = []
        for status in TicketStatus:
            items = HelpdeskItem.by_status.query(
                f"STATUS#{status.value}",
                HelpdeskItem.GSI1SK.between(sortable(since), "~"),  # "~" sorts after every timestamp
                limit=limit,
            )
            found.extend(_ticket(item) for item in items if isinstance(item, TicketItem))
        found.sort(key=lambda ticket: ticket.updated_at)
        return found[:limit]

    def ids_with_word(self, word: str, limit: int = 200) -> tuple[list[str], list[str]]:
        """Tickets whose subject has the word (newest first) and contacts whose
        name has it."""
        tickets: list[str] = []
        contacts: list[str] = []
        for item in HelpdeskItem.query(f"WORD#{word}", scan_index_forward=False, limit=limit):
            if isinstance(item, WordItem):
                (tickets if item.SK.startswith("T#") else contacts).append(item.target_id)
        return tickets, contacts

    def get_tickets(self, ticket_ids: Iterable[str]) -> list[Ticket]:
        keys = [(ticket_pk(ticket_id), META) for ticket_id in dict.fromkeys(ticket_ids)]
        return [_ticket(item) for item in TicketItem.batch_get(keys)]

    def tickets_of_contact(self, contact_id: str, limit: int = 50) -> list[Ticket]:
        items = HelpdeskItem.by_contact.query(contact_pk(contact_id), scan_index_forward=False, limit=limit)
        return [_ticket(item) for item in items if isinstance(item, TicketItem)]

    # agents and groups

    def _save(self, item: HelpdeskItem, audit: AuditEntry | None, delete: bool = False) -> None:
        """Save (or delete) a setting, with its audit entry in the same transaction."""
        if audit is None and delete:
            item.delete()
            return
        if audit is None:
            item.save()
            return
        transaction = self._transaction()
        if delete:
            transaction.delete("setting", item)
        else:
            transaction.put("setting", item)
        transaction.put("audit", _audit_item(audit))
        if transaction.commit():  # pragma: no cover - no conditions: nothing can fail one
            raise ConcurrentWrite("audit")

    def put_agent(self, agent: Agent, audit: AuditEntry | None = None) -> None:
        item = AgentItem(
            agent_pk(agent.id), META, id=agent.id, email=agent.email, name=agent.name,
            role=agent.role, group_ids=list(agent.group_ids), active=agent.active,
            GSI1PK=AGENT_DIRECTORY, GSI1SK=f"{agent.name.casefold()}#{agent.id}",
        )  # fmt: skip
        self._save(item, audit)

    def list_agents(self) -> list[Agent]:
        """Every agent, by name (one index partition: a team is tens or hundreds)."""
        return [_agent(item) for item in HelpdeskItem.by_status.query(AGENT_DIRECTORY) if isinstance(item, AgentItem)]

    def get_agent(self, agent_id: str) -> Agent | None:
        try:
            return _agent(AgentItem.get(agent_pk(agent_id), META))
        except AgentItem.DoesNotExist:
            return None

    def put_group(self, group: Group, audit: AuditEntry | None = None) -> None:
        item = GroupItem(
            group_pk(group.id), META, id=group.id, name=group.name, supervisor_id=group.supervisor_id,
            assignment=group.assignment.model_dump(mode="json"),
            GSI1PK=GROUP_DIRECTORY, GSI1SK=f"{group.name.casefold()}#{group.id}",
        )  # fmt: skip
        self._save(item, audit)

    def get_group(self, group_id: str) -> Group | None:
        try:
            return _group(GroupItem.get(group_pk(group_id), META))
        except GroupItem.DoesNotExist:
            return None

    def list_groups(self) -> list[Group]:
        """Every group, by name."""
        return [_group(item) for item in HelpdeskItem.by_status.query(GROUP_DIRECTORY) if isinstance(item, GroupItem)]

    # audit log

    def record_audit(self, entry: AuditEntry) -> None:
        """An audit entry for something that changed nothing else (an export)."""
        _audit_item(entry).save()

    def audit_log(self, month: datetime, limit: int = 200) -> list[AuditEntry]:
        """A month of the audit log, newest first."""
        items = HelpdeskItem.query(f"AUDIT#{month:%Y-%m}", scan_index_forward=False, limit=limit)
        return [
            AuditEntry(
                id=item.id,
                at=item.at,
                actor=Actor.model_validate(item.actor),
                action=item.action,
                target=item.target,
                changes=tuple(FieldChange.model_validate(c) for c in item.changes or ()),
            )
            for item in items
            if isinstance(item, AuditItem)
        ]

    # settings kept as the domain's own JSON (ticket fields, WhatsApp templates)

    def setting(self, name: str) -> dict[str, Any]:
        """A named setting, read each time (they change rarely and are read only
        where needed; an admin's change must apply at once)."""
        try:
            return dict(ConfigItem.get(f"CONFIG#{name}", META, consistent_read=True).value)
        except ConfigItem.DoesNotExist:
            return {}

    def put_setting(self, name: str, value: dict[str, Any], at: datetime, audit: AuditEntry | None = None) -> None:
        self._save(ConfigItem(f"CONFIG#{name}", META, value=value, updated_at=at), audit)

    # automatic assignment: agents' loads, who is online, each group's round robin

    def agent_loads(self, agent_ids: Iterable[str]) -> dict[str, int]:
        keys = [(agent_pk(agent_id), LOAD_SK) for agent_id in dict.fromkeys(agent_ids)]
        return {
            item.PK.removeprefix("AGENT#"): max(0, int(item.open_tickets or 0))
            for item in LoadItem.batch_get(keys, consistent_read=True)
        }

    def online_agents(self, agent_ids: Iterable[str], seen_since: datetime) -> set[str]:
        """Which of these agents are available and had the console open lately."""
        keys = [(agent_pk(agent_id), ONLINE_SK) for agent_id in dict.fromkeys(agent_ids)]
        return {
            item.PK.removeprefix("AGENT#")
            for item in OnlineItem.batch_get(keys)
            if item.available is not False and item.seen_at >= seen_since
        }

    def availability(self, agent_id: str) -> tuple[bool, datetime | None]:
        try:
            item = OnlineItem.get(agent_pk(agent_id), ONLINE_SK)
        except OnlineItem.DoesNotExist:
            return True, None
        return item.available is not False, item.seen_at

    def mark_seen(self, agent_id: str, at: datetime, available: bool | None = None) -> None:
        """The agent's console is open now (and, when given, their availability)."""
        actions: list[Action] = [OnlineItem.seen_at.set(at)]
        if available is not None:
            actions.append(OnlineItem.available.set(available))
        OnlineItem(agent_pk(agent_id), ONLINE_SK).update(actions=actions)

    def round_robin_last(self, group_id: str) -> str | None:
        try:
            return RoundRobinItem.get(group_pk(group_id), ROUND_ROBIN_SK, consistent_read=True).last_agent_id
        except RoundRobinItem.DoesNotExist:
            return None

    def unassigned_in_group(self, group_id: str, limit: int = 25) -> list[Ticket]:
        """The group's new and open tickets nobody holds, longest waiting first."""
        found: list[Ticket] = []
        for status in LOAD_STATUSES:
            items = HelpdeskItem.by_group.query(
                f"GROUP#{group_id}#{status.value}",
                filter_condition=TicketItem.assignee_id.does_not_exist(),
                limit=limit,
            )
            found.extend(_ticket(item) for item in items if isinstance(item, TicketItem))
        return sorted(found, key=lambda ticket: ticket.updated_at)[:limit]

    # notifications and presence

    def notifications_of(self, agent_id: str, after: datetime | None = None, limit: int = 50) -> list[Notification]:
        """An agent's notifications, newest first (only those after ``after`` when given)."""
        lowest = f"NOTIF#{sortable(after)}" if after is not None else "NOTIF#"
        condition = NotificationItem.SK.between(lowest, "NOTIF#~")
        items = HelpdeskItem.query(agent_pk(agent_id), condition, scan_index_forward=False, limit=limit)
        return [_notification(item) for item in items if isinstance(item, NotificationItem)]

    def notifications_read_through(self, agent_id: str) -> datetime | None:
        try:
            return ReadMarkItem.get(agent_pk(agent_id), NOTIFICATIONS_READ_SK).read_through
        except ReadMarkItem.DoesNotExist:
            return None

    def mark_notifications_read(self, agent_id: str, through: datetime) -> datetime:
        """Move the agent's read mark forward to ``through`` (never back); the mark."""
        item = ReadMarkItem(agent_pk(agent_id), NOTIFICATIONS_READ_SK, read_through=through)
        condition = ReadMarkItem.read_through.does_not_exist() | (ReadMarkItem.read_through < through)
        try:
            item.save(condition=condition)
        except PutError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
            return self.notifications_read_through(agent_id) or through
        return through

    def put_presence(self, ticket_id: str, presence: Presence, keep_for: timedelta) -> None:
        PresenceItem(
            ticket_pk(ticket_id),
            presence_sk(presence.agent_id),
            agent_id=presence.agent_id,
            name=presence.name,
            activity=presence.activity.value,
            at=presence.at,
            expires_at=presence.at + keep_for,
        ).save()

    def remove_presence(self, ticket_id: str, agent_id: str) -> None:
        PresenceItem(ticket_pk(ticket_id), presence_sk(agent_id)).delete()

    def presence_on(self, ticket_id: str) -> list[Presence]:
        """Who has been on the ticket lately (expired entries included until TTL
        removes them: callers filter by ``at``)."""
        items = HelpdeskItem.query(ticket_pk(ticket_id), HelpdeskItem.SK.startswith("PRESENCE#"), consistent_read=True)
        return [
            Presence(agent_id=item.agent_id, name=item.name, activity=item.activity, at=item.at)
            for item in items
            if isinstance(item, PresenceItem)
        ]

    # macros (stored as the domain's own JSON: the store does not import them)

    def put_macro(self, macro_id: str, name: str, value: dict[str, Any], audit: AuditEntry | None = None) -> None:
        item = MacroItem(
            macro_pk(macro_id), META, value=value, GSI1PK=MACRO_DIRECTORY, GSI1SK=f"{name.casefold()}#{macro_id}"
        )
        self._save(item, audit)

    def get_macro(self, macro_id: str) -> dict[str, Any] | None:
        try:
            return dict(MacroItem.get(macro_pk(macro_id), META).value)
        except MacroItem.DoesNotExist:
            return None

    def list_macros(self) -> list[dict[str, Any]]:
        return [
            dict(item.value) for item in HelpdeskItem.by_status.query(MACRO_DIRECTORY) if isinstance(item, MacroItem)
        ]

    def delete_macro(self, macro_id: str, audit: AuditEntry | None = None) -> None:
        self._save(MacroItem(macro_pk(macro_id), META), audit, delete=True)

    # SLAs

    _sla_setup: ClassVar[tuple[float, SlaSetup] | None] = None

    def sla_setup(self) -> SlaSetup:
        """The SLA calendars and policies; a function keeps what it read for a
        minute, so ingesting a message costs no extra read."""
        cached = HelpdeskStore._sla_setup
        if cached is not None and time.monotonic() - cached[0] < SLA_SETUP_MAX_AGE:
            return cached[1]
        try:
            setup = SlaSetup.model_validate(ConfigItem.get(*SLA_SETUP_KEY).value)
        except ConfigItem.DoesNotExist:
            setup = SlaSetup()
        HelpdeskStore._sla_setup = (time.monotonic(), setup)
        return setup

    def put_sla_setup(self, setup: SlaSetup, at: datetime, audit: AuditEntry | None = None) -> None:
        self._save(ConfigItem(*SLA_SETUP_KEY, value=setup.model_dump(mode="json"), updated_at=at), audit)
        HelpdeskStore._sla_setup = (time.monotonic(), setup)

    @staticmethod
    def forget_sla_setup() -> None:
        HelpdeskStore._sla_setup = None

    def tickets_due_in(self, minute: datetime) -> list[Ticket]:
        """Tickets whose next SLA check falls in ``minute`` (one index partition,
        however many tickets are open)."""
        return [
            _ticket(item)
            for item in HelpdeskItem.by_due_minute.query(due_bucket(minute))
            if isinstance(item, TicketItem)
        ]

    def checkpoint(self, name: str) -> datetime | None:
        try:
            return CheckpointItem.get(*checkpoint_key(name), consistent_read=True).done_through
        except CheckpointItem.DoesNotExist:
            return None

    def advance_checkpoint(self, name: str, done_through: datetime) -> bool:
        """Move a checkpoint forward, never back (overlapping runs are safe)."""
        item = CheckpointItem(*checkpoint_key(name), done_through=done_through)
        try:
            item.save(condition=CheckpointItem.PK.does_not_exist() | (CheckpointItem.done_through < done_through))
        except PutError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
            return False
        return True

    def get_breach(self, ticket_id: str, breach: str) -> "Breach | None":
        try:
            item = BreachItem.get(ticket_pk(ticket_id), breach_sk(breach), consistent_read=True)
        except BreachItem.DoesNotExist:
            return None
        return Breach(
            id=item.id, ticket_id=item.ticket_id, metric=item.metric, breached_at=item.breached_at,
            state=item.state, task_token=item.task_token, acknowledged_by=item.acknowledged_by,
        )  # fmt: skip

    def await_acknowledgment(self, ticket_id: str, breach: str, task_token: str) -> None:
        """Remember the escalation waiting for a supervisor to acknowledge."""
        item = BreachItem(ticket_pk(ticket_id), breach_sk(breach))
        item.update(actions=[BreachItem.task_token.set(task_token)], condition=HelpdeskItem.PK.exists())

    def acknowledge_breach(self, ticket_id: str, breach: str, agent_id: str) -> str | None:
        """Record who acknowledged; returns the waiting escalation's task token,
        or None when it was acknowledged already or nothing waits."""
        found = self.get_breach(ticket_id, breach)
        if found is None or found.task_token is None or found.acknowledged_by is not None:
            return None
        item = BreachItem(ticket_pk(ticket_id), breach_sk(breach))
        try:
            item.update(
                actions=[BreachItem.acknowledged_by.set(agent_id), BreachItem.task_token.remove()],
                condition=(BreachItem.task_token == found.task_token) & BreachItem.acknowledged_by.does_not_exist(),
            )
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
            return None  # somebody else acknowledged it at the same moment
        return found.task_token


@dataclass(frozen=True)
class Breach:
    id: str
    ticket_id: str
    metric: str
    breached_at: datetime
    state: str
    task_token: str | None = None
    acknowledged_by: str | None = None


def _index_words(
    transaction: _Transaction, old_text: str, new_text: str, key: Callable[[str], tuple[str, str]], target_id: str
) -> None:
    """Keep the search index (``WORD#`` items) in step with a subject or a name
    changing from ``old_text`` to ``new_text``."""
    old = set(index_words(old_text))
    new = index_words(new_text)
    for word in new:
        if word not in old:
            transaction.put(f"word:{word}", WordItem(*key(word), target_id=target_id))
    for word in old - set(new):
        transaction.delete(f"unword:{word}", WordItem(*key(word)))


def _claim_identities(transaction: _Transaction, contact_id: str, identities: Iterable[Identity]) -> None:
    """Each identity for this contact, only if no contact holds it yet (one
    operation named ``<kind>:<value>`` each, for ``_refuse_taken``)."""
    for identity in identities:
        transaction.put(
            f"{identity.kind.value}:{identity.value}",
            IdentityItem(*identity_key(identity), contact_id=contact_id, open_tickets={}),
            HelpdeskItem.PK.does_not_exist(),
        )


def _refuse_taken(failed: set[str], claimed: Iterable[Identity]) -> None:
    for identity in claimed:
        if f"{identity.kind.value}:{identity.value}" in failed:
            raise IdentityTaken(identity.kind.value, identity.value)


def _holder(ticket: Ticket) -> str | None:
    """Whose load the ticket counts toward, if anyone's."""
    return ticket.assignee_id if ticket.status in LOAD_STATUSES else None


def _count_load(transaction: _Transaction, before: Ticket, after: Ticket, cap: int | None) -> None:
    was, now = _holder(before), _holder(after)
    if was == now:
        return
    if was is not None:
        transaction.update("load_was", LoadItem(agent_pk(was), LOAD_SK), [LoadItem.open_tickets.add(-1)])
    if now is not None:
        under_cap = None
        if cap is not None:
            under_cap = LoadItem.open_tickets.does_not_exist() | (LoadItem.open_tickets < cap)
        transaction.update("load_now", LoadItem(agent_pk(now), LOAD_SK), [LoadItem.open_tickets.add(1)], under_cap)


def _record_breaches(transaction: _Transaction, before: Ticket, after: Ticket) -> None:
    """Breaches are items of their own, written with the ticket: a new breach
    opens one, a breached timer being met answers it (which ends its
    escalation at the flow's next check)."""
    earlier = {t.metric: t for t in before.sla.timers} if before.sla else {}
    for timer in after.sla.timers if after.sla else ():
        previous = earlier.get(timer.metric)
        if timer.breached_at is not None and (previous is None or previous.breached_at != timer.breached_at):
            name = breach_id(after.id, timer)
            transaction.put(
                f"breach:{name}",
                BreachItem(
                    ticket_pk(after.id), breach_sk(name), id=name, ticket_id=after.id, metric=timer.metric.value,
                    breached_at=timer.breached_at, state="answered" if timer.met_at else "open",
                ),
            )  # fmt: skip
    for timer in newly_met_breaches(before.sla, after.sla):
        name = breach_id(after.id, timer)
        transaction.update(
            f"answered:{name}",
            BreachItem(ticket_pk(after.id), breach_sk(name)),
            [BreachItem.state.set("answered"), BreachItem.answered_at.set(after.updated_at)],
            HelpdeskItem.PK.exists(),
        )


def _first_items(
    index: GlobalSecondaryIndex[Any],
    partition: str,
    start: dict[str, str] | None,
    condition: Condition | None,
    limit: int,
    oldest_first: bool = False,
) -> Iterator[TicketItem]:
    """Up to ``limit`` tickets of one index partition, newest (or oldest) first, after ``start``."""
    last_key = {name: {"S": value} for name, value in start.items()} if start else None
    results = index.query(
        partition,
        filter_condition=condition,
        scan_index_forward=oldest_first,
        last_evaluated_key=last_key,
        page_size=limit,
    )
    count = 0
    for item in results:
        if isinstance(item, TicketItem):
            yield item
            count += 1
            if count >= limit:
                return


def _item_key(item: TicketItem, keys: IndexKeys) -> dict[str, str]:
    return {
        HASH_KEY: item.PK,
        RANGE_KEY: item.SK,
        keys.hash_key: getattr(item, keys.hash_key),
        keys.range_key: getattr(item, keys.range_key),
    }


def _encode_cursor(cursors: dict[str, dict[str, str] | None]) -> str:
    return base64.urlsafe_b64encode(json.dumps(cursors, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str | None, partitions: list[str], keys: IndexKeys) -> dict[str, dict[str, str] | None]:
    if not cursor:
        return {}
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        decoded = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error) as exc:
        raise InvalidCursor("cursor is not one this API gave") from exc
    if not isinstance(decoded, dict) or set(decoded) != set(partitions):
        raise InvalidCursor("cursor belongs to another view")
    expected = {HASH_KEY, RANGE_KEY, keys.hash_key, keys.range_key}
    for partition, value in decoded.items():
        if value is None or value == {}:
            continue
        if not (
            isinstance(value, dict)
            and set(value) == expected
            and all(isinstance(v, str) for v in value.values())
            and value[keys.hash_key] == partition
        ):
            raise InvalidCursor("cursor is damaged")
    return decoded
