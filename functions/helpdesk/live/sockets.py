"""The WebSocket API's three routes, as the help desk sees them.

- ``$connect``: the agent's Cognito ID token (the ``token`` query parameter:
  browsers cannot set headers on a WebSocket, and a query parameter is simpler
  to state in API Gateway's route than a subprotocol; it never reaches our
  logs) names the agent; their role and groups come from the table, as for the
  API. A connection is refused beyond ``MOST_CONNECTIONS_PER_AGENT`` at once.
- ``$disconnect``: the record and its rooms go; the agent leaves the ticket
  they had open (the others see them go at once).
- ``$default``: small JSON messages from the client. ``{"action": "presence",
  "ticket_id": …, "activity": "viewing"|"replying"}`` records the agent's
  presence, moves the connection to that ticket's room and answers who else
  is there; ``{"action": "presence", "ticket_id": null}`` leaves it;
  ``{"action": "ping"}`` keeps an idle connection open.

A web chat visitor connects with their session token instead (the
``visitor`` query parameter, ``helpdesk.channels.web_chat``): a ``chat``
connection in their open conversation's room only, which hears that ticket's
customer-facing messages and nothing else; it may only ping.
"""

import threading
import time
from datetime import datetime, timedelta
from typing import Annotated, Literal, Protocol

from pydantic import ConfigDict, Field, ValidationError

from helpdesk import limits
from helpdesk.access import Role, Viewer
from helpdesk.errors import HelpdeskError
from helpdesk.live.events import VISITOR
from helpdesk.live.model import ConnectionKind, EventType, LiveConnection, LiveEvent, Room, RoomKind
from helpdesk.models import Presence, PresenceActivity
from helpdesk.store import HelpdeskStore
from helpdesk.team import assignment
from helpdesk.team.id_tokens import TokenHolder
from helpdesk.tickets import collisions
from helpdesk.validated import Validated

CONNECTION_LIFETIME = timedelta(hours=2)  # API Gateway closes a connection after two hours
MOST_CONNECTIONS_PER_AGENT = 20  # a console per tab; more is a loop or an abuse
MOST_MESSAGE_BYTES = 2048  # presence and ping fit in a few hundred bytes

MESSAGES = {
    "live.unauthenticated": ("Inicie sesión de nuevo para recibir cambios.", "Sign in again to receive changes."),
    "live.too_many": (
        "Demasiadas conexiones abiertas para este agente: cierre otras pestañas.",
        "Too many open connections for this agent: close other tabs.",
    ),
    "live.throttled": (
        "Demasiados intentos de conexión: espere unos segundos.",
        "Too many connection attempts: wait a few seconds.",
    ),
    "live.too_large": ("Mensaje demasiado grande.", "Message too large."),
    "live.bad_message": ("Mensaje no reconocido.", "Message not understood."),
    "live.not_allowed": ("No puede ver este ticket.", "You may not see this ticket."),
    "live.site_refused": (
        "El chat no está disponible en esta página.",
        "The chat is not available on this page.",
    ),
    "live.no_conversation": (
        "No hay una conversación abierta: escribe un mensaje para empezar.",
        "There is no open conversation: write a message to start one.",
    ),
}


def error_event(key: str) -> LiveEvent:
    spanish, english = MESSAGES[key]
    return LiveEvent(type=EventType.ERROR, code=key.removeprefix("live."), message={"es": spanish, "en": english})


class Refused(HelpdeskError):
    """A connection or message the socket does not take (``key``: its text)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class Poster(Protocol):
    """The port to a WebSocket API: post to one connection (False: it is gone)."""

    def post(self, connection_id: str, body: bytes) -> bool: ...


_SEEN_WRITTEN: dict[str, datetime] = {}  # this process's last "seen" write per agent (round robin)
_attempts: dict[str, limits.TokenBucket] = {}  # per client address and per agent, in this process
_attempts_lock = threading.Lock()


def admit_attempt(who: str, limit: limits.RateLimit) -> None:
    """A connection attempt from ``who`` (``ip:…`` or ``agent:…``); Refused when
    over ``limit``. Per warm instance, like the API keys' limit; the stage's
    throttling bounds the sum."""
    with _attempts_lock:
        if len(_attempts) > 10_000:  # a flood of addresses must not grow this for ever
            _attempts.clear()
        bucket = _attempts.setdefault(who, limits.TokenBucket(limit, time.monotonic))
    if bucket.take():
        raise Refused("live.throttled")


def connect(store: HelpdeskStore, connection_id: str, holder: TokenHolder, now: datetime) -> LiveConnection:
    """Record an agent's new connection in the rooms of their view."""
    agent = store.get_agent(holder.agent_id)
    if agent is not None and not agent.active:
        raise Refused("live.unauthenticated")
    if store.connections_of_agent(holder.agent_id) >= MOST_CONNECTIONS_PER_AGENT:
        raise Refused("live.too_many")
    role = Role(agent.role) if agent else Role(holder.role)
    viewer = Viewer(agent_id=holder.agent_id, role=role, group_ids=agent.group_ids if agent else ())
    connection = LiveConnection(
        id=connection_id,
        kind=ConnectionKind.AGENT,
        agent_id=holder.agent_id,
        name=agent.name if agent else holder.name,
        rooms=rooms_of(viewer),
        connected_at=now,
        expires_at=now + CONNECTION_LIFETIME,
    )
    store.open_connection(connection)
    assignment.mark_seen(store, holder.agent_id, now, _SEEN_WRITTEN)  # online for round robin
    return connection


