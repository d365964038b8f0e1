"""The SLA page's preview: what a draft setup promises a ticket created at a
moment, before anyone saves it; and the holidays a calendar closes on."""

from datetime import UTC, date, datetime, time

import pytest
from pydantic import ValidationError

from helpdesk.models import Channel, Priority, SlaMetric
from helpdesk.sla.calendars import BusinessCalendar, UnknownHolidayCountry, holidays_in, weekdays
from helpdesk.sla.policies import PolicyConditions, SlaPolicy, SlaSetup, SlaTarget
from helpdesk.sla.preview import SampleTicket, preview

OFFICE = BusinessCalendar(
    id="oficina-gt",
    time_zone="America/Guatemala",  # UTC-6
    blocks=weekdays(time(8), time(17)),
    holiday_country="GT",
)
URGENT = SlaPolicy(
    id="urgente",
    name="Urgente",
    conditions=PolicyConditions(priorities=(Priority.URGENT,)),
    targets=(
        SlaTarget(metric=SlaMetric.FIRST_RESPONSE, minutes=60, business_hours=False),
        SlaTarget(metric=SlaMetric.RESOLUTION, minutes=8 * 60),
    ),
    calendar_id="oficina-gt",
)
EVERYTHING = SlaPolicy(
    id="general",
    name="General",
    targets=(SlaTarget(metric=SlaMetric.FIRST_RESPONSE, minutes=4 * 60),),
    calendar_id="oficina-gt",
)
SETUP = SlaSetup(calendars=(OFFICE,), policies=(URGENT, EVERYTHING))
# Friday 2026-12-11, 15:00 in Guatemala
FRIDAY_AFTERNOON = datetime(2026, 12, 11, 21, 0, tzinfo=UTC)


def test_the_first_matching_policy_gives_due_times_in_the_calendars_zone() -> None:
    shown = preview(SETUP, SampleTicket(priority=Priority.URGENT), FRIDAY_AFTERNOON)
    assert (shown.policy_id, shown.calendar_id, shown.time_zone) == ("urgente", "oficina-gt", "America/Guatemala")
    due = {d.metric: d for d in shown.due}
    # calendar time: an hour later, whatever the office hours
    assert due[SlaMetric.FIRST_RESPONSE].local_due_at == "2026-12-11T16:00-06:00"
    # business time: 2 h left on Friday, 6 h from Monday 8:00
    assert due[SlaMetric.RESOLUTION].local_due_at == "2026-12-14T14:00-06:00"
    assert due[SlaMetric.RESOLUTION].due_at == datetime(2026, 12, 14, 20, 0, tzinfo=UTC)


def test_a_ticket_no_policy_covers_gets_no_due_times() -> None:
    only_urgent = SETUP.model_copy(update={"policies": (URGENT,)})
    shown = preview(only_urgent, SampleTicket(priority=Priority.LOW, channel=Channel.WHATSAPP), FRIDAY_AFTERNOON)
    assert shown.policy_id is None and shown.due == ()


def test_holidays_close_the_office_in_the_preview() -> None:
    # Thursday 2026-12-24, 16:00 in Guatemala: the due day skips the days the package
    # lists as Guatemala's holidays (Christmas among them) and the weekend
    closed = {h.date for h in holidays_in("GT", 2026)}
    assert date(2026, 12, 25) in closed
    start = datetime(2026, 12, 24, 22, 0, tzinfo=UTC)
    shown = preview(SETUP, SampleTicket(priority=Priority.NORMAL), start)
    (first,) = shown.due
    due_day = date.fromisoformat(first.local_due_at[:10])
    assert due_day not in closed and due_day.weekday() < 5
    assert due_day > date(2026, 12, 25)


def test_holidays_are_named_in_the_language_asked_where_the_package_has_it() -> None:
    spanish = {h.date: h.name for h in holidays_in("CR", 2026, "es")}
    english = {h.date: h.name for h in holidays_in("CR", 2026, "en")}
    assert spanish[date(2026, 1, 1)] == "Año Nuevo"
    assert english[date(2026, 1, 1)] == "New Year's Day"
    assert spanish.keys() == english.keys()
    with pytest.raises(UnknownHolidayCountry):
        holidays_in("ZZ", 2026)


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [("time_zone", "America/Guatemal", "unknown time zone"), ("holiday_country", "ZZ", "no public holidays")],
)
def test_a_calendar_with_an_unknown_zone_or_country_is_refused(field: str, value: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        BusinessCalendar.model_validate({**OFFICE.model_dump(), field: value})
