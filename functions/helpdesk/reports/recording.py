"""A ticket's stream record → the KPI rollups, exactly once (``rollups`` says how),
and the read of a date range (one Query of the filter's daily rollups)."""

from datetime import date, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ConfigDict

from helpdesk.models import Ticket
from helpdesk.reports.rollups import (
    Cells,
    filter_key,
    is_reopen,
    reopen_cell,
    rollup_delta,
    ticket_cells,
    total_cells,
)
from helpdesk.retrying import until_saved
from helpdesk.sla.setup import current_setup
from helpdesk.store import HelpdeskStore, RollupChange, Versioned
from helpdesk.validated import Validated

LONGEST_RANGE_DAYS = 366


def company_zone(store: HelpdeskStore) -> tzinfo:
    """The company's time zone: its first business calendar's (the SLA setup), UTC without one."""
    calendars = current_setup(store).calendars
    return ZoneInfo(calendars[0].time_zone) if calendars else ZoneInfo("UTC")


def _cells(contribution: dict[str, Any]) -> Cells:
    return total_cells(contribution.get("ticket_cells", {}), contribution.get("reopens", {}))


def record_ticket_change(store: HelpdeskStore, before: Ticket | None, after: Ticket | None, zone: tzinfo) -> bool:
    """Fold one change of a ticket (its images before and after) into the rollups;
    False when it changed nothing (a replayed, older or irrelevant record)."""
    if after is None:
        return False  # tickets are never deleted; a merge closes one

    def attempt() -> bool:
        read = store.kpi_contribution(after.id)
        old = read.value
        reopens = dict(old.get("reopens", {}))
        if is_reopen(before, after):
            reopens.setdefault(str(after.version), reopen_cell(after, zone))
        newer = after.version > int(old.get("ticket_version", 0))
        new = {
            "ticket_version": after.version if newer else old.get("ticket_version", 0),
            "ticket_cells": ticket_cells(after, zone) if newer else old.get("ticket_cells", {}),
            "reopens": reopens,
        }
        if new == old:
            return False
        delta = rollup_delta(_cells(old), _cells(new))
        current = store.kpi_rollups(sorted(delta))
        rollups = {}
        for target, change in delta.items():
            counters = dict(current[target].value)
            for counter, by in change.items():
                counters[counter] = counters.get(counter, 0) + by
            rollups[target] = Versioned({k: v for k, v in counters.items() if v}, current[target].version)
        store.save_kpi_change(RollupChange(after.id, new, read.version, rollups))
        return True

    return until_saved(attempt)


def record_stream_change(
    store: HelpdeskStore, old_image: dict[str, Any] | None, new_image: dict[str, Any] | None
) -> bool:
    """A stream record's images (DynamoDB JSON) into the rollups."""
    after = store.ticket_from_image(new_image)
    if after is None:
        return False
    return record_ticket_change(store, store.ticket_from_image(old_image), after, company_zone(store))


def days_between(since: date, until: date) -> list[str]:
    if until < since:
        raise ValueError("until before since")
    if (until - since).days + 1 > LONGEST_RANGE_DAYS:
        raise ValueError(f"at most {LONGEST_RANGE_DAYS} days")
    return [(since + timedelta(days=n)).isoformat() for n in range((until - since).days + 1)]


def daily_counters(
    store: HelpdeskStore,
    since: date,
    until: date,
    channel: str | None = None,
    group: str | None = None,
    agent: str | None = None,
) -> dict[str, dict[str, int]]:
    """Day → counters for one filter (every day of the range, empty where
    nothing happened): one Query of the filter's rollups, never a ticket."""
    days = days_between(since, until)
    found = store.kpi_days(filter_key(channel, group, agent), days[0], days[-1])
    return {day: found.get(day, {}) for day in days}


class RollupBackfill(Validated):
    model_config = ConfigDict(frozen=True)

    done_through: int  # the last ticket number looked at
    last_number: int
    tickets: int  # tickets read
    changed: int  # tickets whose contribution changed (0 when the stream had them all)


def backfill_rollups(store: HelpdeskStore, first: int = 1, most: int | None = None) -> RollupBackfill:
    """Fold every ticket's current state into the rollups, by ticket number from
    ``first`` (``most``: at most that many tickets, to run it in pieces). The same
    fold as the stream's, so it is idempotent and a ticket the stream counted at
    its version changes nothing. Reopens are events the stream saw: a backfill
    of a ticket the stream never saw counts its state, not its past reopens."""
    zone = company_zone(store)
    last = store.last_ticket_number()
    number, tickets, changed = first - 1, 0, 0
    while number < last and (most is None or tickets < most):
        number += 1
        ticket_id = store.find_ticket_id_by_number(number)
        ticket = store.get_ticket(ticket_id) if ticket_id else None
        if ticket is not None:
            tickets += 1
            changed += record_ticket_change(store, None, ticket, zone)
    return RollupBackfill(done_through=number, last_number=last, tickets=tickets, changed=changed)
