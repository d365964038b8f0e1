"""How an API route is declared: an ``Area`` (a Chalice blueprint for one part of
the API) registers routes that need a signed-in agent.

For each route it checks the token (or API key) and the caller's role, the
scope an API key needs and the key's own rate, parses the query
string and the body into the route's pydantic models, hands them to the view
as ``query`` and ``body``, and turns every error into a response (through
``agent_api.errors``). It also records what the OpenAPI document says of the
route (a ``RouteDoc``), the least role it needs and the scope an API key needs
(none: agents only), which ``app.py`` gathers from every area.
"""

import functools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chalice import Blueprint, Response
from pydantic import BaseModel

from agent_api.auth import Principal, Unauthenticated, authenticate
from agent_api.errors import error_response, response_for
from agent_api.openapi import RouteDoc
from helpdesk import connections, limits
from helpdesk.access import Role, Viewer
from helpdesk.api_keys import KeyThrottled, Scope
from helpdesk.clock import utc_now
from helpdesk.models import Actor, ActorKind
from helpdesk.observability import logger
from helpdesk.untrusted import refuse_control_characters, refuse_hostile_json

View = Callable[..., Any]


@dataclass(frozen=True)
class Caller:
    """The signed-in agent: who they are (from the token) and what they may
    reach (their role, and their groups from the agents table)."""

    principal: Principal
    viewer: Viewer
    name: str = ""  # as the team knows them (the agents table), else the token's

    @property
    def actor(self) -> Actor:
        if self.principal.api_key_id is not None:  # the ticket history names the key
            return Actor(kind=ActorKind.API_KEY, id=self.principal.api_key_id, name=self.principal.name)
        name = self.name or self.principal.name or self.principal.email
        return Actor(kind=ActorKind.AGENT, id=self.principal.agent_id, name=name)


_key_buckets: dict[str, limits.TokenBucket] = {}
_key_buckets_lock = threading.Lock()


def take_key_turn(key_id: str) -> None:
    """One request of an API key against its own token bucket; ``KeyThrottled``
    (429 with ``Retry-After``) when it is over its rate."""
    with _key_buckets_lock:
        bucket = _key_buckets.setdefault(key_id, limits.TokenBucket(limits.API_KEY, time.monotonic))
    wait = bucket.take()
    if wait:
        raise KeyThrottled(wait)


def caller_of(principal: Principal) -> Caller:
    """The agents table has the last word on role, groups and whether the agent
    may work at all, so an admin's change applies at once, not at the next sign-in.
    An API key reaches the tickets of every group, with an agent's rights only."""
    if principal.api_key_id is not None:
        return Caller(principal, Viewer(agent_id=principal.agent_id, role=Role.AGENT, all_groups=True), principal.name)
    agent = connections.store().get_agent(principal.agent_id)
    if agent is not None and not agent.active:
        raise Unauthenticated("deactivated agent")
    role = Role(agent.role) if agent else Role(principal.role)
    viewer = Viewer(
        agent_id=principal.agent_id,
        role=role,
        group_ids=agent.group_ids if agent else (),
        quality=agent.quality if agent else False,
        editor=agent.editor if agent else False,
    )
    return Caller(principal, viewer, agent.name if agent else "")


def json_answer(model: BaseModel | dict[str, Any], status: int = 200) -> Response:
    body = model.model_dump(mode="json") if isinstance(model, BaseModel) else model
    return Response(body=body, status_code=status, headers={"Content-Type": "application/json"})


def require_same(path_value: str, body_value: str, refusal: Callable[[str], Exception]) -> None:
    """The path and the body must name the same thing (a group saved at its own
    address, an erasure confirmed with the contact's id); else ``refusal``."""
    if body_value != path_value:
        raise refusal(path_value)


@dataclass
class Area:
    """One part of the API (tickets, files, contacts, …): its blueprint, and the
    document entry and least role of each of its routes."""

    name: str
    blueprint: Blueprint = field(init=False)
    docs: list[RouteDoc] = field(default_factory=list)
    roles: dict[tuple[str, str], Role] = field(default_factory=dict)
    scopes: dict[tuple[str, str], Scope | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.blueprint = Blueprint(f"agent_api.routes.{self.name}")

    def route(
        self,
        path: str,
        methods: tuple[str, ...] = ("GET",),
        role: Role = Role.AGENT,
        *,
        answer: type[BaseModel],
        status: int = 200,
        query: type[BaseModel] | None = None,
        body: type[BaseModel] | None = None,
        without_mfa: bool = False,
        scope: Scope | None = None,
        errors: tuple[str, ...] = (),
    ) -> Callable[[View], View]:
        """Register a route that needs a signed-in agent of at least ``role``:
        the view gets the ``Caller`` first, then the path's parameters, then
        ``query`` and ``body`` parsed into their models. ``answer``, ``query``
        and ``body`` describe it in the OpenAPI document. An admin or supervisor
        whom the sign-in policy requires to use MFA reaches only the routes
        marked ``without_mfa`` until they turn it on. An API key may call the
        route only when it names a ``scope`` the key holds (403 otherwise, before
        the body is read); routes without one are for agents only. ``errors``
        names the message keys the document lists as the route's answers."""

        def register(view: View) -> View:
            @functools.wraps(view)
            def handled(**params: Any) -> Any:
                try:
                    request = self.blueprint.current_request
                    principal = authenticate(request.headers.get("authorization"), f"{request.method} {path}")
                    principal.require_scope(scope, role.value)
                    if principal.api_key_id is not None:
                        take_key_turn(principal.api_key_id)
                    caller = caller_of(principal)
                    caller.viewer.require(role)
                    if not without_mfa and principal.api_key_id is None:
                        connections.mfa_gate().require(caller.viewer.role, caller.principal.email, utc_now())
                    if query is not None:
                        refuse_control_characters(dict(request.query_params or {}))
                        params["query"] = query.model_validate(request.query_params or {})
                    if body is not None:
                        refuse_hostile_json(request.raw_body or b"{}")
                        params["body"] = body.model_validate_json(request.raw_body or b"{}")
                    return view(caller, **params)
                except Exception as exc:  # noqa: BLE001 - the one place errors become responses
                    response = response_for(exc)
                    if response is None:
                        logger.exception("unhandled error", extra={"route": path})
                        return error_response("error.unexpected")
                    return response

            self.blueprint.route(path, methods=list(methods))(handled)
            summary = (view.__doc__ or view.__name__).strip()
            for method in methods:
                self.roles[(path, method)] = role
                self.scopes[(path, method)] = scope
                self.docs.append(
                    RouteDoc(
                        path, method, summary, role.value, answer, status, query, body, scope and scope.value, errors
                    )
                )
            return view

        return register
