"""Agents' changes: optimistic locking, history, queue views with cursors."""

import contextlib
from concurrent.futures import ThreadPoolExecutor

import pytest

from helpdesk.conversations.ingest import ingest
from helpdesk.errors import InvalidCursor, StaleTicket, TicketClosed, TicketNotFound
from helpdesk.models import Actor, ActorKind, Channel, EventKind, Priority, TicketStatus
from helpdesk.store import UNASSIGNED, HelpdeskStore, TicketQuery
from helpdesk.tickets.changes import TicketChanges, get_thread, update_ticket
from tests.conftest import inbound

ANA = Actor(kind=ActorKind.AGENT, id="agent-ana", name="Ana")
LUIS = Actor(kind=ActorKind.AGENT, id="agent-luis", name="Luis")


def test_update_records_who_changed_what(store: HelpdeskStore) -> None:
    ticket = ingest(inbound(), store).ticket

    after = update_ticket(
        store, ticket.id, TicketChanges(priority=Priority.HIGH, tags=("envios", "urgente")), ticket.version, ANA
    )

    assert after.version == ticket.version + 1
    thread = get_thread(store, ticket.id)
    assert thread.ticket.priority is Priority.HIGH and thread.ticket.tags == ("envios", "urgente")
    (event,) = [e for e in thread.events if e.kind is EventKind.UPDATED]
    assert event.actor == ANA
    assert [(c.field, c.old, c.new) for c in event.changes] == [
        ("priority", "normal", "high"),
        ("tags", [], ["envios", "urgente"]),
    ]


def test_stale_version_is_rejected_with_the_current_ticket(store: HelpdeskStore) -> None:
    ticket = ingest(inbound(), store).ticket
    update_ticket(store, ticket.id, TicketChanges(priority=Priority.HIGH), ticket.version, ANA)

    with pytest.raises(StaleTicket) as stale:
        update_ticket(store, ticket.id, TicketChanges(status=TicketStatus.SOLVED), ticket.version, LUIS)

    assert stale.value.current is not None and stale.value.current.priority is Priority.HIGH
    current = get_thread(store, ticket.id).ticket
    assert current.status is TicketStatus.NEW and current.priority is Priority.HIGH


def test_concurrent_updates_with_one_version_one_wins_none_is_lost(store: HelpdeskStore) -> None:
    ticket = ingest(inbound(), store).ticket
    changes = [TicketChanges(assignee_id=f"agent-{n}") for n in range(10)]

    def attempt(change: TicketChanges) -> str:
        try:
            update_ticket(store, ticket.id, change, ticket.version, ANA)
        except StaleTicket:
            return "stale"
        return "saved"

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(attempt, changes))

    assert outcomes.count("saved") == 1 and outcomes.count("stale") == 9
    current = get_thread(store, ticket.id)
    winner = current.ticket.assignee_id
    assert current.ticket.version == ticket.version + 1
    assert [e.changes[0].new for e in current.events if e.kind is EventKind.UPDATED] == [winner]


def test_stale_customer_message_is_retried_not_lost(store: HelpdeskStore) -> None:
    ticket = ingest(inbound(sender="50255507777"), store).ticket
    texts = [f"mensaje {n}" for n in range(6)]

    def agent_edits() -> None:
        for n in range(6):
            current = get_thread(store, ticket.id).ticket
            with contextlib.suppress(StaleTicket):
                update_ticket(store, ticket.id, TicketChanges(tags=(f"t{n}",)), current.version, ANA)

    with ThreadPoolExecutor(max_workers=7) as pool:
        pool.submit(agent_edits)
        list(pool.map(lambda text: ingest(inbound(sender="50255507777", text=text), store), texts))

    thread = get_thread(store, ticket.id)
    assert sorted(m.text for m in thread.messages)[1:] == sorted(texts)


def test_closed_ticket_cannot_change(store: HelpdeskStore) -> None:
    ticket = ingest(inbound(), store).ticket
    closed = update_ticket(store, ticket.id, TicketChanges(status=TicketStatus.CLOSED), ticket.version, ANA)

    with pytest.raises(TicketClosed):
        update_ticket(store, ticket.id, TicketChanges(status=TicketStatus.OPEN), closed.version, ANA)


def test_unknown_ticket(store: HelpdeskStore) -> None:
    with pytest.raises(TicketNotFound):
        get_thread(store, "01JUNKNOWN0000000000000000")


