"""The public help center: light, accessible pages made on publish, per locale.

Spanish lives under ``/ayuda/``, English under ``/help/``: a home with the
categories and the most helpful articles, one page per top-level category,
one per article (its body as sanitized HTML, its videos as privacy-friendly
links with caption and transcript, related articles, "¿Te fue útil?"), and the
search results page, which the public search route renders on each request
with the same frame. Pages carry their own small CSS and work without
JavaScript: they read, search, vote and send the contact form without it (the
contact page's one script, ``typing_suggestions``, only adds suggestions).
Only what the public index admits (published, public) becomes a page: the
same rule, the same function.

Pages are kept as objects under ``site/`` in the knowledge bucket (CloudFront
serves that prefix and nothing else of the bucket); a manifest of their hashes
lets a publish write only the pages that changed. The files a public article's
body names (``article_files``: its images and PDFs, under ``/ayuda/archivos/``)
are part of the site the same way: copied there while the article is public,
removed with its page; no other article's file is ever part of it.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from typing import Any

from helpdesk import limits
from helpdesk.knowledge.article_files import named_files
from helpdesk.knowledge.articles import Article
from helpdesk.knowledge.finding import ArticleHit, CompactIndex
from helpdesk.knowledge.indexing import Audience, admits
from helpdesk.knowledge.rendering import render
from helpdesk.knowledge.typing_suggestions import SCRIPT, SCRIPT_PATH
from helpdesk.models import Language


@dataclass(frozen=True)
class Words:
    """A locale's paths and texts."""

    base: str
    articles: str
    categories: str
    search: str
    texts: dict[str, str]


WORDS = {
    Language.SPANISH: Words(
        "/ayuda", "articulos", "categorias", "buscar",
        {"title": "Centro de ayuda", "search": "Buscar en la ayuda", "search_button": "Buscar",
         "placeholder": "Escribe tu pregunta, p. ej. ¿cómo rastreo mi pedido?", "categories": "Categorías",
         "popular": "Artículos más útiles", "related": "Artículos relacionados", "helpful": "¿Te fue útil?",
         "yes": "Sí", "no": "No", "results": "Resultados para «{q}»", "none": "No encontramos artículos para «{q}».",
         "none_hint": "Prueba con otras palabras o escríbenos: te respondemos.", "home": "Inicio",
         "other": "English", "video": "Ver el video en {provider} (se abre fuera de este sitio)",
         "transcript": "Transcripción", "skip": "Saltar al contenido", "thanks": "¡Gracias por tu opinión!",
         "back": "Volver al artículo", "count": "{n} artículos", "contact": "¿No encontraste lo que buscabas?",
         "write": "Escríbenos", "name": "Tu nombre", "reach": "Tu correo o número de WhatsApp (con código de país)",
         "subject": "Asunto", "message": "Tu mensaje", "category": "Tema (opcional)", "send": "Enviar",
         "leave_empty": "Deja este campo vacío", "sent": "Recibimos tu mensaje",
         "callback_legend": "¿Prefieres que te llamemos?", "callback": "Llámenme",
         "callback_number": "Número para llamarte (con código de país)",
         "callback_time": "¿Cuándo te queda mejor? (opcional, p. ej. hoy después de las 5)",
         "sent_detail": "Tu número de caso es #{n}. Te responderemos por el medio que nos diste.",
         "attachment": "Adjunta una imagen o un PDF (opcional, hasta {mb} MB)",
         "suggested": "¿Esto responde tu pregunta? (los artículos se abren en otra pestaña)"},
    ),
    Language.ENGLISH: Words(
        "/help", "articles", "categories", "search",
        {"title": "Help center", "search": "Search help", "search_button": "Search",
         "placeholder": "Type your question, e.g. how do I track my order?", "categories": "Categories",
         "popular": "Most helpful articles", "related": "Related articles", "helpful": "Was this helpful?",
         "yes": "Yes", "no": "No", "results": "Results for “{q}”", "none": "No articles found for “{q}”.",
         "none_hint": "Try other words or write to us: we will answer.", "home": "Home",
         "other": "Español", "video": "Watch the video on {provider} (opens outside this site)",
         "transcript": "Transcript", "skip": "Skip to content", "thanks": "Thank you for your feedback!",
         "back": "Back to the article", "count": "{n} articles", "contact": "Did not find what you were looking for?",
         "write": "Write to us", "name": "Your name", "reach": "Your e-mail or WhatsApp number (with country code)",
         "subject": "Subject", "message": "Your message", "category": "Topic (optional)", "send": "Send",
         "leave_empty": "Leave this field empty", "sent": "We received your message",
         "callback_legend": "Would you rather we call you?", "callback": "Call me back",
         "callback_number": "Number to call you at (with country code)",
         "callback_time": "When suits you best? (optional, e.g. today after 5 pm)",
         "sent_detail": "Your case number is #{n}. We will answer through the way you gave us.",
         "attachment": "Attach an image or a PDF (optional, up to {mb} MB)",
         "suggested": "Does this answer your question? (articles open in another tab)"},
    ),
}  # fmt: skip

