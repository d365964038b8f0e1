"""The assistant's state on a ticket, in tags agents see (``turns``), and
whether it still has the conversation: light enough for the scheduled pass
that follows up unanswered questions (``silence``) to read without the
assistant's search."""

from datetime import timedelta

from helpdesk.models import Ticket

ASKED, RETRIED, RESOLVED, HANDED_OFF = "bot-asked", "bot-retried", "bot-resolved", "bot-handoff"
BOT_SILENCE = timedelta(hours=24)  # "¿Te sirvió?" unanswered this long: a person reaches out (``silence``)


def is_on_duty(ticket: Ticket) -> bool:
    """Whether the assistant still has this conversation: nobody assigned, no
    handoff, and no agent's reply yet (an agent's first reply sets
    ``first_response_at``; the assistant's own never do)."""
    return ticket.assignee_id is None and HANDED_OFF not in ticket.tags and ticket.first_response_at is None
