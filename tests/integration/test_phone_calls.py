"""Amazon Connect's contact events through the phone events handler against
moto's table: every event type, replays, every arrival order, the caller
joined with their WhatsApp contact, the contact's open phone conversation."""

import itertools
import random
from typing import Any

import pytest

from helpdesk.channels.phone.calls import CallerUnknown
from helpdesk.models import Channel, IdentityKind, Message, MessageKind, TicketStatus
from helpdesk.store import HelpdeskStore
from local.lambda_runtime import LocalContext
from tests.conftest import inbound
from tests.events import load_event

STEPS = ["initiated", "connected_to_system", "queued", "connected_to_agent", "disconnected", "completed"]
CONTACT_ID = "5ca32fbd-8f92-46af-92a5-6b0f970f0efe"
CONTEXT: Any = LocalContext("PhoneEventsFunction")


def deliver(step: str, **detail: Any) -> dict[str, Any]:
    from phone_events import app

    event = load_event(f"connect_contact_event_{step}")
    event["detail"].update(detail)
    result: dict[str, Any] = app.handler(event, CONTEXT)
    return result


def phone_messages(store: HelpdeskStore, ticket_id: str) -> list[Message]:
    thread = store.get_thread(ticket_id)
    assert thread is not None
    return [m for m in thread.messages if m.channel is Channel.PHONE]


@pytest.mark.parametrize("step", STEPS)
def test_each_event_alone_makes_the_call_message(store: HelpdeskStore, step: str) -> None:
    result = deliver(step)
    [message] = phone_messages(store, result["ticket_id"])
    assert message.kind is MessageKind.INBOUND
    assert message.call is not None and message.call.events == (step.upper(),)
    assert message.call.number == "+50255551234"
    ticket = store.get_ticket(result["ticket_id"])
    assert ticket is not None and ticket.channel is Channel.PHONE and ticket.subject == "Llamada de +50255551234"


def test_a_whole_call_is_one_message_with_its_details(store: HelpdeskStore) -> None:
    results = [deliver(step) for step in STEPS]
    assert len({r["message_id"] for r in results}) == 1
    [message] = phone_messages(store, results[0]["ticket_id"])
    call = message.call
    assert call is not None
    assert call.events == tuple(s.upper() for s in STEPS)
    assert call.queue == "2d5a1b6c-3e4f-4a5b-9c8d-7e6f5a4b3c2d" and call.agent == "6f5e4d3c-2b1a-4c9d-8e7f-1a2b3c4d5e6f"
    assert call.duration_seconds == 180 and not call.missed


def test_replays_change_nothing(store: HelpdeskStore) -> None:
    first = [deliver(step) for step in STEPS]
    before = phone_messages(store, first[0]["ticket_id"])
    again = [deliver(step) for step in reversed(STEPS)]
    assert {r["message_id"] for r in again} == {first[0]["message_id"]}
    assert phone_messages(store, first[0]["ticket_id"]) == before


@pytest.mark.parametrize("seed", range(6))
def test_events_out_of_order_make_the_same_single_message(store: HelpdeskStore, seed: int) -> None:
    order = STEPS[:]
    random.Random(seed).shuffle(order)
    results = [deliver(step) for step in order + order[:2]]
    [message] = phone_messages(store, results[0]["ticket_id"])
    assert message.call is not None and message.call.events == tuple(s.upper() for s in STEPS)
    assert message.call.duration_seconds == 180
    assert message.sent_at.isoformat() == "2026-12-01T15:00:00+00:00"


def test_the_caller_joins_their_whatsapp_contact_by_number(store: HelpdeskStore) -> None:
    from helpdesk.conversations.ingest import ingest

    wrote = ingest(inbound(sender="50255551234"), store)
    result = deliver("initiated")
    ticket = store.get_ticket(result["ticket_id"])
    assert ticket is not None and ticket.contact_id == wrote.ticket.contact_id
    assert ticket.id != wrote.ticket.id  # a call is its own conversation, beside the chat


