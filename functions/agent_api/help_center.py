"""The public help center's routes (no sign-in): the search results page in
each language, "¿Te fue útil?" votes, the contact form (its page and its post,
multipart with an optional file) and the articles suggested as its subject is
typed. The pages answer HTML that works without JavaScript (the suggestions
answer JSON to the contact page's script); all read only the public index
(``IndexShelf.public``: internal articles do not exist in it) and are limited
per address (429 with ``Retry-After`` and a Spanish and English page, or the
JSON error for the suggestions). The static pages themselves
come from the knowledge bucket (CloudFront; the local stack in local mode)."""

import json
import threading
import time
from html import escape
from typing import Annotated
from urllib.parse import parse_qs

from chalice import Blueprint, Response
from pydantic import Field, ValidationError

from agent_api.answers import HtmlPage
from agent_api.errors import error_body
from agent_api.openapi import RouteDoc
from helpdesk import connections, http_policy, limits
from helpdesk.channels.phone.callbacks import callback_number
from helpdesk.channels.web_form import (
    ATTACHMENT_FIELD,
    ContactForm,
    FileShelf,
    FormRefused,
    hand_out,
    identity_of,
    submit,
)
from helpdesk.channels.web_form.posted import MULTIPART, URLENCODED, PostedForm, read_form
from helpdesk.clock import utc_now
from helpdesk.errors import CallbackRefused, HelpdeskError, InvalidIdentity
from helpdesk.knowledge import gaps, helpcenter, votes
from helpdesk.models import Language
from helpdesk.settings import mail_settings
from helpdesk.validated import Validated

blueprint = Blueprint("agent_api.help_center")
SEARCH_PATHS = {Language.SPANISH: "/ayuda/buscar", Language.ENGLISH: "/help/search"}
VOTE_PATH = helpcenter.VOTE_PATH
COOKIE = "atiende_votos"
CONTACT_PATHS = helpcenter.CONTACT_PATHS
CONTACT_POST = helpcenter.CONTACT_POST
SUGGESTIONS_PATH = helpcenter.SUGGESTIONS_PATH
ROUTES = {
    *((path, "GET") for path in (*SEARCH_PATHS.values(), *CONTACT_PATHS.values(), SUGGESTIONS_PATH)),
    (VOTE_PATH, "POST"),
    (CONTACT_POST, "POST"),
}


class SearchQuery(Validated):
    q: Annotated[str, Field(max_length=limits.KNOWLEDGE.max_query_chars)] = ""


class SuggestionQuery(Validated):
    q: Annotated[str, Field(max_length=limits.KNOWLEDGE.max_query_chars)] = ""
    locale: Language = Language.SPANISH


class Suggestion(Validated):
    """A public article that may answer what the person is typing."""

    title: str
    summary: str
    url: str  # the article's page on the help center (a path on this site)


class Suggestions(Validated):
    suggestions: list[Suggestion]


ATTACHMENT_MB = limits.CONTACT_FORM.attachment_bytes // (1024 * 1024)
DOCS = [
    RouteDoc(SEARCH_PATHS[Language.SPANISH], "GET", "The help center's search results page, in Spanish (HTML; "
             "public articles only; limited per address).", None, HtmlPage, query=SearchQuery),
    RouteDoc(SEARCH_PATHS[Language.ENGLISH], "GET", "The help center's search results page, in English (HTML; "
             "public articles only; limited per address).", None, HtmlPage, query=SearchQuery),
    RouteDoc(CONTACT_PATHS[Language.SPANISH], "GET", "The contact form, in Spanish (HTML, with a single-use "
             "token).", None, HtmlPage),
    RouteDoc(CONTACT_PATHS[Language.ENGLISH], "GET", "The contact form, in English (HTML, with a single-use "
             "token).", None, HtmlPage),
    RouteDoc(CONTACT_POST, "POST", "The contact form sent (multipart/form-data; without a file, also "
             "urlencoded): a ticket on the web_form channel (honeypot, token timing, limits per address and per "
             "e-mail or number); an optional attachment (an image or a PDF, as its bytes show, up to "
             f"{ATTACHMENT_MB} MB) on the ticket's first message; with callback=on, callback_number and "
             "callback_time, a call back (Amazon Connect, else an agent's task; limited per number); answers the "
             "case number. A refusal answers the form again (400) with what was typed.", None, HtmlPage,
             body=ContactForm, body_types=(MULTIPART, URLENCODED),
             upload=(ATTACHMENT_FIELD, limits.CONTACT_FORM.attachment_types)),
    RouteDoc(VOTE_PATH, "POST", "\"Was this helpful?\" on a public article: a form post "
             "(article_id, helpful=yes|no, locale), once per browser and article, limited per address; "
             "answers a thank-you page.", None, HtmlPage, body=votes.Vote, body_types=(URLENCODED,)),
    RouteDoc(SUGGESTIONS_PATH, "GET", "Public articles that may answer a subject as it is typed in the contact "
             f"form (at most {limits.CONTACT_FORM.suggestions}; public articles only; limited per address: 429 "
             "with Retry-After).", None, Suggestions, query=SuggestionQuery, errors=("error.throttled",)),
]  # fmt: skip
HTML = "text/html; charset=utf-8"