def connect_visitor(store: HelpdeskStore, connection_id: str, ticket_id: str | None, now: datetime) -> LiveConnection:
    """Record a web chat visitor's connection in their conversation's room
    (``ticket_id``: their open conversation, None when they have none)."""
    if ticket_id is None:
        raise Refused("live.no_conversation")
    connection = LiveConnection(
        id=connection_id,
        kind=ConnectionKind.CHAT,
        rooms=(Room(kind=RoomKind.CONVERSATION, id=ticket_id),),
        connected_at=now,
        expires_at=now + CONNECTION_LIFETIME,
    )
    store.open_connection(connection)
    _visitor_is(store, ticket_id, PresenceActivity.VISITOR_HERE, now)
    return connection


def _visitor_is(store: HelpdeskStore, ticket_id: str, activity: PresenceActivity, now: datetime) -> None:
    """The visitor's presence on their conversation, as agents on the ticket see
    it (the console's presence list: "in the chat", "typing")."""
    store.put_presence(ticket_id, Presence(agent_id=VISITOR, activity=activity, at=now), collisions.PRESENCE_KEPT)


def _conversation(connection: LiveConnection) -> str | None:
    return next((room.id for room in connection.rooms if room.kind is RoomKind.CONVERSATION), None)


def rooms_of(viewer: Viewer) -> tuple[Room, ...]:
    """Where an agent's connection listens: the rooms of the tickets they may see."""
    rooms = [Room(kind=RoomKind.AGENT, id=viewer.agent_id), Room(kind=RoomKind.AGENTS)]
    rooms += [Room(kind=RoomKind.GROUP, id=group_id) for group_id in viewer.group_ids]
    if viewer.sees_everything:
        rooms.append(Room(kind=RoomKind.EVERY_TICKET))
    return tuple(rooms)


def disconnect(store: HelpdeskStore, connection_id: str) -> None:
    connection = store.live_connection(connection_id)
    if connection is None:
        return
    if connection.kind is ConnectionKind.AGENT and connection.watching and connection.agent_id:
        collisions.leave(store, connection.watching, connection.agent_id)
    if connection.kind is ConnectionKind.CHAT and (ticket_id := _conversation(connection)):
        collisions.leave(store, ticket_id, VISITOR)  # the visitor left the chat
    store.close_connection(connection)


class PresenceMessage(Validated):
    model_config = ConfigDict(extra="forbid", frozen=True)

    action: Literal["presence"]
    ticket_id: Annotated[str, Field(min_length=1, max_length=64)] | None
    activity: PresenceActivity = PresenceActivity.VIEWING


class PingMessage(Validated):
    model_config = ConfigDict(extra="forbid", frozen=True)

    action: Literal["ping"]


class TypingMessage(Validated):
    """A web chat visitor starts (or stops) typing."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    action: Literal["typing"]
    typing: bool = True


ClientAction = PresenceMessage | PingMessage | TypingMessage


class ClientMessage(Validated):
    message: Annotated[ClientAction, Field(discriminator="action")]


def parse_message(body: str | None) -> ClientAction:
    raw = (body or "").encode("utf-8")
    if len(raw) > MOST_MESSAGE_BYTES:
        raise Refused("live.too_large")
    try:
        return ClientMessage.model_validate_json(b'{"message": ' + (raw or b"null") + b"}").message
    except ValidationError as exc:
        raise Refused("live.bad_message") from exc


def receive(store: HelpdeskStore, connection_id: str, message: ClientAction, now: datetime) -> LiveEvent | None:
    """A client's message; the answer to post back to it, if any. Every message
    says the agent's console is still open (round robin's "online"); a visitor's
    ping says they are still in the chat, and they say when they type."""
    connection = store.live_connection(connection_id)
    if connection is not None and connection.kind is ConnectionKind.CHAT:
        ticket_id = _conversation(connection)
        if isinstance(message, PresenceMessage) or ticket_id is None:
            raise Refused("live.not_allowed")  # a visitor only listens, and says they are here
        typing = isinstance(message, TypingMessage) and message.typing
        _visitor_is(store, ticket_id, PresenceActivity.VISITOR_TYPING if typing else PresenceActivity.VISITOR_HERE, now)
        return None
    if isinstance(message, TypingMessage):
        raise Refused("live.bad_message")  # an agent's typing is their presence's "replying"
    if connection is None or connection.agent_id is None:
        raise Refused("live.unauthenticated")
    agent_id = connection.agent_id
    assignment.mark_seen(store, agent_id, now, _SEEN_WRITTEN)
    if isinstance(message, PingMessage):
        return None
    if message.ticket_id is None:
        if connection.watching:
            collisions.leave(store, connection.watching, agent_id)
        store.watch(connection, None)
        return None
    ticket = store.get_ticket(message.ticket_id)
    agent = store.get_agent(agent_id)
    viewer = Viewer.of(agent) if agent else Viewer(agent_id=agent_id, role=Role.AGENT)
    if ticket is None or not viewer.can_see(ticket):
        raise Refused("live.not_allowed")
    if connection.watching and connection.watching != message.ticket_id:
        collisions.leave(store, connection.watching, agent_id)
    store.watch(connection, message.ticket_id)
    others = collisions.be_present(store, message.ticket_id, agent_id, connection.name, message.activity)
    return LiveEvent(
        type=EventType.PRESENCE_HERE,
        ticket_id=message.ticket_id,
        present=[presence.model_dump(mode="json") for presence in others],
    )