def test_a_second_call_joins_the_open_phone_conversation(store: HelpdeskStore) -> None:
    first = deliver("disconnected")
    second = deliver("initiated", contactId="0f0e0d0c-0b0a-4909-8807-060504030201")
    assert second["ticket_id"] == first["ticket_id"] and second["message_id"] != first["message_id"]
    assert len(phone_messages(store, first["ticket_id"])) == 2


def test_a_closed_phone_ticket_gets_a_new_one(store: HelpdeskStore) -> None:
    from helpdesk.models import Actor, ActorKind
    from helpdesk.tickets.changes import TicketChanges, update_ticket

    first = deliver("disconnected")
    ticket = store.get_ticket(first["ticket_id"])
    assert ticket is not None
    update_ticket(
        store, ticket.id, TicketChanges(status=TicketStatus.CLOSED), ticket.version, Actor(kind=ActorKind.SYSTEM)
    )
    second = deliver("initiated", contactId="0f0e0d0c-0b0a-4909-8807-060504030201")
    assert second["ticket_id"] != first["ticket_id"]


def test_a_phone_contact_later_writing_on_whatsapp_is_the_same_contact(store: HelpdeskStore) -> None:
    from helpdesk.conversations.ingest import ingest

    called = deliver("initiated")
    wrote = ingest(inbound(sender="50255551234"), store)
    ticket = store.get_ticket(called["ticket_id"])
    assert ticket is not None and wrote.ticket.contact_id == ticket.contact_id
    contact = store.get_contact(ticket.contact_id)
    assert contact is not None
    assert {i.kind for i in contact.identities} == {IdentityKind.PHONE, IdentityKind.WHATSAPP}


def test_an_unknown_caller_on_a_new_call_is_retried_not_guessed(store: HelpdeskStore) -> None:
    with pytest.raises(CallerUnknown):
        deliver("queued", customerEndpoint=None)
    result = deliver("initiated")  # the event naming the caller arrives
    deliver("queued", customerEndpoint=None)  # the retry now merges
    [message] = phone_messages(store, result["ticket_id"])
    assert message.call is not None and message.call.events == ("INITIATED", "QUEUED")


def test_a_chat_contact_makes_no_message(store: HelpdeskStore) -> None:
    from phone_events import app

    assert app.handler(load_event("connect_contact_event_chat_initiated"), CONTEXT) == {
        "message_id": None,
        "ticket_id": None,
    }


def test_two_events_of_one_call_arriving_together_both_count(store: HelpdeskStore) -> None:
    deliver("initiated")
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(deliver, ["queued", "disconnected"]))
    [message] = phone_messages(store, results[0]["ticket_id"])
    assert message.call is not None and set(message.call.events) == {"INITIATED", "QUEUED", "DISCONNECTED"}


def test_all_orders_of_three_events(store: HelpdeskStore) -> None:
    for number, order in enumerate(itertools.permutations(["initiated", "connected_to_agent", "disconnected"])):
        contact_id = f"00000000-0000-4000-8000-{number:012d}"
        results = [deliver(step, contactId=contact_id) for step in order]
        assert len({r["message_id"] for r in results}) == 1


def test_erasing_the_caller_keeps_the_calls_length_not_their_number(store: HelpdeskStore) -> None:
    from datetime import UTC, datetime

    from helpdesk.models import Actor, ActorKind
    from helpdesk.people.personal_data import erase_contact

    result = deliver("disconnected")
    ticket = store.get_ticket(result["ticket_id"])
    assert ticket is not None

    class NoFiles:
        def erase(self, bucket: str, key: str) -> int:
            return 0

    erase_contact(store, NoFiles(), ticket.contact_id, Actor(kind=ActorKind.AGENT, id="admin"), datetime.now(UTC))  # type: ignore[arg-type]
    [message] = phone_messages(store, ticket.id)
    assert message.call is not None and message.call.number == "" and message.call.duration_seconds == 180
