"""What a ticket change means beyond the ticket, as the models say it (the
store writes it with every save): whose load the ticket counts toward, which
SLA breaches it opens or answers, when it ends the conversation, and which
words find it."""

from datetime import UTC, datetime, timedelta

import pytest

from helpdesk.models import (
    BREACH_ANSWERED,
    BREACH_OPEN,
    Channel,
    SlaMetric,
    SlaTimer,
    Ticket,
    TicketSla,
    TicketStatus,
)

T0 = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
DUE = T0 + timedelta(hours=1)


def ticket(**fields: object) -> Ticket:
    base: dict[str, object] = {
        "id": "T1",
        "number": 7,
        "channel": Channel.WHATSAPP,
        "contact_id": "c1",
        "created_at": T0,
        "updated_at": T0,
    }
    return Ticket.model_validate(base | fields)


def timer(metric: SlaMetric = SlaMetric.FIRST_RESPONSE, **fields: object) -> SlaTimer:
    base: dict[str, object] = {"metric": metric, "target": timedelta(hours=1), "running_since": T0, "due_at": DUE}
    return SlaTimer.model_validate(base | fields)


def with_timers(*timers: SlaTimer, policy: str = "standard", **fields: object) -> Ticket:
    return ticket(sla=TicketSla(policy_id=policy, timers=timers), **fields)


def later(before: Ticket, **changes: object) -> Ticket:
    return before.model_copy(update={"updated_at": before.updated_at + timedelta(hours=2), **changes})


# whose load


@pytest.mark.parametrize("status", [TicketStatus.NEW, TicketStatus.OPEN])
def test_a_new_or_open_ticket_counts_toward_its_assignees_load(status: TicketStatus) -> None:
    # Given a ticket an agent holds, waiting on them
    held = ticket(status=status, assignee_id="ana")

    # Then it is Ana's work
    assert held.load_holder == "ana"


@pytest.mark.parametrize(
    "status", [TicketStatus.PENDING, TicketStatus.ON_HOLD, TicketStatus.SOLVED, TicketStatus.CLOSED]
)
def test_a_ticket_waiting_on_others_or_done_counts_toward_nobody(status: TicketStatus) -> None:
    # Given a ticket Ana holds that waits on the customer, a third party, or is done
    held = ticket(status=status, assignee_id="ana")

    # Then it is not part of her load
    assert held.load_holder is None


def test_an_unassigned_ticket_counts_toward_nobody() -> None:
    assert ticket(status=TicketStatus.OPEN).load_holder is None


# breaches


def test_a_breach_is_named_by_its_ticket_metric_and_moment() -> None:
    # Given a timer that breached at its due time
    breached = timer(breached_at=DUE)

    # Then its breach always has the same name (a breach escalates once)
    assert breached.breach_id("T1") == "T1-first_response-20261102T160000"
    assert timer(breached_at=DUE).breach_id("T1") == breached.breach_id("T1")


def test_a_timer_that_has_not_breached_has_no_breach_name() -> None:
    with pytest.raises(ValueError, match="not breached"):
        timer().breach_id("T1")


def test_the_checker_recording_a_breach_opens_it() -> None:
    # Given a running timer
    before = with_timers(timer())

    # When the checker records its breach
    after = later(before, sla=TicketSla(policy_id="standard", timers=(timer(breached_at=DUE),)))

    # Then the change opens one breach, and answers none
    (opened,) = after.breaches_since(before)
    assert (opened.id, opened.ticket_id, opened.metric, opened.breached_at, opened.state) == (
        "T1-first_response-20261102T160000", "T1", SlaMetric.FIRST_RESPONSE, DUE, BREACH_OPEN,
    )  # fmt: skip
    assert after.breaches_answered_since(before) == ()


def test_a_breach_already_recorded_is_not_opened_again() -> None:
    # Given a breached timer, recorded
    before = with_timers(timer(breached_at=DUE))

    # When something else changes on the ticket
    after = later(before, priority="high")

    # Then no breach opens, and none is answered
    assert after.breaches_since(before) == ()
    assert after.breaches_answered_since(before) == ()


def test_a_breach_recorded_and_met_in_one_change_is_answered_from_the_start() -> None:
    before = with_timers(timer())
    after = later(before, sla=TicketSla(policy_id="standard", timers=(timer(breached_at=DUE, met_at=DUE),)))

    (opened,) = after.breaches_since(before)
    assert opened.state == BREACH_ANSWERED


def test_meeting_a_breached_timer_answers_its_breach() -> None:
    # Given a breached first response
    before = with_timers(timer(breached_at=DUE))

    # When the agent answers, late
    met = timer(breached_at=DUE, met_at=DUE + timedelta(minutes=30))
    after = later(before, sla=TicketSla(policy_id="standard", timers=(met,)))

    # Then the breach is answered (its escalation ends)
    assert after.breaches_answered_since(before) == ("T1-first_response-20261102T160000",)


def test_dropping_a_breached_timer_answers_its_breach() -> None:
    # Given a breached first response
    before = with_timers(timer(breached_at=DUE))

    # When the ticket moves to a policy without that promise (or to none)
    after = later(before, sla=None)

    # Then the breach is answered
    assert after.breaches_answered_since(before) == ("T1-first_response-20261102T160000",)


def test_a_breach_met_before_is_not_answered_again() -> None:
    # Given a breach that was answered by an earlier change
    before = with_timers(timer(breached_at=DUE, met_at=DUE))

    # When the ticket changes again
    after = later(before, status=TicketStatus.SOLVED)

    # Then nothing is answered twice
    assert after.breaches_answered_since(before) == ()


def test_only_the_breached_timers_are_answered() -> None:
    # Given a breached first response and a running resolution timer
    before = with_timers(timer(breached_at=DUE), timer(SlaMetric.RESOLUTION, due_at=DUE + timedelta(days=1)))

    # When solving meets both
    met = (timer(breached_at=DUE, met_at=DUE), timer(SlaMetric.RESOLUTION, met_at=DUE))
    after = later(before, sla=TicketSla(policy_id="standard", timers=met))

    # Then only the breach is answered
    assert after.breaches_answered_since(before) == ("T1-first_response-20261102T160000",)


def test_a_new_ticket_answers_nothing() -> None:
    assert with_timers(timer()).breaches_answered_since(None) == ()


# the conversation


@pytest.mark.parametrize("channel", [Channel.WHATSAPP, Channel.CHAT])
def test_closing_a_conversational_ticket_ends_the_conversation(channel: Channel) -> None:
    before = ticket(channel=channel, status=TicketStatus.SOLVED)
    assert later(before, status=TicketStatus.CLOSED).ends_conversation(before)


def test_closing_an_email_ticket_ends_no_conversation() -> None:
    before = ticket(channel=Channel.EMAIL, status=TicketStatus.SOLVED)
    assert not later(before, status=TicketStatus.CLOSED).ends_conversation(before)


def test_changing_a_closed_ticket_does_not_end_the_conversation_again() -> None:
    before = ticket(status=TicketStatus.CLOSED)
    assert not later(before, merged_into="T2").ends_conversation(before)


def test_solving_keeps_the_conversation() -> None:
    before = ticket(status=TicketStatus.OPEN)
    assert not later(before, status=TicketStatus.SOLVED).ends_conversation(before)
