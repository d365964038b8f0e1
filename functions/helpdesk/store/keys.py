"""The table's shape and every key template: the only place a key is spelled.

One DynamoDB table holds every entity; each item's keys come from one template
below (STYLE §9). Nothing else in the store writes a key string.

| item                 | PK                          | SK                    |
|----------------------|-----------------------------|-----------------------|
| ticket               | ``TICKET#<id>``             | ``META``              |
| message              | ``TICKET#<id>``             | ``MSG#<sent>#<id>``   |
| ticket event         | ``TICKET#<id>``             | ``EVT#<at>#<id>``     |
| SLA breach           | ``TICKET#<id>``             | ``BREACH#<breach id>``|
| presence on a ticket | ``TICKET#<id>``             | ``PRESENCE#<agent>``  |
| contact              | ``CONTACT#<id>``            | ``META``              |
| open conversation    | ``CONTACT#<id>``            | ``OPEN#<channel>``    |
| identity             | ``IDENT#<kind>#<value>``    | ``IDENT``             |
| e-mail thread key    | ``THREAD#<Message-ID>``     | ``THREAD``            |
| channel message id   | ``CHMSG#<channel>#<id>``    | ``CHMSG``             |
| ticket number        | ``TICKETNUM#<n>``           | ``TICKETNUM``         |
| ticket counter       | ``COUNTER#ticket_number``   | ``COUNTER``           |
| set-aside inbound    | ``ASIDE#<yyyy-mm>``         | ``<received>#<id>``   |
| agent / group        | ``AGENT#<id>`` / ``GROUP#<id>`` | ``META``          |
| agent notification   | ``AGENT#<id>``              | ``NOTIF#<at>#<id>``   |
| notifications read   | ``AGENT#<id>``              | ``NOTIFREAD``         |
| agent's open load    | ``AGENT#<id>``              | ``LOAD``              |
| agent online         | ``AGENT#<id>``              | ``ONLINE``            |
| group's round robin  | ``GROUP#<id>``              | ``ROUND_ROBIN``       |
| macro                | ``MACRO#<id>``              | ``META``              |
| webhook endpoint     | ``WEBHOOK#<id>``            | ``META``              |
| webhook attempt (TTL)| ``WEBHOOK#<id>``            | ``ATTEMPT#<at>#<id>`` |
| webhook event (TTL)  | ``WHEVENT#<event id>``      | ``WHEVENT``           |
| SLA setup            | ``CONFIG#sla``              | ``META``              |
| other settings       | ``CONFIG#<name>``           | ``META``              |
| checker checkpoint   | ``CHECKPOINT#<name>``       | ``CHECKPOINT``        |
| audit log entry      | ``AUDIT#<yyyy-mm>``         | ``<at>#<id>``         |
| API key              | ``APIKEY#<id>``             | ``META``              |
| quality review       | ``REVIEW#<ticket id>``      | ``META``              |
| KPI contribution     | ``KPICONTRIB#<ticket id>``  | ``META``              |
| KPI rollup (a day)   | ``KPI#<channel>|<group>|<agent>`` (each or ``*``) | ``<yyyy-mm-dd>`` |
| knowledge article    | ``ARTICLE#<id>``            | ``META``              |
| article revision     | ``ARTICLE#<id>``            | ``REV#<number>``      |
| article votes        | ``ARTICLE#<id>``            | ``VOTES``             |
| contact form token   | ``FORMTOKEN#<id>`` (TTL)    | ``FORMTOKEN``         |
| content gap          | ``KBGAP#<normalized query>``| ``KBGAP``             |
| identity check       | ``IDCHECK#<ticket id>``     | ``META``              |
| rule timer (due)     | ``RULEDUE#<minute>``        | ``<ticket>#<rule>#<since>`` |
| rule fired           | ``TICKET#<id>``             | ``RULEFIRED#<rule>#<since>`` |
| rule moment          | ``TICKET#<id>``             | ``RULEMOMENT#<state>`` |
| search posting       | ``IX#<term>#<yyyy-mm>``     | ``<ticket id>``       |
| search document      | ``IXDOC#<ticket id>``       | ``IXDOC``             |
| search vocabulary    | ``IXVOCAB#<first letter>``  | ``<term length>``     |
| oldest indexed month | ``IXMETA``                  | ``START``             |
| backfill checkpoint  | ``IXMETA``                  | ``BACKFILL``          |
| customer links' key  | ``CONFIG#customer_links``   | ``KEY``               |
| status links revoked | ``TICKET#<id>``             | ``STATUSLINKS``       |
| solved in an hour    | ``SOLVED#<hour>``           | ``<solved>#<ticket>`` |
| survey due (sparse)  | ``SURVEYDUE#<hour>``        | ``<due>#<ticket>#<solved>`` |
| a ticket's survey    | ``TICKET#<id>``             | ``SURVEY``            |
| a contact's survey   | ``CONTACT#<id>``            | ``SURVEY#<sent>#<ticket>`` |
| contact last surveyed| ``CONTACT#<id>``            | ``SURVEYED``          |
| no surveys, please   | ``CONTACT#<id>``            | ``NOSURVEYS``         |
| follow-up            | ``FOLLOWUP#<ticket id>``    | ``<reason>``          |
| bot question (sparse)| ``BOTASKED#<hour>``         | ``<due>#<ticket>#<asked>`` |
| live connection      | ``SOCKET#<connection id>``  | ``META``              |
| connection in a room | ``ROOM#<kind>#<id>``        | ``<connection id>``   |

Indexes (all projections ALL): ``by_status`` (status → updated; also the
directories of agents, groups and macros, by name; the quality review queue,
``REVIEWQ#<state>`` → created; the follow-up queue, ``FOLLOWUPQ#<state>`` →
created; articles by status, ``KB#<status>`` → updated; content gaps,
``KBGAPS`` → last seen), ``by_group`` (group + status → updated; the
reviews scored in a month, ``REVIEWSCORED#<yyyy-mm>`` → scored; published
articles by review-by date, ``KBREVIEW`` → date),
``by_assignee`` (assignee or ``-`` + status → updated; an agent's reviews,
``REVIEWS#<agent>`` → created),
``by_contact`` (contact → created) and the sparse ``by_due_minute`` (minute
bucket → due time) that the SLA checker and survey sender read: a ticket with a
running SLA timer sits in the bucket of the minute its next warning or breach
is due, and in no bucket otherwise.
"""