STYLE = (
    "*{box-sizing:border-box}body{margin:0;font:1rem/1.6 system-ui,sans-serif;color:#1c1c1c;background:#fff}"
    "a{color:#0b5cad}a:focus,button:focus,input:focus{outline:3px solid #f5a623;outline-offset:2px}"
    "header,main,footer{max-width:46rem;margin:0 auto;padding:1rem}header{border-bottom:1px solid #ddd}"
    "header a.home{font-weight:700;text-decoration:none;font-size:1.2rem}nav.lang{float:right}"
    "form.search{display:flex;gap:.5rem;margin:1rem 0}form.search input{flex:1;padding:.6rem;font-size:1rem;"
    "border:2px solid #555;border-radius:4px}button{padding:.6rem 1rem;font-size:1rem;border:0;border-radius:4px;"
    "background:#0b5cad;color:#fff;cursor:pointer}ul.list{padding-left:1.2rem}img{max-width:100%;height:auto}"
    "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.3rem .5rem}p.summary{color:#444}"
    ".hp{position:absolute;left:-9999px}label.f{display:block;margin-top:.8rem;font-weight:600}"
    "input.f,textarea,select{width:100%;padding:.5rem;font:inherit;border:2px solid #555;border-radius:4px}"
    "p.error{color:#a00;font-weight:600}"
    ".skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}"
    "fieldset{border:1px solid #bbb;border-radius:4px}fieldset button{margin-right:.5rem}"
    ".suggestions{margin-top:.5rem}.suggestions p{margin:0;font-weight:600}"
    "footer{border-top:1px solid #ddd;color:#444;font-size:.9rem}"
)
VOTE_PATH = "/public/kb/votes"
CONTACT_PATHS = {Language.SPANISH: "/ayuda/contacto", Language.ENGLISH: "/help/contact"}
CONTACT_POST = "/public/contact"
SUGGESTIONS_PATH = "/public/kb/suggestions"  # JSON for the contact page's script (typing_suggestions)
STYLESHEET = "/ayuda/estilo.css"  # one for both languages
VIDEO_URLS = {"youtube": "https://www.youtube-nocookie.com/watch?v={id}", "vimeo": "https://vimeo.com/{id}"}


def article_path(locale: Language, article_id: str) -> str:
    words = WORDS[locale]
    return f"{words.base}/{words.articles}/{article_id}"


def category_path(locale: Language, category: str) -> str:
    words = WORDS[locale]
    return f"{words.base}/{words.categories}/{category.split('/', maxsplit=1)[0]}"


def category_name(category: str) -> str:
    """A category's name from its slug ("pedidos/seguimiento" → "Pedidos › Seguimiento")."""
    return " › ".join(part.replace("-", " ").capitalize() for part in category.split("/"))


