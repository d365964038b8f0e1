"""Images and PDFs kept with knowledge-base articles, on the local stack: an
editor uploads an image to a public article, publishes it, and the help center
serves it (the knowledge bucket's site/ holds a copy); archiving takes it away;
an internal article's file never reaches the help center, not even when a
public article names it; agents read any article's file through the API."""

import base64
import struct
import zlib
from typing import Any

import requests

from helpdesk import limits
from helpdesk.knowledge.finding import page_key
from helpdesk.settings import knowledge_settings
from tests.integration.conftest import AGENT_LOGIN as AGENT
from tests.integration.conftest import SUPERVISOR_LOGIN as EDITOR
from tests.integration.conftest import Api


def png() -> bytes:
    """A real 1×1 PNG (a browser draws it)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x0b\x5c\xad"))


def _upload(api: Api, token: str, article_id: str, content: bytes, **fields: str) -> requests.Response:
    body = {"filename": "Captura.png", "content_type": "image/png", "data": base64.b64encode(content).decode()}
    return api.send("POST", f"/api/kb/articles/{article_id}/files", token, {**body, **fields})


def _write(api: Api, token: str, article_id: str, visibility: str, body: str = "Texto.") -> dict[str, Any]:
    made = api.send("POST", "/api/kb/articles", token, {"id": article_id, "title": f"Artículo {article_id}",
                                                        "body": body, "visibility": visibility})  # fmt: skip
    assert made.status_code == 201, made.text
    return dict(made.json())


def _save_body(api: Api, token: str, article: dict[str, Any], body: str) -> dict[str, Any]:
    fields = ("title", "summary", "category", "tags", "locale", "visibility", "segment", "review_by", "videos")
    saved = api.send("PUT", f"/api/kb/articles/{article['id']}", token,
                     {**{f: article[f] for f in fields}, "body": body, "version": article["version"]})  # fmt: skip
    assert saved.status_code == 200, saved.text
    return dict(saved.json())


def _in_help_center(api: Api, path: str) -> bool:
    s3 = api.session.client("s3")
    listed = s3.list_objects_v2(Bucket=knowledge_settings().knowledge_bucket, Prefix=page_key(path))
    return any(o["Key"] == page_key(path) for o in listed.get("Contents", ()))


def test_a_public_articles_image_reaches_the_help_center_on_publish_and_leaves_on_archive(api: Api) -> None:
    editor, image = api.token(EDITOR), png()
    article = _write(api, editor, "con-captura", "public")
    uploaded = _upload(api, editor, "con-captura", image, alt="Botón «Olvidé mi contraseña»")
    assert uploaded.status_code == 201, uploaded.text
    kept = uploaded.json()
    assert kept["path"].startswith("/ayuda/archivos/") and kept["path"].endswith("/captura.png")
    assert kept["markdown"] == f"![Botón «Olvidé mi contraseña»]({kept['path']})"
    article = _save_body(api, editor, article, f"Pulsa el botón:\n\n{kept['markdown']}")
    assert not _in_help_center(api, kept["path"])  # a draft's file is nobody's to see yet
    assert requests.get(api.base + kept["path"], timeout=10).status_code == 404

    published = api.send("POST", "/api/kb/articles/con-captura/publish", editor, {"version": article["version"]})
    assert published.status_code == 200, published.text
    assert _in_help_center(api, kept["path"])
    served = requests.get(api.base + kept["path"], timeout=10)
    assert served.status_code == 200 and served.headers["Content-Type"] == "image/png"
    assert served.content == image
    page = requests.get(api.base + "/ayuda/articulos/con-captura", timeout=10).text
    assert f'<img src="{kept["path"]}" alt="Botón «Olvidé mi contraseña»">' in page

    version = published.json()["version"]
    archived = api.send("POST", "/api/kb/articles/con-captura/archive", editor, {"version": version})
    assert archived.status_code == 200
    assert not _in_help_center(api, kept["path"])
    assert requests.get(api.base + kept["path"], timeout=10).status_code == 404


def test_an_internal_articles_file_never_reaches_the_help_center(api: Api) -> None:
    editor = api.token(EDITOR)
    internal = _write(api, editor, "solo-agentes", "internal")
    kept = _upload(api, editor, "solo-agentes", png(), alt="Panel interno").json()
    internal = _save_body(api, editor, internal, kept["markdown"])
    assert api.send("POST", "/api/kb/articles/solo-agentes/publish", editor,
                    {"version": internal["version"]}).status_code == 200  # fmt: skip
    # a public article naming the internal article's file publishes nothing of it
    public = _write(api, editor, "copia-publica", "public", body=kept["markdown"])
    assert api.send("POST", "/api/kb/articles/copia-publica/publish", editor,
                    {"version": public["version"]}).status_code == 200  # fmt: skip
    assert not _in_help_center(api, kept["path"])
    assert requests.get(api.base + kept["path"], timeout=10).status_code == 404

    # agents see it through the API (the console's view of internal articles and drafts)
    headers = {"Authorization": f"Bearer {api.token(AGENT)}", "Accept": "application/octet-stream"}
    read = requests.get(f"{api.base}/api/kb/articles/solo-agentes/files/{kept['id']}", headers=headers, timeout=10)
    assert read.status_code == 200 and read.content == png()
    assert read.headers["Content-Type"] == "application/octet-stream"
    elsewhere = requests.get(f"{api.base}/api/kb/articles/copia-publica/files/{kept['id']}", headers=headers,
                             timeout=10)  # fmt: skip
    assert elsewhere.status_code == 404
    assert elsewhere.json()["error"]["message_key"] == "error.article_file_not_found"


def test_uploads_are_refused_with_clear_reasons(api: Api) -> None:
    editor = api.token(EDITOR)
    _write(api, editor, "para-subir", "public")
    over = png() + b"\x00" * (limits.KNOWLEDGE.max_file_bytes - len(png()) + 1)
    too_large = _upload(api, editor, "para-subir", over, alt="x")
    assert too_large.status_code == 400
    assert too_large.json()["error"]["message"]["es"].startswith("El archivo pasa de 4 MB")
    assert "4 MB" in too_large.json()["error"]["message"]["en"]
    script = _upload(api, editor, "para-subir", b"<svg onload=alert(1)>", alt="x", filename="a.png")
    assert script.status_code == 400 and script.json()["error"]["message_key"] == "error.article_file_type"
    no_alt = _upload(api, editor, "para-subir", png())
    assert no_alt.status_code == 400 and "texto alternativo" in no_alt.json()["error"]["message"]["es"]
    missing = _upload(api, editor, "no-existe", png(), alt="x")
    assert missing.status_code == 404 and missing.json()["error"]["message_key"] == "error.article_not_found"
    assert _upload(api, api.token(AGENT), "para-subir", png(), alt="x").status_code == 403
