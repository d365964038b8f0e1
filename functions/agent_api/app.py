"""The agents' REST API: a Chalice app, served by API Gateway + Lambda in AWS and
by Chalice's own local server in the local stack.

Each route parses its input into a typed model, calls one domain function and
returns typed JSON; errors become responses in ``agent_api.errors``.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from chalice import Chalice, Response
from chalice.app import Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

import helpdesk
from agent_api import answers
from agent_api.auth import Principal, Unauthenticated, authenticate
from agent_api.errors import error_response, response_for
from agent_api.openapi import RouteDoc, document
from helpdesk.access import Role, Viewer
from helpdesk.admin.audit import audit_entry
from helpdesk.channels.outbound import OutboundQueue, SqsOutboundQueue
from helpdesk.channels.whatsapp.templates import TemplateCatalog, save_template_catalog, template_catalog
from helpdesk.clock import utc_now
from helpdesk.errors import TicketNotFound
from helpdesk.models import (
    UNSOLVED_STATUSES,
    Actor,
    ActorKind,
    Agent,
    Attachment,
    Channel,
    Contact,
    Group,
    Message,
    PresenceActivity,
    Ticket,
    TicketStatus,
    TicketThread,
)
from helpdesk.observability import logger
from helpdesk.people.changes import ContactChanges, change_contact, live_contact, merge_contacts
from helpdesk.people.personal_data import ContactExport, Erasure, ErasureNotConfirmed, erase_contact, export_contact
from helpdesk.providers.cognito import CognitoDirectory
from helpdesk.providers.files import S3FileStore
from helpdesk.settings import auth_settings, mail_settings, outbound_settings, store_settings
from helpdesk.sla.policies import SlaSetup
from helpdesk.store import UNASSIGNED, HelpdeskStore, TicketQuery
from helpdesk.team import assignment
from helpdesk.team.agents import AgentChanges, AgentInvite, GroupNotFound, change_agent, invite_agent, save_group
from helpdesk.tickets import attachments, collisions, notifications
from helpdesk.tickets.changes import (
    BulkChange,
    Changes,
    TicketChanges,
    bulk_update,
    changes_since,
    get_thread,
    list_tickets,
    update_ticket,
)
from helpdesk.tickets.fields import TicketFieldSetup, save_ticket_field_setup, ticket_field_setup
from helpdesk.tickets.macros import Macro, MacroNotFound, apply_macro, delete_macro, get_macro, list_macros, save_macro
from helpdesk.tickets.merge import merge_tickets
from helpdesk.tickets.replies import NoteDraft, ReplyDraft, add_note, reply_to_ticket
from helpdesk.tickets.search import search_tickets

app = Chalice(app_name="atiende-agent-api")
app.api.cors = False  # same origin: the console is served beside the API


@functools.lru_cache(maxsize=1)
def store() -> HelpdeskStore:
    return HelpdeskStore(store_settings())


@functools.lru_cache(maxsize=1)
def outbound_queue() -> OutboundQueue:
    import boto3

    client = boto3.client("sqs", region_name=store_settings().region)
    return SqsOutboundQueue(client, outbound_settings().outbound_queue_url)


View = Callable[..., Any]


def _request() -> Request:
    request = app.current_request
    if request is None:  # pragma: no cover - Chalice sets it before calling a view
        raise RuntimeError("no current request")
    return request


@dataclass(frozen=True)
class Caller:
    """The signed-in agent: who they are (from the token) and what they may
    reach (their role, and their groups from the agents table)."""

    principal: Principal
    viewer: Viewer
    name: str = ""  # as the team knows them (the agents table), else the token's

    @property
    def actor(self) -> Actor:
        name = self.name or self.principal.name or self.principal.email
        return Actor(kind=ActorKind.AGENT, id=self.principal.agent_id, name=name)


# (path, method) → the least role a route needs; the role × route test reads it.
ROUTE_ROLES: dict[tuple[str, str], Role] = {}


def _caller(principal: Principal) -> Caller:
    """The agents table has the last word on role, groups and whether the agent
    may work at all, so an admin's change applies at once, not at the next sign-in."""
    agent = store().get_agent(principal.agent_id)
    if agent is not None and not agent.active:
        raise Unauthenticated("deactivated agent")
    role = Role(agent.role) if agent else Role(principal.role)
    viewer = Viewer(agent_id=principal.agent_id, role=role, group_ids=agent.group_ids if agent else ())
    return Caller(principal, viewer, agent.name if agent else "")


