"""Follow-ups (``helpdesk.follow_ups``): one item per ticket and reason, kept as
the domain's JSON, in the queue of its state (``by_status``, oldest first).
Opening is conditional (a reason opens one follow-up per ticket however often
it happens); each save names the version it read."""

from datetime import datetime
from typing import Any

from helpdesk.clock import sortable
from helpdesk.errors import StaleFollowUp
from helpdesk.store import keys
from helpdesk.store.conditions import conditionally, get_or_none
from helpdesk.store.items import FollowUpItem, HelpdeskItem
from helpdesk.store.table import TableAccess


def _item(ticket_id: str, reason: str, value: dict[str, Any], version: int, state: str, created: datetime) -> Any:
    return FollowUpItem(
        *keys.follow_up_key(ticket_id, reason),
        value=value,
        version=version,
        GSI1PK=keys.follow_up_queue(state),
        GSI1SK=f"{sortable(created)}#{ticket_id}#{reason}",
    )


class FollowUps(TableAccess):
    def add_follow_up(self, ticket_id: str, reason: str, value: dict[str, Any], state: str, created: datetime) -> bool:
        """Open it; False (nothing written) when this ticket has one for this reason."""
        item = _item(ticket_id, reason, value, 1, state, created)
        return conditionally(lambda: item.save(condition=FollowUpItem.PK.does_not_exist()))

    def get_follow_up(self, ticket_id: str, reason: str) -> tuple[dict[str, Any], int] | None:
        item = get_or_none(FollowUpItem, *keys.follow_up_key(ticket_id, reason), consistent_read=True)
        return (dict(item.value), int(item.version)) if item else None

    def save_follow_up(
        self, ticket_id: str, reason: str, value: dict[str, Any], read_version: int, state: str, created: datetime
    ) -> int:
        """Save if still at ``read_version`` (``StaleFollowUp`` otherwise); the new version."""
        item = _item(ticket_id, reason, value, read_version + 1, state, created)
        if not conditionally(lambda: item.save(condition=FollowUpItem.version == read_version)):
            raise StaleFollowUp(ticket_id)
        return read_version + 1

    def follow_ups_in_state(self, state: str, limit: int) -> list[dict[str, Any]]:
        """The queue: entries in ``state``, oldest first (one index partition)."""
        query = HelpdeskItem.by_status.query(keys.follow_up_queue(state), limit=limit)
        return [dict(item.value) for item in query if isinstance(item, FollowUpItem)]
