"""Knowledge-base articles as a folder of Markdown files with YAML front matter
(``atiende kb import DIR`` / ``atiende kb export DIR``, the demo knowledge base).

One file per article, ``<id>.md``::

    ---
    id: rastrear-pedido
    title: "Cómo rastrear tu pedido"
    locale: es
    summary: "…"
    category: pedidos/seguimiento
    tags: [seguimiento, pedido]
    visibility: public          # public | internal | segment
    segment: {tiers: [vip]}     # only with visibility: segment
    translation_of: other-id    # optional
    review_by: 2027-06-30       # optional
    status: published           # optional: published (default) | draft | archived
    ---
    The body, in Markdown.

Reading validates each file as the API would (``NewArticle``): a folder with
one bad file is refused whole, naming the file, before anything is stored.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from helpdesk.knowledge.articles import Article, ArticleStatus, NewArticle

DEMO_FOLDER = Path(__file__).with_name("demo_knowledge")
FRONT_MATTER_FIELDS = ("id", "title", "locale", "summary", "category", "tags", "visibility", "segment",
                       "translation_of", "review_by", "status", "videos")  # fmt: skip


class UnreadableArticle(ValueError):
    """A file of the folder is not an article (its name and the reason)."""


@dataclass(frozen=True)
class ArticleFile:
    path: Path
    article: NewArticle
    status: ArticleStatus


def _split(text: str, path: Path) -> tuple[dict[str, Any], str]:
    if not text.startswith("---\n"):
        raise UnreadableArticle(f"{path.name}: falta el encabezado YAML (---) / missing YAML front matter")
    end = text.find("\n---\n", 4)
    if end < 0:
        raise UnreadableArticle(f"{path.name}: el encabezado YAML no se cierra / unterminated front matter")
    meta = yaml.safe_load(text[4:end]) or {}
    if not isinstance(meta, dict):
        raise UnreadableArticle(f"{path.name}: el encabezado no es un mapa / front matter is not a mapping")
    return meta, text[end + 5 :]


def read_file(path: Path) -> ArticleFile:
    meta, body = _split(path.read_text(encoding="utf-8"), path)
    unknown = set(meta) - set(FRONT_MATTER_FIELDS)
    if unknown:
        raise UnreadableArticle(f"{path.name}: campos desconocidos / unknown fields: {', '.join(sorted(unknown))}")
    status = meta.pop("status", ArticleStatus.PUBLISHED.value)
    try:
        article = NewArticle.model_validate({**meta, "body": body.strip()})
        return ArticleFile(path, article, ArticleStatus(status))
    except (ValidationError, ValueError) as exc:
        raise UnreadableArticle(f"{path.name}: {exc}") from exc


def read_folder(folder: Path) -> list[ArticleFile]:
    """Every ``*.md`` under ``folder`` (sorted), all valid, ids unique; else ``UnreadableArticle``."""
    files = [read_file(path) for path in sorted(folder.rglob("*.md"))]
    seen: dict[str, Path] = {}
    for found in files:
        article_id = found.article.id or found.path.stem
        if article_id in seen:
            raise UnreadableArticle(
                f"{found.path.name}: id repetido / duplicate id {article_id} ({seen[article_id].name})"
            )
        seen[article_id] = found.path
    return files


def to_text(article: Article) -> str:
    """An article as its file: the front matter (only what differs from the defaults) and the body."""
    meta: dict[str, Any] = {"id": article.id, "title": article.title, "locale": article.locale.value}
    if article.summary:
        meta["summary"] = article.summary
    if article.category:
        meta["category"] = article.category
    meta["tags"] = list(article.tags)
    meta["visibility"] = article.visibility.value
    if article.segment is not None:
        meta["segment"] = article.segment.model_dump(mode="json", exclude_defaults=True)
    if article.translation_of:
        meta["translation_of"] = article.translation_of
    if article.review_by:
        meta["review_by"] = article.review_by
    if article.videos:
        meta["videos"] = [v.model_dump(mode="json") for v in article.videos]
    meta["status"] = article.status.value
    header = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=None, width=120)
    return f"---\n{header}---\n{article.body}\n"


def write_folder(folder: Path, articles: list[Article]) -> int:
    """One ``<id>.md`` per article in ``folder`` (created if missing); how many were written."""
    folder.mkdir(parents=True, exist_ok=True)
    for article in articles:
        (folder / f"{article.id}.md").write_text(to_text(article), encoding="utf-8")
    return len(articles)