ROUTE_DOCS: list[RouteDoc] = []


def agent_route(
    path: str,
    methods: tuple[str, ...] = ("GET",),
    role: Role = Role.AGENT,
    *,
    answer: type[BaseModel],
    status: int = 200,
    query: type[BaseModel] | None = None,
    body: type[BaseModel] | None = None,
) -> Callable[[View], View]:
    """Register a route that needs a signed-in agent of at least ``role``: the
    view gets the ``Caller`` first, and every error is turned into a response
    here. ``answer``, ``query`` and ``body`` describe it in the OpenAPI document."""

    def register(view: View) -> View:
        @functools.wraps(view)
        def handled(**params: str) -> Any:
            try:
                caller = _caller(authenticate(_request().headers.get("authorization")))
                caller.viewer.require(role)
                return view(caller, **params)
            except Exception as exc:  # noqa: BLE001 - the one place errors become responses
                response = response_for(exc)
                if response is None:
                    logger.exception("unhandled error", extra={"route": path})
                    return error_response("error.unexpected")
                return response

        app.route(path, methods=list(methods))(handled)
        for method in methods:
            ROUTE_ROLES[(path, method)] = role
            doc = RouteDoc(
                path, method, (view.__doc__ or view.__name__).strip(), role.value, answer, status, query, body
            )
            ROUTE_DOCS.append(doc)
        return view

    return register


def _json(model: BaseModel | dict[str, Any], status: int = 200) -> Response:
    body = model.model_dump(mode="json") if isinstance(model, BaseModel) else model
    return Response(body=body, status_code=status, headers={"Content-Type": "application/json"})


def _package_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version  # ~50 ms: only /health pays

    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


@app.route("/health")
def health() -> dict[str, Any]:
    """Liveness, with the versions of the parts (no table call: cheap to poll)."""
    import platform

    return {
        "status": "ok",
        "versions": {
            "atiende": helpdesk.__version__,
            "python": platform.python_version(),
            "chalice": _package_version("chalice"),
            "pynamodb": _package_version("pynamodb"),
            "boto3": _package_version("boto3"),
            "aws-lambda-powertools": _package_version("aws-lambda-powertools"),
        },
    }


# Routes anyone may call, without a token.
PUBLIC_ROUTES = {("/health", "GET"), ("/api/console-config", "GET"), ("/api/openapi.json", "GET")}
PUBLIC_DOCS = [
    RouteDoc("/health", "GET", "Liveness, with the versions of the parts.", None, answers.Health),
    RouteDoc("/api/console-config", "GET", "Where and how the console signs in.", None, answers.ConsoleConfig),
]


@functools.lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    return document([*PUBLIC_DOCS, *ROUTE_DOCS], "Atiende agent API", helpdesk.__version__)


@app.route("/api/openapi.json")
def openapi() -> dict[str, Any]:
    """This API's OpenAPI 3.1 document (generated from its pydantic models)."""
    return openapi_document()


@app.route("/api/console-config")
def console_config() -> dict[str, Any]:
    """What the console needs before anyone signs in: where and how to sign in."""
    settings = auth_settings()
    return {
        "cognito": {
            "endpoint": settings.endpoint,
            "region": settings.region,
            "client_id": settings.user_pool_client_id,
        },
        "languages": ["es", "en"],
    }


class TicketListParams(BaseModel):
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


@agent_route("/api/me", answer=answers.Me)
def me(caller: Caller) -> Response:
    principal = caller.principal
    available, _ = store().availability(principal.agent_id)
    return _json(
        {
            "agent_id": principal.agent_id,
            "email": principal.email,
            "name": caller.actor.name,
            "role": caller.viewer.role.value,
            "group_ids": list(caller.viewer.group_ids),
            "available": available,
        }
    )


@agent_route("/api/agents", answer=answers.Team)
def agents(caller: Caller) -> Response:
    """The team, by name: who a ticket can be assigned to or a note can mention."""
    return _json({"agents": [a.model_dump(mode="json") for a in store().list_agents()]})


@functools.lru_cache(maxsize=1)
def directory() -> CognitoDirectory:
    import boto3

    settings = auth_settings()
    client = boto3.client("cognito-idp", region_name=settings.region, endpoint_url=settings.endpoint_override)
    return CognitoDirectory(client, settings.user_pool_id)


