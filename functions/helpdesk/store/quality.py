"""Quality reviews (``helpdesk.quality``): one item per reviewed ticket, kept as
the domain's JSON, with the index keys its three views read: the coordinators'
queue (by state, oldest first), an agent's own reviews (newest first) and the
reviews scored in a month (the scores over time). Each save names the version
it read, so two coordinators never overwrite each other."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from helpdesk.clock import sortable
from helpdesk.errors import StaleReview
from helpdesk.store import keys
from helpdesk.store.conditions import conditionally, get_or_none
from helpdesk.store.items import HelpdeskItem, ReviewItem
from helpdesk.store.table import TableAccess


@dataclass(frozen=True)
class ReviewPlace:
    """Where a review sits in the views: its state, whose work it is, when it
    was opened and (once scored) when it was scored."""

    state: str
    agent_id: str
    created_at: datetime
    scored_at: datetime | None = None


def _item(ticket_id: str, value: dict[str, Any], version: int, place: ReviewPlace) -> ReviewItem:
    created = f"{sortable(place.created_at)}#{ticket_id}"
    item = ReviewItem(
        *keys.review_key(ticket_id),
        value=value,
        version=version,
        GSI1PK=keys.review_queue(place.state),
        GSI1SK=created,
        GSI3PK=keys.agent_reviews(place.agent_id),
        GSI3SK=created,
    )
    if place.scored_at is not None:
        item.GSI2PK = keys.scored_reviews(place.scored_at.strftime("%Y-%m"))
        item.GSI2SK = f"{sortable(place.scored_at)}#{ticket_id}"
    return item


def _values(items: Iterator[HelpdeskItem]) -> list[dict[str, Any]]:
    return [dict(item.value) for item in items if isinstance(item, ReviewItem)]


class QualityReviews(TableAccess):
    def add_review(self, ticket_id: str, value: dict[str, Any], place: ReviewPlace) -> bool:
        """Open the ticket's review; False (nothing written) when it has one
        already: a ticket is reviewed at most once, however often it is sampled."""
        item = _item(ticket_id, value, 1, place)
        return conditionally(lambda: item.save(condition=ReviewItem.PK.does_not_exist()))

    def get_review(self, ticket_id: str) -> tuple[dict[str, Any], int] | None:
        """The review and its version, read consistently (a save starts from it)."""
        item = get_or_none(ReviewItem, *keys.review_key(ticket_id), consistent_read=True)
        return (dict(item.value), int(item.version)) if item else None

    def save_review(self, ticket_id: str, value: dict[str, Any], read_version: int, place: ReviewPlace) -> int:
        """Save the review if it is still at ``read_version``; the new version.
        ``StaleReview`` when someone saved it in between."""
        item = _item(ticket_id, value, read_version + 1, place)
        if not conditionally(lambda: item.save(condition=ReviewItem.version == read_version)):
            raise StaleReview(ticket_id)
        return read_version + 1

    def reviews_in_state(self, state: str, limit: int) -> list[dict[str, Any]]:
        """Reviews in ``state``, oldest first (the coordinators' queue)."""
        return _values(HelpdeskItem.by_status.query(keys.review_queue(state), limit=limit))

    def reviews_of_agent(self, agent_id: str, limit: int) -> list[dict[str, Any]]:
        """The reviews of an agent's work, newest first."""
        query = HelpdeskItem.by_assignee.query(keys.agent_reviews(agent_id), scan_index_forward=False, limit=limit)
        return _values(query)

    def reviews_scored_in(self, month: str) -> list[dict[str, Any]]:
        """Every review scored in ``month`` (yyyy-mm), in the order they were scored."""
        return _values(HelpdeskItem.by_group.query(keys.scored_reviews(month)))
