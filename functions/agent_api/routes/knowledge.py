"""The knowledge base for agents (``helpdesk.knowledge``): every agent reads
and searches it (internal articles included); holders of the editor right
(admins always; an admin grants it) write, publish, archive and restore
articles. An API key with the ``kb:read`` scope (a CRM, a site's own search)
lists, reads and searches them as an agent would; nothing else takes a key."""

from datetime import date
from typing import Annotated

from chalice import Response
from pydantic import ConfigDict, Field

from agent_api import answers
from agent_api.routes.files import BYTES
from agent_api.routing import Area, Caller, json_answer
from helpdesk import connections, limits
from helpdesk.access import Role
from helpdesk.api_keys import Scope
from helpdesk.clock import utc_now
from helpdesk.knowledge import article_files, articles, gaps, publishing, votes
from helpdesk.knowledge.article_files import ArticleFile, ArticleFileUpload
from helpdesk.knowledge.articles import Article, ArticleEdit, ArticleStatus, NewArticle, Revision, VersionRead
from helpdesk.knowledge.gaps import ContentGap
from helpdesk.knowledge.rendering import images_without_alt, render
from helpdesk.knowledge.synonyms import Synonyms, current_synonyms
from helpdesk.knowledge.votes import Helpfulness, helpfulness
from helpdesk.models import Language
from helpdesk.settings import mail_settings
from helpdesk.validated import Validated

area = Area("knowledge")

_EVERY = ("error.invalid_request", "error.forbidden", "error.api_key_refused")
_ONE = (*_EVERY, "error.article_not_found")
_CHANGE = (*_ONE, "error.stale_article")

# The routes only holders of the editor right reach (an agent without it: 403).
# Their least role is "agent": the right, not a role, decides (the views check it).
EDITOR_ROUTES = {
    ("/api/kb/articles", "POST"),
    ("/api/kb/articles/{article_id}", "PUT"),
    ("/api/kb/articles/{article_id}/publish", "POST"),
    ("/api/kb/articles/{article_id}/unpublish", "POST"),
    ("/api/kb/articles/{article_id}/archive", "POST"),
    ("/api/kb/articles/{article_id}/revisions/{number}/restore", "POST"),
    ("/api/kb/articles/{article_id}/files", "POST"),
    ("/api/kb/preview", "POST"),
    ("/api/kb/import", "POST"),
    ("/api/kb/content-gaps", "GET"),
    ("/api/kb/helpfulness", "GET"),
}


class ArticleView(Article):
    """An article with its body rendered as sanitized HTML, and what readers said of it."""

    html: str
    helpfulness: Helpfulness


def _view(article: Article) -> ArticleView:
    counts = helpfulness(connections.store(), article.id)
    return ArticleView(**article.model_dump(), html=render(article.body), helpfulness=counts)