@agent_route("/api/agents", methods=("POST",), role=Role.ADMIN, answer=Agent, status=201, body=AgentInvite)
def invite(caller: Caller) -> Response:
    """Invite an agent (administrators): Cognito e-mails them a temporary password."""
    body = AgentInvite.model_validate_json(_request().raw_body or b"{}")
    return _json(invite_agent(store(), directory(), body, caller.actor), status=201)


@agent_route("/api/agents/{agent_id}", methods=("PATCH",), role=Role.ADMIN, answer=Agent, body=AgentChanges)
def change_an_agent(caller: Caller, agent_id: str) -> Response:
    """Change an agent's name, role or groups, or deactivate them (administrators);
    the last active administrator cannot be demoted or deactivated."""
    body = AgentChanges.model_validate_json(_request().raw_body or b"{}")
    return _json(change_agent(store(), directory(), agent_id, body, caller.actor))


@agent_route("/api/groups", answer=answers.Groups)
def groups(caller: Caller) -> Response:
    """The groups, by name, with their supervisor and assignment settings."""
    return _json(answers.Groups(groups=store().list_groups()))


@agent_route("/api/groups/{group_id}", methods=("PUT",), role=Role.ADMIN, answer=Group, body=Group)
def put_group(caller: Caller, group_id: str) -> Response:
    """Create or change a group (administrators)."""
    group = Group.model_validate_json(_request().raw_body or b"{}")
    if group.id != group_id:
        raise GroupNotFound(group_id)
    return _json(save_group(store(), group, caller.actor))


@agent_route("/api/ticket-fields", answer=TicketFieldSetup)
def ticket_fields(caller: Caller) -> Response:
    """The team's tags and custom field definitions."""
    return _json(ticket_field_setup(store()))


@agent_route("/api/ticket-fields", methods=("PUT",), role=Role.ADMIN, answer=TicketFieldSetup, body=TicketFieldSetup)
def put_ticket_fields(caller: Caller) -> Response:
    """Replace the tags and custom field definitions (administrators)."""
    setup = TicketFieldSetup.model_validate_json(_request().raw_body or b"{}")
    return _json(save_ticket_field_setup(store(), setup, caller.actor, utc_now()))


@agent_route("/api/whatsapp-templates", answer=TemplateCatalog)
def whatsapp_templates(caller: Caller) -> Response:
    """The WhatsApp templates Meta approved: what the reply box offers outside the 24-hour window."""
    return _json(template_catalog(store()))


@agent_route("/api/whatsapp-templates", methods=("PUT",), role=Role.ADMIN, answer=TemplateCatalog, body=TemplateCatalog)
def put_whatsapp_templates(caller: Caller) -> Response:
    """Replace the list of approved WhatsApp templates (administrators)."""
    catalog = TemplateCatalog.model_validate_json(_request().raw_body or b"{}")
    return _json(save_template_catalog(store(), catalog, caller.actor, utc_now()))


class AuditParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    month: Annotated[str, Field(pattern=r"^[1-9]\d{3}-(0[1-9]|1[0-2])$")] | None = None


@agent_route("/api/audit", role=Role.ADMIN, answer=answers.AuditMonth, query=AuditParams)
def audit(caller: Caller) -> Response:
    """One month of the audit log, newest first (administrators)."""
    params = AuditParams.model_validate(_request().query_params or {})
    month = datetime.strptime(params.month, "%Y-%m").replace(tzinfo=UTC) if params.month else utc_now()
    return _json(answers.AuditMonth(month=f"{month:%Y-%m}", entries=store().audit_log(month)))


@agent_route("/api/tickets", answer=answers.TicketPage, query=TicketListParams)
def tickets(caller: Caller) -> Response:
    """A queue view, newest activity first, limited to the tickets the caller may see."""
    params = TicketListParams.model_validate(_request().query_params or {})
    viewer = caller.viewer
    assignee = {"me": viewer.agent_id, "none": UNASSIGNED}.get(params.assignee or "", params.assignee)
    page = list_tickets(
        store(),
        TicketQuery(
            statuses=params.status,
            channel=params.channel,
            assignee_id=assignee,
            group_id=params.group,
            limit=params.limit,
            cursor=params.cursor,
            visible_groups=None if viewer.sees_everything else viewer.group_ids,
            visible_assignee=None if viewer.sees_everything else viewer.agent_id,
            oldest_first=params.order == "oldest",
        ),
    )
    return _json({"tickets": [t.model_dump(mode="json") for t in page.tickets], "cursor": page.cursor})


class SearchParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    q: Annotated[str, Field(min_length=1, max_length=320)]


@agent_route("/api/search", answer=answers.TicketPage, query=SearchParams)
def search(caller: Caller) -> Response:
    """Tickets by number (48213 or #48213), contact e-mail, or phone/WhatsApp number."""
    params = SearchParams.model_validate(_request().query_params or {})
    found = [t for t in search_tickets(store(), params.q) if caller.viewer.can_see(t)]
    return _json(answers.TicketPage(tickets=found, cursor=None))


@agent_route("/api/tickets/bulk", methods=("POST",), answer=answers.BulkOutcomes, body=BulkChange)
def bulk(caller: Caller) -> Response:
    """The same changes on up to 100 tickets; each ticket says how it went."""
    request = BulkChange.model_validate_json(_request().raw_body or b"{}")
    return _json(answers.BulkOutcomes(results=bulk_update(store(), request, caller.viewer, caller.actor)))


@agent_route("/api/tickets/{ticket_id}", answer=TicketThread)
def ticket(caller: Caller, ticket_id: str) -> Response:
    thread = get_thread(store(), ticket_id)
    caller.viewer.require_visible(thread.ticket)
    return _json(thread)


def _visible_ticket(caller: Caller, ticket_id: str) -> Ticket:
    found = store().get_ticket(ticket_id)
    if found is None:
        raise TicketNotFound(ticket_id)
    caller.viewer.require_visible(found)
    return found


class TicketUpdate(TicketChanges):
    """Body of ``PATCH /api/tickets/{id}``: the changes and the version they apply to."""

    version: Annotated[int, Field(ge=1)]


@agent_route("/api/tickets/{ticket_id}", methods=("PATCH",), answer=Ticket, body=TicketUpdate)
def change_ticket(caller: Caller, ticket_id: str) -> Response:
    body = TicketUpdate.model_validate_json(_request().raw_body or b"{}")
    changes = TicketChanges.model_validate(body.model_dump(exclude={"version"}, exclude_unset=True))
    return _json(update_ticket(store(), ticket_id, changes, body.version, caller.actor, caller.viewer))


@agent_route("/api/tickets/{ticket_id}/replies", methods=("POST",), answer=Message, status=202, body=ReplyDraft)
def reply(caller: Caller, ticket_id: str) -> Response:
    """A public reply on the ticket's channel: stored at once, sent by the
    outbound function (202: its delivery status follows on the message)."""
    draft = ReplyDraft.model_validate_json(_request().raw_body or b"{}")
    ticket = _visible_ticket(caller, ticket_id)
    files = attachments.for_reply(file_store(), mail_settings().attachments_bucket, ticket, draft.attachments)
    message = reply_to_ticket(store(), outbound_queue(), ticket_id, draft, caller.actor, mail_settings(), files)
    return _json(message, status=202)


@agent_route(
    "/api/tickets/{ticket_id}/attachments", methods=("POST",), answer=Attachment, status=201, body=attachments.Upload
)
def upload_attachment(caller: Caller, ticket_id: str) -> Response:
    """Upload a file (base64, up to 4 MB) to attach to an e-mail reply on this
    ticket; the reply names it by the ``key`` answered."""
    file = attachments.Upload.model_validate_json(_request().raw_body or b"{}")
    ticket = _visible_ticket(caller, ticket_id)
    return _json(attachments.upload(file_store(), mail_settings().attachments_bucket, ticket, file), status=201)


BYTES = "application/octet-stream"
app.api.binary_types = [BYTES]  # file answers are bytes; everything else is JSON


@agent_route("/api/tickets/{ticket_id}/messages/{message_id}/attachments/{index}", answer=answers.FileBytes)
def attachment_bytes(caller: Caller, ticket_id: str, message_id: str, index: str) -> Response:
    """A message's file as bytes for a preview (``index``: 0, 1… or ``original``;
    send ``Accept: application/octet-stream``); 413 beyond 4 MB: ask for its link."""
    file = attachments.on_message(store(), caller.viewer, ticket_id, message_id, index)
    if file.size > attachments.PREVIEW_LIMIT:
        raise attachments.AttachmentTooLarge(file.key)
    content = file_store().get(file.bucket, file.key)
    headers: dict[str, str | list[str]] = {
        "Content-Type": BYTES,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, max-age=300",
    }
    return Response(body=content, status_code=200, headers=headers)


