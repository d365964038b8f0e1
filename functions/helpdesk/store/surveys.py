"""Surveys in the table (``helpdesk.surveys``):

- a ticket that becomes solved is written in the partition of the hour it
  was solved, sorted by the moment (``mark_solved``, in the same transaction
  as the ticket), so the survey sender reads the moments since its
  checkpoint (one Query per hour touched), never the tickets;
- a due survey sits in the partition of the hour it is due, sorted likewise;
- sending claims the ticket's one survey item and the contact's "last
  surveyed" mark in one transaction, each conditional (no survey yet; none to
  this contact for N days): overlapping or repeated passes send once;
- an answer updates the survey (on the ticket and its copy on the contact)
  only while it may still change (``answerable_until``).
Surveys are kept as the domain's JSON: the store does not read them."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from helpdesk.models import Ticket
from helpdesk.store import keys
from helpdesk.store.conditions import Transaction, conditionally, get_or_none
from helpdesk.store.items import (
    HelpdeskItem,
    SolvedItem,
    SurveyDueItem,
    SurveyedItem,
    SurveyItem,
    SurveyOptOutItem,
)
from helpdesk.store.table import TableAccess

KEEP_MARKS = timedelta(days=30)  # solved and due items expire (TTL) after this


@dataclass(frozen=True)
class SurveyDue:
    ticket_id: str
    solved_at: datetime
    due_at: datetime
    policy_id: str


def mark_solved(transaction: Transaction, before: Ticket | None, after: Ticket) -> None:
    """A ticket that this change solves goes in its solved minute's partition."""
    if after.solved_since(before) and after.solved_at is not None:
        item = SolvedItem(
            *keys.solved_key(after.id, after.solved_at),
            ticket_id=after.id,
            solved_at=after.solved_at,
            expires_at=after.solved_at + KEEP_MARKS,
        )
        transaction.put("solved", item)


def hours_touched(after: datetime, through: datetime) -> list[tuple[datetime, datetime, datetime]]:
    """(hour, from, through) for each hour bucket (after, through] touches."""
    spans = []
    hour = after.replace(minute=0, second=0, microsecond=0)
    while hour <= through:
        spans.append((hour, max(after, hour - timedelta(microseconds=1)), min(through, hour + timedelta(hours=1))))
        hour += timedelta(hours=1)
    return spans


