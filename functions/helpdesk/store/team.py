"""The team: agents and groups (with their audit entries), and what automatic
assignment reads and keeps: each agent's load, who is online, each group's
round robin."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from helpdesk.models import Agent, AuditEntry, Group, Ticket, TicketStatus
from helpdesk.store import keys
from helpdesk.store.conditions import Transaction, get_or_none
from helpdesk.store.conversions import agent_from, agent_item, group_from, group_item, ticket_from
from helpdesk.store.items import AgentItem, GroupItem, HelpdeskItem, LoadItem, OnlineItem, RoundRobinItem, TicketItem
from helpdesk.store.table import TableAccess

OVER_CAP = "load_now"  # the operation that fails when the new assignee is at their cap


@dataclass(frozen=True)
class Assignment:
    """An automatic assignment riding on a ticket save: the cap the new assignee
    must be under, and the group whose round robin moves to them."""

    group_id: str
    agent_id: str
    cap: int


def count_load(transaction: Transaction, before: Ticket, after: Ticket, cap: int | None) -> None:
    """Move the ticket's count from the agent it counted toward to the one it
    counts toward now (``Ticket.load_holder``); the new one must be under
    ``cap`` when given (operation ``OVER_CAP`` fails otherwise)."""
    was, now = before.load_holder, after.load_holder
    if was == now:
        return
    if was is not None:
        transaction.update("load_was", LoadItem(*keys.load_key(was)), [LoadItem.open_tickets.add(-1)])
    if now is not None:
        under_cap = None
        if cap is not None:
            under_cap = LoadItem.open_tickets.does_not_exist() | (LoadItem.open_tickets < cap)
        transaction.update(OVER_CAP, LoadItem(*keys.load_key(now)), [LoadItem.open_tickets.add(1)], under_cap)


def turn_to(transaction: Transaction, assignment: Assignment) -> None:
    """The group's round robin moves to the agent just assigned."""
    transaction.put(
        "round_robin", RoundRobinItem(*keys.round_robin_key(assignment.group_id), last_agent_id=assignment.agent_id)
    )


class Team(TableAccess):
    # agents and groups

    def put_agent(self, agent: Agent, audit: AuditEntry | None = None) -> None:
        self._save_setting(agent_item(agent), audit)

    def list_agents(self) -> list[Agent]:
        """Every agent, by name (one index partition: a team is tens or hundreds)."""
        items = HelpdeskItem.by_status.query(keys.AGENT_DIRECTORY)
        return [agent_from(item) for item in items if isinstance(item, AgentItem)]

    def get_agent(self, agent_id: str) -> Agent | None:
        item = get_or_none(AgentItem, *keys.agent_key(agent_id))
        return agent_from(item) if item else None

    def put_group(self, group: Group, audit: AuditEntry | None = None) -> None:
        self._save_setting(group_item(group), audit)

    def get_group(self, group_id: str) -> Group | None:
        item = get_or_none(GroupItem, *keys.group_key(group_id))
        return group_from(item) if item else None

    def list_groups(self) -> list[Group]:
        """Every group, by name."""
        items = HelpdeskItem.by_status.query(keys.GROUP_DIRECTORY)
        return [group_from(item) for item in items if isinstance(item, GroupItem)]

    # automatic assignment

    def agent_loads(self, agent_ids: Iterable[str]) -> dict[str, int]:
        item_keys = [keys.load_key(agent_id) for agent_id in dict.fromkeys(agent_ids)]
        return {
            keys.agent_id_of(item.PK): max(0, int(item.open_tickets or 0))
            for item in LoadItem.batch_get(item_keys, consistent_read=True)
        }

    def online_agents(self, agent_ids: Iterable[str], seen_since: datetime) -> set[str]:
        """Which of these agents are available and had the console open lately."""
        item_keys = [keys.online_key(agent_id) for agent_id in dict.fromkeys(agent_ids)]
        return {
            keys.agent_id_of(item.PK)
            for item in OnlineItem.batch_get(item_keys)
            if item.available is not False and item.seen_at >= seen_since
        }

    def availability(self, agent_id: str) -> tuple[bool, datetime | None]:
        item = get_or_none(OnlineItem, *keys.online_key(agent_id))
        if item is None:
            return True, None
        return item.available is not False, item.seen_at

    def mark_seen(self, agent_id: str, at: datetime, available: bool | None = None) -> None:
        """The agent's console is open now (and, when given, their availability)."""
        actions: list[Action] = [OnlineItem.seen_at.set(at)]
        if available is not None:
            actions.append(OnlineItem.available.set(available))
        OnlineItem(*keys.online_key(agent_id)).update(actions=actions)

    def round_robin_last(self, group_id: str) -> str | None:
        item = get_or_none(RoundRobinItem, *keys.round_robin_key(group_id), consistent_read=True)
        return item.last_agent_id if item else None

    def unassigned_in_group(self, group_id: str, statuses: Iterable[TicketStatus], limit: int = 25) -> list[Ticket]:
        """The group's tickets in ``statuses`` that nobody holds, longest waiting first."""
        found: list[Ticket] = []
        nobody: Condition = TicketItem.assignee_id.does_not_exist()
        for status in statuses:
            items = HelpdeskItem.by_group.query(
                keys.group_partition(group_id, status), filter_condition=nobody, limit=limit
            )
            found.extend(ticket_from(item) for item in items if isinstance(item, TicketItem))
        return sorted(found, key=lambda ticket: ticket.updated_at)[:limit]
