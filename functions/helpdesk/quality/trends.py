"""Scores over time: per agent and week or month, the number of reviews scored,
their average total and each criterion's average score (0–4, N/A left out).
The KPI rollups and recognition read this; it reads only the months asked for
(one index partition each), never the whole table."""

from collections import defaultdict
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field, model_validator

from helpdesk.access import Viewer
from helpdesk.quality.reviews import Review
from helpdesk.store import HelpdeskStore
from helpdesk.validated import Validated

LONGEST_SPAN_MONTHS = 24


class Period(StrEnum):
    WEEK = "week"  # ISO week, e.g. 2026-W49
    MONTH = "month"  # e.g. 2026-12


class ScoresQuery(Validated):
    """Query of ``GET /api/quality/scores``: scored on days ``since``..``until``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    since: date
    until: date
    period: Period = Period.MONTH
    agent_id: Annotated[str, Field(min_length=1, max_length=64)] | None = None

    @model_validator(mode="after")
    def _bounded(self) -> "ScoresQuery":
        if self.until < self.since:
            raise ValueError("until before since")
        if len(months_between(self.since, self.until)) > LONGEST_SPAN_MONTHS:
            raise ValueError(f"at most {LONGEST_SPAN_MONTHS} months")
        return self


class ScoreRow(Validated):
    model_config = ConfigDict(frozen=True)

    agent_id: str
    period: str
    reviews: int
    average: float | None  # of the reviews' totals (percent)
    criteria: dict[str, float]  # criterion id → average score 0–4


class Scores(Validated):
    rows: list[ScoreRow]


def months_between(since: date, until: date) -> list[str]:
    months, year, month = [], since.year, since.month
    while (year, month) <= (until.year, until.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def period_of(day: date, period: Period) -> str:
    if period is Period.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def rows_of(reviews: list[Review], period: Period) -> list[ScoreRow]:
    """Scored reviews grouped by agent and period, in that order."""
    groups: dict[tuple[str, str], list[Review]] = defaultdict(list)
    for review in reviews:
        if review.scored_at is not None:
            groups[(review.agent_id, period_of(review.scored_at.date(), period))].append(review)
    rows = []
    for (agent_id, label), members in sorted(groups.items()):
        by_criterion: dict[str, list[float]] = defaultdict(list)
        for review in members:
            for key, value in review.scores.items():
                if value is not None:
                    by_criterion[key].append(value)
        totals = [review.total for review in members if review.total is not None]
        criteria = {key: mean for key, values in sorted(by_criterion.items()) if (mean := _mean(values)) is not None}
        rows.append(
            ScoreRow(agent_id=agent_id, period=label, reviews=len(members), average=_mean(totals), criteria=criteria)
        )
    return rows


def scores_over_time(store: HelpdeskStore, viewer: Viewer, query: ScoresQuery) -> Scores:
    """Coordinators see every agent; anyone else only their own rows."""
    agent_id = query.agent_id if viewer.reviews_quality else viewer.agent_id
    found = []
    for month in months_between(query.since, query.until):
        for value in store.reviews_scored_in(month):
            review = Review.model_validate(value)
            if review.scored_at is None or not query.since <= review.scored_at.date() <= query.until:
                continue
            if agent_id is None or review.agent_id == agent_id:
                found.append(review)
    return Scores(rows=rows_of(found, query.period))