def _ticket_ids(store: HelpdeskStore, query: TicketQuery) -> list[str]:
    ids: list[str] = []
    cursor = None
    while True:
        page = store.list_tickets(
            TicketQuery(
                statuses=query.statuses,
                group_id=query.group_id,
                assignee_id=query.assignee_id,
                channel=query.channel,
                limit=query.limit,
                cursor=cursor,
            )
        )
        assert len(page.tickets) <= query.limit
        ids.extend(t.id for t in page.tickets)
        if page.cursor is None:
            return ids
        cursor = page.cursor


def test_queue_views_page_through_every_ticket_newest_first(store: HelpdeskStore) -> None:
    created = [ingest(inbound(Channel.EMAIL, sender=f"c{n}@example.com"), store).ticket for n in range(7)]
    pending = created[1]
    update_ticket(store, pending.id, TicketChanges(status=TicketStatus.PENDING), pending.version, ANA)
    assigned = created[2]
    update_ticket(
        store, assigned.id, TicketChanges(assignee_id="agent-ana", group_id="facturacion"), assigned.version, ANA
    )
    whatsapp = ingest(inbound(sender="50255508888"), store).ticket
    everything = [t.id for t in [*created, whatsapp]]

    unsolved = _ticket_ids(store, TicketQuery(statuses=(TicketStatus.NEW, TicketStatus.PENDING), limit=3))
    assert sorted(unsolved) == sorted(everything) and len(unsolved) == len(set(unsolved))
    newest_first = [get_thread(store, i).ticket.updated_at for i in unsolved]
    assert newest_first == sorted(newest_first, reverse=True)

    assert _ticket_ids(store, TicketQuery(statuses=(TicketStatus.PENDING,), limit=2)) == [pending.id]
    assert _ticket_ids(store, TicketQuery(statuses=(TicketStatus.NEW,), assignee_id="agent-ana")) == [assigned.id]
    assert _ticket_ids(store, TicketQuery(statuses=(TicketStatus.NEW,), group_id="facturacion")) == [assigned.id]
    unassigned = _ticket_ids(store, TicketQuery(statuses=(TicketStatus.NEW,), assignee_id=UNASSIGNED, limit=4))
    assert assigned.id not in unassigned and len(unassigned) == 6
    by_channel = _ticket_ids(store, TicketQuery(statuses=(TicketStatus.NEW,), channel=Channel.WHATSAPP, limit=2))
    assert by_channel == [whatsapp.id]


def test_cursor_of_another_view_is_refused(store: HelpdeskStore) -> None:
    for n in range(3):
        ingest(inbound(Channel.EMAIL, sender=f"v{n}@example.com"), store)
    page = store.list_tickets(TicketQuery(statuses=(TicketStatus.NEW,), limit=1))
    assert page.cursor is not None

    with pytest.raises(InvalidCursor):
        store.list_tickets(TicketQuery(statuses=(TicketStatus.OPEN,), cursor=page.cursor))
    with pytest.raises(InvalidCursor):
        store.list_tickets(TicketQuery(statuses=(TicketStatus.NEW,), cursor="not-a-cursor"))


def test_closing_an_email_ticket_keeps_the_contacts_other_tickets(store: HelpdeskStore) -> None:
    first = ingest(inbound(Channel.EMAIL, sender="cierre@example.com", subject="Uno"), store).ticket
    second = ingest(inbound(Channel.EMAIL, sender="cierre@example.com", subject="Dos"), store).ticket

    closed = update_ticket(store, first.id, TicketChanges(status=TicketStatus.CLOSED), first.version, ANA)

    assert closed.status is TicketStatus.CLOSED and closed.version == first.version + 1
    assert get_thread(store, second.id).ticket.status is TicketStatus.NEW


def test_a_cursor_pointing_into_another_partition_is_refused(store: HelpdeskStore) -> None:
    import base64
    import json

    for n in range(3):
        ingest(inbound(Channel.EMAIL, sender=f"f{n}@example.com"), store)
    page = store.list_tickets(TicketQuery(statuses=(TicketStatus.NEW,), limit=1))
    assert page.cursor is not None
    decoded = json.loads(base64.urlsafe_b64decode(page.cursor + "=" * (-len(page.cursor) % 4)))
    decoded["STATUS#new"]["GSI1PK"] = "STATUS#open"
    forged = base64.urlsafe_b64encode(json.dumps(decoded).encode()).decode().rstrip("=")

    with pytest.raises(InvalidCursor):
        store.list_tickets(TicketQuery(statuses=(TicketStatus.NEW,), limit=1, cursor=forged))
