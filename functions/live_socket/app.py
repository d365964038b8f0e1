"""The WebSocket API of live updates (``$connect``, ``$disconnect``,
``$default``), one function for its three routes: the domain's
``helpdesk.live.sockets`` decides; this parses API Gateway's event and maps
refusals to the answer each route gives (``$connect``: a status that refuses
the handshake; ``$default``: an ``error`` event posted back)."""

import re
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ConfigDict, Field

from helpdesk import connections, http_policy, limits
from helpdesk.channels import web_chat
from helpdesk.clock import utc_now
from helpdesk.live import sockets
from helpdesk.observability import logger, metrics
from helpdesk.team.id_tokens import TokenRefused, holder_of
from helpdesk.validated import Validated

STATUS_OF = {"live.unauthenticated": 401, "live.too_many": 429, "live.throttled": 429, "live.no_conversation": 404,
             "live.site_refused": 403}  # fmt: skip


class SocketContext(Validated):
    model_config = ConfigDict(extra="ignore")

    routeKey: str
    connectionId: str = Field(min_length=1, max_length=128)
    identity: dict[str, Any] = Field(default_factory=dict)

    @property
    def source_ip(self) -> str:
        return str(self.identity.get("sourceIp", ""))


class SocketRequest(Validated):
    """The fields of API Gateway's WebSocket event the routes read."""

    model_config = ConfigDict(extra="ignore")

    requestContext: SocketContext
    queryStringParameters: dict[str, str] | None = None
    headers: dict[str, str] | None = None  # $connect: the handshake's (Origin among them)
    body: str | None = None

    def header(self, name: str) -> str | None:
        return next((v for k, v in (self.headers or {}).items() if k.lower() == name), None)


def _answer(status: int, key: str | None = None) -> dict[str, Any]:
    body = sockets.error_event(key).body().decode("utf-8") if key else ""
    return {"statusCode": status, "headers": dict(http_policy.API_HEADERS), "body": body}


def _connect(request: SocketRequest) -> dict[str, Any]:
    query = request.queryStringParameters or {}
    if "visitor" in query:
        return _connect_visitor(request, query["visitor"], query.get("site"))
    token = query.get("token", "")
    try:
        sockets.admit_attempt(f"ip:{request.requestContext.source_ip}", limits.LIVE_CONNECT_PER_ADDRESS)
        holder = holder_of(token)
        sockets.admit_attempt(f"agent:{holder.agent_id}", limits.LIVE_CONNECT_PER_AGENT)
        sockets.connect(connections.store(), request.requestContext.connectionId, holder, utc_now())
    except TokenRefused as refused:
        logger.info("live connection refused", extra={"reason": str(refused)})
        return _answer(401, "live.unauthenticated")
    except sockets.Refused as refused:
        return _answer(STATUS_OF.get(refused.key, 400), refused.key)
    return _answer(200)


def _connect_visitor(request: SocketRequest, visitor: str, site: str | None) -> dict[str, Any]:
    """A web chat visitor's widget: their session token names their conversation;
    a page its chat site does not admit is refused (``web_chat.check_site``)."""
    try:
        sockets.admit_attempt(f"ip:{request.requestContext.source_ip}", limits.LIVE_CONNECT_PER_ADDRESS)
        store = connections.store()
        try:
            web_chat.check_site(store, site, request.header("origin"))
        except web_chat.SiteRefused:
            return _answer(403, "live.site_refused")
        ticket = web_chat.conversation_of(store, visitor) if re.match(web_chat.VISITOR_PATTERN, visitor) else None
        sockets.connect_visitor(store, request.requestContext.connectionId, ticket.id if ticket else None, utc_now())
    except sockets.Refused as refused:
        return _answer(STATUS_OF.get(refused.key, 400), refused.key)
    return _answer(200)


def _message(request: SocketRequest) -> dict[str, Any]:
    connection_id = request.requestContext.connectionId
    try:
        answer = sockets.receive(connections.store(), connection_id, sockets.parse_message(request.body), utc_now())
    except sockets.Refused as refused:
        answer = sockets.error_event(refused.key)
    if answer is not None:
        connections.live_poster().post(connection_id, answer.body())
    return _answer(200)


@logger.inject_lambda_context(clear_state=True)
@metrics().log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = SocketRequest.model_validate(event)
    route = request.requestContext.routeKey
    if route == "$connect":
        return _connect(request)
    if route == "$disconnect":
        sockets.disconnect(connections.store(), request.requestContext.connectionId)
        return _answer(200)
    return _message(request)