from datetime import UTC, datetime
from typing import NamedTuple

from helpdesk.clock import sortable
from helpdesk.models import AuditEntry, Channel, Identity, Message, SetAside, Ticket, TicketEvent, TicketStatus


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

Key = tuple[str, str]  # (PK, SK)

META = "META"
UNASSIGNED = "-"  # the assignee partition of tickets nobody holds
AFTER_EVERY_TIME = "~"  # sorts after every ``sortable`` time in a range condition


def _by_time(moment: datetime, item_id: str) -> str:
    """A sort key ordered by time, unique by id."""
    return f"{sortable(moment)}#{item_id}"


# tickets and what hangs off them


def ticket_pk(ticket_id: str) -> str:
    return f"TICKET#{ticket_id}"


def ticket_key(ticket_id: str) -> Key:
    return ticket_pk(ticket_id), META


def message_sk(sent_at: datetime, message_id: str) -> str:
    return f"MSG#{_by_time(sent_at, message_id)}"


def message_key(message: Message) -> Key:
    return ticket_pk(message.ticket_id), message_sk(message.sent_at, message.id)


EVENT_PREFIX = "EVT#"


def event_key(event: TicketEvent) -> Key:
    return ticket_pk(event.ticket_id), f"{EVENT_PREFIX}{_by_time(event.at, event.id)}"


def breach_key(ticket_id: str, breach_id: str) -> Key:
    return ticket_pk(ticket_id), f"BREACH#{breach_id}"


PRESENCE_PREFIX = "PRESENCE#"


def presence_key(ticket_id: str, agent_id: str) -> Key:
    return ticket_pk(ticket_id), f"{PRESENCE_PREFIX}{agent_id}"


def ticket_number_key(number: int) -> Key:
    return f"TICKETNUM#{number}", "TICKETNUM"


TICKET_COUNTER_KEY: Key = ("COUNTER#ticket_number", "COUNTER")


def thread_key(message_id: str) -> Key:
    return f"THREAD#{message_id}", "THREAD"


def channel_message_key(channel: Channel, channel_message_id: str) -> Key:
    return f"CHMSG#{channel.value}#{channel_message_id}", "CHMSG"


def set_aside_pk(month: datetime) -> str:
    return f"ASIDE#{month:%Y-%m}"