def _t(locale: Language, key: str, **fill: str) -> str:
    return escape(WORDS[locale].texts[key].format(**fill))


def page(locale: Language, title: str, body: str, other_locale_path: str | None = None) -> str:
    """A whole page: its language, a skip link, the header with search, the body."""
    words = WORDS[locale]
    other = Language.ENGLISH if locale is Language.SPANISH else Language.SPANISH
    switch = other_locale_path or f"{WORDS[other].base}/"
    return (
        f'<!doctype html><html lang="{locale.value}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)} · {_t(locale, 'title')}</title>"
        f'<link rel="stylesheet" href="{STYLESHEET}"></head><body>'
        f'<a class="skip" href="#contenido">{_t(locale, "skip")}</a>'
        f'<header><nav class="lang" aria-label="{other.value}"><a href="{escape(switch)}" hreflang="{other.value}"'
        f' lang="{other.value}">{_t(locale, "other")}</a></nav>'
        f'<a class="home" href="{words.base}/">{_t(locale, "title")}</a>'
        f'<form class="search" role="search" method="get" action="{words.base}/{words.search}">'
        f'<label for="q" class="skip">{_t(locale, "search")}</label>'
        f'<input id="q" name="q" type="search" maxlength="500" placeholder="{_t(locale, "placeholder")}">'
        f"<button>{_t(locale, 'search_button')}</button></form></header>"
        f'<main id="contenido">{body}</main>'
        f'<footer><p>{_t(locale, "contact")} <a href="{CONTACT_PATHS[locale]}">{_t(locale, "write")}</a></p>'
        "</footer></body></html>"
    )


def _links(locale: Language, items: Iterable[tuple[str, str, str]]) -> str:
    rows = "".join(
        f'<li><a href="{escape(article_path(locale, article_id))}">{escape(title)}</a>'
        + (f"<br><span>{escape(summary)}</span>" if summary else "")
        + "</li>"
        for article_id, title, summary in items
    )
    return f'<ul class="list">{rows}</ul>'


def search_page(locale: Language, query: str, hits: list[ArticleHit]) -> str:
    """The results page of a search (the public route renders it on each request)."""
    if hits:
        body = f"<h1>{_t(locale, 'results', q=query)}</h1>" + _links(locale, ((h.id, h.title, h.summary) for h in hits))
    else:
        body = f"<h1>{_t(locale, 'none', q=query)}</h1><p>{_t(locale, 'none_hint')}</p>"
    return page(locale, WORDS[locale].texts["search"], body)


