"""The public help center's routes (no sign-in): the search results page in
each language, and "¿Te fue útil?" votes. Both answer HTML that works without
JavaScript, read only the public index (``IndexShelf.public``: internal
articles do not exist in it) and are limited per address (429 with
``Retry-After`` and a Spanish and English page). The static pages themselves
come from the knowledge bucket (CloudFront; the local stack in local mode)."""

import threading
import time
from html import escape
from typing import Annotated
from urllib.parse import parse_qs

from chalice import Blueprint, Response
from pydantic import Field, ValidationError

from agent_api.answers import HtmlPage
from agent_api.openapi import RouteDoc
from helpdesk import connections, http_policy, limits
from helpdesk.channels.phone.callbacks import callback_number
from helpdesk.channels.web_form import ContactForm, FormRefused, hand_out, identity_of, submit
from helpdesk.clock import utc_now
from helpdesk.errors import CallbackRefused, HelpdeskError, InvalidIdentity
from helpdesk.knowledge import gaps, helpcenter, votes
from helpdesk.models import Language
from helpdesk.validated import Validated

blueprint = Blueprint("agent_api.help_center")
SEARCH_PATHS = {Language.SPANISH: "/ayuda/buscar", Language.ENGLISH: "/help/search"}
VOTE_PATH = helpcenter.VOTE_PATH
COOKIE = "atiende_votos"
CONTACT_PATHS = helpcenter.CONTACT_PATHS
CONTACT_POST = helpcenter.CONTACT_POST
ROUTES = {
    *((path, "GET") for path in (*SEARCH_PATHS.values(), *CONTACT_PATHS.values())),
    (VOTE_PATH, "POST"),
    (CONTACT_POST, "POST"),
}


class SearchQuery(Validated):
    q: Annotated[str, Field(max_length=limits.KNOWLEDGE.max_query_chars)] = ""


DOCS = [
    RouteDoc(SEARCH_PATHS[Language.SPANISH], "GET", "The help center's search results page, in Spanish (HTML; "
             "public articles only; limited per address).", None, HtmlPage, query=SearchQuery),
    RouteDoc(SEARCH_PATHS[Language.ENGLISH], "GET", "The help center's search results page, in English (HTML; "
             "public articles only; limited per address).", None, HtmlPage, query=SearchQuery),
    RouteDoc(CONTACT_PATHS[Language.SPANISH], "GET", "The contact form, in Spanish (HTML, with a single-use "
             "token).", None, HtmlPage),
    RouteDoc(CONTACT_PATHS[Language.ENGLISH], "GET", "The contact form, in English (HTML, with a single-use "
             "token).", None, HtmlPage),
    RouteDoc(CONTACT_POST, "POST", "The contact form sent: a ticket on the web_form channel (honeypot, token "
             "timing, limits per address and per e-mail or number); with callback=on, callback_number and "
             "callback_time, a call back (Amazon Connect, else an agent's task; limited per number); answers the "
             "case number.", None, HtmlPage,
             body=ContactForm),
    RouteDoc(VOTE_PATH, "POST", "\"Was this helpful?\" on a public article: a form post "
             "(article_id, helpful=yes|no, locale), once per browser and article, limited per address; "
             "answers a thank-you page.", None, HtmlPage, body=votes.Vote),
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


def _form_fields() -> dict[str, str]:
    raw = blueprint.current_request.raw_body or b""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items() if v}


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
}  # fmt: skip


def _refused_form(locale: Language, fields: dict[str, str], reason: str) -> Response:
    spanish, english = REFUSALS[reason]
    kept = {k: v for k, v in fields.items() if k in helpcenter.CONTACT_FIELDS}
    text = spanish if locale is Language.SPANISH else english
    html = helpcenter.contact_page(locale, hand_out(connections.store(), utc_now()), kept, text)
    return _page(html, 400)


@blueprint.route(CONTACT_POST, methods=["POST"], content_types=["application/x-www-form-urlencoded"])
def send_contact_form() -> Response:
    fields = _form_fields()
    locale = Language.ENGLISH if fields.get("locale") == "en" else Language.SPANISH
    wait = _wait("contact", limits.HELP_CENTER_CONTACTS_PER_ADDRESS)
    if wait:
        return _throttled(locale, wait)
    try:
        form = ContactForm.model_validate(fields)
        wait = _wait_for("contact-identity", identity_of(form.reach).value, limits.HELP_CENTER_CONTACTS_PER_IDENTITY)
        if not wait and (callback := form.callback_request()) is not None:
            number = callback_number(callback.number)
            wait = _wait_for("callback-number", number, limits.HELP_CENTER_CALLBACKS_PER_NUMBER)
        if wait:
            return _throttled(locale, wait)
        ticket = submit(connections.store(), form, utc_now(), connections.callback_dialer())
    except ValidationError:
        return _refused_form(locale, fields, "fields")
    except InvalidIdentity:
        return _refused_form(locale, fields, "identity")
    except FormRefused:
        return _refused_form(locale, fields, "form")
    except CallbackRefused:
        return _refused_form(locale, fields, "callback")
    return _page(helpcenter.sent_page(locale, ticket.number))
