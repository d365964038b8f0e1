"""Knowledge-base articles: what an editor writes, the states an article goes
through (draft → published → archived, and back), and its revision history.

Every save names the version it read (two editors never overwrite each other)
and appends one revision with who did what and when; restoring a revision is a
new revision whose content is the old one's, so history only grows. Only
holders of the editor right (``helpdesk.access``) write; every agent reads.
Publishing, archiving and any change to a published article rebuild the
search indexes (``helpdesk.knowledge.publishing``).
"""

import re
import unicodedata
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import AwareDatetime, ConfigDict, Field, model_validator

from helpdesk.access import Viewer
from helpdesk.clock import new_id, utc_now
from helpdesk.errors import HelpdeskError
from helpdesk.knowledge.rendering import images_without_alt
from helpdesk.models import Actor, Language
from helpdesk.store import ArticlePlace, HelpdeskStore
from helpdesk.validated import Validated

ArticleId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")]
# Categories nest one level: "envios" or "envios/internacionales".
CategoryPath = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}(/[a-z0-9][a-z0-9-]{0,39})?$")]
Tag = Annotated[str, Field(pattern=r"^[\w-]{1,40}$")]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
MAX_BODY_CHARS = 100_000


class ArticleNotFound(HelpdeskError):
    message_key = "error.article_not_found"


class ArticleExists(HelpdeskError):
    message_key = "error.article_exists"


class StaleArticle(HelpdeskError):
    """Someone saved the article after the version the caller read."""

    message_key = "error.stale_article"


class RevisionNotFound(HelpdeskError):
    message_key = "error.revision_not_found"


class Visibility(StrEnum):
    PUBLIC = "public"  # the help center, the bot, everyone
    INTERNAL = "internal"  # agents only
    SEGMENT = "segment"  # agents, and contacts of the named tiers or countries


class ArticleStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class Segment(Validated):
    """The contacts a ``segment`` article is for: any of these tiers or countries."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tiers: Annotated[tuple[Annotated[str, Field(min_length=1, max_length=40)], ...], Field(max_length=20)] = ()
    countries: Annotated[tuple[CountryCode, ...], Field(max_length=30)] = ()


class Video(Validated):
    """A video shown from its provider, privacy-friendly (no provider request
    until the reader asks), with a caption and a transcript for who cannot watch."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    provider: Literal["youtube", "vimeo"]
    video_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{4,32}$")]
    caption: Annotated[str, Field(min_length=1, max_length=300)]
    transcript: Annotated[str, Field(max_length=20_000)] = ""


class ArticleContent(Validated):
    """What an editor writes. Every image in the body needs alt text."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: Annotated[str, Field(min_length=1, max_length=200)]
    body: Annotated[str, Field(max_length=MAX_BODY_CHARS)] = ""
    summary: Annotated[str, Field(max_length=500)] = ""
    category: CategoryPath | None = None
    tags: Annotated[tuple[Tag, ...], Field(max_length=20)] = ()
    locale: Language = Language.SPANISH
    translation_of: ArticleId | None = None  # the article this one translates
    visibility: Visibility = Visibility.PUBLIC
    segment: Segment | None = None
    review_by: date | None = None  # past it, the article shows in the review-due view
    videos: Annotated[tuple[Video, ...], Field(max_length=10)] = ()

    @model_validator(mode="after")
    def _checked(self) -> Self:
        missing = images_without_alt(self.body)
        if missing:
            raise ValueError(
                "cada imagen necesita texto alternativo / every image needs alt text: " + ", ".join(missing[:5])
            )
        segmented = self.segment is not None and bool(self.segment.tiers or self.segment.countries)
        if (self.visibility is Visibility.SEGMENT) != segmented:
            raise ValueError("un segmento va solo con visibility=segment / a segment goes only with visibility=segment")
        return self

    def content(self) -> "ArticleContent":
        return ArticleContent.model_validate(self.model_dump(include=set(ArticleContent.model_fields)))


class NewArticle(ArticleContent):
    """Body of ``POST /api/kb/articles``: an id (a slug) or one made from the title."""

    id: ArticleId | None = None


class ArticleEdit(ArticleContent):
    """Body of ``PUT /api/kb/articles/{id}``: the whole content and the version read."""

    version: Annotated[int, Field(ge=1)]


class VersionRead(Validated):
    """Body of publish, archive and restore: the version the editor read."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Annotated[int, Field(ge=1)]


