"""The KPIs of a date range (``GET /api/reports/kpis``), from the rollups only:
one item per day for the filter asked, and as many for the previous period of
the same length (the comparison). Supervisors and administrators see them."""

from datetime import date, timedelta
from typing import Annotated

from pydantic import ConfigDict, Field, model_validator

from helpdesk.models import Channel
from helpdesk.reports.recording import LONGEST_RANGE_DAYS, daily_counters
from helpdesk.reports.rollups import percentile
from helpdesk.store import HelpdeskStore
from helpdesk.validated import Validated

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^|*]+$")]


class KpiQuery(Validated):
    """Query of ``GET /api/reports/kpis``: days ``from``..``to`` (the company's zone)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    since: date = Field(alias="from")
    until: date = Field(alias="to")
    channel: Channel | None = None
    group: Id | None = None
    agent: Id | None = None

    @model_validator(mode="after")
    def _bounded(self) -> "KpiQuery":
        if self.until < self.since:
            raise ValueError("to before from")
        if (self.until - self.since).days + 1 > LONGEST_RANGE_DAYS:
            raise ValueError(f"at most {LONGEST_RANGE_DAYS} days")
        return self


class SlaFigures(Validated):
    model_config = ConfigDict(frozen=True)

    met: int
    breached: int


class KpiFigures(Validated):
    """A period's (or a day's) figures; percentiles are bucket bounds in seconds."""

    model_config = ConfigDict(frozen=True)

    created: int
    solved: int
    reopened: int
    first_responses: int
    first_response_median_seconds: int | None
    first_response_p90_seconds: int | None
    resolution_median_seconds: int | None
    resolution_p90_seconds: int | None
    sla: dict[str, SlaFigures]  # per target: first_response, next_response, resolution
    sla_compliance_percent: float | None  # met ÷ (met + breached), every target


class KpiDay(KpiFigures):
    day: date


class KpiReport(Validated):
    model_config = ConfigDict(frozen=True)

    since: date
    until: date
    totals: KpiFigures
    previous: KpiFigures  # the same number of days just before ``since``
    days: list[KpiDay]


def _histogram(counters: dict[str, int], name: str) -> dict[int, int]:
    prefix = f"{name}."
    return {
        int(k[len(prefix) :]): v for k, v in counters.items() if k.startswith(prefix) and k[len(prefix) :].isdigit()
    }


def figures(counters: dict[str, int]) -> KpiFigures:
    frt, resolution = _histogram(counters, "frt"), _histogram(counters, "resolution")
    metrics = {k.split(".", 1)[1] for k in counters if k.startswith(("sla_met.", "sla_breached."))}
    sla = {
        m: SlaFigures(met=counters.get(f"sla_met.{m}", 0), breached=counters.get(f"sla_breached.{m}", 0))
        for m in sorted(metrics)
    }
    judged = sum(s.met + s.breached for s in sla.values())
    return KpiFigures(
        created=counters.get("created", 0),
        solved=counters.get("solved", 0),
        reopened=counters.get("reopened", 0),
        first_responses=counters.get("frt.count", 0),
        first_response_median_seconds=percentile(frt, 0.5),
        first_response_p90_seconds=percentile(frt, 0.9),
        resolution_median_seconds=percentile(resolution, 0.5),
        resolution_p90_seconds=percentile(resolution, 0.9),
        sla=sla,
        sla_compliance_percent=round(100 * sum(s.met for s in sla.values()) / judged, 1) if judged else None,
    )


def _summed(days: dict[str, dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for counters in days.values():
        for counter, value in counters.items():
            total[counter] = total.get(counter, 0) + value
    return total


def kpi_report(store: HelpdeskStore, query: KpiQuery) -> KpiReport:
    """The range's figures, day by day and in total, against the period before."""
    filters = {"channel": query.channel.value if query.channel else None, "group": query.group, "agent": query.agent}
    days = daily_counters(store, query.since, query.until, **filters)
    length = timedelta(days=(query.until - query.since).days + 1)
    before = daily_counters(store, query.since - length, query.since - timedelta(days=1), **filters)
    return KpiReport(
        since=query.since,
        until=query.until,
        totals=figures(_summed(days)),
        previous=figures(_summed(before)),
        days=[KpiDay(day=date.fromisoformat(day), **figures(counters).model_dump()) for day, counters in days.items()],
    )
