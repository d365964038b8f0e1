"""``atiende kb import`` / ``atiende kb export`` against the local stack's
bootstrap (which seeds the demo knowledge base): export → import again changes
nothing; a changed file updates its article with one more revision; the
exported folder holds the same articles as the demo's files; a folder with a
bad file stores nothing; and no internal article is found by a customer-facing
caller, while agents find each one by its title."""

from pathlib import Path

import pytest

from helpdesk import connections
from helpdesk.knowledge.articles import Visibility
from local.knowledge_cli import export_folder, import_folder
from local.knowledge_files import DEMO_FOLDER, read_folder
from tests.integration.conftest import ADMIN_LOGIN as ADMIN
from tests.integration.conftest import AGENT_LOGIN as AGENT
from tests.integration.conftest import Api


def _contents(folder: Path) -> dict[str, tuple[object, str]]:
    return {
        (f.article.id or f.path.stem): (f.article.model_dump(exclude={"id"}), f.status.value)
        for f in read_folder(folder)
    }


def test_export_then_import_is_a_round_trip_that_changes_nothing(
    api: Api, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    admin = api.token(ADMIN)
    assert export_folder(tmp_path, admin, api.base) == 0
    assert _contents(tmp_path) == _contents(DEMO_FOLDER)  # what the seed imported, as written

    assert import_folder(tmp_path, admin, api.base) == 0
    assert "0 creados / created, 0 actualizados / updated, 43 sin cambios / unchanged" in capsys.readouterr().out
    assert import_folder(DEMO_FOLDER, admin, api.base) == 0
    assert "43 sin cambios" in capsys.readouterr().out


def test_a_changed_file_updates_its_article_and_keeps_its_history(
    api: Api, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    admin = api.token(ADMIN)
    export_folder(tmp_path, admin, api.base)
    before = api.get("/api/kb/articles/garantia/revisions", admin).json()["revisions"]
    path = tmp_path / "garantia.md"
    path.write_text(path.read_text(encoding="utf-8").replace("12 meses", "18 meses"), encoding="utf-8")
    (tmp_path / "nuevo-articulo.md").write_text(
        "---\nid: nuevo-articulo\ntitle: Envolver para regalo\nlocale: es\ntags: [regalo]\nvisibility: public\n---\n"
        "Agrega **envoltura de regalo** al pagar.\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert import_folder(tmp_path, admin, api.base) == 0
    assert "1 creados / created, 1 actualizados / updated, 42 sin cambios" in capsys.readouterr().out
    after = api.get("/api/kb/articles/garantia/revisions", admin).json()["revisions"]
    assert len(after) == len(before) + 1 and after[-1]["action"] == "imported"
    assert "18 meses" in after[-1]["content"]["body"] and "12 meses" in before[-1]["content"]["body"]
    hits = api.get("/api/kb/search", api.token(AGENT), q="envoltura de regalo").json()["hits"]
    assert hits[0]["id"] == "nuevo-articulo"  # published by the import, indexed at once


def test_a_folder_with_one_bad_file_stores_nothing(
    api: Api, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    admin = api.token(ADMIN)
    (tmp_path / "bueno.md").write_text("---\nid: bueno\ntitle: Bueno\nlocale: es\n---\nTexto.\n", encoding="utf-8")
    (tmp_path / "malo.md").write_text("---\nid: malo\ntitle: Malo\nlocale: es\n---\n![](foto.png)\n", encoding="utf-8")
    assert import_folder(tmp_path, admin, api.base) == 1
    assert "malo.md" in capsys.readouterr().err
    assert api.get("/api/kb/articles/bueno", admin).status_code == 404
    (tmp_path / "malo.md").unlink()
    assert import_folder(tmp_path, api.token(AGENT), api.base) == 1  # the editor right is needed
    assert api.get("/api/kb/articles/bueno", admin).status_code == 404


def test_no_internal_article_reaches_a_customer_facing_caller(api: Api) -> None:
    """Every internal (and segment) article's own title, searched through the
    public index: never found; an internal one through the index the assistant
    reads for a known contact: never found; through the agents' search: found first."""
    restricted = [f for f in read_folder(DEMO_FOLDER) if f.article.visibility is not Visibility.PUBLIC]
    assert len(restricted) >= 4
    public = connections.knowledge_shelf().public()  # what the help center, the contact form and the bot search
    agent = api.token(AGENT)
    for found in restricted:
        article = found.article
        assert article.id not in public.article_ids
        assert article.id not in [h.id for h in public.find(article.title, article.locale, 50)]
        if article.visibility is Visibility.INTERNAL:  # nor through the assistant, whatever the contact's segment
            for tier, country in ((None, None), ("vip", "GT"), ("oro", "SV")):
                known = connections.knowledge_shelf().for_contact(tier, country)
                assert article.id not in known.index.article_ids
                assert article.id not in [h.id for h in known.find(article.title, article.locale, 50)]
        hits = api.get("/api/kb/search", agent, q=article.title, locale=article.locale.value).json()["hits"]
        assert hits[0]["id"] == article.id
