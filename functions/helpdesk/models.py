"""The help desk's entities as typed, validated models.

These are what the domain and the API speak; the store converts them to and from
DynamoDB items and nothing else knows the item layout.
"""

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AwareDatetime,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    computed_field,
    model_validator,
)

from helpdesk.validated import Validated

Scalar = str | int | float | bool | None


def iso_duration(length: timedelta) -> str:
    """An ISO 8601 duration in whole seconds ("PT1H30M", "P2DT2H", "PT0S"), the
    form JSON Schema's ``duration`` format (RFC 3339, appendix A) accepts: it
    has no fractions of a second and no sign. SLA clocks count whole seconds,
    and an elapsed time is never negative, so a fraction rounds and a negative
    length (two clocks a moment apart) shows as zero."""
    seconds = max(round(length.total_seconds()), 0)
    days, seconds = divmod(seconds, 86_400)
    hours, seconds = divmod(seconds, 3_600)
    minutes, seconds = divmod(seconds, 60)
    date = f"{days}D" if days else ""
    # RFC 3339's grammar lets seconds follow only minutes: one hour and one second is "PT1H0M1S".
    minutes_shown = minutes or (hours and seconds)
    time = "".join(f"{n}{unit}" for n, unit, shown in
                   ((hours, "H", hours), (minutes, "M", minutes_shown), (seconds, "S", seconds)) if shown)  # fmt: skip
    if not date and not time:
        return "PT0S"
    return f"P{date}" + (f"T{time}" if time else "")


# A length of time as the API shows it and the table keeps it (see iso_duration).
Duration = Annotated[
    timedelta,
    PlainSerializer(iso_duration, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "duration"}, mode="serialization"),
]


class _Entity(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Channel(StrEnum):
    EMAIL = "email"
    WHATSAPP = "whatsapp"
    CHAT = "chat"
    WEB_FORM = "web_form"
    MESSENGER = "messenger"
    INSTAGRAM = "instagram"
    PHONE = "phone"

    @property
    def joins_open_conversation(self) -> bool:
        """Conversational channels add to the contact's open ticket; e-mail and
        forms thread only by what the message itself says (headers, token)."""
        return self in (Channel.WHATSAPP, Channel.CHAT, Channel.MESSENGER, Channel.INSTAGRAM, Channel.PHONE)


class TicketStatus(StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    ON_HOLD = "on_hold"
    SOLVED = "solved"
    CLOSED = "closed"

    @property
    def reopens_on_customer_message(self) -> bool:
        """Waiting on the customer, or marked solved: the customer writing again
        means there is work to do. On hold (waiting on a third party) stays."""
        return self in (TicketStatus.PENDING, TicketStatus.SOLVED)


DONE_STATUSES = (TicketStatus.SOLVED, TicketStatus.CLOSED)
UNSOLVED_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.ON_HOLD)
# What counts toward an agent's load (their group's cap): tickets waiting on
# them. Pending and on-hold tickets wait on someone else; solved ones are done.
LOAD_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN)


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class IdentityKind(StrEnum):
    EMAIL = "email"
    WHATSAPP = "whatsapp"
    PHONE = "phone"
    WEB_SESSION = "web_session"
    MESSENGER = "messenger"  # a page-scoped id (PSID)
    INSTAGRAM = "instagram"  # an Instagram-scoped id (IGSID)


class Identity(_Entity):
    """A way to reach a contact. ``value`` is normalized (see ``contacts.normalize_identity``)."""

    kind: IdentityKind
    value: Annotated[str, Field(min_length=1, max_length=320)]


class Language(StrEnum):
    SPANISH = "es"
    ENGLISH = "en"


