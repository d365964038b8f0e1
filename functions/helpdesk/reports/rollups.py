"""KPI rollups from the table's stream: per day (in the company's time zone) ×
channel × group × agent, counters that add up, so a date range is the sum of
its days and a percentile comes from a summed histogram, never from tickets.

**Idempotent by construction.** Each ticket keeps one *contribution* item: the
cells (day × channel × group × agent → counters) that its latest state adds to
the rollups, with the ticket version it was computed from. A stream record
changes the rollups by (new contribution − old contribution), written in one
transaction with the contribution, on the versions read. So:

- a replayed record (same ticket version) finds the contribution at that version
  already and changes nothing;
- an older record arriving after a newer one (reordered) has a lower version and
  changes nothing: the rollups already count the newer state;
- a reopen is an event, not a state: it is kept in the contribution as a set keyed
  by the ticket version of the reopening change, so it counts once whatever the
  order in which its record comes.

Each cell is added to the 8 rollups it belongs to (the channel, group and agent
each either themselves or ``*``): the reports read one item per day for any
filter combination. A ticket's attribution follows its latest state: reassigned,
its counts move to the new group or agent (the reopens stay where they happened).
"""

from bisect import bisect_left
from collections import defaultdict
from datetime import date, datetime, tzinfo
from itertools import product

from helpdesk.models import Ticket, TicketStatus

ANY = "*"
NOBODY = "none"  # the agent of an unassigned ticket, the group of an ungrouped one
# Histogram buckets (upper bounds, seconds): 1, 5, 15, 30 min; 1, 2, 4, 8, 12, 24,
# 48, 72 h; 7, 14, 30 days; then everything longer.
BUCKETS = (60, 300, 900, 1800, 3600, 7200, 14400, 28800, 43200, 86400, 172800, 259200, 604800, 1209600, 2592000)
SOLVED_STATES = (TicketStatus.SOLVED, TicketStatus.CLOSED)

Counters = dict[str, int]
Cells = dict[str, Counters]  # "day|channel|group|agent" → counters


def bucket(seconds: float) -> int:
    """The histogram bucket of a duration: the first upper bound it does not pass."""
    return bisect_left(BUCKETS, max(seconds, 0))


def percentile(histogram: dict[int, int], share: float) -> int | None:
    """The bucket's upper bound (seconds) at ``share`` of the counts (0.5: median);
    None when empty; the last bucket answers its lower bound (a floor)."""
    total = sum(histogram.values())
    if total == 0:
        return None
    rank, seen = share * total, 0
    for index in sorted(histogram):
        seen += histogram[index]
        if seen >= rank:
            return BUCKETS[min(index, len(BUCKETS) - 1)]
    return BUCKETS[-1]  # pragma: no cover - seen reaches total


def cell_key(day: date, ticket: Ticket) -> str:
    return "|".join((day.isoformat(), ticket.channel.value, ticket.group_id or NOBODY, ticket.assignee_id or NOBODY))


def _day(moment: datetime, zone: tzinfo) -> date:
    return moment.astimezone(zone).date()


def _add(cells: Cells, key: str, counter: str, by: int = 1) -> None:
    cells.setdefault(key, {})
    cells[key][counter] = cells[key].get(counter, 0) + by


def ticket_cells(ticket: Ticket, zone: tzinfo) -> Cells:
    """What a ticket in this state adds to the rollups."""
    cells: Cells = {}
    _add(cells, cell_key(_day(ticket.created_at, zone), ticket), "created")
    if ticket.first_response_at is not None:
        key = cell_key(_day(ticket.first_response_at, zone), ticket)
        _add(cells, key, "frt.count")
        _add(cells, key, f"frt.{bucket((ticket.first_response_at - ticket.created_at).total_seconds())}")
    if ticket.status in SOLVED_STATES and ticket.solved_at is not None and ticket.merged_into is None:
        key = cell_key(_day(ticket.solved_at, zone), ticket)
        _add(cells, key, "solved")
        _add(cells, key, f"resolution.{bucket((ticket.solved_at - ticket.created_at).total_seconds())}")
    for timer in ticket.sla.timers if ticket.sla else ():
        metric = timer.metric.value
        if timer.breached_at is not None:
            _add(cells, cell_key(_day(timer.breached_at, zone), ticket), f"sla_breached.{metric}")
        elif timer.met_at is not None:
            _add(cells, cell_key(_day(timer.met_at, zone), ticket), f"sla_met.{metric}")
    return cells


def reopen_cell(after: Ticket, zone: tzinfo) -> str:
    """Where a reopening change counts: the day it happened, the ticket's place then."""
    return cell_key(_day(after.updated_at, zone), after)


def is_reopen(before: Ticket | None, after: Ticket) -> bool:
    return after.reopened_since(before)


def total_cells(ticket_part: Cells, reopens: dict[str, str]) -> Cells:
    """A contribution's cells: its ticket's and one ``reopened`` per reopening change."""
    cells: Cells = {key: dict(counters) for key, counters in ticket_part.items()}
    for key in reopens.values():
        _add(cells, key, "reopened")
    return cells


def rollup_keys(cell: str) -> list[tuple[str, str]]:
    """The (day, filter) rollups a cell adds to: each dimension itself or ``*``."""
    day, channel, group, agent = cell.split("|")
    return [(day, "|".join(choice)) for choice in product((channel, ANY), (group, ANY), (agent, ANY))]


def rollup_delta(before: Cells, after: Cells) -> dict[tuple[str, str], Counters]:
    """(day, filter) → counter changes, zeros left out."""
    delta: dict[tuple[str, str], Counters] = defaultdict(dict)
    for cells, sign in ((before, -1), (after, 1)):
        for cell, counters in cells.items():
            for target in rollup_keys(cell):
                for counter, value in counters.items():
                    delta[target][counter] = delta[target].get(counter, 0) + sign * value
    return {t: {c: v for c, v in counters.items() if v} for t, counters in delta.items() if any(counters.values())}


def filter_key(channel: str | None, group: str | None, agent: str | None) -> str:
    return "|".join((channel or ANY, group or ANY, agent or ANY))
