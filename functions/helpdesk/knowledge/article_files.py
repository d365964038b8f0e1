"""Files kept with knowledge-base articles: the images and PDFs an editor
uploads to an article, and the address the article's Markdown names them by.

An upload is kept as ticket files are (``helpdesk.files``): in the attachments
bucket, under ``knowledge/<article id>/`` and a key of a date and a ULID (what
the editor's file was called is only a label, never part of a key), typed by
what its bytes show. Only images (PNG, JPEG, GIF, WebP) and PDFs whose bytes
say so are taken, up to ``limits.KNOWLEDGE.max_file_bytes``; an image needs
alt text, as every image of an article does.

The body names a file by its public address,
``/ayuda/archivos/<article id>/<file id>/<name>`` (one prefix for both
languages, like the help center's style sheet): the file id is the key's date
and ULID, so the address leads back to exactly one key. Publishing a public
article copies its own files its body names to the help center (``helpcenter``,
``publishing``); a public article naming another article's file publishes
nothing of it, and each address belongs to one article only.
"""

import re
from typing import Annotated

from pydantic import ConfigDict, Field

from helpdesk import limits
from helpdesk.access import Viewer
from helpdesk.errors import HelpdeskError
from helpdesk.files import FileStore, file_label, keep_file, sniff_content_type, uploaded_bytes
from helpdesk.knowledge.articles import Article, get_article, slug
from helpdesk.knowledge.rendering import addresses
from helpdesk.store import HelpdeskStore
from helpdesk.validated import Validated

FILES_PATH = "/ayuda/archivos"  # where the help center serves articles' files, for both languages
KEY_PREFIX = "knowledge"  # in the attachments bucket: knowledge/<article id>/<yyyy>/<mm>/<dd>/<ulid>
# What an article may carry, as the bytes show it, and the extension its address gets.
EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/pdf": "pdf",
}
_ULID = "[0-9A-HJKMNP-TV-Z]{26}"
FILE_ID = re.compile(rf"^(\d{{4}})(\d{{2}})(\d{{2}})-({_ULID})$")
_KEY_TAIL = re.compile(rf"/(\d{{4}})/(\d{{2}})/(\d{{2}})/({_ULID})$")
_NAME = rf"[a-z0-9][a-z0-9-]{{0,59}}\.(?:{'|'.join(EXTENSIONS.values())})"
PUBLIC_ADDRESS = re.compile(
    rf"^{FILES_PATH}/(?P<article_id>[a-z0-9][a-z0-9-]{{0,79}})/(?P<file_id>\d{{8}}-{_ULID})/(?P<name>{_NAME})$"
)


class ArticleFileTooLarge(HelpdeskError):
    message_key = "error.article_file_too_large"

    def __init__(self, filename: str) -> None:
        super().__init__(filename)
        self.fill = {"megabytes": str(limits.KNOWLEDGE.max_file_bytes // (1024 * 1024))}


class ArticleFileType(HelpdeskError):
    message_key = "error.article_file_type"


class AltTextMissing(HelpdeskError):
    message_key = "error.alt_text_missing"


class ArticleFileNotFound(HelpdeskError):
    message_key = "error.article_file_not_found"


class ArticleFileUpload(Validated):
    """Body of ``POST /api/kb/articles/{id}/files``: one image or PDF, base64,
    and the alt text an image needs (a PDF's link shows it, or the file's name)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    filename: Annotated[str, Field(min_length=1, max_length=200)]
    content_type: Annotated[str, Field(max_length=200)] = "application/octet-stream"
    data: Annotated[str, Field(min_length=1, max_length=(limits.KNOWLEDGE.max_file_bytes * 4) // 3 + 8)]
    alt: Annotated[str, Field(max_length=300)] = ""


class ArticleFile(Validated):
    """A file kept with an article: its address and the Markdown that shows it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    filename: str  # what the editor's file was called (a label)
    content_type: str
    size: int
    path: str  # /ayuda/archivos/<article id>/<id>/<name>: the help center serves it there while the article is public
    markdown: str  # to insert in the body: an image with its alt text, or a link to the PDF


def stored_prefix(article_id: str) -> str:
    return f"{KEY_PREFIX}/{article_id}"


def file_id_of(key: str) -> str:
    """A stored key's file id: its date and ULID (``20261207-01J…``)."""
    found = _KEY_TAIL.search(key)
    if found is None:
        raise ValueError(f"not an article file's key: {key}")
    year, month, day, ulid = found.groups()
    return f"{year}{month}{day}-{ulid}"


def stored_key(article_id: str, file_id: str) -> str | None:
    """Where an article's file is kept (None for what is no file id)."""
    found = FILE_ID.match(file_id)
    if found is None:
        return None
    year, month, day, ulid = found.groups()
    return f"{stored_prefix(article_id)}/{year}/{month}/{day}/{ulid}"


def public_name(label: str, content_type: str) -> str:
    """The last part of a file's address: its label as a slug, with its type's extension."""
    stem = label.rsplit(".", 1)[0] if "." in label else label
    return f"{slug(stem)}.{EXTENSIONS[content_type]}"


def _escaped(text: str) -> str:
    """Text safe inside Markdown's brackets (one line, no markup)."""
    return re.sub(r"([\\\[\]*_`<>!])", r"\\\1", " ".join(text.split()))


def upload(
    store: HelpdeskStore, files: FileStore, bucket: str, viewer: Viewer, article_id: str, file: ArticleFileUpload
) -> ArticleFile:
    """Keep an editor's image or PDF with the article (editor right; 404 when
    there is no such article)."""
    viewer.require_editor()
    article = get_article(store, article_id)
    content = uploaded_bytes(file.data, file.filename)
    if len(content) > limits.KNOWLEDGE.max_file_bytes:
        raise ArticleFileTooLarge(file.filename)
    content_type = sniff_content_type(content, "")  # only what the bytes show: a label makes nothing an image
    if content_type not in EXTENSIONS:
        raise ArticleFileType(content_type)
    alt = " ".join(file.alt.split())
    image = content_type.startswith("image/")
    if image and not alt:
        raise AltTextMissing(file.filename)
    label = file_label(file.filename)
    kept = keep_file(files, bucket, stored_prefix(article.id), content, label, file.content_type)
    kept_id = file_id_of(kept.key)
    path = f"{FILES_PATH}/{article.id}/{kept_id}/{public_name(label, content_type)}"
    markdown = f"![{_escaped(alt)}]({path})" if image else f"[{_escaped(alt or label)}]({path})"
    return ArticleFile(
        id=kept_id, filename=label, content_type=kept.content_type, size=kept.size, path=path, markdown=markdown
    )


def named_files(article: Article) -> dict[str, str]:
    """The article's own files its body names: public address → stored key
    (another article's address names nothing; one of no file, a key that holds nothing)."""
    found: dict[str, str] = {}
    if FILES_PATH not in article.body:  # most articles: no second parse of the body on each publish
        return found
    for address in addresses(article.body):
        matched = PUBLIC_ADDRESS.match(address)
        key = stored_key(article.id, matched["file_id"]) if matched and matched["article_id"] == article.id else None
        if key is not None:
            found[address] = key
    return found


def read(store: HelpdeskStore, files: FileStore, bucket: str, article_id: str, file_id: str) -> tuple[bytes, str]:
    """An article's file for an agent (any article: agents read internal ones
    and drafts too): its bytes and type."""
    article = get_article(store, article_id)
    key = stored_key(article.id, file_id)
    stored = files.describe(bucket, key) if key else None
    if key is None or stored is None:
        raise ArticleFileNotFound(file_id)
    return files.get(bucket, key), stored.content_type
