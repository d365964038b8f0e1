"""An agent's inbox and whereabouts: their notifications (written with the
ticket change that causes them) and read mark, and who is on a ticket now
(collision detection)."""

from datetime import datetime, timedelta

from helpdesk.models import Notification, Presence
from helpdesk.store import keys
from helpdesk.store.conditions import conditionally, get_or_none
from helpdesk.store.conversions import notification_from
from helpdesk.store.items import HelpdeskItem, NotificationItem, PresenceItem, ReadMarkItem
from helpdesk.store.table import TableAccess


class Inbox(TableAccess):
    def notifications_of(self, agent_id: str, after: datetime | None = None, limit: int = 50) -> list[Notification]:
        """An agent's notifications, newest first (only those after ``after`` when given)."""
        condition = NotificationItem.SK.between(*keys.notifications_after(after))
        items = HelpdeskItem.query(keys.agent_pk(agent_id), condition, scan_index_forward=False, limit=limit)
        return [notification_from(item) for item in items if isinstance(item, NotificationItem)]

    def notifications_read_through(self, agent_id: str) -> datetime | None:
        item = get_or_none(ReadMarkItem, *keys.notifications_read_key(agent_id))
        return item.read_through if item else None

    def mark_notifications_read(self, agent_id: str, through: datetime) -> datetime:
        """Move the agent's read mark forward to ``through`` (never back); the mark."""
        item = ReadMarkItem(*keys.notifications_read_key(agent_id), read_through=through)
        later = ReadMarkItem.read_through.does_not_exist() | (ReadMarkItem.read_through < through)
        if conditionally(lambda: item.save(condition=later)):
            return through
        return self.notifications_read_through(agent_id) or through

    def put_presence(self, ticket_id: str, presence: Presence, keep_for: timedelta) -> None:
        PresenceItem(
            *keys.presence_key(ticket_id, presence.agent_id),
            agent_id=presence.agent_id,
            name=presence.name,
            activity=presence.activity.value,
            at=presence.at,
            expires_at=presence.at + keep_for,
        ).save()

    def remove_presence(self, ticket_id: str, agent_id: str) -> None:
        PresenceItem(*keys.presence_key(ticket_id, agent_id)).delete()

    def presence_on(self, ticket_id: str) -> list[Presence]:
        """Who has been on the ticket lately (expired entries included until TTL
        removes them: callers filter by ``at``)."""
        items = HelpdeskItem.query(
            keys.ticket_pk(ticket_id), HelpdeskItem.SK.startswith(keys.PRESENCE_PREFIX), consistent_read=True
        )
        return [
            Presence(agent_id=item.agent_id, name=item.name, activity=item.activity, at=item.at)
            for item in items
            if isinstance(item, PresenceItem)
        ]
