"""The knowledge base on the local stack's bootstrap: an editor (the demo
supervisor holds the right) writes, publishes, edits and restores an article;
the Markdown is rendered safe; agents without the right read and search but
never write; the agents' search finds what was published, and unpublishing
takes it out."""

import re
from typing import Any

import requests

from tests.integration.conftest import ADMIN_LOGIN as ADMIN
from tests.integration.conftest import AGENT_LOGIN as AGENT
from tests.integration.conftest import SUPERVISOR_LOGIN as EDITOR
from tests.integration.conftest import Api

HOSTILE = """# Cambiar la contraseña

<script>alert('x')</script>

[Abre esto](javascript:alert(1)) y <img src=x onerror=alert(1)>

![Pantalla de inicio de sesión con el enlace «Olvidé mi contraseña»](https://cdn.example/login.png)
"""


def _article(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Cómo cambiar la contraseña de tu cuenta",
        "summary": "Pasos para cambiar la clave desde la app o la web.",
        "body": "Entra a **Mi cuenta** y elige *Cambiar contraseña*.",
        "category": "cuenta/seguridad",
        "tags": ["contrasena", "cuenta"],
        "locale": "es",
        **overrides,
    }


def test_an_editor_publishes_edits_and_restores_an_article(api: Api) -> None:
    editor = api.token(EDITOR)
    created = api.send("POST", "/api/kb/articles", editor, _article(id="cambiar-contrasena-prueba"))
    assert created.status_code == 201, created.text
    article = created.json()
    assert article["status"] == "draft" and article["version"] == 1

    published = api.send("POST", "/api/kb/articles/cambiar-contrasena-prueba/publish", editor, {"version": 1})
    assert published.status_code == 200 and published.json()["status"] == "published"

    edited = api.send("PUT", "/api/kb/articles/cambiar-contrasena-prueba", editor,
                      {**_article(title="Cambia tu clave en dos pasos"), "version": 2})  # fmt: skip
    assert edited.status_code == 200 and edited.json()["version"] == 3
    stale = api.send("PUT", "/api/kb/articles/cambiar-contrasena-prueba", editor,
                     {**_article(title="Otra cosa"), "version": 2})  # fmt: skip
    assert stale.status_code == 409 and stale.json()["error"]["message_key"] == "error.stale_article"

    history = api.get("/api/kb/articles/cambiar-contrasena-prueba/revisions", editor).json()["revisions"]
    assert [r["action"] for r in history] == ["created", "published", "edited"]
    assert history[2]["content"]["title"] == "Cambia tu clave en dos pasos"
    assert history[0]["actor"]["name"] == "Sofía Castillo"

    restored = api.send("POST", "/api/kb/articles/cambiar-contrasena-prueba/revisions/1/restore", editor,
                        {"version": 3})  # fmt: skip
    assert restored.status_code == 200, restored.text
    assert restored.json()["title"] == "Cómo cambiar la contraseña de tu cuenta"
    assert restored.json()["status"] == "published"  # restoring content keeps the status
    history = api.get("/api/kb/articles/cambiar-contrasena-prueba/revisions", editor).json()["revisions"]
    assert [r["action"] for r in history] == ["created", "published", "edited", "restored"]
    assert history[3]["restored_from"] == 1
    missing = api.send("POST", "/api/kb/articles/cambiar-contrasena-prueba/revisions/99/restore", editor,
                       {"version": 4})  # fmt: skip
    assert missing.status_code == 404

    # the agents' search finds the restored title's words, typed as customers type them
    hits = api.get("/api/kb/search", api.token(AGENT), q="kiero canbiar la contrasena").json()["hits"]
    assert hits and hits[0]["id"] == "cambiar-contrasena-prueba"
    assert api.send("POST", "/api/kb/articles/cambiar-contrasena-prueba/unpublish", editor,
                    {"version": 4}).status_code == 200  # fmt: skip
    hits = api.get("/api/kb/search", api.token(AGENT), q="cambiar contraseña").json()["hits"]
    assert "cambiar-contrasena-prueba" not in {h["id"] for h in hits}


def test_markdown_is_rendered_without_anything_an_author_could_inject(api: Api) -> None:
    editor = api.token(EDITOR)
    created = api.send("POST", "/api/kb/articles", editor, _article(id="markdown-hostil", body=HOSTILE))
    assert created.status_code == 201, created.text
    html = api.get("/api/kb/articles/markdown-hostil", api.token(AGENT)).json()["html"]
    assert "<script" not in html and 'href="javascript' not in html
    assert re.search(r"<[^>]*onerror", html) is None  # the handler is text, in no tag
    assert "&lt;script&gt;" in html  # shown as text, not run
    assert '<img src="https://cdn.example/login.png" alt="Pantalla de inicio' in html
    preview = api.send("POST", "/api/kb/preview", editor, {"body": HOSTILE + "\n![](https://cdn.example/x.png)"})
    assert preview.json()["images_without_alt"] == ["https://cdn.example/x.png"]


