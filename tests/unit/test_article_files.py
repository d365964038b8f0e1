"""Files kept with knowledge-base articles (``helpdesk.knowledge.article_files``):
safe keys under the article's own prefix, only images and PDFs as their bytes
show them, the size limit, alt text for every image, the Markdown to insert,
and which files a public article's page takes to the help center."""

import base64
import hashlib
import re
from datetime import UTC, datetime
from typing import Any, cast

import pytest

from helpdesk import limits
from helpdesk.access import NotAllowed, Role, Viewer
from helpdesk.files import NotBase64, StoredFile
from helpdesk.knowledge import article_files, helpcenter
from helpdesk.knowledge.article_files import (
    AltTextMissing,
    ArticleFileNotFound,
    ArticleFileTooLarge,
    ArticleFileType,
    ArticleFileUpload,
)
from helpdesk.knowledge.articles import Article, ArticleNotFound, ArticleStatus, Visibility
from helpdesk.knowledge.finding import CompactIndex, IndexShelf
from helpdesk.knowledge.indexing import Audience, build_all
from helpdesk.models import Actor, ActorKind
from helpdesk.store import HelpdeskStore

BUCKET = "attachments"
EDITOR = Viewer(agent_id="sofia", role=Role.AGENT, editor=True)
AGENT = Viewer(agent_id="ana", role=Role.AGENT)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"x" * 64
NOW = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)
SOFIA = Actor(kind=ActorKind.AGENT, id="sofia", name="Sofía Castillo")


class Files:
    """The file store, in memory."""

    def __init__(self) -> None:
        self.kept: dict[tuple[str, str], tuple[bytes, str]] = {}

    def put(self, bucket: str, key: str, content: bytes, content_type: str, sha256: str, declared_type: str) -> None:
        self.kept[(bucket, key)] = (content, content_type)

    def describe(self, bucket: str, key: str) -> StoredFile | None:
        found = self.kept.get((bucket, key))
        return StoredFile(len(found[0]), found[1], hashlib.sha256(found[0]).hexdigest()) if found else None

    def link(self, bucket: str, key: str, filename: str, seconds: int) -> str:
        return f"https://files.example/{key}"

    def get(self, bucket: str, key: str) -> bytes:
        return self.kept[(bucket, key)][0]

    def erase(self, bucket: str, key: str) -> int:
        return 1 if self.kept.pop((bucket, key), None) else 0


def _article(article_id: str = "cambiar-contrasena", **changes: Any) -> Article:
    values: dict[str, Any] = {"id": article_id, "title": "Cambiar la contraseña", "author": SOFIA,
                              "updated_by": SOFIA, "created_at": NOW, "updated_at": NOW,
                              "status": ArticleStatus.PUBLISHED, **changes}  # fmt: skip
    return Article.model_validate(values)


class Articles:
    def __init__(self, *found: Article) -> None:
        self.found = {a.id: a.model_dump(mode="json") for a in found}

    def get_article(self, article_id: str) -> dict[str, Any] | None:
        return self.found.get(article_id)


def _store(*found: Article) -> HelpdeskStore:
    return cast(HelpdeskStore, Articles(*found))


def _upload(content: bytes, filename: str = "Captura de pantalla.PNG", **fields: str) -> ArticleFileUpload:
    data = base64.b64encode(content).decode()
    return ArticleFileUpload.model_validate({"filename": filename, "data": data, **fields})


def test_an_image_is_kept_under_the_articles_prefix_and_its_markdown_names_its_public_address() -> None:
    files = Files()
    kept = article_files.upload(_store(_article()), files, BUCKET, EDITOR, "cambiar-contrasena",
                                _upload(PNG, content_type="image/png", alt="Pantalla [de] inicio"))  # fmt: skip
    ((bucket, key),) = files.kept
    assert bucket == BUCKET
    assert re.fullmatch(r"knowledge/cambiar-contrasena/\d{4}/\d{2}/\d{2}/[0-9A-Z]{26}", key)
    assert "captura" not in key.lower()  # the name is a label, never part of a key
    assert article_files.stored_key("cambiar-contrasena", kept.id) == key
    assert kept.path == f"/ayuda/archivos/cambiar-contrasena/{kept.id}/captura-de-pantalla.png"
    assert kept.markdown == rf"![Pantalla \[de\] inicio]({kept.path})"
    assert kept.content_type == "image/png" and kept.size == len(PNG) and kept.filename == "Captura de pantalla.PNG"


def test_a_pdf_is_a_link_named_by_its_alt_text_or_its_label() -> None:
    store, files = _store(_article()), Files()
    labelled = article_files.upload(store, files, BUCKET, EDITOR, "cambiar-contrasena", _upload(PDF, "Guía.pdf"))
    assert labelled.markdown == f"[Guía.pdf]({labelled.path})" and labelled.path.endswith("/guia.pdf")
    assert labelled.content_type == "application/pdf"
    named = article_files.upload(store, files, BUCKET, EDITOR, "cambiar-contrasena",
                                 _upload(PDF, "g.pdf", alt="Guía de pagos"))  # fmt: skip
    assert named.markdown.startswith("[Guía de pagos](/ayuda/archivos/")


