"""The table's items: one PynamoDB model per entity, all in one table (the
``type`` attribute tells them apart). Only the store's modules use them; the
rest of the help desk sees domain models (``helpdesk.models``)."""

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from helpdesk.store.keys import BY_ASSIGNEE, BY_CONTACT, BY_DUE_MINUTE, BY_GROUP, BY_STATUS, IndexKeys


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
        table_name = "unbound"  # set by TableAccess from StoreSettings
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
    recipient = UnicodeAttribute(null=True)
    custom_fields = JSONAttribute(default=dict)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    first_response_at = UTCDateTimeAttribute(null=True)
    solved_at = UTCDateTimeAttribute(null=True)
    last_customer_message_at = UTCDateTimeAttribute(null=True)
    sla = JSONAttribute(null=True)
    merged_into = UnicodeAttribute(null=True)
    reopens = NumberAttribute(null=True)  # absent until it is first reopened
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
    full_html = UnicodeAttribute(null=True)
    attachments = JSONAttribute(default=list)
    original = JSONAttribute(null=True)
    notices = JSONAttribute(default=list)
    channel_message_id = UnicodeAttribute(null=True)
    thread_key = UnicodeAttribute(null=True)
    delivery_status = UnicodeAttribute()
    delivery_error = UnicodeAttribute(null=True)
    sent_at = UTCDateTimeAttribute()
    created_at = UTCDateTimeAttribute()
    call = JSONAttribute(null=True)


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
    picture = JSONAttribute(null=True)  # an Attachment: the profile picture a channel shared
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
    ticket_id = UnicodeAttribute(null=True)


class AgentItem(HelpdeskItem, discriminator="agent"):
    id = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    role = UnicodeAttribute()
    group_ids = ListAttribute(of=UnicodeAttribute, default=list)
    active = BooleanAttribute(default=True)
    quality = BooleanAttribute(null=True)
    editor = BooleanAttribute(null=True)


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
    state = UnicodeAttribute()  # BREACH_OPEN until the timer is met, then BREACH_ANSWERED
    answered_at = UTCDateTimeAttribute(null=True)
    task_token = UnicodeAttribute(null=True)  # the escalation waiting for a supervisor
    acknowledged_by = UnicodeAttribute(null=True)


class ConfigItem(HelpdeskItem, discriminator="config"):
    value = JSONAttribute()
    updated_at = UTCDateTimeAttribute()
    # Only settings saved with ``put_versioned_setting`` carry it: the number of
    # saves, each conditional on the one before (a plain attribute, not
    # PynamoDB's VersionAttribute, which would put a condition on every setting).
    version = NumberAttribute(null=True)


class MacroItem(HelpdeskItem, discriminator="macro"):
    value = JSONAttribute()


class ApiKeyItem(HelpdeskItem, discriminator="api_key"):
    """An API key's record (``helpdesk.api_keys.ApiKey`` as JSON) and the SHA-256
    of its secret; never the key itself. ``last_used_at`` is its own attribute so
    that recording a use is one conditional update."""

    value = JSONAttribute()
    secret_hash = UnicodeAttribute()
    last_used_at = UTCDateTimeAttribute(null=True)


class IdentityCheckItem(HelpdeskItem, discriminator="identity_check"):
    """A ticket's latest identity check (``helpdesk.verification.IdentityCheck``
    as JSON) and the salted hash of its code; never the code. ``revision`` is
    the check's version, the condition of its next write."""

    value = JSONAttribute()
    code_hash = UnicodeAttribute()
    revision = NumberAttribute()


class WebhookEndpointItem(HelpdeskItem, discriminator="webhook_endpoint"):
    value = JSONAttribute()


class WebhookAttemptItem(HelpdeskItem, discriminator="webhook_attempt"):
    value = JSONAttribute()


class WebhookEventItem(HelpdeskItem, discriminator="webhook_event"):
    pass


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


class PostingItem(HelpdeskItem, discriminator="posting"):
    """A ticket under one of its search terms (its month's shard)."""

    weight = NumberAttribute(default=1)