def set_aside_key(entry: SetAside) -> Key:
    return set_aside_pk(entry.received_at), _by_time(entry.received_at, entry.id)


def flow_key(key: Key) -> dict[str, dict[str, str]]:
    """An item's key as the Step Functions flows read it (DynamoDB JSON)."""
    return {HASH_KEY: {"S": key[0]}, RANGE_KEY: {"S": key[1]}}


# ticket index entries: the partitions queue views read, and the sort keys


def status_partition(status: TicketStatus) -> str:
    return f"STATUS#{status.value}"


def group_partition(group_id: str, status: TicketStatus) -> str:
    return f"GROUP#{group_id}#{status.value}"


def assignee_partition(agent_id: str | None, status: TicketStatus) -> str:
    """``agent_id`` None (or UNASSIGNED): the tickets nobody holds."""
    return f"AGENT#{agent_id or UNASSIGNED}#{status.value}"


def updated_sk(ticket: Ticket) -> str:
    return _by_time(ticket.updated_at, ticket.id)


def created_sk(ticket: Ticket) -> str:
    return _by_time(ticket.created_at, ticket.id)


def due_bucket(moment: datetime) -> str:
    """The ``by_due_minute`` partition of a moment: its minute, in UTC."""
    return f"SLA#{moment.astimezone(UTC):%Y-%m-%dT%H:%M}"


def due_sk(check: datetime, ticket_id: str) -> str:
    return _by_time(check, ticket_id)


# contacts


def contact_pk(contact_id: str) -> str:
    return f"CONTACT#{contact_id}"


def contact_key(contact_id: str) -> Key:
    return contact_pk(contact_id), META


OPEN_PREFIX = "OPEN#"


def open_sk(channel: Channel) -> str:
    return f"{OPEN_PREFIX}{channel.value}"


def open_key(contact_id: str, channel: Channel) -> Key:
    return contact_pk(contact_id), open_sk(channel)


def channel_of_open(sk: str) -> Channel:
    return Channel(sk.removeprefix(OPEN_PREFIX))


def identity_key(identity: Identity) -> Key:
    return f"IDENT#{identity.kind.value}#{identity.value}", "IDENT"


# the team: agents, groups, their loads, presence and turns

AGENT_PREFIX = "AGENT#"
AGENT_DIRECTORY = "DIRECTORY#agent"  # by_status partition listing the agents, by name
GROUP_DIRECTORY = "DIRECTORY#group"  # the groups
MACRO_DIRECTORY = "DIRECTORY#macro"  # the macros
API_KEY_DIRECTORY = "DIRECTORY#apikey"  # the API keys, by id (creation order)
WEBHOOK_DIRECTORY = "DIRECTORY#webhook"  # the outgoing webhook endpoints


def directory_sk(name: str, item_id: str) -> str:
    return f"{name.casefold()}#{item_id}"


def agent_pk(agent_id: str) -> str:
    return f"{AGENT_PREFIX}{agent_id}"


def agent_id_of(pk: str) -> str:
    return pk.removeprefix(AGENT_PREFIX)


def agent_key(agent_id: str) -> Key:
    return agent_pk(agent_id), META


def load_key(agent_id: str) -> Key:
    return agent_pk(agent_id), "LOAD"


def online_key(agent_id: str) -> Key:
    return agent_pk(agent_id), "ONLINE"


def group_key(group_id: str) -> Key:
    return f"GROUP#{group_id}", META


def round_robin_key(group_id: str) -> Key:
    return f"GROUP#{group_id}", "ROUND_ROBIN"


# an agent's inbox

NOTIFICATION_PREFIX = "NOTIF#"


def notification_key(agent_id: str, at: datetime, notification_id: str) -> Key:
    return agent_pk(agent_id), f"{NOTIFICATION_PREFIX}{_by_time(at, notification_id)}"


def notifications_after(after: datetime | None) -> tuple[str, str]:
    """The sort-key range of an agent's notifications after ``after`` (all when None)."""
    lowest = f"{NOTIFICATION_PREFIX}{sortable(after)}" if after is not None else NOTIFICATION_PREFIX
    return lowest, f"{NOTIFICATION_PREFIX}{AFTER_EVERY_TIME}"


def notifications_read_key(agent_id: str) -> Key:
    return agent_pk(agent_id), "NOTIFREAD"


# settings, macros, checkpoints, the audit log


def config_key(name: str) -> Key:
    return f"CONFIG#{name}", META


