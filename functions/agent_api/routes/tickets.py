"""Tickets as agents work them: queue views, search, the thread, changes (one
or in bulk), replies, notes, merges, macros applied, escalations acknowledged."""

from typing import Annotated, Any, Literal

from chalice import Response
from pydantic import ConfigDict, Field, field_validator

from agent_api import answers
from agent_api.routing import Area, Caller, json_answer
from helpdesk import connections
from helpdesk.access import Role
from helpdesk.api_keys import Scope
from helpdesk.channels.phone.logged import CallLog, log_call
from helpdesk.models import UNSOLVED_STATUSES, Channel, Message, Ticket, TicketStatus, TicketThread
from helpdesk.rules.running import bulk_with_rules, change_with_rules
from helpdesk.rules.sending import Outbox
from helpdesk.search.finding import Sort, find_tickets
from helpdesk.settings import mail_settings
from helpdesk.tickets import attachments
from helpdesk.tickets.changes import BulkChange, TicketChanges
from helpdesk.tickets.lookup import queue_page, visible_thread, visible_ticket
from helpdesk.tickets.macros import apply_macro, get_macro
from helpdesk.tickets.merge import merge_tickets
from helpdesk.tickets.replies import NoteDraft, ReplyDraft, add_note, reply_to_ticket
from helpdesk.validated import Validated
from helpdesk.verification import CheckRequest, IdentityCheck, current_check, send_code

area = Area("tickets")