class Attachment(_Entity):
    """A file kept in the attachments bucket; the message holds only the reference."""

    bucket: str
    key: str
    filename: str = ""
    content_type: str = "application/octet-stream"  # what the bytes are (sniffed)
    declared_type: str | None = None  # what the sender said they are
    size: Annotated[int, Field(ge=0)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class Contact(_Entity):
    id: str
    name: str = ""
    country: str | None = None  # ISO 3166-1 alpha-2, e.g. "GT"
    language: Language = Language.SPANISH
    identities: tuple[Identity, ...] = ()
    tier: str | None = None
    picture: Attachment | None = None  # the profile picture a channel shared (Messenger, Instagram)
    created_at: AwareDatetime
    updated_at: AwareDatetime
    merged_into: str | None = None  # this duplicate was merged into that contact
    erased_at: AwareDatetime | None = None  # personal data erased on request


class ActorKind(StrEnum):
    CONTACT = "contact"
    AGENT = "agent"
    BOT = "bot"
    SYSTEM = "system"
    RULE = "rule"  # an administrator's routing or automation rule (``id``: the rule's)
    API_KEY = "api_key"  # a CRM or script through an API key (``name``: the key's, ``helpdesk.api_keys``)


class Actor(_Entity):
    kind: ActorKind
    id: str | None = None
    name: str = ""


class MessageKind(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"
    NOTE = "note"
    SYSTEM = "system"


class DeliveryStatus(StrEnum):
    RECEIVED = "received"
    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"


class Notice(_Entity):
    """Something an agent should know about a message (shown translated by key)."""

    key: str  # e.g. "attachment_too_large", "mail_unreadable"
    params: dict[str, str] = Field(default_factory=dict)


class CallDirection(StrEnum):
    INBOUND = "inbound"  # the customer called
    OUTBOUND = "outbound"  # an agent (or a callback) called the customer


class PhoneCall(_Entity):
    """A telephone call as a ticket shows it: from Amazon Connect's contact
    events (``channels/phone``), or logged by hand by an agent. Connect's
    timestamps are facts of one contact that every later event repeats, so
    merging two snapshots field by field gives the same call in any order."""

    call_id: Annotated[str, Field(min_length=1, max_length=128)]  # Connect's contact id, or ours when logged
    direction: CallDirection = CallDirection.INBOUND
    number: str = ""  # the customer's number, E.164
    queue: str | None = None
    agent: str | None = None  # the agent's name (logged) or Connect's agent id
    started_at: AwareDatetime
    queued_at: AwareDatetime | None = None
    answered_at: AwareDatetime | None = None
    ended_at: AwareDatetime | None = None
    duration_seconds: Annotated[int, Field(ge=0, le=86_400)] | None = None
    # Connect's events already applied (idempotency on contact id + event type)
    events: tuple[str, ...] = ()
    logged_by: str | None = None  # the agent who logged it by hand
    voicemail: bool = False
    disconnect_reason: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def missed(self) -> bool:
        """Ended without anyone answering (a voicemail is a missed call too)."""
        return self.ended_at is not None and self.answered_at is None and self.logged_by is None

    @model_validator(mode="before")
    @classmethod
    def _derived_fields_are_not_input(cls, data: object) -> object:
        if isinstance(data, dict) and "missed" in data:
            return {k: v for k, v in data.items() if k != "missed"}
        return data


class Message(_Entity):
    id: str
    ticket_id: str
    kind: MessageKind
    channel: Channel
    author: Actor
    text: str = ""
    html: str | None = None  # sanitized for display, never the sender's raw HTML
    full_text: str | None = None  # with quoted history and signature, when text omits them
    full_html: str | None = None  # sanitized, with quoted history and signature, when html omits them
    attachments: tuple[Attachment, ...] = ()
    original: Attachment | None = None  # the message as the provider delivered it (raw MIME)
    notices: tuple[Notice, ...] = ()
    channel_message_id: str | None = None
    thread_key: str | None = None  # an e-mail's Message-ID, which replies refer to
    delivery_status: DeliveryStatus
    delivery_error: str | None = None
    sent_at: AwareDatetime
    created_at: AwareDatetime
    call: PhoneCall | None = None  # a phone message's call


class SlaMetric(StrEnum):
    FIRST_RESPONSE = "first_response"  # the first public reply by an agent
    NEXT_RESPONSE = "next_response"  # an agent's reply to each later customer message
    RESOLUTION = "resolution"  # solving the ticket


class SlaTimer(_Entity):
    """One promise on one ticket, e.g. "first response within 2 business hours".

    The clock runs on the policy's calendar (or around the clock), pauses while
    the ticket waits on the customer, and stops when the promise is kept
    (``met_at``). ``due_at`` and ``warn_at`` are when it breaches and warns if
    it keeps running; ``None`` while paused."""

    metric: SlaMetric
    target: Duration
    business_hours: bool = True
    consumed: Duration = timedelta(0)  # open time used before the current run
    running_since: AwareDatetime | None = None
    due_at: AwareDatetime | None = None
    warn_at: AwareDatetime | None = None
    warned_at: AwareDatetime | None = None
    breached_at: AwareDatetime | None = None
    met_at: AwareDatetime | None = None

    @model_validator(mode="before")
    @classmethod
    def _derived_state_is_not_input(cls, data: object) -> object:
        # ``state`` is computed and shown in every dump; reading a dump back ignores it.
        if isinstance(data, dict) and "state" in data:
            return {k: v for k, v in data.items() if k != "state"}
        return data

    @computed_field  # type: ignore[prop-decorator]
    @property
    def state(self) -> str:
        """met, missed (met after its due time), breached, paused, warning or running."""
        if self.met_at is not None:
            late = self.breached_at is not None or (self.due_at is not None and self.met_at > self.due_at)
            return "missed" if late else "met"
        if self.breached_at is not None:
            return "breached"
        if self.running_since is None:
            return "paused"
        return "warning" if self.warned_at is not None else "running"

    @property
    def next_check(self) -> datetime | None:
        """When the SLA checker must look at this timer next, if ever."""
        if self.met_at is not None or self.running_since is None:
            return None
        if self.warned_at is None and self.warn_at is not None:
            return self.warn_at
        return self.due_at if self.breached_at is None else None

    def breach_id(self, ticket_id: str) -> str:
        """Names this timer's breach: the same breach always gets the same name
        (escalation executions are named by it, so a breach escalates once)."""
        if self.breached_at is None:
            raise ValueError("the timer has not breached")
        return f"{ticket_id}-{self.metric.value}-{self.breached_at:%Y%m%dT%H%M%S}"


class TicketSla(_Entity):
    """The SLA policy a ticket follows and its timers."""

    policy_id: str
    policy_name: str = ""
    calendar_id: str | None = None  # None: around the clock
    timers: tuple[SlaTimer, ...] = ()

    def timer(self, metric: SlaMetric) -> SlaTimer | None:
        return next((t for t in self.timers if t.metric is metric), None)

    @property
    def next_check(self) -> datetime | None:
        moments = [m for m in (t.next_check for t in self.timers) if m is not None]
        return min(moments) if moments else None

    def breaches_ended_by(self, after: "TicketSla | None") -> tuple[SlaTimer, ...]:
        """This SLA's breached timers still waiting for an answer that ``after``
        meets or drops (another policy, or none): their escalations end."""
        later = {t.metric: t for t in after.timers} if after else {}
        return tuple(
            timer
            for timer in self.timers
            if timer.breached_at is not None
            and timer.met_at is None
            and (
                (now := later.get(timer.metric)) is None
                or now.met_at is not None
                or now.breached_at != timer.breached_at
            )
        )


class Ticket(_Entity):
    id: str
    number: Annotated[int, Field(ge=1)]
    subject: str = ""
    status: TicketStatus = TicketStatus.NEW
    priority: Priority = Priority.NORMAL
    channel: Channel
    contact_id: str
    group_id: str | None = None
    assignee_id: str | None = None
    tags: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()  # e-mail addresses copied on the conversation
    # The support address or WhatsApp number (its phone_number_id) of the channel
    # setup the customer wrote to, when it was a listed one (``channels/setup.py``)
    recipient: str | None = None
    custom_fields: dict[str, Scalar] = Field(default_factory=dict)
    created_at: AwareDatetime
    updated_at: AwareDatetime
    first_response_at: AwareDatetime | None = None
    solved_at: AwareDatetime | None = None
    last_customer_message_at: AwareDatetime | None = None
    sla: TicketSla | None = None
    merged_into: str | None = None  # closed by merging it into that ticket
    reopens: Annotated[int, Field(ge=0)] = 0  # times it was solved and opened again
    version: Annotated[int, Field(ge=1)] = 1

    # What the store keeps beside a ticket follows from these rules, applied on
    # every save (each a plain property or method, so it is tested without a table).

    @property
    def load_holder(self) -> str | None:
        """The agent whose load the ticket counts toward, if anyone's."""
        return self.assignee_id if self.status in LOAD_STATUSES else None

    def ends_conversation(self, before: "Ticket") -> bool:
        """Closing a conversational ticket (from ``before``) ends the contact's
        open conversation: their next message opens a new ticket."""
        return (
            self.status is TicketStatus.CLOSED
            and before.status is not TicketStatus.CLOSED
            and self.channel.joins_open_conversation
        )

    def reopened_since(self, before: "Ticket | None") -> bool:
        """This change opens a solved (or closed) ticket again."""
        return before is not None and before.status in DONE_STATUSES and self.status not in DONE_STATUSES

    def counting_reopen(self, before: "Ticket") -> "Ticket":
        """This change, with ``reopens`` counting it when it reopens the ticket."""
        return self.model_copy(update={"reopens": before.reopens + 1}) if self.reopened_since(before) else self

    def solved_since(self, before: "Ticket | None") -> bool:
        """This change solves the ticket (a survey may follow)."""
        return self.status is TicketStatus.SOLVED and (before is None or before.status is not TicketStatus.SOLVED)

    def breaches_since(self, before: "Ticket | None") -> "tuple[SlaBreach, ...]":
        """The SLA breaches this ticket records that ``before`` did not: each
        newly breached timer opens one (answered already if the same change
        met the timer)."""
        earlier = {t.metric: t for t in before.sla.timers} if before is not None and before.sla else {}
        return tuple(
            SlaBreach(
                id=timer.breach_id(self.id),
                ticket_id=self.id,
                metric=timer.metric,
                breached_at=timer.breached_at,
                state=BREACH_ANSWERED if timer.met_at else BREACH_OPEN,
            )
            for timer in (self.sla.timers if self.sla else ())
            if timer.breached_at is not None
            and ((previous := earlier.get(timer.metric)) is None or previous.breached_at != timer.breached_at)
        )

    def breaches_answered_since(self, before: "Ticket | None") -> tuple[str, ...]:
        """The ids of ``before``'s open breaches that this ticket answers (its
        timer met, or dropped)."""
        if before is None or before.sla is None:
            return ()
        return tuple(timer.breach_id(self.id) for timer in before.sla.breaches_ended_by(self.sla))


class FieldChange(_Entity):
    field: str
    old: Scalar | list[str] = None
    new: Scalar | list[str] = None


class EventKind(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    REOPENED = "reopened"
    SLA_WARNING = "sla_warning"
    SLA_BREACH = "sla_breach"
    ESCALATED = "escalated"
    IDENTITY_CHECK_SENT = "identity_check_sent"  # an agent sent a one-time code (``helpdesk.verification``)
    IDENTITY_VERIFIED = "identity_verified"  # the customer answered with it
    IDENTITY_CHECK_FAILED = "identity_check_failed"  # every attempt was wrong
    WEBHOOK_CALLED = "webhook_called"  # a rule asked for an outgoing webhook (``changes``: the endpoint)


class TicketEvent(_Entity):
    """One entry of a ticket's append-only history: who changed what, when."""

    id: str
    ticket_id: str
    kind: EventKind
    actor: Actor
    at: AwareDatetime
    changes: tuple[FieldChange, ...] = ()


class SetAside(_Entity):
    """An inbound message that became no ticket message, kept for agents to see."""

    id: str  # the provider's id: setting aside twice keeps one entry
    channel: Channel
    # quarantined_spam, quarantined_virus, unreadable, no_sender, automatic_without_ticket, unmatched_bounce
    reason: str
    received_at: AwareDatetime
    sender: str = ""
    subject: str = ""
    original: Attachment | None = None
    detail: str = ""
    ticket_id: str | None = None  # the ticket someone made of it ("make it a ticket")


class Agent(_Entity):
    id: str  # the Cognito user's ``sub``
    email: str
    name: str
    role: str
    group_ids: tuple[str, ...] = ()
    active: bool = True  # a deactivated agent cannot sign in; their history stays
    quality: bool = False  # may review others' work (``helpdesk.quality``); admins always may
    editor: bool = False  # may write and publish knowledge-base articles; admins always may


class GroupAssignment(_Entity):
    """How a group hands out its new tickets: round robin over its members who
    are online, each holding at most ``max_open_per_agent`` unsolved tickets."""

    round_robin: bool = False
    max_open_per_agent: Annotated[int, Field(ge=1, le=500)] = 10


GroupId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]


class Group(_Entity):
    id: GroupId
    name: Annotated[str, Field(min_length=1, max_length=120)]
    supervisor_id: str | None = None  # the agent breached tickets escalate to
    assignment: GroupAssignment = GroupAssignment()


class AuditEntry(_Entity):
    """One change to the help desk's settings: who changed what, when. The
    audit log is append-only and kept by month."""

    id: str
    at: AwareDatetime
    actor: Actor
    action: str  # e.g. "agent.invited", "group.saved", "macro.deleted"
    target: str  # what was changed: an agent's e-mail, a group or macro id…
    changes: tuple[FieldChange, ...] = ()


BREACH_OPEN = "open"  # the breached promise is not kept yet: its escalation goes on
BREACH_ANSWERED = "answered"  # kept (late) or dropped: the escalation ends at its next check


class SlaBreach(_Entity):
    """One breach of one SLA timer and where its escalation stands."""

    id: str
    ticket_id: str
    metric: SlaMetric
    breached_at: AwareDatetime
    state: str  # BREACH_OPEN until the promise is kept, then BREACH_ANSWERED
    awaiting_acknowledgment: bool = False  # a supervisor's "acknowledge" would end the escalation
    acknowledged_by: str | None = None


class NotificationKind(StrEnum):
    ASSIGNED = "assigned"  # a ticket was assigned to the agent by someone else
    MENTIONED = "mentioned"  # an internal note mentions the agent
    RULE = "rule"  # an administrator's rule tells the agent (or their group) of a ticket
    POOR_SURVEY = "poor_survey"  # a customer answered a survey poorly (the group's supervisor)


class Notification(_Entity):
    """Something that happened to one agent, shown in the console's bell."""

    id: str
    agent_id: str
    kind: NotificationKind
    ticket_id: str
    ticket_number: int
    subject: str = ""
    actor: Actor
    at: AwareDatetime


class PresenceActivity(StrEnum):
    VIEWING = "viewing"
    REPLYING = "replying"
    # A web chat visitor, on their conversation (``helpdesk.live.sockets``): its widget is open, or they type
    VISITOR_HERE = "visitor_here"
    VISITOR_TYPING = "visitor_typing"


class Presence(_Entity):
    """An agent on a ticket's page just now (collision detection)."""

    agent_id: str
    name: str = ""
    activity: PresenceActivity
    at: AwareDatetime


class TicketThread(_Entity):
    """A ticket with everything an agent needs to work it."""

    ticket: Ticket
    contact: Contact | None
    messages: tuple[Message, ...]
    events: tuple[TicketEvent, ...]
    breaches: tuple[SlaBreach, ...] = ()


class SearchText(_Entity):
    """A text a ticket is found by, as its snippet shows it."""

    field: str  # subject, contact, inbound, outbound, note, tag, field, attachment
    text: str


class SearchDocument(_Entity):
    """What the search index holds of one ticket (``helpdesk.search``): its
    terms with their weights, which postings exist for it, and the texts its
    snippets and exact phrases are read from."""

    ticket_id: str
    month: str  # the ticket's creation month (yyyy-mm): the shard of its postings
    terms: dict[str, int] = Field(default_factory=dict)
    texts: tuple[SearchText, ...] = ()