@agent_route("/api/tickets/{ticket_id}/messages/{message_id}/attachments/{index}/link", answer=answers.FileLink)
def attachment_link(caller: Caller, ticket_id: str, message_id: str, index: str) -> Response:
    """A download address for a message's file, valid for 5 minutes."""
    file = attachments.on_message(store(), caller.viewer, ticket_id, message_id, index)
    url = file_store().link(file.bucket, file.key, file.filename, attachments.LINK_SECONDS)
    expires = utc_now() + timedelta(seconds=attachments.LINK_SECONDS)
    return _json(answers.FileLink(url=url, filename=file.filename, expires_at=expires))


@agent_route("/api/tickets/{ticket_id}/notes", methods=("POST",), answer=Message, status=201, body=NoteDraft)
def note(caller: Caller, ticket_id: str) -> Response:
    """An internal note: agents only, never sent; mentions name agents."""
    draft = NoteDraft.model_validate_json(_request().raw_body or b"{}")
    return _json(add_note(store(), ticket_id, draft, caller.actor, caller.viewer), status=201)


class ChangesParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    since: AwareDatetime | None = None  # the ``until`` of the previous answer


@agent_route("/api/changes", answer=Changes, query=ChangesParams)
def changes(caller: Caller) -> Response:
    """What changed since ``since`` (tickets the caller may see, and their new
    notifications): the console asks every 2 s and reloads only what moved."""
    params = ChangesParams.model_validate(_request().query_params or {})
    now = utc_now()
    assignment.mark_seen(store(), caller.viewer.agent_id, now, _SEEN_WRITTEN)  # online for round robin
    return _json(changes_since(store(), caller.viewer, params.since, now))


_SEEN_WRITTEN: dict[str, datetime] = {}  # this process's last "seen" write per agent


