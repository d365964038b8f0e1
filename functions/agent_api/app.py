"""The agents' REST API: a Chalice app, served by API Gateway + Lambda in AWS and
by Chalice's own local server in the local stack.

This module holds the app, the public routes (health, the console's sign-in
setup, the OpenAPI document) and the list of areas. Each area's routes live
in ``agent_api/routes/<area>.py`` as a blueprint (``agent_api.routing``): a
route parses its input into typed models, calls one domain function and
returns typed JSON; errors become responses in ``agent_api.errors``.
"""

import functools
from typing import Any

from chalice import Chalice

import helpdesk
from agent_api import answers, help_center, web_chat
from agent_api.openapi import RouteDoc, document
from agent_api.routes import (
    admin,
    api_keys,
    contacts,
    customer_pages,
    files,
    follow_ups,
    knowledge,
    me,
    quality,
    reports,
    surveys,
    tickets,
    webhooks,
)
from agent_api.routing import Area
from helpdesk import connections, http_policy
from helpdesk.access import Role
from helpdesk.api_keys import Scope
from helpdesk.settings import auth_settings, cors_settings, live_socket_settings
from helpdesk.team.sign_in import PasswordPolicy, password_policy, sign_in_policy

app = Chalice(app_name="atiende-agent-api")
app.api.cors = False  # same origin: the console is served beside the API; other origins: below
# File answers are bytes, and so is the contact form's multipart post (its file); everything else is
# JSON or text. The template's BinaryMediaTypes say the same (a test holds them equal).
app.api.binary_types = [files.BYTES, help_center.MULTIPART]


@app.middleware("http")
def answer_headers(event: Any, get_response: Any) -> Any:
    """Every answer carries the security headers (``helpdesk.http_policy``), and
    CORS headers only for an origin in ``CORS_ALLOWED_ORIGINS``."""
    response = get_response(event)
    origin = next((v for k, v in (event.headers or {}).items() if k.lower() == "origin"), None)
    allowed = http_policy.allowed_origins(cors_settings().allowed_origins)
    response.headers = {**http_policy.API_HEADERS, **http_policy.cors_headers(origin, allowed), **response.headers}
    return response


# Every area of the API; a new one (kb, chat, reports…) joins here.
AREAS: tuple[Area, ...] = (
    tickets.area, files.area, contacts.area, me.area, admin.area, api_keys.area,
    webhooks.area, quality.area, surveys.area, follow_ups.area, knowledge.area, reports.area,
)  # fmt: skip
for _area in AREAS:
    app.register_blueprint(_area.blueprint)
app.register_blueprint(customer_pages.blueprint)  # customers' pages: public, from signed links
app.register_blueprint(help_center.blueprint)  # the public help center's search and votes (HTML, no sign-in)
app.register_blueprint(web_chat.blueprint)  # the web chat widget's visitors (JSON, no sign-in, any origin)

# (path, method) → the least role a route needs; the role × route test reads it.
ROUTE_ROLES: dict[tuple[str, str], Role] = {key: role for area in AREAS for key, role in area.roles.items()}
ROUTE_DOCS: list[RouteDoc] = [doc for area in AREAS for doc in area.docs]
# (path, method) → the scope an API key needs there (None: agents only).
ROUTE_SCOPES: dict[tuple[str, str], Scope | None] = {key: s for area in AREAS for key, s in area.scopes.items()}


def _package_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version  # ~50 ms: only /health pays

    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


@app.route("/health")
def health() -> dict[str, Any]:
    """Liveness, with the versions of the parts (no table call: cheap to poll)."""
    import platform

    return {
        "status": "ok",
        "versions": {
            "atiende": helpdesk.__version__,
            "python": platform.python_version(),
            "chalice": _package_version("chalice"),
            "pynamodb": _package_version("pynamodb"),
            "boto3": _package_version("boto3"),
            "aws-lambda-powertools": _package_version("aws-lambda-powertools"),
        },
    }


# Routes anyone may call, without a token.
PUBLIC_ROUTES = {
    ("/health", "GET"),
    ("/api/console-config", "GET"),
    ("/api/openapi.json", "GET"),
    *customer_pages.ROUTES,
    *help_center.ROUTES,  # HTML for browsers, limited per address: not in the agents' OpenAPI document
    *web_chat.ROUTES,  # the widget's visitors, limited per address and per session
}
PUBLIC_DOCS = [
    *help_center.DOCS,
    *web_chat.DOCS,
    RouteDoc("/health", "GET", "Liveness, with the versions of the parts.", None, answers.Health),
    RouteDoc("/api/console-config", "GET", "Where and how the console signs in.", None, answers.ConsoleConfig),
    *customer_pages.DOCS,
]


@functools.lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    return document([*PUBLIC_DOCS, *ROUTE_DOCS], "Atiende agent API", helpdesk.__version__)


@app.route("/api/openapi.json")
def openapi() -> dict[str, Any]:
    """This API's OpenAPI 3.1 document (generated from its pydantic models)."""
    return openapi_document()


@app.route("/api/console-config")
def console_config() -> dict[str, Any]:
    """What the console needs before anyone signs in: where and how to sign in."""
    settings = auth_settings()
    return {
        "cognito": {
            "endpoint": settings.endpoint,
            "region": settings.region,
            "client_id": settings.user_pool_client_id,
        },
        "languages": ["es", "en"],
        "idle_sign_out_minutes": sign_in_policy(connections.store()).idle_sign_out_minutes,
        "password_policy": _password_policy().model_dump(mode="json"),
        "live_socket_url": live_socket_settings().socket_url,  # empty: the console polls
    }


@functools.lru_cache(maxsize=1)
def _password_policy() -> PasswordPolicy:
    """The pool's policy, read from Cognito once per process (it changes only with a deploy)."""
    return password_policy(connections.directory())