SLA_SETUP_KEY = config_key("sla")


def macro_key(macro_id: str) -> Key:
    return f"MACRO#{macro_id}", META


def api_key_key(key_id: str) -> Key:
    return f"APIKEY#{key_id}", META


def identity_check_key(ticket_id: str) -> Key:
    return f"IDCHECK#{ticket_id}", META


# outgoing webhooks: endpoints, their recent attempts, events already fanned out

ATTEMPT_PREFIX = "ATTEMPT#"


def webhook_pk(endpoint_id: str) -> str:
    return f"WEBHOOK#{endpoint_id}"


def webhook_key(endpoint_id: str) -> Key:
    return webhook_pk(endpoint_id), META


def webhook_attempt_key(endpoint_id: str, at: datetime, attempt_id: str) -> Key:
    return webhook_pk(endpoint_id), f"{ATTEMPT_PREFIX}{_by_time(at, attempt_id)}"


def webhook_event_key(event_id: str) -> Key:
    return f"WHEVENT#{event_id}", "WHEVENT"


def rule_due_bucket(moment: datetime) -> str:
    """The partition of the time-based rules due in a moment's minute (UTC)."""
    return f"RULEDUE#{moment.astimezone(UTC):%Y-%m-%dT%H:%M}"


def rule_timer_key(due_at: datetime, ticket_id: str, rule_id: str, since: datetime) -> Key:
    return rule_due_bucket(due_at), f"{ticket_id}#{rule_id}#{sortable(since)}"


def rule_fired_key(ticket_id: str, rule_id: str, since: datetime) -> Key:
    return ticket_pk(ticket_id), f"RULEFIRED#{rule_id}#{sortable(since)}"


def rule_moment_key(ticket_id: str, state: str) -> Key:
    return ticket_pk(ticket_id), f"RULEMOMENT#{state}"


CUSTOMER_LINK_KEY: Key = ("CONFIG#customer_links", "KEY")


def status_links_key(ticket_id: str) -> Key:
    return ticket_pk(ticket_id), "STATUSLINKS"


def solved_bucket(hour: datetime) -> str:
    return f"SOLVED#{hour.astimezone(UTC):%Y-%m-%dT%H}"


def solved_key(ticket_id: str, solved_at: datetime) -> Key:
    return solved_bucket(solved_at), f"{sortable(solved_at)}#{ticket_id}"


def survey_due_bucket(hour: datetime) -> str:
    return f"SURVEYDUE#{hour.astimezone(UTC):%Y-%m-%dT%H}"


def survey_due_key(at: datetime, ticket_id: str, solved_at: datetime) -> Key:
    return survey_due_bucket(at), f"{sortable(at)}#{ticket_id}#{sortable(solved_at)}"


def hour_range(after: datetime, through: datetime) -> tuple[str, str]:
    """The sort keys of items timed in (after, through] within an hour's bucket."""
    return f"{sortable(after)}#~", f"{sortable(through)}#~"


SURVEY_SK = "SURVEY"


def survey_key(ticket_id: str) -> Key:
    return ticket_pk(ticket_id), SURVEY_SK


def contact_survey_key(contact_id: str, sent_at: datetime, ticket_id: str) -> Key:
    return contact_pk(contact_id), f"SURVEY#{sortable(sent_at)}#{ticket_id}"


def contact_surveys_prefix() -> str:
    return "SURVEY#"


def surveyed_key(contact_id: str) -> Key:
    return contact_pk(contact_id), "SURVEYED"


def survey_opt_out_key(contact_id: str) -> Key:
    return contact_pk(contact_id), "NOSURVEYS"


def follow_up_key(ticket_id: str, reason: str) -> Key:
    return f"FOLLOWUP#{ticket_id}", reason


def follow_up_queue(state: str) -> str:
    """The follow-up queue's partition in ``by_status``: entries in a state, oldest first."""
    return f"FOLLOWUPQ#{state}"


def bot_question_bucket(hour: datetime) -> str:
    return f"BOTASKED#{hour.astimezone(UTC):%Y-%m-%dT%H}"


def bot_question_key(due_at: datetime, ticket_id: str, asked_at: datetime) -> Key:
    """The assistant's question on a ticket, in the hour its answer is due by."""
    return bot_question_bucket(due_at), f"{sortable(due_at)}#{ticket_id}#{sortable(asked_at)}"


