"""Bot conversations the customer left: the assistant suggested articles and
asked "¿Te sirvió?", and for ``BOT_SILENCE`` nobody answered (no yes, no no,
no other message) and nobody took it (no handoff, no assignee, no agent's
reply). A person then reaches out: a ``bot_abandoned`` follow-up.

Asking writes the answer's due moment in its hour's sparse partition
(``turns.take_turn``); the SLA checker's minute pass (``follow_up_silences``)
reads the hours since its own checkpoint, never the tickets, and looks at
each ticket once, when its answer came due: a question answered, handed off
or asked again since is left alone (nothing is deleted on the hot path). A
ticket whose look fails holds the checkpoint just before it, for
``RETRY_FOR``; the entry is one per ticket (a conditional write), so a
repeated pass opens it once."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from helpdesk.assistant.tags import ASKED, BOT_SILENCE, is_on_duty
from helpdesk.follow_ups.entries import FollowUpReason, open_follow_up
from helpdesk.models import Ticket
from helpdesk.observability import logger
from helpdesk.store import HelpdeskStore

CHECKPOINT = "bot_questions"
FIRST_RUN_LOOKBACK = timedelta(hours=1)
SETTLE = timedelta(minutes=1)  # a question saved a moment late is still read
MAX_CATCH_UP = timedelta(days=1)
RETRY_FOR = timedelta(hours=1)
DETAIL = "El asistente preguntó «¿Te sirvió?» y el cliente no respondió en {hours} h (sin pasar a una persona)"


@dataclass
class SilenceReport:
    due: int = 0  # questions whose answer came due in the window
    opened: int = 0
    failed: int = 0


def left_unanswered(ticket: Ticket, asked_at: datetime) -> bool:
    """Still waiting on the question asked at ``asked_at``: the customer has
    not written since, nobody took the conversation, nor did the ticket end up merged."""
    last = ticket.last_customer_message_at
    return (
        ASKED in ticket.tags
        and is_on_duty(ticket)
        and ticket.merged_into is None
        and (last is None or last <= asked_at)
    )


def follow_up_silences(store: HelpdeskStore, now: datetime) -> SilenceReport:
    """Open a follow-up for each question whose answer came due since the
    checkpoint and never came; move the checkpoint."""
    report = SilenceReport()
    done = store.checkpoint(CHECKPOINT) or now - FIRST_RUN_LOOKBACK
    through = min(now - SETTLE, done + MAX_CATCH_UP)
    if through <= done:
        return report
    failed_at: datetime | None = None
    for ticket_id, asked_at, due_at in store.bot_questions_due_between(done, through):
        report.due += 1
        try:
            ticket = store.get_ticket(ticket_id)
            if ticket is not None and left_unanswered(ticket, asked_at):
                detail = DETAIL.format(hours=int(BOT_SILENCE / timedelta(hours=1)))
                report.opened += open_follow_up(store, ticket, FollowUpReason.BOT_ABANDONED, detail, now)
        except Exception:  # noqa: BLE001 - one ticket's failure never stops the others
            logger.exception("bot silence step failed", extra={"ticket_id": ticket_id})
            report.failed += 1
            failed_at = due_at if failed_at is None else min(failed_at, due_at)
    if failed_at is not None and now - failed_at < RETRY_FOR:
        through = failed_at - timedelta(microseconds=1)
    elif failed_at is not None:
        logger.error("bot silence step given up", extra={"failing_since": failed_at})
    if through > done:
        store.advance_checkpoint(CHECKPOINT, through)
    logger.info("bot silences", extra=report.__dict__)
    return report
