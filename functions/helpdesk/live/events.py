"""What a change of the table means to live clients: each ticket, message,
presence or notification change (a record of the table's stream) becomes at
most one small event, addressed to the rooms whose view it touches.

The audience follows the access rules (``helpdesk.access``): a ticket in a
group reaches that group's agents, a ticket in no group every agent (the shared
inbox), its assignee always, admins always, and the agents with it open. A
ticket that moves from one group or assignee to another reaches both sides, so
it leaves the old view as it enters the new one. Messages (added, or their
delivery moved) and presence reach only the agents with the ticket open. No event carries customer text: the
client reloads what it shows through the API, with its own access checked.
An agent whose role or groups change is told to connect again (their
connections listen in the rooms of what they could see at connect).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from helpdesk.live.model import Addressed, EventType, LiveEvent, Room, RoomKind

TICKET_PREFIX = "TICKET#"
AGENT_PREFIX = "AGENT#"
NOTIFICATION_PREFIX = "NOTIF#"
MESSAGE_PREFIX = "MSG#"
PRESENCE_PREFIX = "PRESENCE#"
INTERNAL_KINDS = frozenset({"note", "system"})  # never for a customer's chat

Image = Mapping[str, Any]


@dataclass(frozen=True)
class TableChange:
    """One stream record, its images already plain values (None: no such image)."""

    pk: str
    sk: str
    old: Image | None
    new: Image | None


EVERY_AGENT = Room(kind=RoomKind.AGENTS)
EVERY_TICKET = Room(kind=RoomKind.EVERY_TICKET)


def addressed(change: TableChange) -> Addressed | None:
    """The event a change makes and who gets it; None for changes no live
    client needs (an unchanged presence repeat, an item of another kind)."""
    if change.pk.startswith(TICKET_PREFIX):
        ticket_id = change.pk.removeprefix(TICKET_PREFIX)
        if change.sk == "META":
            return _ticket_changed(ticket_id, change)
        if change.sk.startswith(MESSAGE_PREFIX):
            return _message_added(ticket_id, change)
        if change.sk.startswith(PRESENCE_PREFIX):
            return _presence_changed(ticket_id, change)
    if change.pk.startswith(AGENT_PREFIX) and change.sk.startswith(NOTIFICATION_PREFIX) and change.old is None:
        return _notification_added(change)
    if change.pk.startswith(AGENT_PREFIX) and change.sk == "META" and _access_changed(change):
        agent_id = change.pk.removeprefix(AGENT_PREFIX)
        return Addressed(
            event=LiveEvent(type=EventType.RECONNECT), rooms=frozenset({Room(kind=RoomKind.AGENT, id=agent_id)})
        )
    return None


ACCESS_FIELDS = ("role", "group_ids", "active")


def _access_changed(change: TableChange) -> bool:
    """An agent's role, groups or standing changed: their connections listen in
    the rooms of what they saw at connect, so they must connect again."""
    if change.old is None:
        return False
    new = change.new or {}
    return any(_plain(change.old.get(name)) != _plain(new.get(name)) for name in ACCESS_FIELDS)


def _plain(value: Any) -> Any:
    return sorted(value) if isinstance(value, list | set | tuple) else value


def ticket_rooms(ticket_id: str, *images: Image | None) -> frozenset[Room]:
    """Whose view a ticket is in, before and after a change."""
    rooms = {EVERY_TICKET, Room(kind=RoomKind.TICKET, id=ticket_id)}
    for image in images:
        if image is None:
            continue
        group_id = image.get("group_id")
        rooms.add(Room(kind=RoomKind.GROUP, id=str(group_id)) if group_id else EVERY_AGENT)
        if image.get("assignee_id"):
            rooms.add(Room(kind=RoomKind.AGENT, id=str(image["assignee_id"])))
    return frozenset(rooms)


def _ticket_changed(ticket_id: str, change: TableChange) -> Addressed:
    latest = change.new or change.old or {}
    event = LiveEvent(
        type=EventType.TICKET_CHANGED,
        ticket_id=ticket_id,
        version=_number(latest.get("version")),
        status=latest.get("status"),
        group_id=latest.get("group_id"),
        assignee_id=latest.get("assignee_id"),
        updated_at=latest.get("updated_at"),
        removed=True if change.new is None else None,
    )
    return Addressed(event=event, rooms=ticket_rooms(ticket_id, change.old, change.new))


def _message_added(ticket_id: str, change: TableChange) -> Addressed | None:
    new = change.new
    if new is None:
        return None
    kind = str(new.get("kind", ""))
    rooms = {Room(kind=RoomKind.TICKET, id=ticket_id)}
    if kind not in INTERNAL_KINDS:
        rooms.add(Room(kind=RoomKind.CONVERSATION, id=ticket_id))
    event = LiveEvent(
        type=EventType.MESSAGE_ADDED if change.old is None else EventType.MESSAGE_CHANGED,
        ticket_id=ticket_id,
        message_id=new.get("id"),
        kind=kind or None,
        delivery_status=new.get("delivery_status"),
    )
    return Addressed(event=event, rooms=frozenset(rooms))


def _presence_changed(ticket_id: str, change: TableChange) -> Addressed | None:
    """Arrivals, departures and changes of activity (viewing → replying is the
    collision notice); a repeat of the same activity posts nothing."""
    old, new = change.old, change.new
    if old is not None and new is not None and old.get("activity") == new.get("activity"):
        return None
    latest = new or old or {}
    event = LiveEvent(
        type=EventType.PRESENCE_CHANGED,
        ticket_id=ticket_id,
        agent_id=latest.get("agent_id"),
        name=latest.get("name"),
        activity=new.get("activity") if new is not None else "left",
    )
    return Addressed(event=event, rooms=frozenset({Room(kind=RoomKind.TICKET, id=ticket_id)}))


def conversation_news(change: TableChange) -> Addressed | None:
    """What a web chat visitor hears besides messages: a person of the team
    starts or stops writing them a reply (their first name only; a note, which
    the console does not report as replying, never shows)."""
    if not (change.pk.startswith(TICKET_PREFIX) and change.sk.startswith(PRESENCE_PREFIX)):
        return None
    old, new = change.old or {}, change.new or {}
    if str((new or old).get("agent_id", "")).startswith(VISITOR):
        return None
    was, now = old.get("activity") == "replying", new.get("activity") == "replying"
    if was == now:
        return None
    first_name = str((new or old).get("name") or "").split(" ")[0]
    event = LiveEvent(type=EventType.TYPING, name=first_name, typing=now)
    conversation = Room(kind=RoomKind.CONVERSATION, id=change.pk.removeprefix(TICKET_PREFIX))
    return Addressed(event=event, rooms=frozenset({conversation}))


VISITOR = "visitor"  # the presence entry of a web chat's visitor (``live.sockets``)


def _notification_added(change: TableChange) -> Addressed:
    new = change.new or {}
    agent_id = change.pk.removeprefix(AGENT_PREFIX)
    event = LiveEvent(
        type=EventType.NOTIFICATION_ADDED,
        ticket_id=new.get("ticket_id"),
        notification_id=new.get("id"),
    )
    return Addressed(event=event, rooms=frozenset({Room(kind=RoomKind.AGENT, id=agent_id)}))


def _number(value: Any) -> int | None:
    return int(value) if value is not None else None