class SearchDocumentItem(HelpdeskItem, discriminator="search_document"):
    """What the index holds of a ticket: its terms (so stale postings are
    removed) and the texts its snippets are cut from."""

    month = UnicodeAttribute()
    terms = JSONAttribute(default=dict)
    texts = JSONAttribute(default=list)


class VocabularyItem(HelpdeskItem, discriminator="vocabulary"):
    """The index's terms of one first letter and length: what typos are read against."""

    terms = UnicodeSetAttribute(default=set)


class SearchStartItem(HelpdeskItem, discriminator="search_start"):
    month = UnicodeAttribute()  # the oldest month with postings


class SearchBackfillItem(HelpdeskItem, discriminator="search_backfill"):
    done_through = NumberAttribute()  # every ticket number up to this one is indexed


class LoadItem(HelpdeskItem, discriminator="load"):
    """How many tickets an agent holds in the statuses that count as their
    work (``Ticket.load_holder``); kept in the same transaction as every ticket change
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


class RuleTimerItem(HelpdeskItem, discriminator="rule_timer"):
    """A time-based rule's moment on one ticket, in the bucket of the minute it is due."""

    ticket_id = UnicodeAttribute()
    rule_id = UnicodeAttribute()
    since = UTCDateTimeAttribute()  # the moment the hours count from
    due_at = UTCDateTimeAttribute()
    hours = NumberAttribute()
    business_hours = BooleanAttribute()


class RuleFiredItem(HelpdeskItem, discriminator="rule_fired"):
    """A time-based rule fired on this ticket for this moment (never twice)."""

    fired_at = UTCDateTimeAttribute()


class RuleMomentItem(HelpdeskItem, discriminator="rule_moment"):
    """Since when a ticket has been in a state a time-based rule counts from (pending)."""

    since = UTCDateTimeAttribute()


class KpiContributionItem(HelpdeskItem, discriminator="kpi_contribution"):
    """What one ticket adds to the KPI rollups, at a ticket version (``helpdesk.reports.rollups``)."""

    value = JSONAttribute()
    version = NumberAttribute()


class KpiRollupItem(HelpdeskItem, discriminator="kpi_rollup"):
    """One day's KPI counters for one filter (channel × group × agent, each or ``*``)."""

    value = JSONAttribute()
    version = NumberAttribute()


class ReviewItem(HelpdeskItem, discriminator="review"):
    """A quality review of one ticket, kept as the domain's JSON (``helpdesk.quality``)."""

    value = JSONAttribute()
    version = NumberAttribute()


class ArticleItem(HelpdeskItem, discriminator="article"):
    """A knowledge-base article, kept as the domain's JSON (``helpdesk.knowledge``)."""

    value = JSONAttribute()
    version = NumberAttribute()


class RevisionItem(HelpdeskItem, discriminator="article_revision"):
    """One entry of an article's history (who, what, when, the content after it)."""

    value = JSONAttribute()


class VotesItem(HelpdeskItem, discriminator="article_votes"):
    """How many readers found an article helpful, and how many not."""

    helpful = NumberAttribute(default=0)
    not_helpful = NumberAttribute(default=0)


class FormTokenItem(HelpdeskItem, discriminator="form_token"):
    """A contact form handed out: when, so a submission can be timed (used once)."""

    issued_at = UTCDateTimeAttribute()


class ContentGapItem(HelpdeskItem, discriminator="content_gap"):
    """Searches (by normalized query) that found nothing or ended in a contact."""

    gap_query = UnicodeAttribute(attr_name="query")  # (``query`` is the model's own method)
    example = UnicodeAttribute(default="")
    locale = UnicodeAttribute(default="es")
    searches = NumberAttribute(default=0)
    contacts = NumberAttribute(default=0)
    last_at = UTCDateTimeAttribute()


class SocketItem(HelpdeskItem, discriminator="socket"):
    """A live connection (helpdesk.live): who holds it and where it listens."""

    connection_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    agent_id = UnicodeAttribute(null=True)
    name = UnicodeAttribute(default="")
    rooms = JSONAttribute(default=list)
    watching = UnicodeAttribute(null=True)
    connected_at = UTCDateTimeAttribute()


