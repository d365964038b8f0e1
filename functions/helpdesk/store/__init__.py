"""The help desk table (ARCHITECTURE §2): the only package that imports PynamoDB.

One DynamoDB table holds every entity; callers get and give domain models
(``helpdesk.models``), never items. ``HelpdeskStore`` is the one object the
domain talks to; each aggregate's reads and writes live in their own module:

| module          | holds                                                               |
|-----------------|---------------------------------------------------------------------|
| ``keys``        | the table's shape, every key template, the access-pattern table     |
| ``items``       | the PynamoDB item models                                            |
| ``conversions`` | items ↔ domain models                                               |
| ``conditions``  | transactions, conditional writes, missing items → answers or errors |
| ``table``       | binding to the table; settings saved with their audit entry         |
| ``tickets``     | tickets and their threads; every ticket write                       |
| ``messages``    | messages, provider ids, thread keys, deliveries, set-aside inbound  |
| ``queues``      | queue views and their cursors, recent changes, a contact's tickets  |
| ``contacts``    | contacts, identities, open conversations                            |
| ``team``        | agents, groups, loads, who is online, round robin                   |
| ``sla``         | tickets due in a minute, the checker's checkpoint, breaches         |
| ``inbox``       | agents' notifications and read marks, presence on tickets           |
| ``config``      | the SLA setup, named settings (some versioned), macros              |
| ``search``      | the search index: postings, documents, vocabulary                   |
| ``audit``       | the audit log                                                       |
| ``api_keys``    | API keys: records and secret hashes, never the keys                 |
| ``quality``     | quality reviews: the queue, an agent's reviews, scores by month     |
| ``verification``| identity checks: a ticket's latest and its code's hash, never codes |
| ``webhooks``    | webhook endpoints, their delivery log, events already fanned out    |
| ``rule_timers`` | time-based rules due in a minute, fired marks, pending moments      |
| ``live``        | live connections and the rooms they listen in (helpdesk.live)       |
| ``customer_links`` | the key customer links are signed with; status links revoked     |
| ``surveys``     | solved minutes, due surveys, a ticket's survey, opt-outs            |
| ``follow_ups``  | cases to reach out about, by state (the follow-up queue)            |
| ``knowledge``   | knowledge-base articles and their revisions (helpdesk.knowledge)    |
| ``forms``       | the web contact form's single-use tokens                            |

Why mixins rather than a facade over repositories: the domain calls 67
operations on one store, and a facade would repeat each as a delegating
method. Here ``HelpdeskStore`` is only the sum of its aggregates' classes (each
a ``TableAccess``), so call sites stay ``store.get_ticket(...)`` and a method
is found by its aggregate's module. The writes that cross aggregates (a ticket
save also moves loads, breaches, notifications) are one
``Transaction`` to which each aggregate's module adds its own items
(``count_load``, ``record_breaches``…), so no aggregate's class
calls another's.

The store decides nothing about the help desk: what a save implies (whose
load a ticket counts toward, which breaches it opens or answers, whether it
ends the conversation) is said by the models
(``Ticket.load_holder``, ``Ticket.breaches_since``…), and queries take what
the domain chose (e.g. the statuses of waiting tickets).
"""

# What counts toward an agent's load is the domain's rule (helpdesk.models);
# named here too for the callers that import it from here.
from helpdesk.models import LOAD_STATUSES
from helpdesk.store.api_keys import ApiKeys
from helpdesk.store.audit import AuditLog
from helpdesk.store.config import Configuration
from helpdesk.store.contacts import Contacts, IdentityRecord
from helpdesk.store.conversions import ticket_item
from helpdesk.store.customer_links import CustomerLinks
from helpdesk.store.follow_ups import FollowUps
from helpdesk.store.forms import ContactForms
from helpdesk.store.inbox import Inbox
from helpdesk.store.items import HelpdeskItem, OpenConversationItem, PointerItem
from helpdesk.store.keys import (
    HASH_KEY,
    INDEXES,
    RANGE_KEY,
    TTL_ATTRIBUTE,
    UNASSIGNED,
    breach_key,
    contact_pk,
    due_bucket,
    flow_key,
    open_sk,
    thread_key,
    ticket_key,
)
from helpdesk.store.knowledge import ArticlePlace, Knowledge
from helpdesk.store.live import LiveConnections
from helpdesk.store.messages import Messages
from helpdesk.store.quality import QualityReviews, ReviewPlace
from helpdesk.store.queues import Queues, TicketPage, TicketQuery
from helpdesk.store.reports import KpiRollups, RollupChange, Versioned
from helpdesk.store.rule_timers import RuleTimer, RuleTimers
from helpdesk.store.search import IndexChange, SearchIndex
from helpdesk.store.sla import Breach, SlaRecords
from helpdesk.store.surveys import SurveyDue, SurveyRecords
from helpdesk.store.team import Assignment, Team
from helpdesk.store.tickets import Tickets
from helpdesk.store.verification import IdentityChecks
from helpdesk.store.webhooks import Webhooks


class HelpdeskStore(
    Tickets,
    Messages,
    Queues,
    Contacts,
    Team,
    SlaRecords,
    Inbox,
    Configuration,
    SearchIndex,
    AuditLog,
    ApiKeys,
    QualityReviews,
    KpiRollups,
    IdentityChecks,
    Webhooks,
    RuleTimers,
    LiveConnections,
    CustomerLinks,
    SurveyRecords,
    FollowUps,
    Knowledge,
    ContactForms,
):
    """Reads and writes help desk entities in the table named by ``StoreSettings``."""


_ticket_item = ticket_item  # the item layout, for benchmarks that write tickets in bulk

__all__ = [
    "HASH_KEY",
    "INDEXES",
    "LOAD_STATUSES",
    "RANGE_KEY",
    "TTL_ATTRIBUTE",
    "UNASSIGNED",
    "ArticlePlace",
    "Assignment",
    "Breach",
    "HelpdeskItem",
    "HelpdeskStore",
    "IdentityRecord",
    "IndexChange",
    "KpiRollups",
    "OpenConversationItem",
    "PointerItem",
    "ReviewPlace",
    "RollupChange",
    "RuleTimer",
    "SurveyDue",
    "TicketPage",
    "TicketQuery",
    "Versioned",
    "_ticket_item",
    "breach_key",
    "contact_pk",
    "due_bucket",
    "flow_key",
    "open_sk",
    "thread_key",
    "ticket_key",
]
