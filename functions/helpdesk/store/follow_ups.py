"""Follow-ups (``helpdesk.follow_ups``): one item per ticket and reason, kept as
the domain's JSON, in the queue of its state (``by_status``, oldest first).
Opening is conditional (a reason opens one follow-up per ticket however often
it happens); each save names the version it read.

The assistant's questions wait for their answer in ``BOTASKED#<hour>``
(sparse, by the moment the answer is due, kept ``KEEP_QUESTIONS``): the pass
that follows up the unanswered ones reads the hours since its checkpoint."""

from datetime import datetime, timedelta
from typing import Any

from helpdesk.clock import sortable
from helpdesk.errors import StaleFollowUp
from helpdesk.store import keys
from helpdesk.store.conditions import conditionally, get_or_none
from helpdesk.store.items import BotQuestionItem, FollowUpItem, HelpdeskItem
from helpdesk.store.surveys import hours_touched
from helpdesk.store.table import TableAccess

KEEP_QUESTIONS = timedelta(days=7)  # a question's item expires (TTL) this long after its answer was due


def bot_question_item(ticket_id: str, asked_at: datetime, due_at: datetime) -> BotQuestionItem:
    """The item that waits for the answer to the assistant's question (written
    with the question itself: ``append_message(question_due=)``)."""
    return BotQuestionItem(
        *keys.bot_question_key(due_at, ticket_id, asked_at),
        ticket_id=ticket_id,
        asked_at=asked_at,
        due_at=due_at,
        expires_at=due_at + KEEP_QUESTIONS,
    )


def _item(ticket_id: str, reason: str, value: dict[str, Any], version: int, state: str, created: datetime) -> Any:
    return FollowUpItem(
        *keys.follow_up_key(ticket_id, reason),
        value=value,
        version=version,
        GSI1PK=keys.follow_up_queue(state),
        GSI1SK=f"{sortable(created)}#{ticket_id}#{reason}",
    )


class FollowUps(TableAccess):
    def add_follow_up(self, ticket_id: str, reason: str, value: dict[str, Any], state: str, created: datetime) -> bool:
        """Open it; False (nothing written) when this ticket has one for this reason."""
        item = _item(ticket_id, reason, value, 1, state, created)
        return conditionally(lambda: item.save(condition=FollowUpItem.PK.does_not_exist()))

    def get_follow_up(self, ticket_id: str, reason: str) -> tuple[dict[str, Any], int] | None:
        item = get_or_none(FollowUpItem, *keys.follow_up_key(ticket_id, reason), consistent_read=True)
        return (dict(item.value), int(item.version)) if item else None

    def save_follow_up(
        self, ticket_id: str, reason: str, value: dict[str, Any], read_version: int, state: str, created: datetime
    ) -> int:
        """Save if still at ``read_version`` (``StaleFollowUp`` otherwise); the new version."""
        item = _item(ticket_id, reason, value, read_version + 1, state, created)
        if not conditionally(lambda: item.save(condition=FollowUpItem.version == read_version)):
            raise StaleFollowUp(ticket_id)
        return read_version + 1

    def follow_ups_in_state(self, state: str, limit: int) -> list[dict[str, Any]]:
        """The queue: entries in ``state``, oldest first (one index partition)."""
        query = HelpdeskItem.by_status.query(keys.follow_up_queue(state), limit=limit)
        return [dict(item.value) for item in query if isinstance(item, FollowUpItem)]

    def bot_questions_due_between(self, after: datetime, through: datetime) -> list[tuple[str, datetime, datetime]]:
        """(ticket id, asked at, due at) of the questions whose answer was due in
        (after, through], oldest first: one Query per hour touched."""
        found = []
        for hour, low, high in hours_touched(after, through):
            condition = BotQuestionItem.SK.between(*keys.hour_range(low, high))
            for item in BotQuestionItem.query(keys.bot_question_bucket(hour), condition, consistent_read=True):
                if isinstance(item, BotQuestionItem) and after < item.due_at <= through:
                    found.append((item.ticket_id, item.asked_at, item.due_at))
        return found
