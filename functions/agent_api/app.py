"""The agents' REST API: a Chalice app, served by API Gateway + Lambda in AWS and
by Chalice's own local server in the local stack.

Each route parses its input into a typed model, calls one domain function and
returns typed JSON; errors become responses in ``agent_api.errors``.
"""

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from chalice import Chalice, Response
from chalice.app import Request
from pydantic import BaseModel, ConfigDict, Field, field_validator

import helpdesk
from agent_api.auth import Principal, authenticate
from agent_api.errors import error_response, response_for
from helpdesk.clock import utc_now
from helpdesk.models import UNSOLVED_STATUSES, Actor, ActorKind, Channel, TicketStatus
from helpdesk.observability import logger
from helpdesk.outbound import OutboundQueue, SqsOutboundQueue
from helpdesk.replies import ReplyDraft, reply_to_ticket
from helpdesk.settings import mail_settings, outbound_settings, store_settings
from helpdesk.store import UNASSIGNED, HelpdeskStore, TicketQuery
from helpdesk.tickets import TicketChanges, get_thread, list_tickets, update_ticket

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


def agent_route(path: str, methods: tuple[str, ...] = ("GET",)) -> Callable[[View], View]:
    """Register a route that needs a signed-in agent: the view gets the
    ``Principal`` first, and every error is turned into a response here."""

    def register(view: View) -> View:
        @functools.wraps(view)
        def handled(**params: str) -> Any:
            try:
                principal = authenticate(_request().headers.get("authorization"))
                return view(principal, **params)
            except Exception as exc:  # noqa: BLE001 - the one place errors become responses
                response = response_for(exc)
                if response is None:
                    logger.exception("unhandled error", extra={"route": path})
                    return error_response("error.unexpected")
                return response

        app.route(path, methods=list(methods))(handled)
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


class TicketListParams(BaseModel):
    """Query string of ``GET /api/tickets``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: tuple[TicketStatus, ...] = UNSOLVED_STATUSES
    channel: Channel | None = None
    assignee: Annotated[str, Field(max_length=64)] | None = None  # an agent id, "me" or "none"
    group: Annotated[str, Field(max_length=64)] | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 25
    cursor: Annotated[str, Field(max_length=4096)] | None = None

    @field_validator("status", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
        return value


@agent_route("/api/me")
def me(principal: Principal) -> Response:
    agent = store().get_agent(principal.agent_id)
    return _json(
        {
            "agent_id": principal.agent_id,
            "email": principal.email,
            "name": agent.name if agent else principal.name,
            "role": principal.role,
            "group_ids": list(agent.group_ids) if agent else [],
        }
    )


@agent_route("/api/tickets")
def tickets(principal: Principal) -> Response:
    params = TicketListParams.model_validate(_request().query_params or {})
    assignee = {"me": principal.agent_id, "none": UNASSIGNED}.get(params.assignee or "", params.assignee)
    page = list_tickets(
        store(),
        TicketQuery(
            statuses=params.status,
            channel=params.channel,
            assignee_id=assignee,
            group_id=params.group,
            limit=params.limit,
            cursor=params.cursor,
        ),
    )
    return _json({"tickets": [t.model_dump(mode="json") for t in page.tickets], "cursor": page.cursor})


@agent_route("/api/tickets/{ticket_id}")
def ticket(principal: Principal, ticket_id: str) -> Response:
    return _json(get_thread(store(), ticket_id))


class TicketUpdate(TicketChanges):
    """Body of ``PATCH /api/tickets/{id}``: the changes and the version they apply to."""

    version: Annotated[int, Field(ge=1)]


@agent_route("/api/tickets/{ticket_id}", methods=("PATCH",))
def change_ticket(principal: Principal, ticket_id: str) -> Response:
    body = TicketUpdate.model_validate_json(_request().raw_body or b"{}")
    changes = TicketChanges.model_validate(body.model_dump(exclude={"version"}, exclude_unset=True))
    actor = Actor(kind=ActorKind.AGENT, id=principal.agent_id, name=principal.name or principal.email)
    return _json(update_ticket(store(), ticket_id, changes, body.version, actor))


@agent_route("/api/tickets/{ticket_id}/replies", methods=("POST",))
def reply(principal: Principal, ticket_id: str) -> Response:
    """A public reply on the ticket's channel: stored at once, sent by the
    outbound function (202: its delivery status follows on the message)."""
    draft = ReplyDraft.model_validate_json(_request().raw_body or b"{}")
    actor = Actor(kind=ActorKind.AGENT, id=principal.agent_id, name=principal.name or principal.email)
    message = reply_to_ticket(store(), outbound_queue(), ticket_id, draft, actor, mail_settings())
    return _json(message, status=202)


class SetAsideParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    month: Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")] | None = None


@functools.lru_cache(maxsize=1)
def flows() -> Any:
    import boto3

    from helpdesk.providers.step_functions import StepFunctionsFlows

    return StepFunctionsFlows(boto3.client("stepfunctions", region_name=store_settings().region))


@agent_route("/api/tickets/{ticket_id}/breaches/{breach_id}/acknowledge", methods=("POST",))
def acknowledge_breach(principal: Principal, ticket_id: str, breach_id: str) -> Response:
    """A supervisor is on an escalated ticket: its escalation stops waiting
    (409 when nothing waits: acknowledged already, or the flow moved on)."""
    from helpdesk.escalation import acknowledge

    principal.require("supervisor")
    actor = Actor(kind=ActorKind.AGENT, id=principal.agent_id, name=principal.name or principal.email)
    acknowledge(store(), flows(), ticket_id, breach_id, actor)
    return _json({"acknowledged": breach_id})


@agent_route("/api/sla-setup")
def sla_setup(principal: Principal) -> Response:
    """The SLA calendars, policies (first match applies) and escalation contacts."""
    return _json(store().sla_setup())


@agent_route("/api/sla-setup", methods=("PUT",))
def replace_sla_setup(principal: Principal) -> Response:
    """Replace the SLA setup (administrators). Tickets pick up a changed
    policy the next time they change; running timers keep their due times."""
    from helpdesk.sla import SlaSetup

    principal.require("admin")
    setup = SlaSetup.model_validate_json(_request().raw_body or b"{}")
    store().put_sla_setup(setup, utc_now())
    return _json(setup)


@agent_route("/api/set-aside")
def set_aside(principal: Principal) -> Response:
    """Inbound that became no ticket message (quarantined, unreadable, auto-replies
    answering nothing, unmatched bounces), newest first, for one month."""
    params = SetAsideParams.model_validate(_request().query_params or {})
    month = datetime.strptime(params.month, "%Y-%m").replace(tzinfo=UTC) if params.month else utc_now()
    entries = store().set_aside_in_month(month)
    return _json({"month": f"{month:%Y-%m}", "entries": [e.model_dump(mode="json") for e in entries]})


@agent_route("/api/dead-letters")
def dead_letters(principal: Principal) -> Response:
    """What the queues gave up on (mail that kept failing, replies, WhatsApp
    updates), with a sample of each, so agents see it and can follow up."""
    import boto3

    from helpdesk.dead_letters import SqsDeadLetters
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