@pytest.mark.parametrize(
    ("content", "declared"),
    [
        (b"<html><script>alert(1)</script></html>", "image/png"),  # a label makes nothing an image
        (b"MZ\x90\x00", "application/pdf"),
        (b"PK\x03\x04rest", "application/zip"),
        (b"just text", "text/plain"),
    ],
)
def test_only_images_and_pdfs_as_their_bytes_show_them_are_taken(content: bytes, declared: str) -> None:
    files = Files()
    with pytest.raises(ArticleFileType):
        article_files.upload(_store(_article()), files, BUCKET, EDITOR, "cambiar-contrasena",
                             _upload(content, content_type=declared, alt="algo"))  # fmt: skip
    assert not files.kept


@pytest.mark.parametrize("alt", ["", "   \n "])
def test_an_image_without_alt_text_is_refused(alt: str) -> None:
    files = Files()
    with pytest.raises(AltTextMissing):
        article_files.upload(_store(_article()), files, BUCKET, EDITOR, "cambiar-contrasena", _upload(PNG, alt=alt))
    assert not files.kept


def test_the_size_limit_is_the_knowledge_limit() -> None:
    over = PNG + b"\x00" * (limits.KNOWLEDGE.max_file_bytes - len(PNG) + 1)
    files = Files()
    with pytest.raises(ArticleFileTooLarge) as refused:
        article_files.upload(_store(_article()), files, BUCKET, EDITOR, "cambiar-contrasena", _upload(over, alt="x"))
    assert refused.value.fill == {"megabytes": "4"} and not files.kept
    at_limit = over[:-1]
    kept = article_files.upload(_store(_article()), files, BUCKET, EDITOR, "cambiar-contrasena",
                                _upload(at_limit, alt="x"))  # fmt: skip
    assert kept.size == limits.KNOWLEDGE.max_file_bytes


def test_only_editors_upload_to_an_article_that_exists_with_base64() -> None:
    store = _store(_article())
    with pytest.raises(NotAllowed):
        article_files.upload(store, Files(), BUCKET, AGENT, "cambiar-contrasena", _upload(PNG, alt="x"))
    with pytest.raises(ArticleNotFound):
        article_files.upload(store, Files(), BUCKET, EDITOR, "no-existe", _upload(PNG, alt="x"))
    with pytest.raises(NotBase64):
        article_files.upload(store, Files(), BUCKET, EDITOR, "cambiar-contrasena",
                             ArticleFileUpload(filename="a.png", data="no es base64!", alt="x"))  # fmt: skip


def test_agents_read_an_articles_file_only_through_its_own_prefix() -> None:
    store, files = _store(_article(), _article("otro")), Files()
    kept = article_files.upload(store, files, BUCKET, EDITOR, "cambiar-contrasena", _upload(PNG, alt="x"))
    assert article_files.read(store, files, BUCKET, "cambiar-contrasena", kept.id) == (PNG, "image/png")
    for article_id, file_id in [("otro", kept.id), ("cambiar-contrasena", "../../x"), ("cambiar-contrasena", "none")]:
        with pytest.raises(ArticleFileNotFound):
            article_files.read(store, files, BUCKET, article_id, file_id)


def test_a_public_article_takes_only_its_own_files_to_the_help_center() -> None:
    store, files = _store(_article(), _article("interno")), Files()
    own = article_files.upload(store, files, BUCKET, EDITOR, "cambiar-contrasena", _upload(PNG, alt="x"))
    other = article_files.upload(store, files, BUCKET, EDITOR, "interno", _upload(PNG, alt="y"))
    disguised = other.path.replace("/interno/", "/cambiar-contrasena/")  # its own prefix: a key that holds nothing
    body = (
        f"{own.markdown}\n\n{other.markdown}\n\n![z]({disguised})\n\n"
        f"[guía](/ayuda/archivos/cambiar-contrasena/{own.id}/evil.html)\n\n"
        f"`{own.path.replace('.png', '-code.png')}` ![externa](https://cdn.example/a.png)"
    )
    named = article_files.named_files(_article(body=body))
    assert named == {own.path: article_files.stored_key("cambiar-contrasena", own.id),
                     disguised: article_files.stored_key("cambiar-contrasena", other.id)}  # fmt: skip
    shelf = IndexShelf(files, "knowledge", article_files_bucket=BUCKET)
    shelf.keep_pages({}, [], dict(named), named)
    assert shelf.served(own.path) == (PNG, "image/png")
    assert shelf.served(disguised) is None and shelf.served(other.path) is None
    assert shelf.site_manifest() == {own.path: named[own.path]}  # the next publish looks again, finds nothing


def test_the_site_holds_the_files_of_public_articles_only() -> None:
    store, files = _store(_article(), _article("interno")), Files()
    public = article_files.upload(store, files, BUCKET, EDITOR, "cambiar-contrasena", _upload(PNG, alt="x"))
    internal = article_files.upload(store, files, BUCKET, EDITOR, "interno", _upload(PNG, alt="y"))
    shown = [
        _article(body=public.markdown),
        _article("interno", body=internal.markdown, visibility=Visibility.INTERNAL),
        _article("borrador", body=public.markdown, status=ArticleStatus.DRAFT),
    ]
    index = CompactIndex(build_all(shown, NOW)[Audience.PUBLIC])
    site = helpcenter.build_site(shown, index, {})
    assert site.files == {public.path: article_files.stored_key("cambiar-contrasena", public.id)}
    assert f'<img src="{public.path}" alt="x">' in site.pages["/ayuda/articulos/cambiar-contrasena"]
    assert helpcenter.changed_files(site, {}) == site.files
    assert helpcenter.changed_files(site, site.hashes()) == {}
    gone = helpcenter.build_site(shown[1:], index, {})
    assert public.path in helpcenter.changed_pages(gone, site.hashes())[1]