class TicketListParams(Validated):
    """Query string of ``GET /api/tickets``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: tuple[TicketStatus, ...] = UNSOLVED_STATUSES
    channel: Channel | None = None
    assignee: Annotated[str, Field(max_length=64)] | None = None  # an agent id, "me" or "none"
    group: Annotated[str, Field(max_length=64)] | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 25
    cursor: Annotated[str, Field(max_length=4096)] | None = None
    order: Literal["newest", "oldest"] = "newest"  # by last activity; "oldest": the longest waiting first

    @field_validator("status", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
        return value


@area.route("/api/tickets", answer=answers.TicketPage, query=TicketListParams, scope=Scope.TICKETS_READ)
def tickets(caller: Caller, query: TicketListParams) -> Response:
    """A queue view, newest activity first, limited to the tickets the caller may see."""
    page = queue_page(
        connections.store(),
        caller.viewer,
        query.status,
        channel=query.channel,
        assignee=query.assignee,
        group_id=query.group,
        limit=query.limit,
        cursor=query.cursor,
        oldest_first=query.order == "oldest",
    )
    return json_answer({"tickets": [t.model_dump(mode="json") for t in page.tickets], "cursor": page.cursor})


class SearchParams(Validated):
    model_config = ConfigDict(extra="forbid", frozen=True)

    q: Annotated[str, Field(min_length=1, max_length=320)]
    sort: Sort = Sort.RELEVANCE
    page: Annotated[int, Field(ge=1, le=40)] = 1


@area.route("/api/search", answer=answers.SearchPage, query=SearchParams, scope=Scope.TICKETS_READ)
def search(caller: Caller, query: SearchParams) -> Response:
    """Tickets by what was written in them (every message, subject, contact,
    tags, fields, file names), by number, address or phone, with filters
    (``status:`` ``priority:`` ``group:`` ``assignee:me`` ``tag:`` ``channel:``
    ``from:`` ``created>`` ``updated<``), ``"phrases"`` and ``-words``; only
    tickets the caller may open."""
    found = find_tickets(connections.store(), caller.viewer, query.q, query.sort, query.page)
    return json_answer(
        answers.SearchPage(
            tickets=[hit.ticket for hit in found.hits],
            snippets={hit.ticket.id: hit.snippet for hit in found.hits},
            page=found.page,
            next_page=found.page + 1 if found.has_more else None,
            partial=found.partial,
        )
    )


@area.route(
    "/api/tickets/bulk", methods=("POST",), answer=answers.BulkOutcomes, body=BulkChange, scope=Scope.TICKETS_WRITE
)
def bulk(caller: Caller, body: BulkChange) -> Response:
    """The same changes on up to 100 tickets; each ticket says how it went."""
    results = bulk_with_rules(connections.store(), body, caller.viewer, caller.actor, _rules_outbox)
    return json_answer(answers.BulkOutcomes(results=results))


@area.route("/api/tickets/{ticket_id}", answer=TicketThread, scope=Scope.TICKETS_READ)
def ticket(caller: Caller, ticket_id: str) -> Response:
    return json_answer(visible_thread(connections.store(), caller.viewer, ticket_id))


class TicketUpdate(TicketChanges):
    """Body of ``PATCH /api/tickets/{id}``: the changes and the version they apply to."""

    version: Annotated[int, Field(ge=1)]

    def changes(self) -> TicketChanges:
        """The changes alone, with only the fields the agent sent."""
        return TicketChanges.model_validate(self.model_dump(exclude={"version"}, exclude_unset=True))


@area.route("/api/tickets/{ticket_id}", methods=("PATCH",), answer=Ticket, body=TicketUpdate, scope=Scope.TICKETS_WRITE)
def change_ticket(caller: Caller, ticket_id: str, body: TicketUpdate) -> Response:
    return json_answer(
        change_with_rules(
            connections.store(), ticket_id, body.changes(), body.version, caller.actor, caller.viewer, _rules_outbox
        )
    )


@area.route(
    "/api/tickets/{ticket_id}/replies",
    methods=("POST",),
    answer=Message,
    status=202,
    body=ReplyDraft,
    scope=Scope.TICKETS_WRITE,
)
def reply(caller: Caller, ticket_id: str, body: ReplyDraft) -> Response:
    """A public reply on the ticket's channel: stored at once, sent by the
    outbound function (202: its delivery status follows on the message)."""
    ticket = visible_ticket(connections.store(), caller.viewer, ticket_id)
    files = attachments.for_reply(connections.files(), mail_settings().attachments_bucket, ticket, body.attachments)
    message = reply_to_ticket(
        connections.store(), connections.outbound_queue(), ticket_id, body, caller.actor, mail_settings(), files
    )
    return json_answer(message, status=202)


@area.route(
    "/api/tickets/{ticket_id}/notes",
    methods=("POST",),
    answer=Message,
    status=201,
    body=NoteDraft,
    scope=Scope.TICKETS_WRITE,
)
def note(caller: Caller, ticket_id: str, body: NoteDraft) -> Response:
    """An internal note: agents only, never sent; mentions name agents."""
    return json_answer(add_note(connections.store(), ticket_id, body, caller.actor, caller.viewer), status=201)


@area.route(
    "/api/tickets/{ticket_id}/calls",
    methods=("POST",),
    answer=Message,
    status=201,
    body=CallLog,
    scope=Scope.TICKETS_WRITE,
)
def log_phone_call(caller: Caller, ticket_id: str, body: CallLog) -> Response:
    """A call logged by hand (any phone system): who, when, how long, which
    way, notes; shown in the thread as a phone message, never sent."""
    return json_answer(log_call(connections.store(), ticket_id, body, caller.actor, caller.viewer), status=201)


class MergeRequest(Validated):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source_id: Annotated[str, Field(min_length=1, max_length=64)]


@area.route(
    "/api/tickets/{ticket_id}/merge", methods=("POST",), answer=Ticket, body=MergeRequest, scope=Scope.TICKETS_WRITE
)
def merge_ticket(caller: Caller, ticket_id: str, body: MergeRequest) -> Response:
    """Merge another ticket of the same contact (``source_id``) into this one;
    the other is closed as merged. Both must be within the caller's reach."""
    visible_ticket(connections.store(), caller.viewer, ticket_id)
    visible_ticket(connections.store(), caller.viewer, body.source_id)
    return json_answer(merge_tickets(connections.store(), ticket_id, body.source_id, caller.actor))


