"""SLA policies and ticket timers: which policy applies, when each promise is
due, how pauses, replies, solving and reopening move the clocks, and when the
checker must warn or breach."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from helpdesk.models import Channel, Contact, Priority, SlaMetric, Ticket, TicketStatus
from helpdesk.sla.calendars import BusinessCalendar, weekdays
from helpdesk.sla.policies import Alert, Happened, PolicyConditions, SlaPolicy, SlaSetup, SlaTarget, alerts_due, track

GT = ZoneInfo("America/Guatemala")
CR = ZoneInfo("America/Costa_Rica")
OFFICE_GT = BusinessCalendar(id="gt", time_zone="America/Guatemala", blocks=weekdays(time(8), time(18)),
                             holiday_country="GT")  # fmt: skip
OFFICE_CR = BusinessCalendar(id="cr", time_zone="America/Costa_Rica", blocks=weekdays(time(9), time(17)),
                             holiday_country="CR")  # fmt: skip


def target(metric: SlaMetric, minutes: int, business: bool = True) -> SlaTarget:
    return SlaTarget(metric=metric, minutes=minutes, business_hours=business)


URGENT = SlaPolicy(
    id="urgent", name="Urgente", conditions=PolicyConditions(priorities=(Priority.URGENT,)),
    targets=(target(SlaMetric.FIRST_RESPONSE, 30, business=False), target(SlaMetric.RESOLUTION, 240)),
    calendar_id="gt",
)  # fmt: skip
VIP = SlaPolicy(
    id="vip", name="VIP", conditions=PolicyConditions(tiers=("vip",)),
    targets=(target(SlaMetric.FIRST_RESPONSE, 60),), calendar_id="gt",
)  # fmt: skip
WHATSAPP = SlaPolicy(
    id="whatsapp", name="WhatsApp", conditions=PolicyConditions(channels=(Channel.WHATSAPP,)),
    targets=(target(SlaMetric.FIRST_RESPONSE, 120), target(SlaMetric.NEXT_RESPONSE, 60),
             target(SlaMetric.RESOLUTION, 600)),
    calendar_id="gt", calendar_by_country=True,
)  # fmt: skip
SETUP = SlaSetup(calendars=(OFFICE_GT, OFFICE_CR), policies=(URGENT, VIP, WHATSAPP))


def gt(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=GT)


def contact(country: str | None = "GT", tier: str | None = None) -> Contact:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return Contact(id="c1", country=country, tier=tier, created_at=now, updated_at=now)


def new_ticket(at: datetime, channel: Channel = Channel.WHATSAPP, priority: Priority = Priority.NORMAL) -> Ticket:
    return Ticket(id="t1", number=1, channel=channel, contact_id="c1", priority=priority, created_at=at, updated_at=at)


def created(at: datetime, who: Contact | None = None, **fields: object) -> Ticket:
    ticket = new_ticket(at, **fields)  # type: ignore[arg-type]
    return ticket.model_copy(update={"sla": track(None, ticket, Happened.CREATED, SETUP, at, who or contact())})


def step(before: Ticket, happened: Happened, at: datetime, who: Contact | None = None, **changes: object) -> Ticket:
    after = before.model_copy(update={**changes, "updated_at": at, "version": before.version + 1})
    return after.model_copy(update={"sla": track(before, after, happened, SETUP, at, who)})


def timer(ticket: Ticket, metric: SlaMetric):  # type: ignore[no-untyped-def]
    assert ticket.sla is not None
    found = ticket.sla.timer(metric)
    assert found is not None
    return found


def test_first_matching_policy_applies_in_order() -> None:
    assert created(gt(2, 10), priority=Priority.URGENT).sla.policy_id == "urgent"  # type: ignore[union-attr]
    assert created(gt(2, 10), who=contact(tier="vip")).sla.policy_id == "vip"  # type: ignore[union-attr]
    assert created(gt(2, 10)).sla.policy_id == "whatsapp"  # type: ignore[union-attr]
    assert created(gt(2, 10), channel=Channel.EMAIL).sla is None  # no policy covers e-mail


def test_the_contacts_country_picks_the_calendar() -> None:
    ticket = created(gt(2, 10), who=contact(country="CR"))
    assert ticket.sla is not None and ticket.sla.calendar_id == "cr"
    # Costa Rica opens 09:00–17:00: Friday 16:30 CR + 2 business hours = Monday 10:30 CR
    friday = datetime(2026, 11, 6, 16, 30, tzinfo=CR)
    assert timer(created(friday, who=contact(country="CR")), SlaMetric.FIRST_RESPONSE).due_at == datetime(
        2026, 11, 9, 10, 30, tzinfo=CR
    )
    # A country without its own calendar gets the policy's
    assert created(gt(2, 10), who=contact(country="MX")).sla.calendar_id == "gt"  # type: ignore[union-attr]


def test_first_response_due_follows_business_hours_and_warns_at_80_percent() -> None:
    ticket = created(gt(30, 17, 30, month=10))  # Friday 17:30, 2 business hours
    first = timer(ticket, SlaMetric.FIRST_RESPONSE)
    assert first.due_at == gt(2, 9, 30)  # Monday 09:30
    assert first.warn_at == gt(2, 9, 6)  # 96 of 120 minutes
    assert first.state == "running"
    assert ticket.sla is not None and ticket.sla.next_check == gt(2, 9, 6)


def test_calendar_time_targets_ignore_business_hours() -> None:
    ticket = created(gt(7, 23), priority=Priority.URGENT)  # Saturday night
    assert timer(ticket, SlaMetric.FIRST_RESPONSE).due_at == gt(7, 23, 30)


def test_agent_reply_meets_first_response_and_customer_message_starts_next_response() -> None:
    ticket = created(gt(2, 10))
    answered = step(ticket, Happened.AGENT_REPLIED, gt(2, 10, 45), first_response_at=gt(2, 10, 45))
    assert timer(answered, SlaMetric.FIRST_RESPONSE).state == "met"
    assert answered.sla is not None and answered.sla.timer(SlaMetric.NEXT_RESPONSE) is None

    again = step(answered, Happened.CUSTOMER_WROTE, gt(2, 11))
    assert timer(again, SlaMetric.NEXT_RESPONSE).due_at == gt(2, 12)
    # A second customer message does not restart the wait
    twice = step(again, Happened.CUSTOMER_WROTE, gt(2, 11, 30))
    assert timer(twice, SlaMetric.NEXT_RESPONSE).due_at == gt(2, 12)
    replied = step(twice, Happened.AGENT_REPLIED, gt(2, 11, 40))
    assert timer(replied, SlaMetric.NEXT_RESPONSE).state == "met"
    assert timer(replied, SlaMetric.RESOLUTION).state == "running"


def test_pending_pauses_the_clocks_and_the_customer_answer_resumes_them() -> None:
    ticket = created(gt(2, 10))  # resolution: 600 business minutes
    pending = step(ticket, Happened.CHANGED, gt(2, 11), status=TicketStatus.PENDING)
    resolution = timer(pending, SlaMetric.RESOLUTION)
    assert (resolution.state, resolution.due_at, resolution.consumed) == ("paused", None, timedelta(hours=1))
    assert pending.sla is not None and pending.sla.next_check is None  # nothing for the checker

    # The customer answers the next day at 09:00: 9 hours of the 10 remain
    back = step(pending, Happened.CUSTOMER_WROTE, gt(3, 9), status=TicketStatus.OPEN)
    assert timer(back, SlaMetric.RESOLUTION).due_at == gt(3, 18)


def test_on_hold_pauses_only_when_the_policy_says_so() -> None:
    keeps_running = WHATSAPP.model_copy(update={"paused_statuses": (TicketStatus.PENDING,)})
    setup = SETUP.model_copy(update={"policies": (keeps_running,)})
    ticket = new_ticket(gt(2, 10))
    ticket = ticket.model_copy(update={"sla": track(None, ticket, Happened.CREATED, setup, gt(2, 10), contact())})
    held = ticket.model_copy(update={"status": TicketStatus.ON_HOLD})
    sla = track(ticket, held, Happened.CHANGED, setup, gt(2, 11))
    assert sla is not None and sla.timer(SlaMetric.RESOLUTION).state == "running"  # type: ignore[union-attr]


def test_solving_meets_every_timer_and_reopening_resumes_resolution() -> None:
    ticket = created(gt(2, 10))
    solved = step(ticket, Happened.CHANGED, gt(2, 12), status=TicketStatus.SOLVED)
    assert {t.state for t in solved.sla.timers} == {"met"}  # type: ignore[union-attr]
    reopened = step(solved, Happened.CUSTOMER_WROTE, gt(3, 8), status=TicketStatus.OPEN)
    resolution = timer(reopened, SlaMetric.RESOLUTION)
    assert resolution.consumed == timedelta(hours=2)
    assert resolution.due_at == gt(3, 16)  # 8 business hours remain


def test_raising_priority_changes_policy_and_keeps_time_used() -> None:
    ticket = created(gt(2, 10))
    urgent = step(ticket, Happened.CHANGED, gt(2, 10, 20), priority=Priority.URGENT)
    assert urgent.sla is not None and urgent.sla.policy_id == "urgent"
    first = timer(urgent, SlaMetric.FIRST_RESPONSE)
    assert first.target == timedelta(minutes=30) and first.due_at == gt(2, 10, 30)
    assert urgent.sla.timer(SlaMetric.NEXT_RESPONSE) is None


def test_alerts_warn_then_breach_each_once() -> None:
    ticket = created(gt(2, 10))
    sla = ticket.sla
    assert sla is not None
    same, nothing = alerts_due(sla, gt(2, 11))
    assert nothing == [] and same == sla

    warned, found = alerts_due(sla, gt(2, 11, 40))
    assert [(a, t.metric) for a, t in found] == [(Alert.WARNING, SlaMetric.FIRST_RESPONSE)]
    assert warned.next_check == gt(2, 12)
    assert alerts_due(warned, gt(2, 11, 50))[1] == []

    breached, found = alerts_due(warned, gt(2, 12, 1))
    assert [(a, t.metric) for a, t in found] == [(Alert.BREACH, SlaMetric.FIRST_RESPONSE)]
    first = breached.timer(SlaMetric.FIRST_RESPONSE)
    assert first is not None and (first.state, first.breached_at) == ("breached", gt(2, 12))
    assert alerts_due(breached, gt(2, 12, 5))[1] == []


def test_a_late_reply_is_missed_not_met() -> None:
    ticket = created(gt(2, 10))
    late = step(ticket, Happened.AGENT_REPLIED, gt(2, 13), first_response_at=gt(2, 13))
    assert timer(late, SlaMetric.FIRST_RESPONSE).state == "missed"


def test_setup_refuses_unknown_calendars_and_duplicate_ids() -> None:
    with pytest.raises(ValidationError):
        SlaSetup(policies=(URGENT,))  # names calendar "gt", which is not there
    with pytest.raises(ValidationError):
        SlaSetup(calendars=(OFFICE_GT,), policies=(URGENT, URGENT))
