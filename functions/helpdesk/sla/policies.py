"""SLA policies and the timers they put on tickets (ARCHITECTURE §3, flow 5).

An ``SlaSetup`` is what an administrator configures: business calendars and an
ordered list of policies. The first policy whose conditions match a ticket (and
its contact) applies; it promises a first response, a next response after each
customer message and a resolution, each within a target in business or calendar
time, and warns at a share of the target.

``track`` moves a ticket's timers along with what happened to it: a customer
wrote, an agent answered publicly, an agent changed the ticket. It is pure: the
callers (ingest, replies, ticket updates, the SLA checker) store the result in
the same conditional write as the change itself, and the store indexes each
ticket under the minute its next check is due (``by_due_minute``).

A breach is a timer that ran past its due time (``alerts_due`` records it).
What a change does to breaches follows from the timers before and after it
(``Ticket.breaches_since`` and ``Ticket.breaches_answered_since`` in
``helpdesk.models``, named by ``SlaTimer.breach_id``): every ticket save
applies them, so the store writes a breach with the ticket that records it.
"""

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field, model_validator

from helpdesk.models import (
    Channel,
    Contact,
    Priority,
    SlaMetric,
    SlaTimer,
    Ticket,
    TicketSla,
    TicketStatus,
)
from helpdesk.sla.calendars import BusinessCalendar, SlaClock
from helpdesk.validated import Validated

AROUND_THE_CLOCK = BusinessCalendar(id="24x7", name="24/7", time_zone="UTC")
POLICY_FIELDS = ("priority", "group_id", "channel")  # a change to these picks the policy again
STOPPED_STATUSES = (TicketStatus.SOLVED, TicketStatus.CLOSED)


class _Config(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PolicyConditions(_Config):
    """Which tickets a policy covers; an empty list accepts any value."""

    priorities: tuple[Priority, ...] = ()
    channels: tuple[Channel, ...] = ()
    group_ids: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()  # the contact's tier (e.g. "vip") or organization
    countries: tuple[Annotated[str, Field(pattern=r"^[A-Z]{2}$")], ...] = ()

    @property
    def need_contact(self) -> bool:
        return bool(self.tiers or self.countries)

    def match(self, ticket: Ticket, contact: Contact | None) -> bool:
        return self.covers(
            ticket.priority,
            ticket.channel,
            ticket.group_id,
            tier=contact.tier if contact else None,
            country=contact.country if contact else None,
        )

    def covers(
        self, priority: Priority, channel: Channel, group_id: str | None, *, tier: str | None, country: str | None
    ) -> bool:
        return (
            _accepts(self.priorities, priority)
            and _accepts(self.channels, channel)
            and _accepts(self.group_ids, group_id)
            and _accepts(self.tiers, tier)
            and _accepts(self.countries, country)
        )


def _accepts(allowed: tuple[object, ...], value: object) -> bool:
    return not allowed or value in allowed


class SlaTarget(_Config):
    metric: SlaMetric
    minutes: Annotated[int, Field(ge=1, le=366 * 24 * 60)]
    business_hours: bool = True  # False: calendar time, around the clock

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.minutes)


class SlaPolicy(_Config):
    id: Annotated[str, Field(pattern=r"^[a-z0-9_-]{1,64}$")]
    name: Annotated[str, Field(min_length=1, max_length=120)]
    conditions: PolicyConditions = PolicyConditions()
    targets: Annotated[tuple[SlaTarget, ...], Field(min_length=1, max_length=3)]
    warn_at_percent: Annotated[int, Field(ge=10, le=99)] = 80
    calendar_id: str | None = None  # None: around the clock
    # Use the calendar of the contact's country when there is one (its
    # holidays and hours), else ``calendar_id``'s.
    calendar_by_country: bool = False
    paused_statuses: tuple[TicketStatus, ...] = (TicketStatus.PENDING, TicketStatus.ON_HOLD)

    def target(self, metric: SlaMetric) -> SlaTarget | None:
        return next((t for t in self.targets if t.metric is metric), None)


