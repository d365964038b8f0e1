"""What every HTTP answer of the help desk carries, defined once: security
headers and which browser origins may call the API (CORS).

Used by the agent API (a Chalice middleware: API Gateway passes the Lambda's
headers through, so AWS answers carry them), Meta's webhooks (WhatsApp,
Messenger and Instagram: the proxy event they read and their plain answers) and
the local stack's web server (the console page; CloudFront serves it in AWS).
"""

import base64
from typing import Any
from urllib.parse import urlsplit

from pydantic import ConfigDict

from helpdesk.validated import Validated

# JSON answers: never cached (they hold tickets and personal data), never
# sniffed as something else, and nothing in them may load or frame anything.
API_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

# Customers' pages (case status, survey answers): styles inline, no script at
# all, forms post only to their own origin, never framed, and the signed link
# in the address never leaks to another site through the Referer.
CUSTOMER_PAGE_HEADERS: dict[str, str] = {
    "Content-Type": "text/html; charset=utf-8",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

# What the console page and its files may do: scripts and styles from its own
# origin only (no inline code, so a customer's HTML shown in a ticket never
# runs), images also from data:/blob: (attachments shown in place), calls to its
# own API and to Cognito's endpoint, never framed.
_CONSOLE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self' {cognito}; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)

# The public help center's pages (static, and the search and vote answers): the
# console's policy (CloudFront states one for every path), which they meet: one
# stylesheet of their own, no script at all, forms posting to the same origin.
HELP_CENTER_HEADERS: dict[str, str] = {
    "Content-Security-Policy": _CONSOLE_POLICY.format(cognito="'self'").replace(
        "connect-src 'self' 'self'", "connect-src 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}

CORS_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
CORS_HEADERS = "Authorization, Content-Type, If-Match"
CORS_MAX_AGE_SECONDS = 600


def console_headers(cognito_endpoint: str, live_socket_url: str = "") -> dict[str, str]:
    """Headers of the console page and its files; ``cognito_endpoint`` is where
    the console signs in (the regional Cognito endpoint, or the local one), and
    ``live_socket_url`` where it opens its live-updates WebSocket, if anywhere."""
    parts = urlsplit(cognito_endpoint)
    cognito = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else "https://*.amazonaws.com"
    live = urlsplit(live_socket_url)
    if live.scheme in ("ws", "wss") and live.netloc:
        cognito += f" {live.scheme}://{live.netloc}"
    return {
        "Content-Security-Policy": _CONSOLE_POLICY.format(cognito=cognito),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
    }


def allowed_origins(configured: str) -> frozenset[str]:
    """The origins named in a comma-separated setting (empty: none)."""
    return frozenset(origin.strip().rstrip("/") for origin in configured.split(",") if origin.strip())


def cors_headers(origin: str | None, allowed: frozenset[str], preflight: bool = False) -> dict[str, str]:
    """CORS headers for a request from ``origin``: none unless it is allowed
    (never ``*``: the API takes bearer tokens)."""
    if not origin or origin.rstrip("/") not in allowed:
        return {}
    headers = {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    if preflight:
        headers |= {
            "Access-Control-Allow-Methods": CORS_METHODS,
            "Access-Control-Allow-Headers": CORS_HEADERS,
            "Access-Control-Max-Age": str(CORS_MAX_AGE_SECONDS),
        }
    return headers


class ProxyRequest(Validated):
    """The fields of API Gateway's proxy event a webhook reads."""

    model_config = ConfigDict(extra="ignore")

    httpMethod: str = ""
    headers: dict[str, str] | None = None
    queryStringParameters: dict[str, str] | None = None
    body: str | None = None
    isBase64Encoded: bool = False

    def raw_body(self) -> bytes:
        body = self.body or ""
        return base64.b64decode(body) if self.isBase64Encoded else body.encode("utf-8")

    def header(self, name: str) -> str | None:
        return next((v for k, v in (self.headers or {}).items() if k.lower() == name), None)


def plain_answer(status: int, body: str) -> dict[str, Any]:
    """A webhook's proxy answer: plain text, with the API's security headers."""
    return {"statusCode": status, "headers": {"Content-Type": "text/plain", **API_HEADERS}, "body": body}