class Article(ArticleContent):
    id: ArticleId
    status: ArticleStatus = ArticleStatus.DRAFT
    version: int = 1
    revisions: int = 1  # how many revisions the history holds
    author: Actor
    updated_by: Actor
    created_at: AwareDatetime
    updated_at: AwareDatetime
    published_at: AwareDatetime | None = None


class RevisionAction(StrEnum):
    CREATED = "created"
    EDITED = "edited"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"
    ARCHIVED = "archived"
    RESTORED = "restored"
    IMPORTED = "imported"


class Revision(Validated):
    """One entry of an article's history: who did what when, and the content after it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    number: int
    at: AwareDatetime
    actor: Actor
    action: RevisionAction
    status: ArticleStatus
    content: ArticleContent
    restored_from: int | None = None


def slug(title: str) -> str:
    """A readable id from a title: "¿Cómo pago?" → "como-pago"."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:60] or "articulo"


# reading


def _stored(store: HelpdeskStore, article_id: str) -> Article | None:
    value = store.get_article(article_id)
    return Article.model_validate(value) if value is not None else None


def get_article(store: HelpdeskStore, article_id: str) -> Article:
    article = _stored(store, article_id)
    if article is None:
        raise ArticleNotFound(article_id)
    return article


def published_articles(store: HelpdeskStore) -> list[Article]:
    return [Article.model_validate(v) for v in store.articles_in_status(ArticleStatus.PUBLISHED.value)]


def list_articles(
    store: HelpdeskStore, status: ArticleStatus | None = None, locale: Language | None = None
) -> list[Article]:
    """Articles newest change first, in one status or all."""
    statuses = (status,) if status else tuple(ArticleStatus)
    found = [Article.model_validate(v) for s in statuses for v in store.articles_in_status(s.value)]
    return sorted((a for a in found if locale is None or a.locale == locale), key=lambda a: a.updated_at, reverse=True)


def review_due(store: HelpdeskStore, today: date) -> list[Article]:
    """Published articles whose review-by date is today or past, oldest date first."""
    return [Article.model_validate(v) for v in store.articles_due_for_review(today)]


def revisions(store: HelpdeskStore, article_id: str) -> list[Revision]:
    get_article(store, article_id)
    return [Revision.model_validate(v) for v in store.article_revisions(article_id)]


# writing


def _save(
    store: HelpdeskStore,
    before: Article | None,
    after: Article,
    actor: Actor,
    action: RevisionAction,
    restored_from: int | None = None,
) -> Article:
    revision = Revision(
        number=after.revisions,
        at=after.updated_at,
        actor=actor,
        action=action,
        status=after.status,
        content=after.content(),
        restored_from=restored_from,
    )
    store.save_article(
        after.id,
        after.model_dump(mode="json"),
        after.version,
        ArticlePlace(status=after.status.value, updated_at=after.updated_at, review_by=after.review_by),
        (revision.number, revision.model_dump(mode="json")),
        read_version=before.version if before else 0,
        stale=StaleArticle,
        exists=ArticleExists,
    )
    return after


def create_article(
    store: HelpdeskStore, viewer: Viewer, actor: Actor, new: NewArticle, now: datetime | None = None
) -> Article:
    """A new draft (409 when the id is taken)."""
    viewer.require_editor()
    now = now or utc_now()
    article_id = new.id or f"{slug(new.title)}-{new_id()[-6:].lower()}"
    article = Article(
        **new.content().model_dump(), id=article_id, author=actor, updated_by=actor, created_at=now, updated_at=now
    )
    return _save(store, None, article, actor, RevisionAction.CREATED)