class SlaSetup(_Config):
    """Calendars and policies; the first matching policy applies."""

    calendars: tuple[BusinessCalendar, ...] = ()
    policies: tuple[SlaPolicy, ...] = ()
    # Who hears of an escalation nobody acknowledged (the next tier).
    escalation_contacts: tuple[Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$")], ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> "SlaSetup":
        known = {c.id for c in self.calendars}
        if len(known) != len(self.calendars):
            raise ValueError("calendar ids must be unique")
        for policy in self.policies:
            if policy.calendar_id is not None and policy.calendar_id not in known:
                raise ValueError(f"policy {policy.id} names unknown calendar {policy.calendar_id}")
        if len({p.id for p in self.policies}) != len(self.policies):
            raise ValueError("policy ids must be unique")
        return self

    @property
    def need_contact(self) -> bool:
        return any(p.conditions.need_contact or p.calendar_by_country for p in self.policies)

    def policy(self, policy_id: str) -> SlaPolicy | None:
        return next((p for p in self.policies if p.id == policy_id), None)

    def match(self, ticket: Ticket, contact: Contact | None) -> SlaPolicy | None:
        return next((p for p in self.policies if p.conditions.match(ticket, contact)), None)

    def calendar(self, calendar_id: str | None) -> BusinessCalendar:
        return next((c for c in self.calendars if c.id == calendar_id), AROUND_THE_CLOCK)

    def calendar_for(self, policy: SlaPolicy, contact: Contact | None) -> str | None:
        return self.calendar_for_country(policy, contact.country if contact else None)

    def calendar_for_country(self, policy: SlaPolicy, country: str | None) -> str | None:
        if policy.calendar_by_country and country:
            by_country = next((c for c in self.calendars if c.holiday_country == country), None)
            if by_country is not None:
                return by_country.id
        return policy.calendar_id


class Happened(StrEnum):
    CREATED = "created"  # a customer's message opened the ticket
    CUSTOMER_WROTE = "customer_wrote"
    AGENT_REPLIED = "agent_replied"  # a public reply by an agent (not a note, not automatic)
    CHANGED = "changed"  # an agent changed status, priority, group…


def track(
    before: Ticket | None,
    after: Ticket,
    happened: Happened,
    setup: SlaSetup,
    at: datetime,
    contact: Contact | None = None,
) -> TicketSla | None:
    """The timers ``after`` carries once ``happened`` at ``at``. ``contact`` is
    needed only to pick a policy (on creation, or when a policy field changed)."""
    sla = before.sla if before is not None else None
    policy = setup.policy(sla.policy_id) if sla else None
    if before is None or policy_fields_changed(before, after):
        chosen = setup.match(after, contact)
        if chosen is None:
            return None if before is None else _without_policy(sla)
        if policy is None or chosen.id != policy.id:
            sla = _apply_policy(sla, chosen, setup.calendar_for(chosen, contact), after, at)
            policy = chosen
    if sla is None or policy is None:
        return sla
    calendar = setup.calendar(sla.calendar_id)
    timers = {t.metric: t for t in sla.timers}

    if happened is Happened.AGENT_REPLIED:
        for metric in (SlaMetric.FIRST_RESPONSE, SlaMetric.NEXT_RESPONSE):
            if metric in timers:
                timers[metric] = _meet(timers[metric], at, calendar)
    if happened is Happened.CUSTOMER_WROTE:
        answered_before = after.first_response_at is not None
        waiting = timers.get(SlaMetric.NEXT_RESPONSE)
        target = policy.target(SlaMetric.NEXT_RESPONSE)
        if answered_before and target and (waiting is None or waiting.met_at is not None):
            timers[SlaMetric.NEXT_RESPONSE] = _new_timer(target, at)

    was_paused = before is not None and before.status in policy.paused_statuses
    is_paused = after.status in policy.paused_statuses
    if after.status in STOPPED_STATUSES:
        timers = {m: _meet(t, at, calendar) for m, t in timers.items()}
    elif before is not None and before.status in STOPPED_STATUSES and SlaMetric.RESOLUTION in timers:
        # Reopened: resolution goes on from where it stopped.
        timers[SlaMetric.RESOLUTION] = _unmeet(timers[SlaMetric.RESOLUTION], at)
    if is_paused and not was_paused:
        timers = {m: _pause(t, at, calendar) for m, t in timers.items()}
    elif was_paused and not is_paused and after.status not in STOPPED_STATUSES:
        timers = {m: _resume(t, at) for m, t in timers.items()}
    elif is_paused:
        timers = {m: _pause(t, at, calendar) for m, t in timers.items()}  # new timers wait too

    ordered = tuple(_scheduled(timers[m], calendar, policy) for m in SlaMetric if m in timers)
    return sla.model_copy(update={"timers": ordered})


def policy_fields_changed(before: Ticket, after: Ticket) -> bool:
    """A change that may make another policy apply (and needs the contact to tell)."""
    return any(getattr(before, name) != getattr(after, name) for name in POLICY_FIELDS)


def _without_policy(sla: TicketSla | None) -> TicketSla | None:
    """No policy covers the ticket any more: keep what was kept or missed, drop
    what was still running."""
    if sla is None:
        return None
    kept = tuple(t for t in sla.timers if t.met_at is not None)
    return sla.model_copy(update={"timers": kept}) if kept else None


def _apply_policy(
    sla: TicketSla | None, policy: SlaPolicy, calendar_id: str | None, ticket: Ticket, at: datetime
) -> TicketSla:
    """Timers for ``policy``: running ones keep the time they used and take the
    new target; new tickets start first response and resolution."""
    old = {t.metric: t for t in sla.timers} if sla else {}
    timers: list[SlaTimer] = []
    for target in policy.targets:
        existing = old.get(target.metric)
        if existing is not None:
            timers.append(
                existing.model_copy(update={"target": target.duration, "business_hours": target.business_hours})
            )
        elif (
            target.metric is SlaMetric.FIRST_RESPONSE and ticket.first_response_at is None
        ) or target.metric is SlaMetric.RESOLUTION:
            timers.append(_new_timer(target, ticket.created_at if sla is None else at))
    return TicketSla(policy_id=policy.id, policy_name=policy.name, calendar_id=calendar_id, timers=tuple(timers))


def _new_timer(target: SlaTarget, at: datetime) -> SlaTimer:
    return SlaTimer(
        metric=target.metric, target=target.duration, business_hours=target.business_hours, running_since=at
    )


def _clock(timer: SlaTimer) -> SlaClock:
    return SlaClock(target=timer.target, consumed=timer.consumed, running_since=timer.running_since)


def _calendar_of(timer: SlaTimer, calendar: BusinessCalendar) -> BusinessCalendar:
    return calendar if timer.business_hours else AROUND_THE_CLOCK


def _pause(timer: SlaTimer, at: datetime, calendar: BusinessCalendar) -> SlaTimer:
    if timer.running_since is None or timer.met_at is not None:
        return timer
    clock = _clock(timer).pause(max(at, timer.running_since), _calendar_of(timer, calendar))
    return timer.model_copy(update={"consumed": clock.consumed, "running_since": None})


def _resume(timer: SlaTimer, at: datetime) -> SlaTimer:
    if timer.running_since is not None or timer.met_at is not None:
        return timer
    return timer.model_copy(update={"running_since": at})


def _meet(timer: SlaTimer, at: datetime, calendar: BusinessCalendar) -> SlaTimer:
    if timer.met_at is not None:
        return timer
    paused = _pause(timer, at, calendar)
    return paused.model_copy(update={"met_at": at, "due_at": timer.due_at, "warn_at": None})


def _unmeet(timer: SlaTimer, at: datetime) -> SlaTimer:
    return timer.model_copy(update={"met_at": None, "due_at": None, "running_since": at})


def _scheduled(timer: SlaTimer, calendar: BusinessCalendar, policy: SlaPolicy) -> SlaTimer:
    """Due and warning times of a running timer (cleared while paused)."""
    if timer.met_at is not None:
        return timer
    if timer.running_since is None:
        return timer.model_copy(update={"due_at": None, "warn_at": None})
    calendar = _calendar_of(timer, calendar)
    left = max(timer.target - timer.consumed, timedelta(0))
    warn_left = max(timer.target * policy.warn_at_percent / 100 - timer.consumed, timedelta(0))
    return timer.model_copy(
        update={
            "due_at": calendar.add_business_time(timer.running_since, left),
            "warn_at": calendar.add_business_time(timer.running_since, warn_left),
        }
    )


class Alert(StrEnum):
    WARNING = "warning"
    BREACH = "breach"


def alerts_due(sla: TicketSla, now: datetime) -> tuple[TicketSla, list[tuple[Alert, SlaTimer]]]:
    """Warnings and breaches that have come due by ``now``, recorded on the
    timers (each at most once), with the timers they concern."""
    found: list[tuple[Alert, SlaTimer]] = []
    timers: list[SlaTimer] = []
    for timer in sla.timers:
        checked = timer
        if timer.met_at is None and timer.running_since is not None:
            if timer.breached_at is None and timer.due_at is not None and timer.due_at <= now:
                checked = timer.model_copy(update={"breached_at": timer.due_at, "warned_at": timer.warned_at or now})
                found.append((Alert.BREACH, checked))
            elif timer.warned_at is None and timer.warn_at is not None and timer.warn_at <= now:
                checked = timer.model_copy(update={"warned_at": timer.warn_at})
                found.append((Alert.WARNING, checked))
        timers.append(checked)
    return sla.model_copy(update={"timers": tuple(timers)}), found
