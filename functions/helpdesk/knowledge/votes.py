""" "¿Te fue útil?": readers' votes on public articles, and what editors see of them.

A vote counts only for an article the public index holds (a reader cannot
vote an internal or unpublished article into existence). One vote per browser
and article: the browser keeps the ids it voted on (a cookie the public route
sets and reads), and a repeat is thanked but not counted. The public route
also limits votes per address (``limits.HELP_CENTER_VOTES``)."""

from typing import Literal

from pydantic import ConfigDict

from helpdesk.knowledge.articles import ArticleId, ArticleNotFound, published_articles
from helpdesk.knowledge.finding import IndexShelf
from helpdesk.models import Language
from helpdesk.store import HelpdeskStore
from helpdesk.validated import Validated

MAX_REMEMBERED = 100  # article ids a browser's cookie keeps (the oldest go first)


class Vote(Validated):
    """The vote form's fields (``application/x-www-form-urlencoded``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    article_id: ArticleId
    helpful: Literal["yes", "no"]
    locale: Language = Language.SPANISH


class Helpfulness(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    helpful: int = 0
    not_helpful: int = 0


def remembered(cookie: str | None) -> list[str]:
    """The article ids a browser's cookie says it voted on."""
    return [i for i in (cookie or "").split(".") if i][:MAX_REMEMBERED]


def vote(store: HelpdeskStore, shelf: IndexShelf, cast: Vote, voted_before: list[str]) -> tuple[bool, list[str]]:
    """Count the vote unless this browser voted on the article before; (counted,
    the ids the browser should remember). ``ArticleNotFound`` for an article the
    public cannot see."""
    if cast.article_id not in shelf.public().article_ids:
        raise ArticleNotFound(cast.article_id)
    if cast.article_id in voted_before:
        return False, voted_before
    store.record_vote(cast.article_id, cast.helpful == "yes")
    return True, [cast.article_id, *voted_before][:MAX_REMEMBERED]


def helpfulness(store: HelpdeskStore, article_id: str) -> Helpfulness:
    counts = store.article_votes([article_id]).get(article_id, (0, 0))
    return Helpfulness(helpful=counts[0], not_helpful=counts[1])


class ArticleHelpfulness(Validated):
    """One published article's votes, as editors review them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: str
    locale: Language
    helpful: int
    not_helpful: int
    helpful_share: float  # helpful ÷ votes, 0..1


def helpfulness_report(store: HelpdeskStore) -> list[ArticleHelpfulness]:
    """Every published article readers voted on, the least helpful first (the
    ones to rewrite), then by most votes: one Query and one batch read."""
    published = published_articles(store)
    votes = store.article_votes([a.id for a in published])
    rows = [
        ArticleHelpfulness(id=a.id, title=a.title, locale=a.locale, helpful=yes, not_helpful=no,
                           helpful_share=round(yes / (yes + no), 3))
        for a in published
        for yes, no in (votes.get(a.id, (0, 0)),)
        if yes + no
    ]  # fmt: skip
    return sorted(rows, key=lambda r: (r.helpful_share, -(r.helpful + r.not_helpful), r.id))