def checkpoint_key(name: str) -> Key:
    return f"CHECKPOINT#{name}", "CHECKPOINT"


def audit_pk(month: datetime) -> str:
    return f"AUDIT#{month:%Y-%m}"


def audit_key(entry: AuditEntry) -> Key:
    return audit_pk(entry.at), _by_time(entry.at, entry.id)


# the search index (helpdesk.search): postings, documents, vocabulary


def posting_pk(term: str, month: str) -> str:
    """The partition of one term's tickets created in one month (yyyy-mm)."""
    return f"IX#{term}#{month}"


def posting_key(term: str, month: str, ticket_id: str) -> Key:
    return posting_pk(term, month), ticket_id


def search_document_key(ticket_id: str) -> Key:
    return f"IXDOC#{ticket_id}", "IXDOC"


def vocabulary_key(term: str) -> Key:
    """The vocabulary item holding the terms of this one's first letter and length."""
    return f"IXVOCAB#{term[:1]}", f"{len(term):02d}"


SEARCH_START_KEY: Key = ("IXMETA", "START")  # the oldest month the index holds
SEARCH_BACKFILL_KEY: Key = ("IXMETA", "BACKFILL")  # the ticket number the backfill reached


def kpi_contribution_key(ticket_id: str) -> Key:
    """What a ticket adds to the KPI rollups (one per ticket)."""
    return f"KPICONTRIB#{ticket_id}", META


def kpi_rollup_pk(filter_key: str) -> str:
    """The partition of one filter's daily KPI rollups (``KPI#email|ventas|*``): a
    date range is one Query on it, and a ticket change's 8 rollups fall in 8
    partitions (a day's partition would take every change's 8 writes)."""
    return f"KPI#{filter_key}"


def kpi_rollup_key(day: str, filter_key: str) -> Key:
    """A day's KPI counters for one filter: ``KPI#email|ventas|*`` / ``2026-12-07``."""
    return kpi_rollup_pk(filter_key), day


def review_key(ticket_id: str) -> Key:
    """A ticket's quality review: at most one per ticket (sampled or picked)."""
    return f"REVIEW#{ticket_id}", META


def review_queue(state: str) -> str:
    """The partition of reviews in one state (``pending``, ``scored``), oldest first."""
    return f"REVIEWQ#{state}"


def agent_reviews(agent_id: str) -> str:
    """The partition of the reviews of one agent's work."""
    return f"REVIEWS#{agent_id}"


def scored_reviews(month: str) -> str:
    """The partition of the reviews scored in one month (yyyy-mm)."""
    return f"REVIEWSCORED#{month}"


# live updates (helpdesk.live): WebSocket connections and the rooms they listen
# in. The fan-out Queries one room partition per audience, never scans; items
# expire with API Gateway's longest connection (two hours).


def socket_key(connection_id: str) -> Key:
    return f"SOCKET#{connection_id}", META


def room_pk(kind: str, room_id: str) -> str:
    return f"ROOM#{kind}#{room_id}"


def room_key(kind: str, room_id: str, connection_id: str) -> Key:
    return room_pk(kind, room_id), connection_id


# the knowledge base: articles, their revisions, the status and review-due views

REVISION_PREFIX = "REV#"
ARTICLES_REVIEW = "KBREVIEW"  # by_group partition: published articles by review-by date


def article_pk(article_id: str) -> str:
    return f"ARTICLE#{article_id}"


def article_id_of(pk: str) -> str:
    return pk.removeprefix("ARTICLE#")


def article_key(article_id: str) -> Key:
    return article_pk(article_id), META


def revision_key(article_id: str, number: int) -> Key:
    return article_pk(article_id), f"{REVISION_PREFIX}{number:06d}"


def articles_in(status: str) -> str:
    """The by_status partition of the articles in one status, newest change last."""
    return f"KB#{status}"


def article_votes_key(article_id: str) -> Key:
    """An article's helpfulness counts (one item, added to atomically)."""
    return article_pk(article_id), "VOTES"


def form_token_key(token: str) -> Key:
    """A contact form handed out (single use, removed by its time to live)."""
    return f"FORMTOKEN#{token}", "FORMTOKEN"


CONTENT_GAPS = "KBGAPS"  # by_status partition: content gaps, by when last seen


def content_gap_key(query: str) -> Key:
    """A normalized query that found nothing or led to a contact."""
    return f"KBGAP#{query}", "KBGAP"
