"""Knowledge-base articles (``helpdesk.knowledge``) in the table: one item per
article, kept as the domain's JSON, and one item per revision in the article's
partition (``REV#<number>``, oldest first). The article item carries the index
keys of its two views: every article in a status (``by_status``), and the
published ones by review-by date (``by_group``, sparse: only articles with a
date). An article and its new revision are written in one transaction that
names the version read, so two editors never overwrite each other and no
revision is ever lost or written twice."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from helpdesk.clock import sortable
from helpdesk.errors import HelpdeskError
from helpdesk.store import keys
from helpdesk.store.conditions import get_or_none
from helpdesk.store.items import ArticleItem, ContentGapItem, HelpdeskItem, RevisionItem, VotesItem
from helpdesk.store.table import TableAccess


@dataclass(frozen=True)
class ArticlePlace:
    """Where an article sits in the views."""

    status: str
    updated_at: datetime
    review_by: date | None  # only published articles with a date are in the review view


def _item(article_id: str, value: dict[str, Any], version: int, place: ArticlePlace) -> ArticleItem:
    item = ArticleItem(
        *keys.article_key(article_id),
        value=value,
        version=version,
        GSI1PK=keys.articles_in(place.status),
        GSI1SK=f"{sortable(place.updated_at)}#{article_id}",
    )
    if place.review_by is not None and place.status == "published":
        item.GSI2PK = keys.ARTICLES_REVIEW
        item.GSI2SK = f"{place.review_by.isoformat()}#{article_id}"
    return item


class Knowledge(TableAccess):
    def save_article(
        self,
        article_id: str,
        value: dict[str, Any],
        version: int,
        place: ArticlePlace,
        revision: tuple[int, dict[str, Any]],
        read_version: int,
        stale: type[HelpdeskError],
        exists: type[HelpdeskError],
    ) -> None:
        """Write the article at ``version`` and its revision ``(number, value)``
        if the article is still at ``read_version`` (0: it must not exist yet);
        else raise ``stale`` (or ``exists`` for a new one)."""
        item = _item(article_id, value, version, place)
        number, revision_value = revision
        revision_item = RevisionItem(*keys.revision_key(article_id, number), value=revision_value)
        condition = ArticleItem.PK.does_not_exist() if read_version == 0 else ArticleItem.version == read_version
        transaction = self._transaction()
        transaction.put("article", item, condition)
        transaction.put("revision", revision_item, RevisionItem.PK.does_not_exist())
        fail = exists if read_version == 0 else stale
        transaction.commit_or_raise({"article": lambda: fail(article_id)}, otherwise=lambda: stale(article_id))

    def get_article(self, article_id: str) -> dict[str, Any] | None:
        """The article's JSON, read consistently (a save starts from it)."""
        item = get_or_none(ArticleItem, *keys.article_key(article_id), consistent_read=True)
        return dict(item.value) if item else None

    def articles_in_status(self, status: str) -> list[dict[str, Any]]:
        """Every article in ``status``, oldest change first."""
        items = HelpdeskItem.by_status.query(keys.articles_in(status))
        return [dict(item.value) for item in items if isinstance(item, ArticleItem)]

    def articles_due_for_review(self, today: date) -> list[dict[str, Any]]:
        """Published articles whose review-by date is ``today`` or earlier, oldest date first."""
        until = f"{today.isoformat()}#~"
        items = HelpdeskItem.by_group.query(keys.ARTICLES_REVIEW, HelpdeskItem.GSI2SK.between("0", until))
        return [dict(item.value) for item in items if isinstance(item, ArticleItem)]

    def article_revisions(self, article_id: str) -> list[dict[str, Any]]:
        """The article's history, oldest first."""
        items = HelpdeskItem.query(
            keys.article_pk(article_id), HelpdeskItem.SK.startswith(keys.REVISION_PREFIX), consistent_read=True
        )
        return [dict(item.value) for item in items if isinstance(item, RevisionItem)]

    def record_vote(self, article_id: str, helpful: bool) -> None:
        """Count one reader's answer to "was this helpful?" (an atomic add)."""
        item = VotesItem(*keys.article_votes_key(article_id))
        counter = VotesItem.helpful if helpful else VotesItem.not_helpful
        item.update(actions=[counter.add(1), HelpdeskItem.type.set(VotesItem)])  # typed when created

    def article_votes(self, article_ids: list[str]) -> dict[str, tuple[int, int]]:
        """Each article's (helpful, not helpful) counts; articles never voted on are left out."""
        found: dict[str, tuple[int, int]] = {}
        keys_wanted = list(dict.fromkeys(keys.article_votes_key(i) for i in article_ids))
        for item in VotesItem.batch_get(keys_wanted):
            found[keys.article_id_of(item.PK)] = (int(item.helpful or 0), int(item.not_helpful or 0))
        return found

    def record_content_gap(self, query: str, example: str, locale: str, at: datetime, contact: bool) -> None:
        """One more search that found nothing (or, ``contact``, a question that
        ended in the contact form) for this normalized query; atomic."""
        item = ContentGapItem(*keys.content_gap_key(query))
        counter = ContentGapItem.contacts if contact else ContentGapItem.searches
        item.update(
            actions=[
                counter.add(1),
                HelpdeskItem.type.set(ContentGapItem),  # typed when created by this update
                ContentGapItem.gap_query.set(query),
                ContentGapItem.example.set(example),
                ContentGapItem.locale.set(locale),
                ContentGapItem.last_at.set(at),
                HelpdeskItem.GSI1PK.set(keys.CONTENT_GAPS),
                HelpdeskItem.GSI1SK.set(f"{sortable(at)}#{query}"),
            ]
        )

    def content_gaps(self, limit: int) -> list[dict[str, Any]]:
        """The content gaps, newest first."""
        items = HelpdeskItem.by_status.query(keys.CONTENT_GAPS, scan_index_forward=False, limit=limit)
        return [
            {"query": i.gap_query, "example": i.example, "locale": i.locale, "searches": int(i.searches or 0),
             "contacts": int(i.contacts or 0), "last_at": i.last_at}
            for i in items
            if isinstance(i, ContentGapItem)
        ]  # fmt: skip
