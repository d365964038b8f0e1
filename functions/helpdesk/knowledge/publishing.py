"""What changes to articles mean for what customers and agents find: every
change that touches a published article (publishing, unpublishing, archiving,
editing or restoring one) rebuilds both search indexes from the published
articles and keeps them on the shelf (``finding.IndexShelf``). A draft's
changes rebuild nothing."""

from datetime import datetime
from typing import Annotated, Self

from pydantic import ConfigDict, Field, model_validator

from helpdesk.access import Role, Viewer
from helpdesk.clock import utc_now
from helpdesk.knowledge import articles, helpcenter
from helpdesk.knowledge.articles import Article, ArticleEdit, ArticleStatus, ImportedArticle, ImportResult
from helpdesk.knowledge.finding import IndexShelf
from helpdesk.knowledge.indexing import build_all
from helpdesk.knowledge.synonyms import Synonyms, by_word, current_synonyms, save_synonyms
from helpdesk.models import Actor, Language
from helpdesk.store import HelpdeskStore
from helpdesk.validated import Validated


def rebuild_indexes(store: HelpdeskStore, shelf: IndexShelf, now: datetime | None = None) -> int:
    """Both indexes from the published articles, then the help center's pages
    that changed; how many articles were read."""
    published = articles.published_articles(store)
    now = now or utc_now()
    saved = current_synonyms(store)
    synonyms = {locale: by_word(saved, locale) for locale in Language}
    for audience, index in build_all(published, now, synonyms).items():
        shelf.keep(audience, index)
    publish_site(store, shelf, published)
    return len(published)


def publish_site(store: HelpdeskStore, shelf: IndexShelf, published: list[Article]) -> int:
    """Write the help center's pages that changed, copy the public articles'
    new files, remove what is gone; how many pages were written."""
    votes = store.article_votes([a.id for a in published])
    site = helpcenter.build_site(published, shelf.public(), {i: yes for i, (yes, _) in votes.items()})
    manifest = shelf.site_manifest()
    written, removed = helpcenter.changed_pages(site, manifest)
    copied = helpcenter.changed_files(site, manifest)
    if written or removed or copied:
        shelf.keep_pages(written, removed, site.hashes(), copied)
    return len(written)


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


MAX_IMPORT = 200  # articles in one import request (the command line sends a folder in batches)


class ArticleImport(Validated):
    """Body of ``POST /api/kb/import``: articles as a folder holds them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    articles: Annotated[tuple[ImportedArticle, ...], Field(min_length=1, max_length=MAX_IMPORT)]

    @model_validator(mode="after")
    def _unique(self) -> Self:
        ids = [a.id for a in self.articles]
        if len(set(ids)) != len(ids):
            raise ValueError("ids repetidos en la importación / duplicate ids in the import")
        return self


class ImportOutcome(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    created: list[str]
    updated: list[str]
    unchanged: list[str]


def import_articles(
    store: HelpdeskStore, shelf: IndexShelf, viewer: Viewer, actor: Actor, batch: ArticleImport
) -> ImportOutcome:
    """Create or update each article (editor right), then rebuild the indexes
    once if anything changed. Ids must be unique within the batch."""
    viewer.require_editor()
    outcome: dict[ImportResult, list[str]] = {result: [] for result in ImportResult}
    for imported in batch.articles:
        _, result = articles.import_article(store, actor, imported)
        outcome[result].append(imported.id)
    if outcome[ImportResult.CREATED] or outcome[ImportResult.UPDATED]:
        rebuild_indexes(store, shelf)
    return ImportOutcome(**{result.value: ids for result, ids in outcome.items()})


def change_synonyms(
    store: HelpdeskStore, shelf: IndexShelf, viewer: Viewer, actor: Actor, synonyms: Synonyms
) -> Synonyms:
    """Save the synonyms (administrators) and rebuild the indexes that carry them."""
    viewer.require(Role.ADMIN)
    saved = save_synonyms(store, synonyms, actor)
    rebuild_indexes(store, shelf)
    return saved
