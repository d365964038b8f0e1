"""Business calendars: when support counts time (ARCHITECTURE §3, flow 5).

A calendar has a time zone, weekly time blocks (several a day for split shifts
and lunch breaks; a block whose end is not after its start runs past midnight
into the next day) and closed days: the public holidays of a country (from the
``holidays`` package) plus custom dates. A block belongs to the local date it
starts on, so an overnight shift that starts the evening before a holiday runs,
and one that would start on the holiday does not. No blocks means 24/7.

``add_business_time`` walks the open intervals forward from a start; it is
checked against a minute-by-minute reference in the tests.
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property, lru_cache
from typing import Annotated
from zoneinfo import ZoneInfo, available_timezones

from pydantic import ConfigDict, Field, field_validator

from helpdesk.errors import HelpdeskError
from helpdesk.validated import Validated

MAX_DAYS_AHEAD = 800
_WIDEST = timedelta(hours=15)  # wider than any UTC offset


class TimeBlock(Validated):
    model_config = ConfigDict(frozen=True)

    weekday: Annotated[int, Field(ge=0, le=6)]  # Monday = 0
    start: time
    end: time  # not after start: the block ends the next day

    @property
    def overnight(self) -> bool:
        return self.end <= self.start


class BusinessCalendar(Validated):
    model_config = ConfigDict(frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z0-9_-]{1,64}$")] = "default"
    name: str = ""
    time_zone: str = "America/Guatemala"
    blocks: tuple[TimeBlock, ...] = ()
    holiday_country: str | None = None
    closed_days: tuple[date, ...] = ()

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in _zones():
            raise ValueError(f"unknown time zone {value!r} (IANA names, like America/Guatemala)")
        return value

    @field_validator("holiday_country")
    @classmethod
    def _known_country(cls, value: str | None) -> str | None:
        import holidays  # loads only where a calendar names a country (about 40 ms of import)

        if value is not None and value not in holidays.list_supported_countries():
            raise ValueError(f"no public holidays known for country {value!r} (ISO codes, like GT)")
        return value

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def always_open(self) -> bool:
        return not self.blocks

    def is_closed_day(self, day: date) -> bool:
        if day in self.closed_days:
            return True
        if self.holiday_country is None:
            return False
        return day in _holidays(self.holiday_country, day.year)

    def open_intervals(self, since: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Open intervals in UTC, in order, merged, that end after ``since``."""
        local_day = since.astimezone(self.zone).date() - timedelta(days=1)
        pending: tuple[datetime, datetime] | None = None
        for offset in range(MAX_DAYS_AHEAD):
            for interval in self._day_intervals(local_day + timedelta(days=offset)):
                if interval[1] <= since:
                    continue
                if pending is None:
                    pending = interval
                elif interval[0] <= pending[1]:  # touching or overlapping: one interval
                    pending = (pending[0], max(pending[1], interval[1]))
                else:
                    yield pending
                    pending = interval
        if pending is not None:
            yield pending

    def _day_intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        if self.is_closed_day(day):
            return []
        intervals = []
        for block in self.blocks:
            if block.weekday != day.weekday():
                continue
            start = datetime.combine(day, block.start)
            end = datetime.combine(day + timedelta(days=1) if block.overnight else day, block.end)
            intervals.extend(self._wall_to_utc(start, end))
        return sorted(intervals)

    def _wall_to_utc(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """The UTC instants at which the wall clock shows a time in [start, end).

        Exact across DST: a block starting in a spring-forward gap opens when
        the clock jumps, and a fall-back hour inside a block counts twice, as it
        does for people working it."""
        found = []
        for segment_start, segment_end, offset in self._offset_segments(start - _WIDEST, end + _WIDEST):
            first = max(segment_start, (start - offset).replace(tzinfo=UTC))
            last = min(segment_end, (end - offset).replace(tzinfo=UTC))
            if first < last:
                found.append((first, last))
        return found

    def _offset_segments(self, low: datetime, high: datetime) -> list[tuple[datetime, datetime, timedelta]]:
        """[low, high) (naive wall times, read as UTC) cut where the zone's UTC
        offset changes: at most once in the three days a block spans."""
        low_utc, high_utc = low.replace(tzinfo=UTC), high.replace(tzinfo=UTC)
        before, after = self._offset(low_utc), self._offset(high_utc)
        if before == after:
            return [(low_utc, high_utc, before)]
        early, late = low_utc, high_utc
        while late - early > timedelta(seconds=1):  # transitions fall on whole seconds
            middle = early + (late - early) / 2
            if self._offset(middle) == before:
                early = middle
            else:
                late = middle
        late = late.replace(microsecond=0)
        return [(low_utc, late, before), (late, high_utc, after)]

    def _offset(self, moment: datetime) -> timedelta:
        offset = moment.astimezone(self.zone).utcoffset()
        return offset if offset is not None else timedelta(0)

    def add_business_time(self, start: datetime, duration: timedelta) -> datetime:
        """When ``duration`` of open time has passed after ``start``."""
        if start.tzinfo is None:
            raise ValueError("naive datetime")
        if self.always_open:
            return start + duration
        remaining = duration
        for opens, closes in self.open_intervals(start):
            begin = max(opens, start)
            available = closes - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        raise ValueError("the calendar has no open time in the next two years")

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Open time between two moments."""
        if self.always_open:
            return max(end - start, timedelta(0))
        total = timedelta(0)
        for opens, closes in self.open_intervals(start):
            if opens >= end:
                break
            total += min(closes, end) - max(opens, start)
        return total


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


@lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> frozenset[date]:
    """A country's public holidays in a year (building them is slow: keep them)."""
    import holidays

    return frozenset(holidays.country_holidays(country, years=year))


class Holiday(Validated):
    model_config = ConfigDict(frozen=True)

    date: date
    name: str


class UnknownHolidayCountry(HelpdeskError):
    """The ``holidays`` package knows no public holidays for that country code."""

    message_key = "error.unknown_holiday_country"


def holidays_in(country: str, year: int, language: str = "es") -> tuple[Holiday, ...]:
    """A country's public holidays in a year, named in ``language`` where the
    package has that language for the country (else in its own)."""
    import holidays

    try:
        found = holidays.country_holidays(country, years=year)
    except NotImplementedError as exc:
        raise UnknownHolidayCountry(country) from exc
    if language in getattr(found, "supported_languages", ()):
        found = holidays.country_holidays(country, years=year, language=language)
    return tuple(Holiday(date=day, name=name) for day, name in sorted(found.items()))


def weekdays(start: time, end: time, days: range = range(5)) -> tuple[TimeBlock, ...]:
    """The same block on several weekdays (Monday to Friday by default)."""
    return tuple(TimeBlock(weekday=day, start=start, end=end) for day in days)


class SlaClock(Validated):
    """One SLA target's clock (first response, next response or resolution).

    It runs on its calendar's open time, pauses while the ticket waits on the
    customer or a third party (pending, on hold), and resumes where it stopped:
    ``consumed`` is the open time used before the current run began."""

    model_config = ConfigDict(frozen=True)

    target: timedelta
    consumed: timedelta = timedelta(0)
    running_since: datetime | None = None

    @classmethod
    def start(cls, target: timedelta, at: datetime) -> "SlaClock":
        return cls(target=target, running_since=at)

    def pause(self, at: datetime, calendar: BusinessCalendar) -> "SlaClock":
        if self.running_since is None:
            return self
        used = calendar.business_time_between(self.running_since, at)
        return self.model_copy(update={"consumed": self.consumed + used, "running_since": None})

    def resume(self, at: datetime) -> "SlaClock":
        return self if self.running_since is not None else self.model_copy(update={"running_since": at})

    def due_at(self, calendar: BusinessCalendar) -> datetime | None:
        """When the target is reached if the clock keeps running; None while paused."""
        if self.running_since is None:
            return None
        return calendar.add_business_time(self.running_since, max(self.target - self.consumed, timedelta(0)))