def contact_page(locale: Language, token: str, values: dict[str, str] | None = None, error: str | None = None) -> str:
    """The contact form, with a fresh single-use token (and what was typed, after a refusal)."""
    values = values or {}

    def field(name: str, kind: str = "text", limit: int = 200) -> str:
        value = escape(values.get(name, ""))
        tag = (
            f'<textarea class="f" id="{name}" name="{name}" rows="6" maxlength="{limit}" required>{value}</textarea>'
            if kind == "textarea"
            else f'<input class="f" id="{name}" name="{name}" type="{kind}" maxlength="{limit}" value="{value}"'
            f"{'' if name == 'category' else ' required'}>"
        )
        return f'<label class="f" for="{name}">{_t(locale, name)}</label>{tag}'

    problem = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    mb = str(limits.CONTACT_FORM.attachment_bytes // (1024 * 1024))
    # The script fills this region with articles for the subject; without it, it stays empty.
    suggested = (
        f'<div id="suggestions" class="suggestions" aria-live="polite" data-title="{_t(locale, "suggested")}" '
        f'data-source="{SUGGESTIONS_PATH}?locale={locale.value}"></div>'
    )
    body = (
        f"<h1>{_t(locale, 'write')}</h1>{problem}"
        f'<form method="post" action="{CONTACT_POST}" enctype="multipart/form-data">'
        f'<input type="hidden" name="token" value="{escape(token)}">'
        f'<input type="hidden" name="locale" value="{locale.value}">'
        f"{field('name', limit=120)}{field('reach', limit=320)}{field('subject')}{suggested}"
        f"{field('message', 'textarea', 5000)}{field('category', limit=80)}"
        f'<label class="f" for="attachment">{_t(locale, "attachment", mb=mb)}</label>'
        f'<input class="f" id="attachment" name="attachment" type="file" '
        f'accept="{",".join(limits.CONTACT_FORM.attachment_types)}">'
        f"{_callback_fields(locale, values)}"
        f'<div class="hp" aria-hidden="true"><label for="website">{_t(locale, "leave_empty")}</label>'
        '<input id="website" name="website" type="text" tabindex="-1" autocomplete="off"></div>'
        f"<p><button>{_t(locale, 'send')}</button></p></form>"
        f'<script src="{SCRIPT_PATH}" defer></script>'
    )
    return page(locale, WORDS[locale].texts["write"], body)


# What a refused form gives back as typed.
CONTACT_FIELDS = ("name", "reach", "subject", "message", "category", "callback", "callback_number", "callback_time")


def _callback_fields(locale: Language, values: dict[str, str]) -> str:
    """ "Llámenme": the box, the number and the preferred time (optional fields)."""
    checked = " checked" if values.get("callback") else ""
    number = escape(values.get("callback_number", ""))
    when = escape(values.get("callback_time", ""))
    return (
        f'<fieldset class="callback"><legend>{_t(locale, "callback_legend")}</legend>'
        f'<input id="callback" name="callback" type="checkbox" value="on"{checked}>'
        f'<label for="callback">{_t(locale, "callback")}</label>'
        f'<label class="f" for="callback_number">{_t(locale, "callback_number")}</label>'
        f'<input class="f" id="callback_number" name="callback_number" type="tel" maxlength="40" value="{number}">'
        f'<label class="f" for="callback_time">{_t(locale, "callback_time")}</label>'
        f'<input class="f" id="callback_time" name="callback_time" type="text" maxlength="120" value="{when}">'
        "</fieldset>"
    )


def sent_page(locale: Language, number: int) -> str:
    body = f"<h1>{_t(locale, 'sent')}</h1><p>{_t(locale, 'sent_detail', n=str(number))}</p>"
    return page(locale, WORDS[locale].texts["sent"], body)


def thanks_page(locale: Language, article_id: str) -> str:
    body = (
        f'<h1>{_t(locale, "thanks")}</h1><p><a href="{escape(article_path(locale, article_id))}">'
        f"{_t(locale, 'back')}</a></p>"
    )
    return page(locale, WORDS[locale].texts["thanks"], body)


def _vote_form(locale: Language, article_id: str) -> str:
    return (
        f'<form method="post" action="{VOTE_PATH}"><fieldset><legend>{_t(locale, "helpful")}</legend>'
        f'<input type="hidden" name="article_id" value="{escape(article_id)}">'
        f'<input type="hidden" name="locale" value="{locale.value}">'
        f'<button name="helpful" value="yes">{_t(locale, "yes")}</button>'
        f'<button name="helpful" value="no">{_t(locale, "no")}</button></fieldset></form>'
    )


def article_page(article: Article, related: list[ArticleHit], translation: Article | None) -> str:
    locale = article.locale
    videos = "".join(
        f'<figure><p><a href="{escape(VIDEO_URLS[v.provider].format(id=v.video_id))}" rel="noopener noreferrer">'
        f"{_t(locale, 'video', provider=v.provider.capitalize())}</a></p><figcaption>{escape(v.caption)}</figcaption>"
        + (
            f"<details><summary>{_t(locale, 'transcript')}</summary><p>{escape(v.transcript)}</p></details>"
            if v.transcript
            else ""
        )
        + "</figure>"
        for v in article.videos
    )
    crumbs = ""
    if article.category:
        crumbs = (
            f'<p><a href="{escape(category_path(locale, article.category))}">'
            f"{escape(category_name(article.category))}</a></p>"
        )
    body = f"{crumbs}<article><h1>{escape(article.title)}</h1>{render(article.body)}{videos}</article>"
    body += _vote_form(locale, article.id)
    if related:
        body += f"<h2>{_t(locale, 'related')}</h2>" + _links(locale, ((h.id, h.title, "") for h in related))
    other = article_path(translation.locale, translation.id) if translation else None
    return page(locale, article.title, body, other)


@dataclass(frozen=True)
class Site:
    """Every page of the help center: path (under ``/``) → HTML; and the public
    articles' files: path → where the file is kept (the attachments bucket)."""

    pages: dict[str, str]
    files: dict[str, str] = field(default_factory=dict)

    def hashes(self) -> dict[str, str]:
        """What the manifest holds: a page's sha256, a file's stored key (a
        kept file's bytes never change: a new upload is a new key)."""
        return {path: hashlib.sha256(html.encode()).hexdigest() for path, html in self.pages.items()} | self.files


def build_site(articles: Iterable[Article], index: CompactIndex, helpful: dict[str, int]) -> Site:
    """The pages of the public articles (``index``: the public one, for related articles;
    ``helpful``: "yes" votes per article, for the home's most helpful)."""
    public = [a for a in articles if admits(Audience.PUBLIC, a)]
    by_id = {a.id: a for a in public}
    pages: dict[str, str] = {STYLESHEET: STYLE, SCRIPT_PATH: SCRIPT}
    files = {path: key for article in public for path, key in named_files(article).items()}
    for locale in Language:
        words = WORDS[locale]
        mine = sorted((a for a in public if a.locale is locale), key=lambda a: a.title.casefold())
        categories: dict[str, list[Article]] = {}
        for article in mine:
            categories.setdefault((article.category or "general").split("/")[0], []).append(article)
        popular = sorted(mine, key=lambda a: (-helpful.get(a.id, 0), a.title.casefold()))[:8]
        home = f'<h1>{_t(locale, "title")}</h1><h2>{_t(locale, "categories")}</h2><ul class="list">' + "".join(
            f'<li><a href="{escape(category_path(locale, name))}">{escape(category_name(name))}</a> '
            f"({_t(locale, 'count', n=str(len(listed)))})</li>"
            for name, listed in sorted(categories.items())
        )
        home += f"</ul><h2>{_t(locale, 'popular')}</h2>" + _links(locale, ((a.id, a.title, "") for a in popular))
        pages[f"{words.base}/index.html"] = page(locale, WORDS[locale].texts["title"], home)
        for name, listed in categories.items():
            body = f"<h1>{escape(category_name(name))}</h1>" + _links(
                locale, ((a.id, a.title, a.summary) for a in listed)
            )
            pages[category_path(locale, name)] = page(locale, category_name(name), body)
        for article in mine:
            related = [
                h for h in index.find(f"{article.title} {' '.join(article.tags)}", locale, 5) if h.id != article.id
            ][:4]
            translation = _translation(article, by_id, public)
            pages[article_path(locale, article.id)] = article_page(article, related, translation)
    return Site(pages, files)


def _translation(article: Article, by_id: dict[str, Article], public: list[Article]) -> Article | None:
    if article.translation_of and article.translation_of in by_id:
        return by_id[article.translation_of]
    return next((a for a in public if a.translation_of == article.id), None)


def changed_pages(site: Site, manifest: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """The pages to write (new or changed) and the paths to remove (pages and
    files), against the last manifest."""
    hashes = site.hashes()
    written = {path: html for path, html in site.pages.items() if manifest.get(path) != hashes[path]}
    return written, sorted(set(manifest) - set(hashes))


def changed_files(site: Site, manifest: dict[str, Any]) -> dict[str, str]:
    """The files to copy to the help center (new since the last manifest): path → stored key."""
    return {path: key for path, key in site.files.items() if manifest.get(path) != key}
