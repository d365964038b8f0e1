"""The knowledge base in the console and the help center, in Debian's Chromium
against the local stack: the demo's editor (Sofía, supervisora with the editor
right) writes an article with an image and its alt text, uploads another
image (alt text asked for) and a PDF to it, the Markdown inserted in the body,
the preview drawing both through the API, and publishes it; a reader finds
it on the help center with JavaScript off, its uploaded image served there,
and votes "no"; the editor sees the vote. The help center passes axe in both
languages."""

import re
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import RunningStack, eventually
from tests.e2e.test_console import ADMIN, AGENT, SUPERVISOR, browser, signed_in
from tests.e2e.test_console_accessibility import axe_violations
from tests.e2e.test_console_files import find_ticket, open_ticket
from tests.integration.test_article_files import png

pytestmark = pytest.mark.e2e
__all__ = ["browser"]

SCREEN = "Pantalla de la billetera Nova con el saldo disponible"
BODY = "Para pagar con **billetera Nova** abre la app.\n\n![Botón Pagar con billetera en la app](https://cdn.example/billetera.png)"


def test_an_editor_publishes_and_a_reader_finds_it_without_javascript_and_votes(
    browser: Any, stack: RunningStack
) -> None:
    editor = signed_in(browser, stack, SUPERVISOR)
    editor.get_by_role("link", name="Base de conocimiento", exact=True).click()
    expect(editor.get_by_role("table", name="Artículos")).to_contain_text("Cómo rastrear tu pedido")
    editor.get_by_role("link", name="Nuevo artículo").click()
    editor.get_by_label("Identificador (opcional)").fill("billetera-nova")
    editor.get_by_label("Título").fill("Pagar con la billetera Nova")
    editor.get_by_label("Contenido (Markdown)").fill(BODY)
    editor.get_by_role("button", name="Vista previa").click()
    expect(editor.locator(".kb-preview img")).to_have_attribute("alt", "Botón Pagar con billetera en la app")
    editor.get_by_role("button", name="Guardar").click()
    editor.wait_for_url("**/#/kb/billetera-nova")

    # an image of its own: alt text first, then the Markdown lands in the body
    picture = {"name": "saldo.png", "mimeType": "image/png", "buffer": png()}
    editor.get_by_label("Imagen (PNG, JPEG, GIF, WebP) o PDF").set_input_files(picture)
    editor.get_by_role("button", name="Subir imagen o archivo").click()
    expect(editor.get_by_text("Escribe el texto alternativo de la imagen antes de subirla.")).to_be_visible()
    editor.get_by_label("Texto alternativo", exact=True).fill(SCREEN)
    editor.get_by_label("Texto alternativo", exact=True).press("Enter")  # the keyboard uploads, it does not save
    expect(editor.get_by_text("«saldo.png» subido e insertado en el contenido.")).to_be_visible()
    body = editor.get_by_label("Contenido (Markdown)")
    expect(body).to_have_value(re.compile(rf"!\[{SCREEN}\]\(/ayuda/archivos/billetera-nova/[0-9A-Z-]+/saldo\.png\)"))
    guide = {"name": "Guía de pagos.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
    editor.get_by_label("Imagen (PNG, JPEG, GIF, WebP) o PDF").set_input_files(guide)  # a PDF: its name is the link
    editor.get_by_role("button", name="Subir imagen o archivo").click()
    files = r"/ayuda/archivos/billetera-nova/[0-9A-Z-]+/"
    expect(body).to_have_value(re.compile(rf"\[Guía de pagos\.pdf\]\({files}guia-de-pagos\.pdf\)"))
    editor.get_by_role("button", name="Vista previa").click()  # a draft's files: drawn through the API
    expect(editor.locator(f'.kb-preview img[alt="{SCREEN}"]')).to_have_attribute("src", re.compile(r"^blob:"))
    guide_link = editor.locator(".kb-preview a", has_text="Guía de pagos.pdf")
    expect(guide_link).to_have_attribute("href", re.compile(r"^blob:"))
    editor.get_by_role("button", name="Guardar").click()
    expect(editor.get_by_text("Artículo guardado.")).to_be_visible()
    editor.get_by_role("button", name="Publicar").click()
    expect(editor.locator("main.knowledge")).to_contain_text("Publicado")

    reader = browser.new_context(java_script_enabled=False).new_page()
    reader.goto(f"{stack.base}/ayuda/")
    reader.get_by_label("Buscar en la ayuda").fill("billetera nova")
    reader.get_by_role("button", name="Buscar").click()
    reader.get_by_role("link", name="Pagar con la billetera Nova").click()
    expect(reader.locator("article img").first).to_have_attribute("alt", "Botón Pagar con billetera en la app")
    uploaded = reader.locator(f'article img[alt="{SCREEN}"]')
    expect(uploaded).to_have_attribute("src", re.compile(r"^/ayuda/archivos/billetera-nova/[0-9A-Z-]+/saldo\.png$"))
    served = requests.get(stack.base + str(uploaded.get_attribute("src")), timeout=10)
    assert served.status_code == 200 and served.headers["Content-Type"] == "image/png" and served.content == png()
    reader.get_by_role("button", name="No", exact=True).click()
    expect(reader.locator("h1")).to_have_text("¡Gracias por tu opinión!")

    editor.reload()
    expect(editor.locator("main.knowledge")).to_contain_text("Útil sí / no: 0 / 1")
    _the_list_shows_it_least_helpful(editor)
    assert not editor.errors


def _the_list_shows_it_least_helpful(editor: Any) -> None:
    editor.get_by_role("link", name="Volver a la lista").click()  # every voted article, the least helpful first
    voted = editor.get_by_role("table", name="¿Les fue útil?").locator("tr[data-article='billetera-nova']")
    expect(voted).to_contain_text("0 %")


@pytest.mark.parametrize("path", ["/ayuda/", "/help/", "/ayuda/articulos/tiempos-de-entrega", "/ayuda/contacto"])
def test_the_help_center_passes_axe(browser: Any, stack: RunningStack, path: str) -> None:
    page = browser.new_context(bypass_csp=True).new_page()  # axe is injected inline
    page.goto(stack.base + path)
    assert axe_violations(page) == ""


def test_a_ticket_suggests_articles_for_the_last_message_and_inserts_a_link(browser: Any, stack: RunningStack) -> None:
    # Opened by its id: in the shared stack, other tests' tickets may push it out of
    # the first page of a view, or a rule may have moved it on.
    statuses = "new,open,pending,on_hold,solved"
    seeded = eventually(lambda: find_ticket(stack, "Cambio de dirección de entrega", AGENT, status=statuses))
    page = signed_in(browser, stack, AGENT)
    open_ticket(page, stack, seeded["id"])
    suggested = page.locator("section.kb-suggestions li", has_text="Cambiar la dirección de entrega de un pedido")
    suggested.get_by_role("button", name="Insertar enlace").click()
    expect(page.locator("#composer-body")).to_have_value(re.compile(r"/ayuda/articulos/cambiar-direccion-entrega$"))
    assert not page.errors


def test_an_administrator_adds_synonyms_that_the_help_center_searches_with(browser: Any, stack: RunningStack) -> None:
    reader = browser.new_context(java_script_enabled=False).new_page()
    reader.goto(f"{stack.base}/ayuda/buscar?q=zorbex")
    expect(reader.locator("main")).not_to_contain_text("Cómo rastrear tu pedido")

    admin = signed_in(browser, stack, ADMIN)
    admin.goto(f"{stack.base}/#/kb")
    form = admin.get_by_role("form", name="Sinónimos de la búsqueda")
    spanish = form.get_by_label("En español")
    spanish.fill("solo")  # one word is no group: refused before it reaches the server
    form.get_by_role("button", name="Guardar sinónimos").click()
    expect(form.get_by_role("alert")).to_contain_text("al menos dos palabras")
    spanish.fill("zorbex, rastrear")
    form.get_by_role("button", name="Guardar sinónimos").click()
    expect(form.get_by_role("status")).to_contain_text("Sinónimos guardados")

    reader.goto(f"{stack.base}/ayuda/buscar?q=zorbex")
    expect(reader.locator("main")).to_contain_text("Cómo rastrear tu pedido")
    admin.reload()
    expect(admin.get_by_label("En español")).to_have_value("zorbex, rastrear")
    assert not admin.errors


def test_an_editor_keeps_a_segment_article_for_its_customers_and_saving_drops_nothing(
    browser: Any, stack: RunningStack
) -> None:
    editor = signed_in(browser, stack, SUPERVISOR)
    editor.goto(f"{stack.base}/#/kb/envio-gratis-vip")
    segment = editor.get_by_role("group", name=re.compile("Para qué clientes"))
    expect(segment.get_by_label("Niveles", exact=False)).to_have_value("vip")
    segment.get_by_label("Países", exact=False).fill("gt, sv")
    editor.get_by_role("button", name="Guardar").click()
    expect(editor.get_by_role("status").filter(has_text="Artículo guardado")).to_be_visible()
    saved = stack.api("GET", "/api/kb/articles/envio-gratis-vip", as_agent=SUPERVISOR).json()
    assert (saved["visibility"], saved["segment"]) == ("segment", {"tiers": ["vip"], "countries": ["GT", "SV"]})

    # What the form does not show goes back as it came: a translation keeps its original
    editor.goto(f"{stack.base}/#/kb/delivery-times")
    before = stack.api("GET", "/api/kb/articles/delivery-times", as_agent=SUPERVISOR).json()
    assert before["translation_of"]
    editor.get_by_label("Resumen").fill("How long delivery takes, by country.")
    editor.get_by_role("button", name="Guardar").click()
    expect(editor.get_by_role("status").filter(has_text="Artículo guardado")).to_be_visible()
    after = stack.api("GET", "/api/kb/articles/delivery-times", as_agent=SUPERVISOR).json()
    assert after["summary"] == "How long delivery takes, by country."
    assert after["translation_of"] == before["translation_of"]
    assert not editor.errors


def test_an_editor_adds_a_video_by_its_link_with_a_transcript_and_readers_get_a_link_not_a_player(
    browser: Any, stack: RunningStack
) -> None:
    created = stack.api("POST", "/api/kb/articles", as_agent=SUPERVISOR,
                        json={"id": "video-devoluciones", "title": "Cómo devolver un producto (video)",
                              "body": "Mira el paso a paso."})  # fmt: skip
    assert created.status_code == 201, created.text
    editor = signed_in(browser, stack, SUPERVISOR)
    editor.goto(f"{stack.base}/#/kb/video-devoluciones")
    editor.get_by_role("button", name="Agregar video").click()
    video = editor.get_by_role("group", name="Video 1")
    video.get_by_label("Enlace o identificador del video").fill("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=4s")
    video.get_by_label("Título o descripción").fill("Devolver un producto en tres pasos")
    video.get_by_label("Transcripción", exact=False).fill("Primero entra a Mis pedidos y elige Devolver.")
    editor.get_by_role("button", name="Guardar").click()
    expect(editor.get_by_role("status").filter(has_text="Artículo guardado")).to_be_visible()
    saved = stack.api("GET", "/api/kb/articles/video-devoluciones", as_agent=SUPERVISOR).json()
    (kept,) = saved["videos"]
    assert (kept["provider"], kept["video_id"]) == ("youtube", "dQw4w9WgXcQ")  # read from the link
    assert kept["transcript"] == "Primero entra a Mis pedidos y elige Devolver."
    editor.get_by_role("button", name="Publicar").click()
    expect(editor.locator("main.knowledge")).to_contain_text("Publicado")

    reader = browser.new_context(java_script_enabled=False, bypass_csp=True).new_page()
    reader.goto(f"{stack.base}/ayuda/articulos/video-devoluciones")
    expect(reader.locator("article figcaption")).to_have_text("Devolver un producto en tres pasos")
    expect(reader.locator("article")).to_contain_text("Primero entra a Mis pedidos")
    assert reader.locator("iframe").count() == 0  # nothing of the provider's loads with the page
    assert not editor.errors
