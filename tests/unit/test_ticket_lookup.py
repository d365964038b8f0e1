"""What an agent finds is within their reach: a queue view asks the store only
for their groups, the shared inbox and their own tickets; a ticket, a thread,
a search result or a contact's history out of reach is refused or left out.
The store here is a plain fake: these are the rules, not the table."""

from datetime import UTC, datetime
from typing import cast

import pytest

from helpdesk.access import NotAllowed, Role, Viewer
from helpdesk.errors import TicketNotFound
from helpdesk.models import UNSOLVED_STATUSES, Channel, Contact, Ticket, TicketStatus, TicketThread
from helpdesk.store import UNASSIGNED, HelpdeskStore, TicketPage, TicketQuery
from helpdesk.tickets.lookup import contact_history, queue_page, queue_query, visible_thread, visible_ticket

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
AGENT = Viewer(agent_id="agent-1", role=Role.AGENT, group_ids=("billing",))
ADMIN = Viewer(agent_id="admin-1", role=Role.ADMIN)


def ticket(ticket_id: str, group_id: str | None = None, assignee_id: str | None = None) -> Ticket:
    return Ticket(
        id=ticket_id,
        number=1,
        channel=Channel.EMAIL,
        contact_id="C1",
        group_id=group_id,
        assignee_id=assignee_id,
        created_at=NOW,
        updated_at=NOW,
    )


class FakeStore:
    def __init__(self, *tickets: Ticket) -> None:
        self.tickets = {t.id: t for t in tickets}
        self.queries: list[TicketQuery] = []

    def get_ticket(self, ticket_id: str) -> Ticket | None:
        return self.tickets.get(ticket_id)

    def get_thread(self, ticket_id: str) -> TicketThread | None:
        found = self.tickets.get(ticket_id)
        return TicketThread(ticket=found, contact=None, messages=(), events=()) if found else None

    def list_tickets(self, query: TicketQuery) -> TicketPage:
        self.queries.append(query)
        return TicketPage(tickets=tuple(self.tickets.values()), cursor=None)

    def get_contact(self, contact_id: str) -> Contact | None:
        return Contact(id=contact_id, created_at=NOW, updated_at=NOW) if contact_id == "C1" else None

    def tickets_of_contact(self, contact_id: str, limit: int = 50) -> list[Ticket]:
        return [t for t in self.tickets.values() if t.contact_id == contact_id][:limit]


def as_store(fake: FakeStore) -> HelpdeskStore:
    return cast(HelpdeskStore, fake)


def test_an_agents_queue_view_asks_only_for_their_reach() -> None:
    query = queue_query(AGENT, (TicketStatus.OPEN,), assignee="me", group_id="billing", oldest_first=True)

    assert query.assignee_id == "agent-1"
    assert query.visible_groups == ("billing",) and query.visible_assignee == "agent-1"
    assert query.statuses == (TicketStatus.OPEN,) and query.group_id == "billing" and query.oldest_first


def test_an_admins_queue_view_reaches_every_ticket() -> None:
    query = queue_query(ADMIN, UNSOLVED_STATUSES)

    assert query.visible_groups is None and query.visible_assignee is None
    assert query.assignee_id is None and not query.oldest_first


@pytest.mark.parametrize(("asked", "meant"), [("none", UNASSIGNED), ("agent-7", "agent-7"), (None, None)])
def test_a_queue_views_assignee_is_an_agent_nobody_or_anyone(asked: str | None, meant: str | None) -> None:
    assert queue_query(AGENT, UNSOLVED_STATUSES, assignee=asked).assignee_id == meant


def test_a_queue_page_is_read_with_the_viewers_query() -> None:
    fake = FakeStore(ticket("T1", "billing"))

    page = queue_page(as_store(fake), AGENT, UNSOLVED_STATUSES, limit=10, cursor="abc", channel=Channel.EMAIL)

    (query,) = fake.queries
    assert [t.id for t in page.tickets] == ["T1"]
    assert (query.limit, query.cursor, query.channel) == (10, "abc", Channel.EMAIL)


def test_a_ticket_in_reach_is_found_and_one_out_of_reach_is_refused() -> None:
    fake = FakeStore(ticket("T1", "billing"), ticket("T2", "sales"), ticket("T3", "sales", assignee_id="agent-1"))

    assert visible_ticket(as_store(fake), AGENT, "T1").id == "T1"
    assert visible_ticket(as_store(fake), AGENT, "T3").id == "T3"  # assigned to them
    assert visible_thread(as_store(fake), AGENT, "T1").ticket.id == "T1"
    with pytest.raises(NotAllowed):
        visible_ticket(as_store(fake), AGENT, "T2")
    with pytest.raises(NotAllowed):
        visible_thread(as_store(fake), AGENT, "T2")
    with pytest.raises(TicketNotFound):
        visible_ticket(as_store(fake), AGENT, "T9")
    assert visible_ticket(as_store(fake), ADMIN, "T2").id == "T2"


def test_a_contacts_history_leaves_out_tickets_out_of_reach() -> None:
    fake = FakeStore(ticket("T1", "billing"), ticket("T2", "sales"), ticket("T3"))

    found, history = contact_history(as_store(fake), AGENT, "C1")

    assert found.id == "C1"
    assert [t.id for t in history] == ["T1", "T3"]  # T3: the shared inbox