class SurveyRecords(TableAccess):
    def solved_between(self, after: datetime, through: datetime) -> list[tuple[str, datetime]]:
        """(ticket id, solved at) of the tickets solved in (after, through]: one
        Query per hour touched, however many tickets were ever solved."""
        found = []
        for hour, low, high in hours_touched(after, through):
            condition = SolvedItem.SK.between(*keys.hour_range(low, high))
            for item in SolvedItem.query(keys.solved_bucket(hour), condition, consistent_read=True):
                if isinstance(item, SolvedItem) and after < item.solved_at <= through:
                    found.append((item.ticket_id, item.solved_at))
        return found

    def put_survey_due(self, due: SurveyDue, at: datetime) -> None:
        """Write (or write again: same keys) a due survey at ``at`` (its due
        time, or the solve's moment when that has passed)."""
        SurveyDueItem(
            *keys.survey_due_key(at, due.ticket_id, due.solved_at),
            ticket_id=due.ticket_id,
            solved_at=due.solved_at,
            due_at=due.due_at,
            policy_id=due.policy_id,
            expires_at=due.due_at + KEEP_MARKS,
        ).save()

    def surveys_due_between(self, after: datetime, through: datetime) -> list[SurveyDue]:
        """The surveys due in (after, through] (one Query per hour touched)."""
        found = []
        for hour, low, high in hours_touched(after, through):
            condition = SurveyDueItem.SK.between(*keys.hour_range(low, high))
            for item in SurveyDueItem.query(keys.survey_due_bucket(hour), condition, consistent_read=True):
                if isinstance(item, SurveyDueItem):
                    found.append(SurveyDue(item.ticket_id, item.solved_at, item.due_at, item.policy_id))
        return found

    def claim_survey(
        self, survey: dict[str, Any], contact_id: str, ticket_id: str, sent_at: datetime, once_per_days: int
    ) -> set[str]:
        """Keep the ticket's survey as sent, if it has none ("survey" fails
        otherwise) and the contact was not surveyed in ``once_per_days`` days
        ("contact" fails). The names of the failed conditions; empty: claimed."""
        transaction = Transaction(self._connection)
        transaction.put("survey", SurveyItem(*keys.survey_key(ticket_id), value=survey, version=1),
                        condition=HelpdeskItem.PK.does_not_exist())  # fmt: skip
        transaction.put("copy", SurveyItem(*keys.contact_survey_key(contact_id, sent_at, ticket_id), value=survey,
                                           version=1))  # fmt: skip
        mark = SurveyedItem(*keys.surveyed_key(contact_id), last_sent_at=sent_at)
        recent = sent_at - timedelta(days=once_per_days)
        transaction.put("contact", mark,
                        condition=HelpdeskItem.PK.does_not_exist() | (SurveyedItem.last_sent_at <= recent))  # fmt: skip
        return transaction.commit()

    def get_survey(self, ticket_id: str) -> tuple[dict[str, Any], int] | None:
        """The ticket's survey and its version (each answer saved adds one)."""
        item = get_or_none(SurveyItem, *keys.survey_key(ticket_id), consistent_read=True)
        return (dict(item.value), int(item.version)) if item is not None else None

    def save_survey_answer(self, survey: dict[str, Any], contact_id: str, sent_at: datetime, ticket_id: str,
                           read_version: int) -> bool:  # fmt: skip
        """Save the answered survey (on the ticket and the contact's copy) if
        it is still at ``read_version`` (False: another answer came first)."""
        transaction = Transaction(self._connection)
        version = read_version + 1
        transaction.put("survey", SurveyItem(*keys.survey_key(ticket_id), value=survey, version=version),
                        condition=SurveyItem.version == read_version)  # fmt: skip
        transaction.put("copy", SurveyItem(*keys.contact_survey_key(contact_id, sent_at, ticket_id), value=survey,
                                           version=version))  # fmt: skip
        return not transaction.commit()

    def contact_surveys(self, contact_id: str, limit: int = 50) -> list[dict[str, Any]]:
        """A contact's surveys, newest first."""
        query = SurveyItem.query(
            keys.contact_pk(contact_id),
            SurveyItem.SK.startswith(keys.contact_surveys_prefix()),
            scan_index_forward=False,
            limit=limit,
        )
        return [dict(item.value) for item in query if isinstance(item, SurveyItem)]

    def survey_opt_out(self, contact_id: str) -> datetime | None:
        item = get_or_none(SurveyOptOutItem, *keys.survey_opt_out_key(contact_id), consistent_read=True)
        return item.at if item is not None else None

    def opt_out_of_surveys(self, contact_id: str, at: datetime, channel: str) -> bool:
        """Remember the contact wants no surveys; False if they had said so already."""
        item = SurveyOptOutItem(*keys.survey_opt_out_key(contact_id), at=at, channel=channel)
        return conditionally(lambda: item.save(condition=HelpdeskItem.PK.does_not_exist()))

    @staticmethod
    def survey_from_image(image: dict[str, Any] | None) -> dict[str, Any] | None:
        """A survey's JSON from a stream image (DynamoDB JSON), if it is one."""
        if not image:
            return None
        item = HelpdeskItem.from_raw_data(image)
        return dict(item.value) if isinstance(item, SurveyItem) else None

    def opt_in_to_surveys(self, contact_id: str) -> None:
        SurveyOptOutItem(*keys.survey_opt_out_key(contact_id)).delete()
