"""What changes to articles mean for what customers and agents find: every
change that touches a published article (publishing, unpublishing, archiving,
editing or restoring one) rebuilds both search indexes from the published
articles and keeps them on the shelf (``finding.IndexShelf``). A draft's
changes rebuild nothing."""

from datetime import datetime

from helpdesk.access import Viewer
from helpdesk.clock import utc_now
from helpdesk.knowledge import articles
from helpdesk.knowledge.articles import Article, ArticleEdit, ArticleStatus
from helpdesk.knowledge.finding import IndexShelf
from helpdesk.knowledge.indexing import build_all
from helpdesk.models import Actor
from helpdesk.store import HelpdeskStore


def rebuild_indexes(store: HelpdeskStore, shelf: IndexShelf, now: datetime | None = None) -> int:
    """Both indexes from the published articles; how many articles were read."""
    published = articles.published_articles(store)
    now = now or utc_now()
    for audience, index in build_all(published, now).items():
        shelf.keep(audience, index)
    return len(published)


def _reindexed(store: HelpdeskStore, shelf: IndexShelf, before: ArticleStatus, after: Article) -> Article:
    if ArticleStatus.PUBLISHED in (before, after.status):
        rebuild_indexes(store, shelf)
    return after


def edit(
    store: HelpdeskStore, shelf: IndexShelf, viewer: Viewer, actor: Actor, article_id: str, change: ArticleEdit
) -> Article:
    before = articles.get_article(store, article_id).status
    return _reindexed(store, shelf, before, articles.change_article(store, viewer, actor, article_id, change))


def set_status(
    store: HelpdeskStore,
    shelf: IndexShelf,
    viewer: Viewer,
    actor: Actor,
    article_id: str,
    status: ArticleStatus,
    read_version: int,
) -> Article:
    before = articles.get_article(store, article_id).status
    after = articles.set_status(store, viewer, actor, article_id, status, read_version)
    return _reindexed(store, shelf, before, after)


def restore(
    store: HelpdeskStore, shelf: IndexShelf, viewer: Viewer, actor: Actor, article_id: str, number: int, version: int
) -> Article:
    before = articles.get_article(store, article_id).status
    after = articles.restore_revision(store, viewer, actor, article_id, number, version)
    return _reindexed(store, shelf, before, after)
