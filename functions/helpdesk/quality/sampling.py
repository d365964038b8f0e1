"""Which conversations get a quality review, decided from a ticket's change
(the table's stream, ``functions/quality_sampler``):

- a ticket that becomes **solved** is sampled when its id falls in the
  scorecard's share (``sample_percent``): a hash of the id, so the same ticket
  always gets the same answer and a stream record delivered twice samples it
  once (the review itself is a conditional write: one per ticket);
- a ticket that is **reopened** (solved or closed before, open again) always is;
- a **poor CSAT** (≤ ``POOR_CSAT``) will be too, once surveys exist: the survey
  answer calls ``sample_poor_score`` (the hook is here and tested; nothing calls
  it yet);
- a coordinator may also pick any solved ticket by hand (``reviews.pick``).
"""

import hashlib
from datetime import datetime
from typing import Any

from helpdesk.models import Ticket, TicketStatus
from helpdesk.observability import logger
from helpdesk.quality.reviews import Reason, open_review
from helpdesk.quality.scorecards import current_scorecard
from helpdesk.store import HelpdeskStore

POOR_CSAT = 2  # a survey score at or under this opens a review
_DONE = (TicketStatus.SOLVED, TicketStatus.CLOSED)


def in_sample(ticket_id: str, percent: float) -> bool:
    """Whether the ticket falls in a ``percent`` share: the same answer for the
    same ticket every time (a hash of its id, spread over 10 000 slots)."""
    slot = int.from_bytes(hashlib.sha256(ticket_id.encode()).digest()[:8], "big") % 10_000
    return slot < round(percent * 100)


def reason_for(before: Ticket | None, after: Ticket, percent: float) -> Reason | None:
    """Why this change puts the ticket up for review, if it does."""
    was = before.status if before is not None else None
    if was in _DONE and after.status not in _DONE:
        return Reason.REOPENED
    if after.status is TicketStatus.SOLVED and was is not TicketStatus.SOLVED:
        return Reason.SAMPLED if in_sample(after.id, percent) else None
    return None


def sample_change(store: HelpdeskStore, before: Ticket | None, after: Ticket, at: datetime) -> bool:
    """Open a review when this change calls for one; True when one was opened
    now (False: not sampled, nobody's work to review, or reviewed already)."""
    scorecard = current_scorecard(store)
    reason = reason_for(before, after, scorecard.sample_percent)
    if reason is None:
        return False
    opened = open_review(store, after, reason, scorecard, at) is not None
    logger.info("quality sampling", extra={"ticket_id": after.id, "reason": reason.value, "opened": opened})
    return opened


def sample_stream_change(
    store: HelpdeskStore, old_image: dict[str, Any] | None, new_image: dict[str, Any] | None, at: datetime
) -> bool:
    """``sample_change`` for one record of the table's stream (its two images)."""
    after = store.ticket_from_image(new_image)
    if after is None:
        return False
    return sample_change(store, store.ticket_from_image(old_image), after, at)


def sample_poor_score(store: HelpdeskStore, ticket: Ticket, score: int, at: datetime) -> bool:
    """The surveys' hook: a CSAT answer at or under ``POOR_CSAT`` opens a review."""
    if score > POOR_CSAT:
        return False
    return open_review(store, ticket, Reason.POOR_CSAT, current_scorecard(store), at) is not None
