"""Ingest against the table in moto: the guarantees of ARCHITECTURE §3, flow 1."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from helpdesk.conversations.ingest import ThreadHints, ingest
from helpdesk.models import Actor, ActorKind, Channel, EventKind, IdentityKind, MessageKind, TicketStatus
from helpdesk.store import HelpdeskStore
from helpdesk.tickets.changes import TicketChanges, update_ticket
from tests.conftest import inbound

AGENT = Actor(kind=ActorKind.AGENT, id="agent-1", name="Ana")


def test_first_message_creates_contact_ticket_and_history(store: HelpdeskStore) -> None:
    result = ingest(inbound(text="Hola\nMi pedido 1234 no ha llegado"), store)

    assert result.created_ticket
    thread = store.get_thread(result.ticket.id)
    assert thread is not None
    assert thread.ticket.status is TicketStatus.NEW
    assert thread.ticket.subject == "Hola"
    assert thread.ticket.number >= 1
    assert [m.text for m in thread.messages] == ["Hola\nMi pedido 1234 no ha llegado"]
    assert thread.messages[0].kind is MessageKind.INBOUND
    assert [e.kind for e in thread.events] == [EventKind.CREATED]
    assert thread.contact is not None
    assert thread.contact.country == "GT"
    assert thread.contact.name == "María López"
    assert {i.kind for i in thread.contact.identities} == {IdentityKind.WHATSAPP, IdentityKind.PHONE}


def test_duplicate_delivery_yields_one_message(store: HelpdeskStore) -> None:
    message = inbound(message_id="wamid.DUPLICATE")

    first = ingest(message, store)
    again = ingest(message, store)

    assert again.duplicate and not first.duplicate
    assert again.message.id == first.message.id
    thread = store.get_thread(first.ticket.id)
    assert thread is not None and len(thread.messages) == 1


def test_next_messages_join_the_open_conversation_in_sent_order(store: HelpdeskStore) -> None:
    start = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
    first = ingest(inbound(text="uno", sent_at=start), store)
    # Delivered out of order: the thread still follows the customer's order.
    ingest(inbound(text="tres", sent_at=start + timedelta(seconds=2)), store)
    second = ingest(inbound(text="dos", sent_at=start + timedelta(seconds=1)), store)

    assert second.ticket.id == first.ticket.id and not second.created_ticket
    thread = store.get_thread(first.ticket.id)
    assert thread is not None
    assert [m.text for m in thread.messages] == ["uno", "dos", "tres"]


def test_email_without_thread_hints_opens_a_new_ticket(store: HelpdeskStore) -> None:
    first = ingest(inbound(Channel.EMAIL, sender="Cliente@Example.com", subject="Factura"), store)
    second = ingest(inbound(Channel.EMAIL, sender="cliente@example.com", subject="Otra consulta"), store)

    assert first.ticket.id != second.ticket.id
    assert first.ticket.contact_id == second.ticket.contact_id
    assert second.ticket.number > first.ticket.number


def test_email_reply_joins_by_thread_key(store: HelpdeskStore) -> None:
    first = ingest(
        inbound(Channel.EMAIL, sender="cliente@example.com", subject="Factura", thread_key="<a1@mail.example.com>"),
        store,
    )
    reply = ingest(
        inbound(
            Channel.EMAIL,
            sender="cliente@example.com",
            subject="Re: Factura",
            thread=ThreadHints(replies_to=("<a1@mail.example.com>",)),
        ),
        store,
    )
    assert reply.ticket.id == first.ticket.id


def test_quoted_ticket_number_joins_only_for_the_tickets_contact(store: HelpdeskStore) -> None:
    first = ingest(inbound(Channel.EMAIL, sender="cliente@example.com", subject="Factura"), store)
    number = first.ticket.number

    own = ingest(inbound(Channel.EMAIL, sender="cliente@example.com", thread=ThreadHints(ticket_number=number)), store)
    stranger = ingest(
        inbound(Channel.EMAIL, sender="otra@example.com", thread=ThreadHints(ticket_number=number)), store
    )

    assert own.ticket.id == first.ticket.id
    assert stranger.ticket.id != first.ticket.id and stranger.created_ticket


def test_customer_message_reopens_a_solved_ticket(store: HelpdeskStore) -> None:
    first = ingest(inbound(), store)
    update_ticket(store, first.ticket.id, TicketChanges(status=TicketStatus.SOLVED), first.ticket.version, AGENT)

    again = ingest(inbound(text="Sigue sin llegar"), store)

    assert again.ticket.id == first.ticket.id
    assert again.reopened and again.ticket.status is TicketStatus.OPEN
    thread = store.get_thread(first.ticket.id)
    assert thread is not None
    assert thread.ticket.status is TicketStatus.OPEN
    reopened = [e for e in thread.events if e.kind is EventKind.REOPENED]
    assert len(reopened) == 1
    assert (reopened[0].changes[0].old, reopened[0].changes[0].new) == ("solved", "open")


def test_customer_message_after_close_opens_a_new_ticket(store: HelpdeskStore) -> None:
    first = ingest(inbound(), store)
    update_ticket(store, first.ticket.id, TicketChanges(status=TicketStatus.CLOSED), first.ticket.version, AGENT)

    again = ingest(inbound(text="Otra pregunta"), store)

    assert again.created_ticket and again.ticket.id != first.ticket.id
    closed = store.get_ticket(first.ticket.id)
    assert closed is not None and closed.status is TicketStatus.CLOSED


@pytest.mark.slow  # real threads or real state-machine waits
def test_concurrent_first_messages_make_one_contact_and_one_ticket(store: HelpdeskStore) -> None:
    messages = [inbound(sender="50688887777", text=f"mensaje {n}") for n in range(20)]

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda m: ingest(m, store), messages))

    assert len({r.ticket.contact_id for r in results}) == 1
    assert len({r.ticket.id for r in results}) == 1
    assert sum(r.created_ticket for r in results) == 1
    thread = store.get_thread(results[0].ticket.id)
    assert thread is not None
    assert sorted(m.text for m in thread.messages) == sorted(m.text for m in messages)
    assert thread.contact is not None and thread.contact.country == "CR"


@pytest.mark.slow  # real threads or real state-machine waits
def test_concurrent_duplicate_deliveries_store_one_message(store: HelpdeskStore) -> None:
    message = inbound(sender="50377776666", message_id="wamid.RACE")

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: ingest(message, store), range(8)))

    assert len({r.message.id for r in results}) == 1
    thread = store.get_thread(results[0].ticket.id)
    assert thread is not None and len(thread.messages) == 1


@pytest.mark.parametrize("status", [TicketStatus.PENDING, TicketStatus.SOLVED])
def test_reopen_on_pending_and_solved(store: HelpdeskStore, status: TicketStatus) -> None:
    first = ingest(inbound(sender="50499998888"), store)
    update_ticket(store, first.ticket.id, TicketChanges(status=status), first.ticket.version, AGENT)

    assert ingest(inbound(sender="50499998888"), store).ticket.status is TicketStatus.OPEN


def test_on_hold_ticket_stays_on_hold(store: HelpdeskStore) -> None:
    first = ingest(inbound(sender="50761234567"), store)
    update_ticket(store, first.ticket.id, TicketChanges(status=TicketStatus.ON_HOLD), first.ticket.version, AGENT)

    after = ingest(inbound(sender="50761234567"), store)

    assert after.ticket.status is TicketStatus.ON_HOLD and not after.reopened


def test_a_redelivery_restores_a_thread_key_the_first_delivery_missed(store: HelpdeskStore) -> None:
    from helpdesk.store import PointerItem, thread_key

    first = inbound(
        Channel.EMAIL,
        sender="hilo@example.com",
        subject="Hilo",
        thread_key="<hilo-1@example.com>",
        message_id="ses-hilo-1",
    )
    ticket = ingest(first, store).ticket
    PointerItem(*thread_key("<hilo-1@example.com>")).delete()  # as if the first delivery died before it

    assert ingest(first, store).duplicate
    reply = inbound(Channel.EMAIL, sender="otra@example.com", thread=ThreadHints(replies_to=("<hilo-1@example.com>",)))
    assert ingest(reply, store).ticket.id == ticket.id


def test_a_pointer_left_on_a_closed_ticket_heals(store: HelpdeskStore) -> None:
    from helpdesk.store import OpenConversationItem, contact_pk, open_sk

    first = ingest(inbound(sender="50255506666"), store).ticket
    update_ticket(store, first.id, TicketChanges(status=TicketStatus.CLOSED), first.version, AGENT)
    # A close that could not remove the pointer (the pointer survives):
    OpenConversationItem(contact_pk(first.contact_id), open_sk(Channel.WHATSAPP), ticket_id=first.id).save()

    again = ingest(inbound(sender="50255506666", text="Hola de nuevo"), store)

    assert again.created_ticket and again.ticket.id != first.id