class RoomMemberItem(HelpdeskItem, discriminator="room_member"):
    """A connection listening in a room (one partition per room)."""

    connection_id = UnicodeAttribute()


class LinkKeyItem(HelpdeskItem, discriminator="link_key"):
    """The key customer links are signed with (status pages, survey answers),
    made once by the first function that needs it; never shown or logged."""

    secret = UnicodeAttribute()  # hex
    created_at = UTCDateTimeAttribute()


class StatusLinksItem(HelpdeskItem, discriminator="status_links"):
    """A ticket's status links issued at or before ``revoked_before`` are refused."""

    revoked_before = UTCDateTimeAttribute()
    revoked_by = UnicodeAttribute(null=True)


class SolvedItem(HelpdeskItem, discriminator="solved"):
    """A ticket solved in this minute (sparse: written with the save that solves it)."""

    ticket_id = UnicodeAttribute()
    solved_at = UTCDateTimeAttribute()


class SurveyDueItem(HelpdeskItem, discriminator="survey_due"):
    """A survey due in this minute for one solve of a ticket."""

    ticket_id = UnicodeAttribute()
    solved_at = UTCDateTimeAttribute()
    due_at = UTCDateTimeAttribute()
    policy_id = UnicodeAttribute()


class SurveyItem(HelpdeskItem, discriminator="survey"):
    """A ticket's survey as the domain keeps it (``helpdesk.surveys.model``), on the
    ticket (one per ticket) and copied on its contact (their surveys, newest last)."""

    value = JSONAttribute()
    version = NumberAttribute()  # each answer saves on the version it read


class SurveyedItem(HelpdeskItem, discriminator="surveyed"):
    """When a contact was last sent a survey (one per contact every N days)."""

    last_sent_at = UTCDateTimeAttribute()


class SurveyOptOutItem(HelpdeskItem, discriminator="survey_opt_out"):
    """The contact asked for no surveys (on any channel)."""

    at = UTCDateTimeAttribute()
    channel = UnicodeAttribute()


class FollowUpItem(HelpdeskItem, discriminator="follow_up"):
    """A case someone must reach out about (``helpdesk.follow_ups``), as the domain's JSON."""

    value = JSONAttribute()
    version = NumberAttribute()


class BotQuestionItem(HelpdeskItem, discriminator="bot_question"):
    """The assistant asked "¿Te sirvió?" on a ticket: an answer is due by ``due_at``
    (sparse, in its hour's partition; looked at once then, answered or not)."""

    ticket_id = UnicodeAttribute()
    asked_at = UTCDateTimeAttribute()
    due_at = UTCDateTimeAttribute()


ITEM_CLASSES: tuple[type[HelpdeskItem], ...] = (
    HelpdeskItem, TicketItem, MessageItem, EventItem, ContactItem, IdentityItem,
    OpenConversationItem, PointerItem, CounterItem, SetAsideItem, AgentItem, GroupItem,
    BreachItem, ConfigItem, CheckpointItem, MacroItem, NotificationItem, ReadMarkItem, PresenceItem,
    AuditItem, LoadItem, OnlineItem, RoundRobinItem, PostingItem, SearchDocumentItem,
    VocabularyItem, SearchStartItem, SearchBackfillItem,
    ApiKeyItem, IdentityCheckItem, WebhookEndpointItem, WebhookAttemptItem, WebhookEventItem, ReviewItem,
    KpiContributionItem, KpiRollupItem,
    RuleTimerItem, RuleFiredItem, RuleMomentItem,
    SocketItem, RoomMemberItem, LinkKeyItem, StatusLinksItem,
    SolvedItem, SurveyDueItem, SurveyItem, SurveyedItem, SurveyOptOutItem, FollowUpItem, BotQuestionItem,
    SocketItem, RoomMemberItem, ArticleItem, RevisionItem, VotesItem, FormTokenItem, ContentGapItem,
)  # fmt: skip