def _current(store: HelpdeskStore, article_id: str, read_version: int) -> Article:
    article = get_article(store, article_id)
    if article.version != read_version:
        raise StaleArticle(article_id)
    return article


def _next(before: Article, actor: Actor, now: datetime, **changes: object) -> Article:
    return before.model_copy(
        update={**changes, "version": before.version + 1, "revisions": before.revisions + 1,
                "updated_by": actor, "updated_at": now}
    )  # fmt: skip


def change_article(
    store: HelpdeskStore, viewer: Viewer, actor: Actor, article_id: str, edit: ArticleEdit, now: datetime | None = None
) -> Article:
    """Replace the content (a published article stays published and its change
    is live at once); unchanged content writes nothing."""
    viewer.require_editor()
    before = _current(store, article_id, edit.version)
    content = edit.content()
    if content == before.content():
        return before
    after = _next(before, actor, now or utc_now(), **content.model_dump())
    return _save(store, before, Article.model_validate(after.model_dump()), actor, RevisionAction.EDITED)


def set_status(
    store: HelpdeskStore,
    viewer: Viewer,
    actor: Actor,
    article_id: str,
    status: ArticleStatus,
    read_version: int,
    now: datetime | None = None,
) -> Article:
    """Publish, unpublish (back to draft) or archive; the same status writes nothing."""
    viewer.require_editor()
    before = _current(store, article_id, read_version)
    if before.status is status:
        return before
    now = now or utc_now()
    published_at = now if status is ArticleStatus.PUBLISHED else before.published_at
    after = _next(before, actor, now, status=status, published_at=published_at)
    action = {
        ArticleStatus.PUBLISHED: RevisionAction.PUBLISHED,
        ArticleStatus.DRAFT: RevisionAction.UNPUBLISHED,
        ArticleStatus.ARCHIVED: RevisionAction.ARCHIVED,
    }[status]
    return _save(store, before, after, actor, action)


def restore_revision(
    store: HelpdeskStore,
    viewer: Viewer,
    actor: Actor,
    article_id: str,
    number: int,
    read_version: int,
    now: datetime | None = None,
) -> Article:
    """Make an old revision's content the article's (a new revision, history kept)."""
    viewer.require_editor()
    before = _current(store, article_id, read_version)
    old = next((r for r in revisions(store, article_id) if r.number == number), None)
    if old is None:
        raise RevisionNotFound(f"{article_id}#{number}")
    after = _next(before, actor, now or utc_now(), **old.content.model_dump())
    return _save(store, before, Article.model_validate(after.model_dump()), actor, RevisionAction.RESTORED, number)


class ImportedArticle(NewArticle):
    """An article as a folder holds it (``atiende kb import``): its id, and the
    status it should have (published unless said otherwise)."""

    id: ArticleId
    status: ArticleStatus = ArticleStatus.PUBLISHED


class ImportResult(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def import_article(
    store: HelpdeskStore, actor: Actor, imported: ImportedArticle, now: datetime | None = None
) -> tuple[Article, ImportResult]:
    """Create the article, or update it in place with one revision when its
    content or status differs; the same file again writes nothing."""
    now = now or utc_now()
    content, status = imported.content(), imported.status
    before = _stored(store, imported.id)
    if before is None:
        published_at = now if status is ArticleStatus.PUBLISHED else None
        article = Article(**content.model_dump(), id=imported.id, status=status, author=actor, updated_by=actor,
                          created_at=now, updated_at=now, published_at=published_at)  # fmt: skip
        return _save(store, None, article, actor, RevisionAction.IMPORTED), ImportResult.CREATED
    if before.content() == content and before.status is status:
        return before, ImportResult.UNCHANGED
    published_at = now if status is ArticleStatus.PUBLISHED and before.status is not status else before.published_at
    after = _next(before, actor, now, **content.model_dump(), status=status, published_at=published_at)
    saved = _save(store, before, Article.model_validate(after.model_dump()), actor, RevisionAction.IMPORTED)
    return saved, ImportResult.UPDATED
