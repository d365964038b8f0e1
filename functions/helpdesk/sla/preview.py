"""What an SLA setup promises before it is saved: for a ticket with given
conditions created at a moment, which policy applies and when its first
response and resolution fall due, in the calendar's time zone. The console's
SLA page asks it for the draft an administrator is editing."""

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, ConfigDict, Field

from helpdesk.models import Channel, Priority, SlaMetric
from helpdesk.sla.calendars import BusinessCalendar
from helpdesk.sla.policies import AROUND_THE_CLOCK, SlaSetup
from helpdesk.validated import Validated

# A new ticket starts these clocks; the next response starts with each customer message.
STARTED_AT_CREATION = (SlaMetric.FIRST_RESPONSE, SlaMetric.RESOLUTION)


class _Frozen(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SampleTicket(_Frozen):
    """The conditions of the ticket to preview."""

    priority: Priority = Priority.NORMAL
    channel: Channel = Channel.EMAIL
    group_id: str | None = None
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = None
    tier: Annotated[str, Field(max_length=64)] | None = None


class PreviewRequest(_Frozen):
    setup: SlaSetup
    ticket: SampleTicket = SampleTicket()
    at: AwareDatetime | None = None  # default: now


class DueTime(_Frozen):
    metric: SlaMetric
    minutes: int
    business_hours: bool
    due_at: AwareDatetime  # UTC
    local_due_at: str  # the same instant on the calendar's wall clock (ISO, with offset)


class SlaPreview(_Frozen):
    policy_id: str | None
    policy_name: str | None
    calendar_id: str | None
    time_zone: str
    created_at: AwareDatetime
    due: tuple[DueTime, ...]


def preview(setup: SlaSetup, ticket: SampleTicket, at: datetime) -> SlaPreview:
    """The first matching policy's due times for ``ticket`` created at ``at``."""
    policy = next(
        (
            p
            for p in setup.policies
            if p.conditions.covers(
                ticket.priority, ticket.channel, ticket.group_id, tier=ticket.tier, country=ticket.country
            )
        ),
        None,
    )
    if policy is None:
        return SlaPreview(policy_id=None, policy_name=None, calendar_id=None, time_zone="UTC", created_at=at, due=())
    calendar_id = setup.calendar_for_country(policy, ticket.country)
    calendar = setup.calendar(calendar_id)
    due = []
    for metric in STARTED_AT_CREATION:
        target = policy.target(metric)
        if target is None:
            continue
        counting: BusinessCalendar = calendar if target.business_hours else AROUND_THE_CLOCK
        moment = counting.add_business_time(at, target.duration)
        due.append(
            DueTime(
                metric=metric,
                minutes=target.minutes,
                business_hours=target.business_hours,
                due_at=moment,
                local_due_at=moment.astimezone(calendar.zone).isoformat(timespec="minutes"),
            )
        )
    return SlaPreview(
        policy_id=policy.id,
        policy_name=policy.name,
        calendar_id=calendar_id,
        time_zone=calendar.time_zone,
        created_at=at,
        due=tuple(due),
    )
