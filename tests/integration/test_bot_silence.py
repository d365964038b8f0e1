"""Bot conversations the customer left, against moto through the WhatsApp
worker and the SLA checker's pass: the assistant asked "¿Te sirvió?" and
nobody answered for a day: one follow-up, however often the pass runs. A
customer who answered (yes, or asking for a person) is not followed up, nor
is anyone before their day is up."""

from datetime import UTC, datetime, timedelta

import time_machine

from helpdesk.assistant import turns
from helpdesk.assistant.silence import follow_up_silences
from helpdesk.follow_ups.entries import FollowUp, FollowUpReason, FollowUpState
from helpdesk.knowledge.finding import CompactIndex
from helpdesk.settings import MailSettings
from helpdesk.store import HelpdeskStore
from tests.integration.test_assistant_channels import (
    Customer,
    FlakyQueue,
    assistant_on,
    customers,
    indexes,
    mail,
    queue,
)

__all__ = ["customers", "indexes", "mail", "queue"]
ASKED_AT = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


def entries(store: HelpdeskStore) -> list[FollowUp]:
    return [FollowUp.model_validate(v) for v in store.follow_ups_in_state(FollowUpState.OPEN.value, 100)]


def test_a_question_nobody_answered_for_a_day_is_followed_up_once(
    store: HelpdeskStore, customers: CompactIndex, queue: FlakyQueue, mail: MailSettings
) -> None:
    # Given three customers the assistant asked "¿Te sirvió?"; one says yes, one asks for a person
    assistant_on(store)
    rosa, ana, luis = (
        Customer(store, customers, queue, mail, n) for n in ("50255541111", "50255542222", "50255543333")
    )
    with time_machine.travel(ASKED_AT, tick=False):
        for customer in (rosa, ana, luis):
            customer.says("¿cómo pago en cuotas?")
    with time_machine.travel(ASKED_AT + timedelta(minutes=5), tick=False):
        ana.says("Sí, me sirvió", button=turns.YES)
        luis.says("Hablar con alguien", button=turns.PERSON)
    assert turns.ASKED in rosa.ticket.tags

    # When the SLA checker's pass runs within the day: nothing yet
    follow_up_silences(store, ASKED_AT + timedelta(hours=23))
    assert entries(store) == []

    # When it runs once the day is up, and again (an overlapping or repeated run)
    day_after = ASKED_AT + turns.BOT_SILENCE + timedelta(minutes=2)
    first = follow_up_silences(store, day_after)
    follow_up_silences(store, day_after + timedelta(minutes=1))

    # Then only the customer who never answered is followed up, once, saying why
    assert (first.due, first.opened) == (3, 1)
    (entry,) = entries(store)
    assert (entry.ticket_id, entry.reason) == (rosa.ticket_id, FollowUpReason.BOT_ABANDONED)
    assert entry.detail.startswith("El asistente preguntó «¿Te sirvió?» y el cliente no respondió en 24 h")


def test_a_customer_who_wrote_again_is_not_followed_up_for_the_first_question(
    store: HelpdeskStore, customers: CompactIndex, queue: FlakyQueue, mail: MailSettings
) -> None:
    # Given a customer who answered the question with another question (asked again, then answered yes)
    assistant_on(store)
    rosa = Customer(store, customers, queue, mail, "50255544444")
    with time_machine.travel(ASKED_AT, tick=False):
        rosa.says("¿cómo pago en cuotas?")
    with time_machine.travel(ASKED_AT + timedelta(hours=2), tick=False):
        rosa.says("ola kiero canbiar la contrasena xfa")
        rosa.says("Sí", button=turns.YES)

    # When each question's answer came due: neither is followed up
    first = follow_up_silences(store, ASKED_AT + timedelta(hours=24, minutes=2))
    second = follow_up_silences(store, ASKED_AT + timedelta(hours=26, minutes=2))
    assert (first.due, second.due, first.opened + second.opened) == (1, 1, 0) and entries(store) == []
