"""The words of live updates: a connection to the WebSocket API, the rooms it
listens in, and the small events posted to it.

One connection record serves both kinds of client the WebSocket API has: an
agent's console (by agent, their groups, the ticket they have open) and, later,
a customer's web chat (by conversation). Every event has the same envelope:
``{"type": "ticket.changed", "ticket_id": …, …}``; the console and the chat
widget each read the types they know and ignore the rest.
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field

from helpdesk.validated import Validated


class ConnectionKind(StrEnum):
    AGENT = "agent"  # an agent's console
    CHAT = "chat"  # a customer's web chat (one conversation)


class RoomKind(StrEnum):
    """Where a connection listens: each is one partition of connection pointers."""

    AGENT = "agent"  # one agent's connections (their notifications, their assigned tickets)
    GROUP = "group"  # the connections of a group's agents
    AGENTS = "agents"  # every agent connection (tickets in no group: the shared inbox)
    EVERY_TICKET = "every_ticket"  # connections of agents who see every ticket (admins)
    TICKET = "ticket"  # agents with the ticket open (presence, collisions, its thread)
    CONVERSATION = "conversation"  # a customer's chat on a ticket


class Room(Validated):
    model_config = ConfigDict(frozen=True)

    kind: RoomKind
    id: str = ""


class LiveConnection(Validated):
    """A WebSocket connection as the table keeps it (until it closes, or its TTL)."""

    model_config = ConfigDict(frozen=True)

    id: Annotated[str, Field(min_length=1, max_length=128)]
    kind: ConnectionKind
    agent_id: str | None = None  # an agent's console
    name: str = ""  # the agent's name, for presence
    rooms: tuple[Room, ...] = ()  # where it listens, besides the ticket it watches
    watching: str | None = None  # the ticket an agent has open (or a chat's ticket)
    connected_at: datetime
    expires_at: datetime


class EventType(StrEnum):
    TICKET_CHANGED = "ticket.changed"
    MESSAGE_ADDED = "message.added"
    MESSAGE_CHANGED = "message.changed"  # a reply's delivery moved (sent → delivered → read, failed)
    PRESENCE_CHANGED = "presence.changed"
    PRESENCE_HERE = "presence.here"  # the answer to a presence report: who else is on the ticket
    NOTIFICATION_ADDED = "notification.added"
    TYPING = "typing"  # to a web chat visitor: a person of the team is writing them a reply (or stopped)
    RECONNECT = "live.reconnect"  # the agent's role or groups changed: connect again to listen where they now see
    ERROR = "error"


class LiveEvent(Validated):
    """What is posted to a connection: small, and no customer text beyond what
    the inbox list shows (the client reloads what it needs through the API)."""

    model_config = ConfigDict(frozen=True, extra="allow")

    type: EventType
    ticket_id: str | None = None

    def body(self) -> bytes:
        return self.model_dump_json(exclude_none=True).encode("utf-8")


class Addressed(Validated):
    """An event and the rooms whose connections should get it."""

    model_config = ConfigDict(frozen=True)

    event: LiveEvent
    rooms: frozenset[Room]
