"""One retry loop for every optimistic-locking write: it tries again on a lost
race, pausing between attempts, and stops at one limit."""

import pytest

from helpdesk.errors import ConcurrentWrite, IngestGaveUp, StaleContact, StaleTicket, TicketNotFound
from helpdesk.retrying import ATTEMPTS, until_saved


class Attempts:
    """An attempt that loses the race ``losses`` times (raising ``conflict``), then saves."""

    def __init__(self, losses: int, conflict: Exception | None = None) -> None:
        self.losses = losses
        self.conflict = conflict or StaleTicket(None)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.losses:
            raise self.conflict
        return "saved"


class Pauses(list[int]):
    """Records each pause (the attempts lost so far) instead of sleeping."""

    def __call__(self, lost: int) -> None:
        self.append(lost)


def test_a_write_that_wins_at_once_returns_its_result_without_pausing() -> None:
    # Given nobody else writes
    attempt, pauses = Attempts(losses=0), Pauses()

    # When it is saved
    result = until_saved(attempt, pause=pauses)

    # Then it ran once and returned what it saved
    assert result == "saved"
    assert attempt.calls == 1
    assert pauses == []


@pytest.mark.parametrize("conflict", [StaleTicket(None), StaleContact("c1"), ConcurrentWrite("x")])
def test_a_lost_race_is_tried_again_after_a_growing_pause(conflict: Exception) -> None:
    # Given someone else writes first three times
    attempt, pauses = Attempts(losses=3, conflict=conflict), Pauses()

    # When it is saved
    result = until_saved(attempt, pause=pauses)

    # Then it read-decided-wrote four times, pausing before each retry
    assert result == "saved"
    assert attempt.calls == 4
    assert pauses == [0, 1, 2]


def test_it_stops_at_the_limit_with_the_callers_error() -> None:
    # Given someone else always writes first
    attempt, pauses = Attempts(losses=10_000), Pauses()

    # When it is saved with the caller's own way of giving up
    with pytest.raises(IngestGaveUp) as gave_up:
        until_saved(attempt, give_up=lambda: IngestGaveUp("busy"), pause=pauses)

    # Then it tried exactly ATTEMPTS times, pausing between them (not after the last)
    assert attempt.calls == ATTEMPTS
    assert pauses == list(range(ATTEMPTS - 1))
    assert isinstance(gave_up.value.__cause__, StaleTicket)  # the last lost race, for the logs


def test_without_a_way_to_give_up_the_last_conflict_is_raised() -> None:
    # Given someone else always writes first
    attempt = Attempts(losses=10_000, conflict=StaleContact("c1"))

    # When it is saved with no error of the caller's
    # Then the last conflict itself comes out, after the same number of attempts
    with pytest.raises(StaleContact):
        until_saved(attempt, pause=Pauses())
    assert attempt.calls == ATTEMPTS


def test_other_errors_are_not_retried() -> None:
    # Given an attempt refused for a reason that reading again cannot change
    calls = Pauses()

    def attempt() -> str:
        calls.append(0)
        raise TicketNotFound("t1")

    # When it is saved
    # Then the refusal comes out at once
    with pytest.raises(TicketNotFound):
        until_saved(attempt, pause=Pauses())
    assert len(calls) == 1


def test_a_caller_may_name_more_races_to_retry() -> None:
    # Given an attempt that loses a race the default set does not know
    class Raced(Exception):
        pass

    attempt = Attempts(losses=2, conflict=Raced())

    # When that race is named
    result = until_saved(attempt, conflicts=(StaleTicket, Raced), pause=Pauses())

    # Then it is retried like the others
    assert result == "saved"
    assert attempt.calls == 3