@area.route(
    "/api/tickets/{ticket_id}/macros/{macro_id}",
    methods=("POST",),
    answer=answers.MacroApplied,
    scope=Scope.TICKETS_WRITE,
)
def use_macro(caller: Caller, ticket_id: str, macro_id: str) -> Response:
    """Apply a macro to a ticket: its changes, then its reply with placeholders filled."""
    macro = get_macro(connections.store(), macro_id)
    visible_ticket(connections.store(), caller.viewer, ticket_id)
    ticket, reply = apply_macro(
        connections.store(), connections.outbound_queue(), ticket_id, macro, caller.actor, mail_settings()
    )
    return json_answer(answers.MacroApplied(ticket=ticket, reply=reply))


@area.route("/api/tickets/{ticket_id}/identity-check", answer=answers.IdentityCheckState, scope=Scope.TICKETS_READ)
def identity_check(caller: Caller, ticket_id: str) -> Response:
    """The ticket's latest identity check (null before the first): where the
    code went, whether the customer answered it, never the code."""
    visible_ticket(connections.store(), caller.viewer, ticket_id)
    return json_answer(answers.IdentityCheckState(check=current_check(connections.store(), ticket_id)))


@area.route(
    "/api/tickets/{ticket_id}/identity-check",
    methods=("POST",),
    answer=IdentityCheck,
    body=CheckRequest,
    scope=Scope.TICKETS_WRITE,
)
def send_identity_code(caller: Caller, ticket_id: str, body: CheckRequest) -> Response:
    """Send a one-time code to the contact's known e-mail address or WhatsApp
    number (``via``); the customer types it in the conversation."""
    visible_ticket(connections.store(), caller.viewer, ticket_id)
    check = send_code(connections.store(), connections.outbound_queue(), ticket_id, body, caller.actor, mail_settings())
    return json_answer(check, status=201)


@area.route(
    "/api/tickets/{ticket_id}/breaches/{breach_id}/acknowledge",
    methods=("POST",),
    role=Role.SUPERVISOR,
    answer=answers.Acknowledged,
    scope=Scope.TICKETS_WRITE,  # supervisors only: a key is refused
)
def acknowledge_breach(caller: Caller, ticket_id: str, breach_id: str) -> Response:
    """A supervisor is on an escalated ticket: its escalation stops waiting
    (409 when nothing waits: acknowledged already, or the flow moved on)."""
    from helpdesk.sla.escalation import acknowledge

    visible_ticket(connections.store(), caller.viewer, ticket_id)
    acknowledge(connections.store(), connections.flows(), ticket_id, breach_id, caller.actor)
    return json_answer({"acknowledged": breach_id})


def _rules_outbox() -> Outbox:
    """Where a rule's reply after an agent's change is queued (built when one replies)."""
    return Outbox(connections.outbound_queue(), mail_settings())


@area.route(
    "/api/tickets/{ticket_id}/status-link",
    methods=("POST",),
    answer=answers.StatusLink,
    status=201,
    scope=Scope.TICKETS_WRITE,
)
def new_status_link(caller: Caller, ticket_id: str) -> Response:
    """A new signed link to the case's status page, to share with the customer
    (the path: the console completes it with its own address)."""
    from helpdesk.case_status.links import STATUS_LINK_LIFETIME, status_link
    from helpdesk.clock import utc_now

    visible_ticket(connections.store(), caller.viewer, ticket_id)
    now = utc_now()
    path = status_link(connections.store(), "", ticket_id, now)
    return json_answer({"path": path, "expires_at": (now + STATUS_LINK_LIFETIME).isoformat()}, status=201)


@area.route(
    "/api/tickets/{ticket_id}/status-link",
    methods=("DELETE",),
    answer=answers.LinksRevoked,
    scope=Scope.TICKETS_WRITE,
)
def revoke_status_links(caller: Caller, ticket_id: str) -> Response:
    """Every status link of the ticket sent so far stops working (a new one may be made)."""
    from helpdesk.clock import utc_now

    visible_ticket(connections.store(), caller.viewer, ticket_id)
    now = utc_now()
    connections.store().revoke_status_links(ticket_id, now, caller.actor.id)
    return json_answer({"revoked_before": now.isoformat()})