def test_every_image_needs_alt_text_and_nothing_is_stored_without_it(api: Api) -> None:
    editor = api.token(EDITOR)
    refused = api.send("POST", "/api/kb/articles", editor, _article(id="sin-alt", body="Mira: ![](captura.png)"))
    assert refused.status_code == 400
    assert "texto alternativo" in refused.text
    assert api.get("/api/kb/articles/sin-alt", editor).status_code == 404


def test_agents_without_the_editor_right_read_but_never_write(api: Api) -> None:
    agent, admin = api.token(AGENT), api.token(ADMIN)
    assert api.send("POST", "/api/kb/articles", agent, _article(id="de-un-agente")).status_code == 403
    assert api.get("/api/kb/articles/de-un-agente", admin).status_code == 404  # nothing half-stored
    assert api.send("POST", "/api/kb/articles", admin, _article(id="de-la-admin")).status_code == 201  # admins hold it
    assert api.send("POST", "/api/kb/articles/de-la-admin/publish", agent, {"version": 1}).status_code == 403
    assert api.get("/api/kb/articles/de-la-admin", agent).json()["status"] == "draft"
    assert api.get("/api/kb/articles", agent, status="draft").status_code == 200
    assert api.get("/api/me", agent).json()["editor"] is False
    assert api.get("/api/me", api.token(EDITOR)).json()["editor"] is True


def test_a_taken_id_is_refused_and_review_due_lists_published_articles_past_their_date(api: Api) -> None:
    editor = api.token(EDITOR)
    first = api.send("POST", "/api/kb/articles", editor, _article(id="revisar-pronto", review_by="2020-01-31"))
    assert first.status_code == 201
    assert api.send("POST", "/api/kb/articles", editor, _article(id="revisar-pronto")).status_code == 409
    due = api.get("/api/kb/review-due", editor).json()["articles"]
    assert "revisar-pronto" not in {a["id"] for a in due}  # a draft is not due
    api.send("POST", "/api/kb/articles/revisar-pronto/publish", editor, {"version": 1})
    due = api.get("/api/kb/review-due", editor).json()["articles"]
    assert "revisar-pronto" in {a["id"] for a in due}


def test_an_api_key_with_kb_read_reads_and_searches_but_never_writes(api: Api) -> None:
    admin = api.token(ADMIN)
    created = api.send("POST", "/api/api-keys", admin, {"name": "Sitio web", "scopes": ["kb:read"]})
    assert created.status_code == 201, created.text
    key = created.json()["key"]
    assert api.get("/api/kb/search", key, q="cambiar contraseña").status_code == 200
    assert api.get("/api/kb/articles", key).status_code == 200
    assert api.send("POST", "/api/kb/articles", key, _article(id="por-clave")).status_code == 403
    other = api.send("POST", "/api/api-keys", admin, {"name": "CRM", "scopes": ["tickets:read"]}).json()["key"]
    assert api.get("/api/kb/search", other, q="contraseña").status_code == 403


def test_administrators_synonyms_apply_to_every_search_at_once(api: Api) -> None:
    admin, agent = api.token(ADMIN), api.token(AGENT)

    def first(q: str) -> str | None:
        hits = api.get("/api/kb/search", agent, q=q).json()["hits"]
        return hits[0]["id"] if hits else None

    assert first("como uso mi monedero virtual") != "programa-puntos"
    current = api.get("/api/kb/synonyms", agent).json()
    body = {"groups": [{"locale": "es", "words": ["monedero", "puntos nova"]}], "version": current["version"]}
    assert api.send("PUT", "/api/kb/synonyms", agent, body).status_code == 403
    saved = api.send("PUT", "/api/kb/synonyms", admin, body)
    assert saved.status_code == 200 and saved.json()["version"] == current["version"] + 1
    assert first("como uso mi monedero virtual") == "programa-puntos"
    public = requests.get(api.base + "/ayuda/buscar", params={"q": "monedero"}, timeout=10).text
    assert "/ayuda/articulos/programa-puntos" in public  # the help center reads the same index
    assert api.send("PUT", "/api/kb/synonyms", admin, body).status_code == 409  # the version read is stale
