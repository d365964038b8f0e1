"""The public help center on the local stack's bootstrap (the demo knowledge
base seeded): pages made on publish at /ayuda/ and /help/, server-rendered
search without JavaScript, votes once per browser and limited per address,
and no internal article on any public page or route."""

import gzip
import re
from html import escape

import requests

from agent_api import help_center
from helpdesk.knowledge.articles import Visibility
from local.knowledge_files import DEMO_FOLDER, read_folder
from tests.integration.conftest import AGENT_LOGIN as AGENT
from tests.integration.conftest import SUPERVISOR_LOGIN as EDITOR
from tests.integration.conftest import Api

MAX_ARTICLE_PAGE_GZIP = 50 * 1024


def _get(api: Api, path: str, **params: str) -> requests.Response:
    return requests.get(api.base + path, params=params, timeout=10)


def _vote(api: Api, article_id: str, helpful: str, cookie: str = "", locale: str = "es") -> requests.Response:
    headers = {"Cookie": cookie} if cookie else {}
    data = {"article_id": article_id, "helpful": helpful, "locale": locale}
    return requests.post(api.base + help_center.VOTE_PATH, data=data, headers=headers, timeout=10)


def test_the_home_category_and_article_pages_are_made_on_publish(api: Api) -> None:
    home = _get(api, "/ayuda/")
    assert home.status_code == 200 and home.headers["Content-Type"].startswith("text/html")
    assert '<html lang="es">' in home.text and "/ayuda/categorias/pedidos" in home.text
    assert "script" not in home.text.lower()  # nothing needs JavaScript
    category = _get(api, "/ayuda/categorias/pagos")
    assert category.status_code == 200 and "/ayuda/articulos/cobro-doble" in category.text
    article = _get(api, "/ayuda/articulos/tiempos-de-entrega")
    assert article.status_code == 200
    assert "<table>" in article.text and "Artículos relacionados" in article.text
    assert 'action="/public/kb/votes"' in article.text and "¿Te fue útil?" in article.text
    css = _get(api, "/ayuda/estilo.css")
    assert css.headers["Content-Type"].startswith("text/css")
    size = len(gzip.compress(article.content)) + len(gzip.compress(css.content))
    assert size <= MAX_ARTICLE_PAGE_GZIP
    english = _get(api, "/help/articles/forgot-password")
    assert '<html lang="en">' in english.text and 'href="/ayuda/articulos/recuperar-contrasena"' in english.text
    assert _get(api, "/ayuda/articulos/no-existe").status_code == 404


def test_search_renders_results_on_the_server_each_linking_to_its_page(api: Api) -> None:
    found = _get(api, "/ayuda/buscar", q="me cobraron 2 veces la tarjeta")
    assert found.status_code == 200
    links = re.findall(r'href="(/ayuda/articulos/[^"]+)"', found.text)
    assert links[0] == "/ayuda/articulos/cobro-doble"
    assert _get(api, links[0]).status_code == 200
    english = _get(api, "/help/search", q="when do I get my refund")
    assert re.findall(r'href="(/help/articles/[^"]+)"', english.text)[0] == "/help/articles/refunds"
    nothing = _get(api, "/ayuda/buscar", q="<script>alert(1)</script> xyzzy")
    assert "No encontramos artículos" in nothing.text and "<script>alert" not in nothing.text


def test_no_internal_article_reaches_any_public_page_or_route(api: Api) -> None:
    restricted = [f.article for f in read_folder(DEMO_FOLDER) if f.article.visibility is not Visibility.PUBLIC]
    help_center._buckets.clear()
    for article in restricted:
        assert _get(api, f"/ayuda/articulos/{article.id}").status_code == 404
        for path in ("/ayuda/buscar", "/help/search"):
            answer = _get(api, path, q=article.title)
            assert answer.status_code == 200
            assert f'/{article.id}"' not in answer.text
            assert answer.text.count(escape(article.title)) == 1  # only as the query, echoed in the heading
        assert _vote(api, str(article.id), "yes").status_code == 400  # no voting on what the public cannot see
    home = _get(api, "/ayuda/").text + _get(api, "/help/").text
    assert not any(article.title in home for article in restricted)


def test_a_vote_counts_once_per_browser_and_editors_see_it(api: Api) -> None:
    help_center._buckets.clear()
    editor = api.token(EDITOR)
    before = api.get("/api/kb/articles/garantia", editor).json()["helpfulness"]
    first = _vote(api, "garantia", "no")
    assert first.status_code == 200 and "¡Gracias por tu opinión!" in first.text
    cookie = first.headers["Set-Cookie"].split(";")[0]
    assert cookie == f"{help_center.COOKIE}=garantia"
    again = _vote(api, "garantia", "no", cookie)
    assert again.status_code == 200  # thanked, not counted
    after = api.get("/api/kb/articles/garantia", editor).json()["helpfulness"]
    assert after == {"helpful": before["helpful"], "not_helpful": before["not_helpful"] + 1}
    assert _vote(api, "garantia", "tal-vez").status_code == 400

    # Editors review every voted article, the least helpful first
    _vote(api, "tiempos-de-entrega", "yes")
    report = api.get("/api/kb/helpfulness", editor).json()["articles"]
    shares = {row["id"]: (row["helpful"], row["not_helpful"], row["helpful_share"]) for row in report}
    assert shares["garantia"][1] >= 1 and shares["tiempos-de-entrega"][0] >= 1
    assert [row["helpful_share"] for row in report] == sorted(row["helpful_share"] for row in report)
    assert report[0]["helpful_share"] < 1.0
    assert api.get("/api/kb/helpfulness", api.token(AGENT)).status_code == 403  # the editor right


def test_votes_and_searches_are_limited_per_address_with_a_spanish_answer(api: Api) -> None:
    help_center._buckets.clear()
    editor = api.token(EDITOR)
    before = api.get("/api/kb/articles/devoluciones", editor).json()["helpfulness"]["helpful"]
    answers = [_vote(api, "devoluciones", "yes") for _ in range(15)]  # no cookie kept: a script
    refused = [a for a in answers if a.status_code == 429]
    assert refused and int(refused[0].headers["Retry-After"]) >= 1
    assert "Demasiadas solicitudes" in refused[0].text
    counted = api.get("/api/kb/articles/devoluciones", editor).json()["helpfulness"]["helpful"] - before
    assert counted == sum(a.status_code == 200 for a in answers) < 15  # nothing stored for a refusal
    searches = [_get(api, "/ayuda/buscar", q="envio").status_code for _ in range(30)]
    assert 429 in searches
    help_center._buckets.clear()


def test_searches_that_find_nothing_are_content_gaps_editors_see_newest_first(api: Api) -> None:
    help_center._buckets.clear()
    for typed in ("¿Criptomonedas bitcoin?", "CRIPTOMONEDAS y bitcoin", "bitcoin criptomoneda"):
        assert "No encontramos artículos" in _get(api, "/ayuda/buscar", q=typed).text
    assert "No encontramos" in _get(api, "/ayuda/buscar", q="hologramas juana@privado.org +502 5555 1234").text
    editor = api.token(EDITOR)
    found = api.get("/api/kb/content-gaps", editor).json()["gaps"]
    newest, older = found[0], {g["query"]: g for g in found}
    assert newest["query"] == "hologram" and newest["searches"] == 1
    assert "privado" not in newest["example"] and "5555" not in newest["example"]  # no personal data kept
    assert older["bitcoin criptomoned"]["searches"] == 3  # the same question, typed three ways
    assert api.get("/api/kb/content-gaps", api.token(AGENT)).status_code == 403
    help_center._buckets.clear()