_buckets: dict[tuple[str, str], limits.TokenBucket] = {}
_buckets_lock = threading.Lock()
MAX_ADDRESSES = 10_000  # buckets kept per process; past it the oldest are forgotten


def _wait(kind: str, limit: limits.RateLimit) -> int:
    """One request of this address against its bucket; seconds to wait, or 0."""
    context = blueprint.current_request.context or {}
    address = str((context.get("identity") or {}).get("sourceIp") or "unknown")
    return _wait_for(kind, address, limit)


def _wait_for(kind: str, who: str, limit: limits.RateLimit) -> int:
    """One request of ``who`` (an address, an e-mail, a number) against its bucket."""
    address = who
    with _buckets_lock:
        if len(_buckets) > MAX_ADDRESSES:
            for stale in list(_buckets)[: MAX_ADDRESSES // 2]:
                del _buckets[stale]
        bucket = _buckets.setdefault((kind, address), limits.TokenBucket(limit, time.monotonic))
    return bucket.take()


def _page(html: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    answer_headers: dict[str, str | list[str]] = {**http_policy.HELP_CENTER_HEADERS, "Content-Type": HTML,
                                                  "Cache-Control": "no-store", **(headers or {})}  # fmt: skip
    return Response(body=html, status_code=status, headers=answer_headers)


def _refusal(
    locale: Language, status: int, spanish: str, english: str, headers: dict[str, str] | None = None
) -> Response:
    text = spanish if locale is Language.SPANISH else english
    other = english if locale is Language.SPANISH else spanish
    body = f'<h1>{escape(text)}</h1><p lang="{"en" if locale is Language.SPANISH else "es"}">{escape(other)}</p>'
    return _page(helpcenter.page(locale, text, body), status, headers)


def _throttled(locale: Language, wait: int) -> Response:
    return _refusal(
        locale,
        429,
        "Demasiadas solicitudes: espera unos segundos e inténtalo de nuevo.",
        "Too many requests: wait a few seconds and try again.",
        {"Retry-After": str(wait)},
    )


def _search(locale: Language) -> Response:
    wait = _wait("search", limits.HELP_CENTER_SEARCHES)
    if wait:
        return _throttled(locale, wait)
    params: dict[str, str] = dict(blueprint.current_request.query_params or {})
    query = (params.get("q") or "").strip()
    query = query[: limits.KNOWLEDGE.max_query_chars]
    hits = connections.knowledge_shelf().public().find(query, locale, limits.KNOWLEDGE.results) if query else []
    if query and not hits:
        gaps.record(connections.store(), query, locale, utc_now())
    return _page(helpcenter.search_page(locale, query, hits))


@blueprint.route("/ayuda/buscar", methods=["GET"])
def buscar() -> Response:
    return _search(Language.SPANISH)


@blueprint.route("/help/search", methods=["GET"])
def search() -> Response:
    return _search(Language.ENGLISH)


@blueprint.route(SUGGESTIONS_PATH, methods=["GET"])
def suggestions() -> Response:
    """The articles the contact page's script shows under the subject (JSON)."""
    headers: dict[str, str | list[str]] = {
        "Content-Type": "application/json; charset=utf-8",
        "Cache-Control": "no-store",
    }
    wait = _wait("suggestions", limits.HELP_CENTER_SUGGESTIONS)
    if wait:
        status, error = error_body("error.throttled")
        return Response(body=json.dumps(error, ensure_ascii=False), status_code=status,
                        headers={**headers, "Retry-After": str(wait)})  # fmt: skip
    params: dict[str, str] = dict(blueprint.current_request.query_params or {})
    locale = Language.ENGLISH if params.get("locale") == "en" else Language.SPANISH
    query = (params.get("q") or "").strip()[: limits.KNOWLEDGE.max_query_chars]
    found = connections.knowledge_shelf().public().find(query, locale, limits.CONTACT_FORM.suggestions) if query else []
    answer = Suggestions(suggestions=[
        Suggestion(title=hit.title, summary=hit.summary, url=helpcenter.article_path(locale, hit.id)) for hit in found
    ])  # fmt: skip
    return Response(body=answer.model_dump_json(), status_code=200, headers=headers)


@blueprint.route(VOTE_PATH, methods=["POST"], content_types=["application/x-www-form-urlencoded"])
def vote() -> Response:
    request = blueprint.current_request
    raw = request.raw_body or b""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    fields = {k: v[0] for k, v in parse_qs(text).items() if v}
    locale = Language.ENGLISH if fields.get("locale") == "en" else Language.SPANISH
    wait = _wait("vote", limits.HELP_CENTER_VOTES)
    if wait:
        return _throttled(locale, wait)
    try:
        cast = votes.Vote.model_validate(fields)
        cookies = dict(
            part.strip().split("=", 1) for part in (request.headers.get("cookie") or "").split(";") if "=" in part
        )
        _, remember = votes.vote(
            connections.store(), connections.knowledge_shelf(), cast, votes.remembered(cookies.get(COOKIE))
        )
    except (ValidationError, HelpdeskError):
        return _refusal(locale, 400, "No pudimos registrar tu voto.", "We could not record your vote.")
    cookie = f"{COOKIE}={'.'.join(remember)}; Path={VOTE_PATH}; Max-Age=31536000; HttpOnly; Secure; SameSite=Lax"
    return _page(helpcenter.thanks_page(locale, cast.article_id), headers={"Set-Cookie": cookie})


def _posted_form() -> PostedForm:
    request = blueprint.current_request
    raw = request.raw_body or b""
    body = raw if isinstance(raw, bytes) else str(raw).encode("utf-8")
    return read_form(request.headers.get("content-type") or URLENCODED, body)


def _contact_form(locale: Language) -> Response:
    wait = _wait("search", limits.HELP_CENTER_SEARCHES)  # a form view costs a write: limited like searches
    if wait:
        return _throttled(locale, wait)
    return _page(helpcenter.contact_page(locale, hand_out(connections.store(), utc_now())))


@blueprint.route("/ayuda/contacto", methods=["GET"])
def contacto() -> Response:
    return _contact_form(Language.SPANISH)


@blueprint.route("/help/contact", methods=["GET"])
def contact() -> Response:
    return _contact_form(Language.ENGLISH)


REFUSALS = {
    "form": ("No pudimos enviar el formulario: vuelve a escribir tu mensaje y envíalo otra vez.",
             "We could not send the form: write your message again and send it once more."),
    "identity": ("Escribe un correo válido o tu número de WhatsApp con el código de país (p. ej. +502 5555 1234).",
                 "Write a valid e-mail or your WhatsApp number with its country code (e.g. +502 5555 1234)."),
    "fields": ("Revisa el formulario: nombre, contacto, asunto y mensaje son obligatorios (mensaje de hasta 5000 "
               "caracteres).", "Check the form: name, contact, subject and message are required (message up to "
               "5000 characters)."),
    "callback": ("Para llamarte necesitamos tu número con el código de país (p. ej. +502 5555 1234).",
                 "To call you we need your number with its country code (e.g. +502 5555 1234)."),
    "attachment_size": (f"El archivo adjunto pesa demasiado: hasta {ATTACHMENT_MB} MB. Elige otro o envía el "
                        "mensaje sin él.", f"The attached file is too large: up to {ATTACHMENT_MB} MB. Choose "
                        "another or send the message without it."),
    "attachment_type": ("Solo podemos recibir imágenes (PNG, JPG, GIF, WebP) o PDF. Elige otro archivo o envía "
                        "el mensaje sin él.", "We can only take images (PNG, JPG, GIF, WebP) or PDF. Choose another "
                        "file or send the message without it."),
}  # fmt: skip


def _refused_form(locale: Language, fields: dict[str, str], reason: str) -> Response:
    spanish, english = REFUSALS[reason]
    kept = {k: v for k, v in fields.items() if k in helpcenter.CONTACT_FIELDS}
    text = spanish if locale is Language.SPANISH else english
    html = helpcenter.contact_page(locale, hand_out(connections.store(), utc_now()), kept, text)
    return _page(html, 400)


@blueprint.route(CONTACT_POST, methods=["POST"], content_types=[URLENCODED, MULTIPART])
def send_contact_form() -> Response:
    wait = _wait("contact", limits.HELP_CENTER_CONTACTS_PER_ADDRESS)  # before reading a body of up to 6 MB
    if wait:
        return _throttled(Language.ENGLISH if "/help/" in (blueprint.current_request.headers.get("referer") or "")
                          else Language.SPANISH, wait)  # fmt: skip
    posted = _posted_form()
    fields = posted.fields
    attached = next((f for f in posted.files if f.field == ATTACHMENT_FIELD), None)
    locale = Language.ENGLISH if fields.get("locale") == "en" else Language.SPANISH
    try:
        form = ContactForm.model_validate(fields)
        wait = _wait_for("contact-identity", identity_of(form.reach).value, limits.HELP_CENTER_CONTACTS_PER_IDENTITY)
        if not wait and (callback := form.callback_request()) is not None:
            number = callback_number(callback.number)
            wait = _wait_for("callback-number", number, limits.HELP_CENTER_CALLBACKS_PER_NUMBER)
        if wait:
            return _throttled(locale, wait)
        shelf = FileShelf(connections.files(), mail_settings().attachments_bucket) if attached else None
        ticket = submit(connections.store(), form, utc_now(), connections.callback_dialer(), attached, shelf)
    except ValidationError:
        return _refused_form(locale, fields, "fields")
    except InvalidIdentity:
        return _refused_form(locale, fields, "identity")
    except FormRefused as refused:
        return _refused_form(locale, fields, refused.reason if refused.reason in REFUSALS else "form")
    except CallbackRefused:
        return _refused_form(locale, fields, "callback")
    return _page(helpcenter.sent_page(locale, ticket.number))
