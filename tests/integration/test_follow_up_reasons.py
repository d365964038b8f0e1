"""What opens a follow-up besides a poor survey or a callback, against the
table in moto, through the real paths (ingest, an agent's change or reply): a customer
writing that a solved case is not, a ticket reopened once too often, a ticket
solved after its resolution SLA breached. Each opens one entry per ticket
and reason however often it happens, and nothing opens when it does not."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from helpdesk.channels.outbound import OutboundRequest
from helpdesk.conversations.ingest import ingest
from helpdesk.follow_ups.entries import REOPENS_ALLOWED, FollowUp, FollowUpReason, FollowUpState
from helpdesk.models import Actor, ActorKind, Channel, SlaMetric, TicketStatus
from helpdesk.settings import MailSettings
from helpdesk.sla.policies import PolicyConditions, SlaPolicy, SlaSetup, SlaTarget
from helpdesk.store import HelpdeskStore
from helpdesk.tickets.changes import TicketChanges, update_ticket
from helpdesk.tickets.replies import ReplyDraft, reply_to_ticket
from tests.conftest import inbound

MAIL = MailSettings.model_validate(
    {"SUPPORT_ADDRESS": "soporte@atiende.example", "RAW_MAIL_BUCKET": "r", "ATTACHMENTS_BUCKET": "a"}
)
AGENT = Actor(kind=ActorKind.AGENT, id="agent-1", name="Ana")
MONDAY = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
ONE_HOUR_TO_SOLVE = SlaSetup(
    policies=(
        SlaPolicy(
            id="chat",
            name="Una hora",
            conditions=PolicyConditions(channels=(Channel.WHATSAPP,)),
            targets=(SlaTarget(metric=SlaMetric.RESOLUTION, minutes=60, business_hours=False),),
        ),
    )
)


class RecordingQueue:
    def __init__(self) -> None:
        self.requests: list[OutboundRequest] = []

    def enqueue(self, request: OutboundRequest) -> None:
        self.requests.append(request)


def entries(store: HelpdeskStore) -> list[FollowUp]:
    return [FollowUp.model_validate(v) for v in store.follow_ups_in_state(FollowUpState.OPEN.value, 100)]


def solve(store: HelpdeskStore, ticket_id: str) -> None:
    update_ticket(store, ticket_id, TicketChanges(status=TicketStatus.SOLVED), None, AGENT)


def solved_ticket(store: HelpdeskStore, sender: str) -> str:
    ticket_id = ingest(inbound(sender=sender, text="Mi internet no funciona"), store).ticket.id
    solve(store, ticket_id)
    return ticket_id


@pytest.fixture
def one_hour_to_solve(store: HelpdeskStore) -> Iterator[HelpdeskStore]:
    store.put_sla_setup_document(ONE_HOUR_TO_SOLVE.model_dump(mode="json"), MONDAY)
    HelpdeskStore.forget_sla_setup()
    yield store
    HelpdeskStore.forget_sla_setup()


def test_a_customer_saying_a_solved_case_is_not_is_followed_up_once(store: HelpdeskStore) -> None:
    # Given a solved ticket
    ticket_id = solved_ticket(store, "50255510001")

    # When the customer writes that it is not solved, and the channel delivers it twice
    message = inbound(sender="50255510001", text="Hola, sigue igual, no se resolvió nada", message_id="wamid.SIGUE")
    first = ingest(message, store)
    again = ingest(message, store)

    # Then their message reopened the ticket as always, and one entry quotes them
    assert first.reopened and again.duplicate and first.ticket.status is TicketStatus.OPEN
    (entry,) = entries(store)
    assert (entry.ticket_id, entry.reason) == (ticket_id, FollowUpReason.NOT_SOLVED)
    assert entry.detail == "El cliente escribió: «Hola, sigue igual, no se resolvió nada»"

    # And saying it again after another solve keeps that one entry
    solve(store, ticket_id)
    ingest(inbound(sender="50255510001", text="still not working"), store)
    assert [e.reason for e in entries(store)] == [FollowUpReason.NOT_SOLVED]


def test_thanks_on_a_solved_ticket_or_a_complaint_on_an_open_one_opens_nothing(store: HelpdeskStore) -> None:
    # A customer thanking on a solved ticket reopens it (as always) but is not followed up
    solved_ticket(store, "50255510002")
    assert ingest(inbound(sender="50255510002", text="Ya se resolvió, gracias"), store).reopened
    # A customer on a ticket still open says "sigue igual": people are on it already
    ingest(inbound(sender="50255510003", text="No tengo señal"), store)
    ingest(inbound(sender="50255510003", text="sigue igual"), store)
    assert entries(store) == []


def test_a_ticket_reopened_once_too_often_is_followed_up_once(store: HelpdeskStore) -> None:
    # Given a ticket solved and reopened as often as allowed (by the customer, then by an agent)
    ticket_id = solved_ticket(store, "50255510004")
    for time in range(REOPENS_ALLOWED):
        if time % 2 == 0:
            ingest(inbound(sender="50255510004", text="Una pregunta más"), store)
        else:
            update_ticket(store, ticket_id, TicketChanges(status=TicketStatus.OPEN), None, AGENT)
        solve(store, ticket_id)
    assert entries(store) == []

    # When it is reopened once more, then again
    ingest(inbound(sender="50255510004", text="Otra vez yo"), store)
    solve(store, ticket_id)
    update_ticket(store, ticket_id, TicketChanges(status=TicketStatus.OPEN), None, AGENT)

    # Then it counts its reopens, and one entry says how often it had been reopened
    ticket = store.get_ticket(ticket_id)
    assert ticket is not None and ticket.reopens == REOPENS_ALLOWED + 2
    (entry,) = entries(store)
    assert (entry.ticket_id, entry.reason) == (ticket_id, FollowUpReason.REOPENED)
    assert entry.detail == f"Reabierto {REOPENS_ALLOWED + 1} veces"


def test_a_ticket_solved_after_its_resolution_sla_breached_is_followed_up(one_hour_to_solve: HelpdeskStore) -> None:
    store = one_hour_to_solve
    # Given two tickets that must be solved within an hour
    with time_machine.travel(MONDAY, tick=False):
        late = ingest(inbound(sender="50255510005", text="No puedo pagar"), store).ticket.id
        in_time = ingest(inbound(sender="50255510006", text="No puedo entrar"), store).ticket.id

    # When one is solved within the hour and the other five hours after it came in (by a solving reply)
    with time_machine.travel(MONDAY + timedelta(minutes=50), tick=False):
        solve(store, in_time)
    with time_machine.travel(MONDAY + timedelta(hours=5), tick=False):
        draft = ReplyDraft(body="Listo, ya puede pagar", status=TicketStatus.SOLVED)
        reply_to_ticket(store, RecordingQueue(), late, draft, AGENT, MAIL)

    # Then only the late one is followed up, saying how late
    (entry,) = entries(store)
    assert (entry.ticket_id, entry.reason) == (late, FollowUpReason.SOLVED_LATE)
    assert entry.detail == "Resuelto 4 h después de vencer su SLA de resolución"

    # And solving it late again after a reopen keeps that one entry
    with time_machine.travel(MONDAY + timedelta(hours=6), tick=False):
        update_ticket(store, late, TicketChanges(status=TicketStatus.OPEN), None, AGENT)
        solve(store, late)
    assert [e.reason for e in entries(store)] == [FollowUpReason.SOLVED_LATE]
