"""Live connections (``helpdesk.live``): the connection record, and one pointer
per room it listens in, so the fan-out reads only the rooms a change touches
(a Query per room; the table is never read whole). Every item carries the connection's TTL."""

from collections.abc import Iterable

from helpdesk.live.model import ConnectionKind, LiveConnection, Room, RoomKind
from helpdesk.store import keys
from helpdesk.store.conditions import conditionally, get_or_none
from helpdesk.store.items import HelpdeskItem, RoomMemberItem, SocketItem
from helpdesk.store.table import TableAccess


def _member(room: Room, connection: LiveConnection) -> RoomMemberItem:
    return RoomMemberItem(
        *keys.room_key(room.kind.value, room.id, connection.id),
        connection_id=connection.id,
        expires_at=connection.expires_at,
    )


def _rooms_of(connection: LiveConnection) -> list[Room]:
    watched = [Room(kind=RoomKind.TICKET, id=connection.watching)] if connection.watching else []
    return [*connection.rooms, *watched]


class LiveConnections(TableAccess):
    def open_connection(self, connection: LiveConnection) -> None:
        """Record a connection and put it in its rooms."""
        with HelpdeskItem.batch_write() as batch:
            batch.save(
                SocketItem(
                    *keys.socket_key(connection.id),
                    connection_id=connection.id,
                    kind=connection.kind.value,
                    agent_id=connection.agent_id,
                    name=connection.name,
                    rooms=[room.model_dump(mode="json") for room in connection.rooms],
                    watching=connection.watching,
                    connected_at=connection.connected_at,
                    expires_at=connection.expires_at,
                )
            )
            for room in _rooms_of(connection):
                batch.save(_member(room, connection))

    def live_connection(self, connection_id: str) -> LiveConnection | None:
        item = get_or_none(SocketItem, *keys.socket_key(connection_id))
        if item is None:
            return None
        return LiveConnection(
            id=item.connection_id,
            kind=ConnectionKind(item.kind),
            agent_id=item.agent_id,
            name=item.name,
            rooms=tuple(Room.model_validate(room) for room in item.rooms),
            watching=item.watching,
            connected_at=item.connected_at,
            expires_at=item.expires_at,
        )

    def close_connection(self, connection: LiveConnection) -> None:
        """Forget a connection and take it out of its rooms."""
        with HelpdeskItem.batch_write() as batch:
            batch.delete(SocketItem(*keys.socket_key(connection.id)))
            for room in _rooms_of(connection):
                batch.delete(RoomMemberItem(*keys.room_key(room.kind.value, room.id, connection.id)))

    def watch(self, connection: LiveConnection, ticket_id: str | None) -> LiveConnection:
        """The connection's agent has ``ticket_id`` open now (None: no ticket)."""
        if connection.watching == ticket_id:
            return connection
        moved = connection.model_copy(update={"watching": ticket_id})
        with HelpdeskItem.batch_write() as batch:
            if connection.watching:
                batch.delete(RoomMemberItem(*keys.room_key(RoomKind.TICKET.value, connection.watching, connection.id)))
            if ticket_id:
                batch.save(_member(Room(kind=RoomKind.TICKET, id=ticket_id), moved))
        record = SocketItem(*keys.socket_key(connection.id))
        action = SocketItem.watching.set(ticket_id) if ticket_id else SocketItem.watching.remove()
        conditionally(lambda: record.update(actions=[action], condition=SocketItem.PK.exists()))  # closed meanwhile
        return moved

    def connections_in(self, rooms: Iterable[Room]) -> list[str]:
        """The ids of the connections listening in any of ``rooms`` (each once)."""
        found: dict[str, None] = {}
        for room in sorted(set(rooms), key=lambda r: (r.kind.value, r.id)):
            for item in HelpdeskItem.query(keys.room_pk(room.kind.value, room.id)):
                if isinstance(item, RoomMemberItem):
                    found[item.connection_id] = None
        return list(found)

    def connections_of_agent(self, agent_id: str) -> int:
        """How many connections an agent holds now (the connect limit)."""
        return sum(
            1
            for item in HelpdeskItem.query(keys.room_pk(RoomKind.AGENT.value, agent_id))
            if isinstance(item, RoomMemberItem)
        )

    def forget_connection(self, connection_id: str) -> None:
        """A connection API Gateway says is gone (410): its record and rooms."""
        connection = self.live_connection(connection_id)
        if connection is not None:
            self.close_connection(connection)
