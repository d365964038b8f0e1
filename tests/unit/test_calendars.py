"""Business calendars: the acceptance cases of the SLA issue, and every due time
checked against a minute-by-minute reference (hypothesis)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk.sla.calendars import BusinessCalendar, SlaClock, TimeBlock, weekdays

GT = ZoneInfo("America/Guatemala")
OFFICE = BusinessCalendar(time_zone="America/Guatemala", blocks=weekdays(time(8), time(18)), holiday_country="GT")


def gt(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=GT)


def test_friday_evening_target_ends_monday_morning() -> None:
    # Friday 30 October 2026, 17:30 + 2 business hours (Mon–Fri 08:00–18:00)
    assert OFFICE.add_business_time(gt(2026, 10, 30, 17, 30), timedelta(hours=2)) == gt(2026, 11, 2, 9, 30)


def test_independence_day_is_skipped() -> None:
    # Monday 14 September 2026, 17:00 + 2 h: Tuesday 15 September is a holiday
    assert OFFICE.add_business_time(gt(2026, 9, 14, 17), timedelta(hours=2)) == gt(2026, 9, 16, 9)


def test_overnight_block_is_counted_across_midnight() -> None:
    night = BusinessCalendar(
        time_zone="America/Guatemala", blocks=tuple(TimeBlock(weekday=d, start=time(22), end=time(6)) for d in range(7))
    )
    assert night.add_business_time(gt(2026, 11, 2, 21), timedelta(hours=3)) == gt(2026, 11, 3, 1)
    assert night.add_business_time(gt(2026, 11, 3, 5), timedelta(hours=2)) == gt(2026, 11, 3, 23)


def test_split_shift_skips_lunch() -> None:
    split = BusinessCalendar(
        time_zone="America/Guatemala", blocks=weekdays(time(8), time(12)) + weekdays(time(13), time(17))
    )
    assert split.add_business_time(gt(2026, 11, 2, 11, 30), timedelta(hours=1)) == gt(2026, 11, 2, 13, 30)


def test_time_between_excludes_closed_time() -> None:
    assert OFFICE.business_time_between(gt(2026, 10, 30, 17), gt(2026, 11, 2, 9)) == timedelta(hours=2)


def test_24_7_is_calendar_time() -> None:
    start = gt(2026, 11, 2, 10)
    assert BusinessCalendar().add_business_time(start, timedelta(hours=30)) == start + timedelta(hours=30)


def test_custom_closed_day() -> None:
    closed = OFFICE.model_copy(update={"closed_days": (date(2026, 11, 3),)})
    assert closed.add_business_time(gt(2026, 11, 2, 17), timedelta(hours=2)) == gt(2026, 11, 4, 9)


def test_dst_zone_counts_real_hours() -> None:
    # Mexico City has no DST since 2022; New York does: 1 Nov 2026 02:00 falls back.
    ny = BusinessCalendar(
        time_zone="America/New_York", blocks=tuple(TimeBlock(weekday=d, start=time(0), end=time(0)) for d in range(7))
    )
    start = datetime(2026, 10, 31, 23, tzinfo=ZoneInfo("America/New_York"))
    assert ny.add_business_time(start, timedelta(hours=5)) - start == timedelta(hours=5)


def _reference(calendar: BusinessCalendar, start: datetime, minutes: int) -> datetime:
    """Independent of the implementation: step minute by minute, asking the
    blocks directly whether that local minute is open."""
    zone = ZoneInfo(calendar.time_zone)
    moment = start
    counted = 0
    while counted < minutes:
        local = moment.astimezone(zone)
        if _open(calendar, local):
            counted += 1
        moment += timedelta(minutes=1)
        if counted == minutes:
            break
    # the due time is the end of the last open minute
    return moment


def _open(calendar: BusinessCalendar, local: datetime) -> bool:
    now = local.time().replace(tzinfo=None)
    today, yesterday = local.date(), local.date() - timedelta(days=1)
    for block in calendar.blocks:
        if block.end > block.start:
            if (
                block.weekday == today.weekday()
                and block.start <= now < block.end
                and not calendar.is_closed_day(today)
            ):
                return True
        else:
            if block.weekday == today.weekday() and now >= block.start and not calendar.is_closed_day(today):
                return True
            if block.weekday == yesterday.weekday() and now < block.end and not calendar.is_closed_day(yesterday):
                return True
    return False


blocks = st.lists(
    st.builds(
        TimeBlock,
        weekday=st.integers(0, 6),
        start=st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45])),
        end=st.builds(time, st.integers(0, 23), st.sampled_from([0, 30])),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=60, deadline=None)
@given(
    blocks=blocks,
    start_minute=st.integers(0, 14 * 24 * 60),
    minutes=st.integers(1, 8 * 60),
    closed=st.lists(st.integers(0, 20), max_size=3),
)
def test_due_times_match_the_minute_by_minute_reference(
    blocks: list[TimeBlock], start_minute: int, minutes: int, closed: list[int]
) -> None:
    base = datetime(2026, 9, 7, tzinfo=GT)  # a Monday, a week before Independence Day
    calendar = BusinessCalendar(
        time_zone="America/Guatemala",
        blocks=tuple(blocks),
        holiday_country="GT",
        closed_days=tuple(base.date() + timedelta(days=d) for d in closed),
    )
    start = base + timedelta(minutes=start_minute)
    due = calendar.add_business_time(start.astimezone(UTC), timedelta(minutes=minutes))
    assert due == _reference(calendar, start, minutes)
    assert calendar.business_time_between(start, due) == timedelta(minutes=minutes)


def test_pending_time_is_excluded_from_the_clock() -> None:
    # 4 business hours from Monday 09:00; pending on the customer from 10:00 to
    # Tuesday 11:00; resumed then, so 3 hours remain: due Tuesday 14:00.
    clock = SlaClock.start(timedelta(hours=4), gt(2026, 11, 2, 9))
    paused = clock.pause(gt(2026, 11, 2, 10), OFFICE)
    assert paused.due_at(OFFICE) is None and paused.consumed == timedelta(hours=1)
    resumed = paused.resume(gt(2026, 11, 3, 11))
    assert resumed.due_at(OFFICE) == gt(2026, 11, 3, 14)
    assert resumed.pause(gt(2026, 11, 3, 12), OFFICE).consumed == timedelta(hours=2)


NEW_YORK = ZoneInfo("America/New_York")


@settings(max_examples=80, deadline=None)
@given(
    blocks=blocks,
    base=st.sampled_from([datetime(2026, 3, 6, tzinfo=NEW_YORK), datetime(2026, 10, 30, tzinfo=NEW_YORK)]),
    start_minute=st.integers(0, 3 * 24 * 60),
    minutes=st.integers(1, 8 * 60),
)
def test_due_times_across_dst_changes_match_the_reference(
    blocks: list[TimeBlock], base: datetime, start_minute: int, minutes: int
) -> None:
    # New York springs forward on 8 March 2026 (02:00 → 03:00) and falls back on
    # 1 November (02:00 → 01:00): blocks that start in the gap open at 03:00, and
    # the repeated hour counts twice when a block covers it.
    calendar = BusinessCalendar(time_zone="America/New_York", blocks=tuple(blocks))
    start = (base + timedelta(minutes=start_minute)).astimezone(UTC)
    due = calendar.add_business_time(start, timedelta(minutes=minutes))
    assert due == _reference(calendar, start, minutes)
    assert calendar.business_time_between(start, due) == timedelta(minutes=minutes)


def test_block_starting_in_the_spring_gap_opens_when_the_clock_jumps() -> None:
    calendar = BusinessCalendar(
        time_zone="America/New_York", blocks=(TimeBlock(weekday=6, start=time(2, 30), end=time(4)),)
    )
    sunday = datetime(2026, 3, 8, tzinfo=NEW_YORK)
    # 03:00 EDT is the first minute the wall clock shows inside 02:30–04:00
    assert calendar.add_business_time(sunday, timedelta(minutes=1)) == datetime(2026, 3, 8, 7, 1, tzinfo=UTC)


def test_repeated_autumn_hour_counts_twice_inside_a_block() -> None:
    calendar = BusinessCalendar(
        time_zone="America/New_York", blocks=(TimeBlock(weekday=6, start=time(0), end=time(3)),)
    )
    sunday = datetime(2026, 11, 1, tzinfo=NEW_YORK)
    # 00:00–03:00 on the wall lasts four real hours that night
    assert calendar.business_time_between(sunday, sunday + timedelta(hours=6)) == timedelta(hours=4)
