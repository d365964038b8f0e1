"""Which saved changes call for a follow-up, and what its detail says, on
tickets built in memory (a store that only records what would be opened)."""

from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest

from helpdesk.follow_ups.entries import FollowUpReason
from helpdesk.follow_ups.noticing import notice_change, solved_late_by
from helpdesk.models import Channel, SlaMetric, SlaTimer, Ticket, TicketSla, TicketStatus
from helpdesk.store import HelpdeskStore

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


class OpeningStore:
    """Records each follow-up opened (or fails, like a throttled table)."""

    def __init__(self, fail: bool = False) -> None:
        self.opened: list[tuple[str, str]] = []
        self.fail = fail

    def add_follow_up(self, ticket_id: str, reason: str, value: dict[str, Any], state: str, created: datetime) -> bool:
        if self.fail:
            raise ConnectionError("throttled")
        self.opened.append((reason, value["detail"]))
        return True


def ticket(status: TicketStatus, reopens: int = 0, resolution: SlaTimer | None = None) -> Ticket:
    sla = TicketSla(policy_id="p", timers=(resolution,)) if resolution else None
    return Ticket(id="t-1", number=7, channel=Channel.WHATSAPP, contact_id="c-1", status=status, reopens=reopens,
                  created_at=NOW - timedelta(days=3), updated_at=NOW, sla=sla)  # fmt: skip


def resolution(due: timedelta | None, met: timedelta, breached: timedelta | None = None) -> SlaTimer:
    return SlaTimer(metric=SlaMetric.RESOLUTION, target=timedelta(hours=8), met_at=NOW + met,
                    due_at=NOW + due if due is not None else None,
                    breached_at=NOW + breached if breached is not None else None)  # fmt: skip


def notice(before: Ticket, after: Ticket, wrote: str | None = None, fail: bool = False) -> list[tuple[str, str]]:
    store = OpeningStore(fail)
    notice_change(cast(HelpdeskStore, store), before, after, NOW, wrote)
    return store.opened


@pytest.mark.parametrize(
    ("timer", "said"),
    [
        (resolution(due=timedelta(0), met=timedelta(minutes=40)), "Resuelto 40 min después"),
        (resolution(due=timedelta(0), met=timedelta(hours=5, minutes=59)), "Resuelto 5 h después"),
        (resolution(due=timedelta(0), met=timedelta(days=3, hours=2)), "Resuelto 3 días después"),
        # paused when solved (no due time left), breached before the pause
        (resolution(due=None, met=timedelta(hours=2), breached=timedelta(0)), "Resuelto 2 h después"),
    ],
)
def test_solving_after_the_resolution_breach_says_how_late(timer: SlaTimer, said: str) -> None:
    (opened,) = notice(ticket(TicketStatus.OPEN), ticket(TicketStatus.SOLVED, resolution=timer))
    assert opened == (FollowUpReason.SOLVED_LATE.value, f"{said} de vencer su SLA de resolución")


def test_solving_in_time_or_without_a_promise_opens_nothing() -> None:
    in_time = resolution(due=timedelta(hours=1), met=timedelta(minutes=30))
    assert solved_late_by(ticket(TicketStatus.SOLVED, resolution=in_time)) is None
    assert notice(ticket(TicketStatus.OPEN), ticket(TicketStatus.SOLVED, resolution=in_time)) == []
    assert notice(ticket(TicketStatus.OPEN), ticket(TicketStatus.SOLVED)) == []
    # a change that does not solve it (a tag on a ticket solved late) opens nothing either
    late = resolution(due=timedelta(0), met=timedelta(hours=3))
    assert notice(ticket(TicketStatus.SOLVED, resolution=late), ticket(TicketStatus.SOLVED, resolution=late)) == []


def test_a_reopen_counts_and_the_third_is_followed_up() -> None:
    solved = ticket(TicketStatus.SOLVED, reopens=1)
    second = ticket(TicketStatus.OPEN).counting_reopen(solved)
    assert second.reopens == 2 and notice(solved, second) == []
    solved_again = ticket(TicketStatus.SOLVED, reopens=2)
    third = ticket(TicketStatus.OPEN).counting_reopen(solved_again)
    assert notice(solved_again, third) == [(FollowUpReason.REOPENED.value, "Reabierto 3 veces")]
    pending = ticket(TicketStatus.PENDING, reopens=2)
    assert ticket(TicketStatus.OPEN, reopens=2).counting_reopen(pending).reopens == 2  # pending → open is no reopen


def test_sigue_igual_counts_on_a_solved_ticket_only() -> None:
    reopened = ticket(TicketStatus.OPEN, reopens=1)
    assert notice(ticket(TicketStatus.SOLVED), reopened, "sigue igual") == [
        (FollowUpReason.NOT_SOLVED.value, "El cliente escribió: «sigue igual»")
    ]
    assert notice(ticket(TicketStatus.PENDING), ticket(TicketStatus.OPEN), "sigue igual") == []
    assert notice(ticket(TicketStatus.SOLVED), reopened, "ya se resolvió, gracias") == []


def test_a_follow_up_that_cannot_be_written_never_fails_the_saved_change() -> None:
    assert notice(ticket(TicketStatus.SOLVED), ticket(TicketStatus.OPEN, reopens=1), "sigue igual", fail=True) == []