class ArticleList(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    articles: list[Article]


class ListQuery(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    status: ArticleStatus | None = None
    locale: Language | None = None


class Revisions(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    revisions: list[Revision]


class PreviewBody(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    body: Annotated[str, Field(max_length=articles.MAX_BODY_CHARS)]


class Preview(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    html: str
    images_without_alt: list[str]


class SearchQuery(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    q: Annotated[str, Field(min_length=1, max_length=limits.KNOWLEDGE.max_query_chars)]
    locale: Language = Language.SPANISH


class Hit(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: str
    summary: str
    category: str | None
    score: float
    visibility: str  # only a public article may be linked or quoted to a customer


class Hits(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    hits: list[Hit]


@area.route("/api/kb/articles", answer=ArticleList, query=ListQuery, errors=_EVERY, scope=Scope.KB_READ)
def list_articles(caller: Caller, query: ListQuery) -> Response:
    """Articles, newest change first (every status, or one; a locale or both)."""
    found = articles.list_articles(connections.store(), query.status, query.locale)
    return json_answer(ArticleList(articles=found))


@area.route(
    "/api/kb/articles",
    methods=("POST",),
    answer=ArticleView,
    status=201,
    body=NewArticle,
    errors=(*_EVERY, "error.article_exists"),
)
def create_article(caller: Caller, body: NewArticle) -> Response:
    """Write a new draft (editor right); every image needs alt text."""
    article = articles.create_article(connections.store(), caller.viewer, caller.actor, body)
    return json_answer(_view(article), status=201)


@area.route("/api/kb/articles/{article_id}", answer=ArticleView, errors=_ONE, scope=Scope.KB_READ)
def read_article(caller: Caller, article_id: str) -> Response:
    """An article, with its body rendered as sanitized HTML."""
    return json_answer(_view(articles.get_article(connections.store(), article_id)))


@area.route("/api/kb/articles/{article_id}", methods=("PUT",), answer=ArticleView, body=ArticleEdit, errors=_CHANGE)
def change_article(caller: Caller, article_id: str, body: ArticleEdit) -> Response:
    """Replace an article's content, naming the version read (editor right; 409
    when someone saved in between); a published article's change is live at once."""
    shelf = connections.knowledge_shelf()
    return json_answer(
        _view(publishing.edit(connections.store(), shelf, caller.viewer, caller.actor, article_id, body))
    )


def _status_route(path: str, status: ArticleStatus, summary: str) -> None:
    def change_status(caller: Caller, article_id: str, body: VersionRead) -> Response:
        store, shelf = connections.store(), connections.knowledge_shelf()
        changed = publishing.set_status(store, shelf, caller.viewer, caller.actor, article_id, status, body.version)
        return json_answer(_view(changed))

    change_status.__doc__ = summary
    change_status.__name__ = f"{status.value}_article"
    area.route(path, methods=("POST",), answer=ArticleView, body=VersionRead, errors=_CHANGE)(change_status)


_status_route(
    "/api/kb/articles/{article_id}/publish",
    ArticleStatus.PUBLISHED,
    "Publish an article (editor right): it reaches the help center, the bot and the agents' search.",
)
_status_route(
    "/api/kb/articles/{article_id}/unpublish",
    ArticleStatus.DRAFT,
    "Take an article back to draft (editor right): nobody finds it until it is published again.",
)
_status_route(
    "/api/kb/articles/{article_id}/archive",
    ArticleStatus.ARCHIVED,
    "Archive an article (editor right): kept with its history, found by nobody.",
)


@area.route("/api/kb/articles/{article_id}/revisions", answer=Revisions, errors=_ONE)
def article_revisions(caller: Caller, article_id: str) -> Response:
    """An article's history, oldest first: who did what when, and the content after it."""
    return json_answer(Revisions(revisions=articles.revisions(connections.store(), article_id)))


@area.route(
    "/api/kb/articles/{article_id}/revisions/{number}/restore",
    methods=("POST",),
    answer=ArticleView,
    body=VersionRead,
    errors=(*_CHANGE, "error.revision_not_found"),
)
def restore_revision(caller: Caller, article_id: str, number: str, body: VersionRead) -> Response:
    """Make an old revision's content the article's (editor right): a new
    revision, the history kept whole."""
    if not number.isdigit():
        raise articles.RevisionNotFound(number)
    store, shelf = connections.store(), connections.knowledge_shelf()
    restored = publishing.restore(store, shelf, caller.viewer, caller.actor, article_id, int(number), body.version)
    return json_answer(_view(restored))


@area.route(
    "/api/kb/articles/{article_id}/files",
    methods=("POST",),
    answer=ArticleFile,
    status=201,
    body=ArticleFileUpload,
    errors=(*_ONE, "error.article_file_too_large", "error.article_file_type", "error.alt_text_missing"),
)
def upload_article_file(caller: Caller, article_id: str, body: ArticleFileUpload) -> Response:
    """Keep an image (PNG, JPEG, GIF, WebP; alt text required) or a PDF with an
    article (editor right; base64, up to 4 MB): the answer's ``markdown`` shows
    it in the body. The help center serves it at ``path`` while the article is
    published and public; agents see it through the route below."""
    bucket = mail_settings().attachments_bucket
    kept = article_files.upload(connections.store(), connections.files(), bucket, caller.viewer, article_id, body)
    return json_answer(kept, status=201)


@area.route(
    "/api/kb/articles/{article_id}/files/{file_id}",
    answer=answers.FileBytes,
    errors=(*_ONE, "error.article_file_not_found"),
    scope=Scope.KB_READ,
)
def article_file(caller: Caller, article_id: str, file_id: str) -> Response:
    """An article's file as bytes (send ``Accept: application/octet-stream``),
    for the console's view of drafts and internal articles."""
    bucket = mail_settings().attachments_bucket
    content, _ = article_files.read(connections.store(), connections.files(), bucket, article_id, file_id)
    headers: dict[str, str | list[str]] = {
        "Content-Type": BYTES,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, max-age=300",
    }
    return Response(body=content, status_code=200, headers=headers)


@area.route("/api/kb/review-due", answer=ArticleList, errors=_EVERY)
def review_due(caller: Caller) -> Response:
    """Published articles past their review-by date, oldest date first."""
    today: date = utc_now().date()
    return json_answer(ArticleList(articles=articles.review_due(connections.store(), today)))


@area.route("/api/kb/preview", methods=("POST",), answer=Preview, body=PreviewBody, errors=_EVERY)
def preview(caller: Caller, body: PreviewBody) -> Response:
    """The editor's Markdown as the help center will show it (sanitized), and the
    images still missing alt text (editor right)."""
    caller.viewer.require_editor()
    return json_answer(Preview(html=render(body.body), images_without_alt=images_without_alt(body.body)))


@area.route("/api/kb/search", answer=Hits, query=SearchQuery, errors=_EVERY, scope=Scope.KB_READ)
def search_articles(caller: Caller, query: SearchQuery) -> Response:
    """Search every published article, internal ones included (agents only)."""
    found = connections.knowledge_shelf().agents().find(query.q, query.locale, limits.KNOWLEDGE.results)
    return json_answer(Hits(hits=[Hit(id=h.id, title=h.title, summary=h.summary, category=h.category,
                                      score=h.score, visibility=h.visibility) for h in found]))  # fmt: skip


@area.route("/api/kb/import", methods=("POST",), answer=publishing.ImportOutcome, body=publishing.ArticleImport,
            errors=_EVERY)  # fmt: skip
def import_articles(caller: Caller, body: publishing.ArticleImport) -> Response:
    """Create or update up to 200 articles as a folder holds them (editor right;
    ``atiende kb import``): the same articles again change nothing, a changed one
    gets a revision; the search indexes are rebuilt once."""
    store, shelf = connections.store(), connections.knowledge_shelf()
    return json_answer(publishing.import_articles(store, shelf, caller.viewer, caller.actor, body))


class ContentGaps(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    gaps: list[ContentGap]


@area.route("/api/kb/content-gaps", answer=ContentGaps, errors=_EVERY)
def content_gaps(caller: Caller) -> Response:
    """What customers searched in the help center without finding an article, or
    asked through the contact form, grouped by normalized query, newest first
    (editor right)."""
    caller.viewer.require_editor()
    return json_answer(ContentGaps(gaps=gaps.content_gaps(connections.store())))


class HelpfulnessReport(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    articles: list[votes.ArticleHelpfulness]


@area.route("/api/kb/helpfulness", answer=HelpfulnessReport, errors=_EVERY)
def helpfulness_report(caller: Caller) -> Response:
    """Readers' "Was this helpful?" votes per published article, the least
    helpful first (editor right)."""
    caller.viewer.require_editor()
    return json_answer(HelpfulnessReport(articles=votes.helpfulness_report(connections.store())))


@area.route("/api/kb/synonyms", answer=Synonyms, errors=_EVERY)
def synonyms(caller: Caller) -> Response:
    """The help desk's own synonyms for search, with their version."""
    return json_answer(current_synonyms(connections.store()))


@area.route("/api/kb/synonyms", methods=("PUT",), role=Role.ADMIN, answer=Synonyms, body=Synonyms,
            errors=(*_EVERY, "error.stale_setting"))  # fmt: skip
def put_synonyms(caller: Caller, body: Synonyms) -> Response:
    """Replace the synonyms (administrators), naming the version read; every
    search applies them at once (the indexes are rebuilt)."""
    store, shelf = connections.store(), connections.knowledge_shelf()
    return json_answer(publishing.change_synonyms(store, shelf, caller.viewer, caller.actor, body))