class Availability(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    available: bool


@agent_route("/api/me/availability", methods=("PUT",), answer=Availability, body=Availability)
def availability(caller: Caller) -> Response:
    """Available (round robin may assign to me while my console is open) or away."""
    body = Availability.model_validate_json(_request().raw_body or b"{}")
    assignment.set_availability(store(), caller.viewer.agent_id, body.available, utc_now())
    return _json(body)


@agent_route("/api/notifications", answer=answers.Notifications)
def my_notifications(caller: Caller) -> Response:
    """The caller's latest notifications (assignments, mentions), newest first."""
    found, read_through = notifications.recent(store(), caller.viewer.agent_id)
    return _json(answers.Notifications(notifications=found, read_through=read_through))


class ReadThrough(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    through: AwareDatetime


@agent_route("/api/notifications/read", methods=("POST",), answer=answers.ReadMark, body=ReadThrough)
def read_notifications(caller: Caller) -> Response:
    """Mark the caller's notifications read up to a moment (the mark never moves back)."""
    body = ReadThrough.model_validate_json(_request().raw_body or b"{}")
    return _json(answers.ReadMark(read_through=notifications.mark_read(store(), caller.viewer.agent_id, body.through)))


class PresenceReport(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    activity: PresenceActivity


@agent_route("/api/tickets/{ticket_id}/presence", methods=("PUT",), answer=answers.PresentAgents, body=PresenceReport)
def presence(caller: Caller, ticket_id: str) -> Response:
    """The caller is viewing or replying to a ticket (repeat every few seconds);
    the answer is who else is on it now."""
    report = PresenceReport.model_validate_json(_request().raw_body or b"{}")
    _visible_ticket(caller, ticket_id)
    others = collisions.be_present(store(), ticket_id, caller.viewer.agent_id, caller.actor.name, report.activity)
    return _json(answers.PresentAgents(present=others))


@agent_route("/api/tickets/{ticket_id}/presence", methods=("DELETE",), answer=answers.PresentAgents)
def leave_ticket(caller: Caller, ticket_id: str) -> Response:
    """The caller left the ticket's page."""
    _visible_ticket(caller, ticket_id)
    collisions.leave(store(), ticket_id, caller.viewer.agent_id)
    return _json(answers.PresentAgents(present=collisions.others_on(store(), ticket_id, caller.viewer.agent_id)))


@agent_route("/api/contacts/{contact_id}", methods=("PATCH",), answer=Contact, body=ContactChanges)
def edit_contact(caller: Caller, contact_id: str) -> Response:
    """Correct a contact's details or ways to reach them (409 when another
    contact holds an identity: merge them instead)."""
    changes = ContactChanges.model_validate_json(_request().raw_body or b"{}")
    return _json(change_contact(store(), contact_id, changes, caller.actor))


class MergeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source_id: Annotated[str, Field(min_length=1, max_length=64)]


@agent_route(
    "/api/contacts/{contact_id}/merge", methods=("POST",), role=Role.SUPERVISOR, answer=Contact, body=MergeRequest
)
def merge_contact(caller: Caller, contact_id: str) -> Response:
    """Merge a duplicate (``source_id``) into this contact: identities, tickets
    and open conversations move here (supervisors)."""
    body = MergeRequest.model_validate_json(_request().raw_body or b"{}")
    return _json(merge_contacts(store(), contact_id, body.source_id, caller.actor))


@agent_route("/api/contacts/{contact_id}/export", role=Role.ADMIN, answer=ContactExport)
def export_personal_data(caller: Caller, contact_id: str) -> Response:
    """Everything kept about a contact, for their data request (administrators; audited)."""
    return _json(export_contact(store(), contact_id, caller.actor, utc_now()))


class ErasureRequest(BaseModel):
    """Erasure cannot be undone: the body repeats the contact's id to confirm it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    confirm: Annotated[str, Field(min_length=1, max_length=64)]


@agent_route(
    "/api/contacts/{contact_id}/erase", methods=("POST",), role=Role.ADMIN, answer=Erasure, body=ErasureRequest
)
def erase_personal_data(caller: Caller, contact_id: str) -> Response:
    """Erase a contact's personal data, keeping ticket statistics (administrators;
    audited; ``confirm`` must repeat the contact's id)."""
    body = ErasureRequest.model_validate_json(_request().raw_body or b"{}")
    if body.confirm != contact_id:
        raise ErasureNotConfirmed(contact_id)
    return _json(erase_contact(store(), file_store(), contact_id, caller.actor, utc_now()))


@functools.lru_cache(maxsize=1)
def file_store() -> S3FileStore:
    import boto3

    return S3FileStore(boto3.client("s3", region_name=store_settings().region))


@agent_route("/api/tickets/{ticket_id}/merge", methods=("POST",), answer=Ticket, body=MergeRequest)
def merge_ticket(caller: Caller, ticket_id: str) -> Response:
    """Merge another ticket of the same contact (``source_id``) into this one;
    the other is closed as merged. Both must be within the caller's reach."""
    body = MergeRequest.model_validate_json(_request().raw_body or b"{}")
    _visible_ticket(caller, ticket_id)
    _visible_ticket(caller, body.source_id)
    return _json(merge_tickets(store(), ticket_id, body.source_id, caller.actor))


@agent_route("/api/contacts/{contact_id}", answer=answers.ContactHistory)
def contact(caller: Caller, contact_id: str) -> Response:
    """A contact with their tickets across channels, newest first."""
    found = live_contact(store(), contact_id)
    history = [t for t in store().tickets_of_contact(found.id, limit=50) if caller.viewer.can_see(t)]
    return _json(answers.ContactHistory(contact=found, tickets=history))


@agent_route("/api/macros", answer=answers.Macros)
def macros(caller: Caller) -> Response:
    """The team's macros, by name."""
    return _json(answers.Macros(macros=list_macros(store())))


@agent_route("/api/macros/{macro_id}", methods=("PUT",), role=Role.ADMIN, answer=Macro, body=Macro)
def put_macro(caller: Caller, macro_id: str) -> Response:
    """Create or replace a macro (administrators); unknown placeholders are refused."""
    macro = Macro.model_validate_json(_request().raw_body or b"{}")
    if macro.id != macro_id:
        raise MacroNotFound(macro_id)
    return _json(save_macro(store(), macro, caller.actor))


@agent_route("/api/macros/{macro_id}", methods=("DELETE",), role=Role.ADMIN, answer=answers.Deleted)
def remove_macro(caller: Caller, macro_id: str) -> Response:
    """Delete a macro (administrators)."""
    delete_macro(store(), macro_id, caller.actor)
    return _json(answers.Deleted(deleted=macro_id))


@agent_route("/api/tickets/{ticket_id}/macros/{macro_id}", methods=("POST",), answer=answers.MacroApplied)
def use_macro(caller: Caller, ticket_id: str, macro_id: str) -> Response:
    """Apply a macro to a ticket: its changes, then its reply with placeholders filled."""
    macro = get_macro(store(), macro_id)
    _visible_ticket(caller, ticket_id)
    ticket, reply = apply_macro(store(), outbound_queue(), ticket_id, macro, caller.actor, mail_settings())
    return _json(answers.MacroApplied(ticket=ticket, reply=reply))


class SetAsideParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    month: Annotated[str, Field(pattern=r"^[1-9]\d{3}-(0[1-9]|1[0-2])$")] | None = None  # year 0 is no month


@functools.lru_cache(maxsize=1)
def flows() -> Any:
    import boto3

    from helpdesk.providers.step_functions import StepFunctionsFlows

    return StepFunctionsFlows(boto3.client("stepfunctions", region_name=store_settings().region))


@agent_route(
    "/api/tickets/{ticket_id}/breaches/{breach_id}/acknowledge",
    methods=("POST",),
    role=Role.SUPERVISOR,
    answer=answers.Acknowledged,
)
def acknowledge_breach(caller: Caller, ticket_id: str, breach_id: str) -> Response:
    """A supervisor is on an escalated ticket: its escalation stops waiting
    (409 when nothing waits: acknowledged already, or the flow moved on)."""
    from helpdesk.sla.escalation import acknowledge

    _visible_ticket(caller, ticket_id)
    acknowledge(store(), flows(), ticket_id, breach_id, caller.actor)
    return _json({"acknowledged": breach_id})


@agent_route("/api/sla-setup", role=Role.SUPERVISOR, answer=SlaSetup)
def sla_setup(caller: Caller) -> Response:
    """The SLA calendars, policies (first match applies) and escalation contacts."""
    return _json(store().sla_setup())


@agent_route("/api/sla-setup", methods=("PUT",), role=Role.ADMIN, answer=SlaSetup, body=SlaSetup)
def replace_sla_setup(caller: Caller) -> Response:
    """Replace the SLA setup (administrators). Tickets pick up a changed
    policy the next time they change; running timers keep their due times."""
    setup = SlaSetup.model_validate_json(_request().raw_body or b"{}")
    now = utc_now()
    store().put_sla_setup(
        setup, now, audit_entry(caller.actor, "sla_setup.saved", "sla", store().sla_setup(), setup, now)
    )
    return _json(setup)


@agent_route("/api/set-aside", answer=answers.SetAsideMonth, query=SetAsideParams)
def set_aside(caller: Caller) -> Response:
    """Inbound that became no ticket message (quarantined, unreadable, auto-replies
    answering nothing, unmatched bounces), newest first, for one month."""
    params = SetAsideParams.model_validate(_request().query_params or {})
    month = datetime.strptime(params.month, "%Y-%m").replace(tzinfo=UTC) if params.month else utc_now()
    entries = store().set_aside_in_month(month)
    return _json({"month": f"{month:%Y-%m}", "entries": [e.model_dump(mode="json") for e in entries]})


@agent_route("/api/dead-letters", answer=answers.DeadLetters)
def dead_letters(caller: Caller) -> Response:
    """What the queues gave up on (mail that kept failing, replies, WhatsApp
    updates), with a sample of each, so agents see it and can follow up."""
    import boto3

    from helpdesk.admin.dead_letters import SqsDeadLetters
    from helpdesk.settings import DeadLetterSettings

    settings = DeadLetterSettings.from_environment()
    client = boto3.client("sqs", region_name=store_settings().region)
    queues = SqsDeadLetters(client, settings.urls).peek()
    return _json(
        {
            "queues": [
                {
                    "name": q.name,
                    "waiting": q.waiting,
                    "samples": [
                        {
                            "message_id": d.message_id,
                            "body": d.body,
                            "first_sent_at": d.first_sent_at.isoformat() if d.first_sent_at else None,
                            "receive_count": d.receive_count,
                        }
                        for d in q.samples
                    ],
                }
                for q in queues
            ]
        }
    )
