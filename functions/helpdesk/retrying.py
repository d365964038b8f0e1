"""Optimistic locking, retried: read, decide, write on the condition that
nothing changed meanwhile; when someone else wrote first, pause and do it all
again on what they wrote. Every such loop in the help desk is ``until_saved``
with the one limit below."""

from collections.abc import Callable
from typing import TypeVar

from helpdesk.clock import pause_before_retry
from helpdesk.errors import ConcurrentWrite, StaleContact, StaleTicket

# Attempts before a loop gives up. Set by the busiest race the help desk runs:
# a burst of messages from one customer, each delivery racing the others to
# the same contact and ticket (tests/integration/test_ingest.py runs 20 at
# once). Pauses grow to half a second (``clock.pause_before_retry``), so a loop
# that loses every race gives up after about 9 s of pauses (17 s at the very
# worst; the functions' time limit is 20 s). Contention that outlasts it is
# left to the caller: a redelivery (ingest), or the person trying again.
ATTEMPTS = 40

# Someone else wrote first: what was decided rests on a stale read.
CONFLICTS: tuple[type[Exception], ...] = (StaleTicket, StaleContact, ConcurrentWrite)

Result = TypeVar("Result")


def until_saved(
    attempt: Callable[[], Result],
    give_up: Callable[[], Exception] | None = None,
    *,
    conflicts: tuple[type[Exception], ...] = CONFLICTS,
    pause: Callable[[int], None] = pause_before_retry,
) -> Result:
    """What ``attempt()`` returns, calling it again (after ``pause(n)``, n the
    attempts lost so far) each time it raises one of ``conflicts``; the whole
    read-decide-write must happen inside it. After ATTEMPTS lost races, raises
    ``give_up()`` (chained to the last conflict), or that conflict itself."""
    for lost in range(ATTEMPTS - 1):
        try:
            return attempt()
        except conflicts:
            pause(lost)
    try:
        return attempt()
    except conflicts as conflict:
        if give_up is None:
            raise
        raise give_up() from conflict
