"""The live web chat's public routes (no sign-in; the widget on a customer's
site calls them from that site's origin): a visitor's message, and their
conversation's transcript. The widget posts ``text/plain`` JSON, a "simple"
cross-origin request that needs no preflight; the answers allow any origin
and carry no cookies (the visitor's session token rides in the body); once
the channel setup lists chat sites, a request from a site or a page origin it
does not admit is refused (403, ``web_chat.check_site``). Each
address and each session is limited (``limits.WEB_CHAT_PER_*``: 429 with
``Retry-After`` and a Spanish and English message); refusals store nothing.
Live updates come over the WebSocket API (``live_socket``, ``?visitor=``)."""

import json
import threading
import time
from typing import Any

from chalice import Blueprint, Response
from pydantic import ValidationError

from agent_api.errors import error_body
from agent_api.openapi import RouteDoc
from helpdesk import connections, limits
from helpdesk.assistant.callbacks import Callbacks
from helpdesk.channels import web_chat
from helpdesk.clock import utc_now
from helpdesk.errors import InvalidIdentity
from helpdesk.settings import live_socket_settings
from helpdesk.validated import Validated

blueprint = Blueprint("agent_api.web_chat")
MESSAGES_PATH = "/public/chat/messages"
TRANSCRIPT_PATH = "/public/chat/transcript"
ROUTES = {(MESSAGES_PATH, "POST"), (TRANSCRIPT_PATH, "POST")}
CONTENT_TYPES = ["text/plain", "application/json"]
CALLBACKS = Callbacks(connections.callback_dialer)  # the assistant's "llámenme": Connect, else an agent's task
CORS = {"Access-Control-Allow-Origin": "*", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


class Transcript(Validated):
    ticket_number: int
    lines: list[web_chat.ChatLine]


class SentAnswer(web_chat.Sent):
    socket: str = ""  # where the widget opens its WebSocket for replies (empty: it polls the transcript)


DOCS = [
    RouteDoc(MESSAGES_PATH, "POST", "A web chat visitor's message (the widget, from the customer's site; "
             "text/plain JSON, any origin): the first opens a ticket on the chat channel and a session; "
             "client_message_id makes a retry the same message. Limited per address and per session.",
             None, SentAnswer, body=web_chat.VisitorMessage),
    RouteDoc(TRANSCRIPT_PATH, "POST", "A web chat visitor's open conversation (their session token in the "
             "body): their messages and the replies, text only.", None, Transcript, body=web_chat.VisitorSession),
]  # fmt: skip

_buckets: dict[tuple[str, str], limits.TokenBucket] = {}
_buckets_lock = threading.Lock()
MAX_BUCKETS = 10_000  # kept per process; past it the oldest are forgotten


def _wait(kind: str, who: str, limit: limits.RateLimit) -> int:
    with _buckets_lock:
        if len(_buckets) > MAX_BUCKETS:
            for stale in list(_buckets)[: MAX_BUCKETS // 2]:
                del _buckets[stale]
        bucket = _buckets.setdefault((kind, who), limits.TokenBucket(limit, time.monotonic))
    return bucket.take()


def _answer(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    return Response(
        body=json.dumps(body, ensure_ascii=False, default=str),
        status_code=status,
        headers={"Content-Type": "application/json; charset=utf-8", **CORS, **(headers or {})},
    )


def _error(key: str, headers: dict[str, str] | None = None) -> Response:
    status, body = error_body(key)
    return _answer(status, body, headers)


def _throttled(who: str, limit: limits.RateLimit, kind: str) -> Response | None:
    wait = _wait(kind, who, limit)
    return _error("error.throttled", {"Retry-After": str(wait)}) if wait else None


def _address() -> str:
    context = blueprint.current_request.context or {}
    return str((context.get("identity") or {}).get("sourceIp") or "unknown")


def _origin() -> str | None:
    """The page's origin, as the browser sent it (the sites' check reads it)."""
    return blueprint.current_request.headers.get("origin")


def _body() -> bytes:
    raw = blueprint.current_request.raw_body or b""
    return raw if isinstance(raw, bytes) else str(raw).encode("utf-8")


@blueprint.route(MESSAGES_PATH, methods=["POST"], content_types=CONTENT_TYPES)
def send_chat_message() -> Response:
    refused = _throttled(_address(), limits.WEB_CHAT_PER_ADDRESS, "address")
    if refused:
        return refused
    try:
        message = web_chat.VisitorMessage.model_validate_json(_body())
    except ValidationError:
        return _error("error.chat_message_invalid")
    if message.visitor and (refused := _throttled(message.visitor, limits.WEB_CHAT_PER_SESSION, "session")):
        return refused
    try:
        web_chat.check_site(connections.store(), message.site, _origin())
        shelf = connections.knowledge_shelf()
        sent = web_chat.send(connections.store(), message, utc_now(), shelf.public(), connections.hand_over, CALLBACKS,
                             connections.answer_writer())  # fmt: skip
    except InvalidIdentity:
        return _error("error.chat_email_invalid")
    except web_chat.SiteRefused:
        return _error("error.chat_site_refused")
    answer = SentAnswer(**sent.model_dump(), socket=live_socket_settings().socket_url)
    return _answer(200, answer.model_dump(mode="json"))


@blueprint.route(TRANSCRIPT_PATH, methods=["POST"], content_types=CONTENT_TYPES)
def chat_transcript() -> Response:
    refused = _throttled(_address(), limits.WEB_CHAT_PER_ADDRESS, "address")
    if refused:
        return refused
    try:
        session = web_chat.VisitorSession.model_validate_json(_body())
    except ValidationError:
        return _error("error.chat_no_conversation")
    try:
        web_chat.check_site(connections.store(), session.site, _origin())
    except web_chat.SiteRefused:
        return _error("error.chat_site_refused")
    ticket, lines = web_chat.transcript(connections.store(), session.visitor)
    if ticket is None:
        return _error("error.chat_no_conversation")
    return _answer(200, Transcript(ticket_number=ticket.number, lines=lines).model_dump(mode="json"))
