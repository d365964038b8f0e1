"""Queue views: tickets by status, group or assignee, newest activity first,
one page at a time; what changed lately; a contact's tickets."""

import base64
import binascii
import heapq
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.expressions.condition import Condition
from pynamodb.indexes import GlobalSecondaryIndex

from helpdesk.clock import sortable
from helpdesk.errors import InvalidCursor
from helpdesk.models import Channel, Ticket, TicketStatus
from helpdesk.store import keys
from helpdesk.store.conversions import ticket_from
from helpdesk.store.items import HelpdeskItem, TicketItem
from helpdesk.store.table import TableAccess
from helpdesk.untrusted import load_json

Cursors = dict[str, dict[str, str] | None]  # partition → where it stopped ({}: the start; None: exhausted)


@dataclass(frozen=True)
class TicketQuery:
    """A queue view: tickets in any of ``statuses``, newest activity first (or
    oldest first: the longest waiting)."""

    statuses: tuple[TicketStatus, ...]
    group_id: str | None = None
    assignee_id: str | None = None  # UNASSIGNED for "nobody"
    channel: Channel | None = None
    limit: int = 25
    cursor: str | None = None
    # Only tickets in these groups, in no group, or assigned to ``visible_assignee``
    # (an agent's reach); None: every ticket.
    visible_groups: tuple[str, ...] | None = None
    visible_assignee: str | None = None
    oldest_first: bool = False


@dataclass(frozen=True)
class TicketPage:
    tickets: tuple[Ticket, ...]
    cursor: str | None


class Queues(TableAccess):
    def list_tickets(self, query: TicketQuery) -> TicketPage:
        """One page of a queue view. Each status is its own index partition; they
        are read side by side and merged newest first, and the cursor remembers
        where each partition stopped."""
        index, index_keys, partition_of = _view_index(query)
        partitions = [partition_of(status) for status in query.statuses]
        cursors = _decode_cursor(query.cursor, partitions, index_keys)
        condition = _filter(query)

        heads: list[tuple[str, str, TicketItem]] = []
        for partition in partitions:
            start = cursors.get(partition, {})
            if start is None:
                continue  # exhausted on an earlier page
            for item in _first_items(index, partition, start, condition, query.limit, query.oldest_first):
                heads.append((getattr(item, index_keys.range_key), partition, item))
        pick = heapq.nsmallest if query.oldest_first else heapq.nlargest
        chosen = pick(query.limit, heads, key=lambda head: head[0])

        next_cursors: Cursors = {}
        for partition in partitions:
            from_partition = [item for _, p, item in chosen if p == partition]
            fetched = sum(1 for _, p, _ in heads if p == partition)
            if from_partition:
                more = fetched > len(from_partition) or fetched >= query.limit
                next_cursors[partition] = _item_key(from_partition[-1], index_keys) if more else None
            else:
                # Nothing taken: start where it started ({} = the beginning), or
                # mark it exhausted (None) when it had nothing left.
                next_cursors[partition] = cursors.get(partition, {}) if fetched else None
        more_anywhere = any(value is not None for value in next_cursors.values())
        return TicketPage(
            tickets=tuple(ticket_from(item) for _, _, item in chosen),
            cursor=_encode_cursor(next_cursors) if more_anywhere else None,
        )

    def tickets_changed_since(self, since: datetime, limit: int = 100) -> list[Ticket]:
        """Tickets whose last change is after ``since``, oldest change first: one
        short Query per status partition of ``by_status`` (an index, so a change
        shows up there a moment after it is written)."""
        found: list[Ticket] = []
        for status in TicketStatus:
            items = HelpdeskItem.by_status.query(
                keys.status_partition(status),
                HelpdeskItem.GSI1SK.between(sortable(since), keys.AFTER_EVERY_TIME),
                limit=limit,
            )
            found.extend(ticket_from(item) for item in items if isinstance(item, TicketItem))
        found.sort(key=lambda ticket: ticket.updated_at)
        return found[:limit]

    def tickets_of_contact(self, contact_id: str, limit: int = 50) -> list[Ticket]:
        items = HelpdeskItem.by_contact.query(keys.contact_pk(contact_id), scan_index_forward=False, limit=limit)
        return [ticket_from(item) for item in items if isinstance(item, TicketItem)]


def _view_index(
    query: TicketQuery,
) -> tuple[GlobalSecondaryIndex[Any], keys.IndexKeys, Callable[[TicketStatus], str]]:
    if query.assignee_id:
        assignee = query.assignee_id
        return HelpdeskItem.by_assignee, keys.BY_ASSIGNEE, lambda s: keys.assignee_partition(assignee, s)
    if query.group_id:
        group = query.group_id
        return HelpdeskItem.by_group, keys.BY_GROUP, lambda s: keys.group_partition(group, s)
    return HelpdeskItem.by_status, keys.BY_STATUS, keys.status_partition


def _filter(query: TicketQuery) -> Condition | None:
    """What the view keeps of its partitions: its channel, its group (when read
    by assignee) and the viewer's reach."""
    condition: Condition | None = TicketItem.channel == query.channel.value if query.channel else None
    if query.group_id and query.assignee_id:
        group_condition = TicketItem.group_id == query.group_id
        condition = group_condition if condition is None else condition & group_condition
    if query.visible_groups is not None:
        reach: Condition = TicketItem.group_id.does_not_exist()
        if query.visible_groups:
            reach = reach | TicketItem.group_id.is_in(*query.visible_groups)
        if query.visible_assignee:
            reach = reach | (TicketItem.assignee_id == query.visible_assignee)
        condition = reach if condition is None else condition & reach
    return condition


def _first_items(
    index: GlobalSecondaryIndex[Any],
    partition: str,
    start: dict[str, str] | None,
    condition: Condition | None,
    limit: int,
    oldest_first: bool = False,
) -> Iterator[TicketItem]:
    """Up to ``limit`` tickets of one index partition, newest (or oldest) first, after ``start``."""
    last_key = {name: {"S": value} for name, value in start.items()} if start else None
    results = index.query(
        partition,
        filter_condition=condition,
        scan_index_forward=oldest_first,
        last_evaluated_key=last_key,
        page_size=limit,
    )
    count = 0
    for item in results:
        if isinstance(item, TicketItem):
            yield item
            count += 1
            if count >= limit:
                return


def _item_key(item: TicketItem, index_keys: keys.IndexKeys) -> dict[str, str]:
    return {
        keys.HASH_KEY: item.PK,
        keys.RANGE_KEY: item.SK,
        index_keys.hash_key: getattr(item, index_keys.hash_key),
        index_keys.range_key: getattr(item, index_keys.range_key),
    }


def _encode_cursor(cursors: Cursors) -> str:
    return base64.urlsafe_b64encode(json.dumps(cursors, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str | None, partitions: list[str], index_keys: keys.IndexKeys) -> Cursors:
    if not cursor:
        return {}
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        decoded = load_json(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error) as exc:
        raise InvalidCursor("cursor is not one this API gave") from exc
    if not isinstance(decoded, dict) or set(decoded) != set(partitions):
        raise InvalidCursor("cursor belongs to another view")
    expected = {keys.HASH_KEY, keys.RANGE_KEY, index_keys.hash_key, index_keys.range_key}
    for partition, value in decoded.items():
        if value is None or value == {}:
            continue
        if not (
            isinstance(value, dict)
            and set(value) == expected
            and all(isinstance(v, str) for v in value.values())
            and value[index_keys.hash_key] == partition
        ):
            raise InvalidCursor("cursor is damaged")
    return decoded
