"""The local web server: Chalice's own dev server for the agent API, plus the
static files of ``frontend/`` (S3 + CloudFront serve them in AWS).

It also plays API Gateway's part where the code cannot: throttling with the
limits of ``helpdesk.limits`` (429 with ``Retry-After``; ``ATIENDE_API_THROTTLE``
``ATIENDE_WEBHOOK_THROTTLE`` and ``ATIENDE_CUSTOMER_PAGES_THROTTLE``, as ``rate/burst``, set others for a test) and
CORS preflights, answered only for ``CORS_ALLOWED_ORIGINS``. The console's
files carry ``helpdesk.http_policy``'s console headers (CloudFront's response
headers policy in AWS).
"""

import base64
import json
import mimetypes
import os
import re
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from chalice.config import Config
from chalice.local import ChaliceRequestHandler, LocalDevServer

from helpdesk import http_policy, limits
from helpdesk.settings import auth_settings, cors_settings, live_socket_settings
from local.api_gateway import Route, invoke, routes
from local.clock import move_forward
from local.meta_sandbox import MetaSandbox
from local.whatsapp_sandbox import WhatsAppSandbox, customers_in

if TYPE_CHECKING:
    from local.connect_sandbox import ConnectSandbox
    from local.live_socket import LiveSocketServer

FRONTEND = Path(__file__).resolve().parent.parent / "frontend"
GATEWAY_ROUTES = routes()
SANDBOX_GRAPH = re.compile(r"^/sandbox/graph/v[\d.]+/(?P<phone>[^/]+)/messages$")
SANDBOX_MEDIA_INFO = re.compile(r"^/sandbox/graph/v[\d.]+/(?P<media>\d+)$")
SANDBOX_MEDIA = re.compile(r"^/sandbox/media/(?P<media>\d+)$")
META_SEND = re.compile(r"^/sandbox/meta-graph/v[\d.]+/me/messages$")
META_PROFILE = re.compile(r"^/sandbox/meta-graph/v[\d.]+/(?P<id>\d+)$")
META_CDN = re.compile(r"^/sandbox/cdn/(?P<file>[0-9a-f]+)$")
LIVE_POST = re.compile(r"^/live/@connections/(?P<connection>[^/]+)$")  # the WebSocket API's Management API
_sandbox: WhatsAppSandbox | None = None
_meta: MetaSandbox | None = None
_live: "LiveSocketServer | None" = None
_connect: "ConnectSandbox | None" = None
API_PREFIXES = ("/api/", "/webhooks/", "/public/")
HELP_CENTER_SEARCH = ("/ayuda/buscar", "/help/search", "/ayuda/contacto", "/help/contact")  # the API renders them
API_PATHS = ("/health", "/api", *HELP_CENTER_SEARCH)
HELP_CENTER_PREFIXES = ("/ayuda", "/help")  # the pages made on publish (CloudFront reads them from S3 in AWS)
WEBHOOK_PATH = "/webhooks/whatsapp"
WEB_CHAT_PREFIX = "/public/chat/"  # the widget's visitors: their own stage limit


def _rate_limit(variable: str, default: limits.RateLimit) -> limits.RateLimit:
    """``default``, or ``rate/burst`` from ``variable`` (tests set tiny buckets)."""
    configured = os.environ.get(variable, "")
    if not configured:
        return default
    rate, _, burst = configured.partition("/")
    return limits.RateLimit(rate_per_second=float(rate), burst=int(burst))


class Throttle:
    """API Gateway's throttling, locally: one bucket for the agent API, one for
    Meta's webhook deliveries, one for customers' pages (the template's stage
    settings name the same limits)."""

    def __init__(self) -> None:
        self.agent_api = limits.TokenBucket(_rate_limit("ATIENDE_API_THROTTLE", limits.AGENT_API), time.monotonic)
        self.webhook = limits.TokenBucket(
            _rate_limit("ATIENDE_WEBHOOK_THROTTLE", limits.WHATSAPP_WEBHOOK), time.monotonic
        )
        self.meta_webhook = limits.TokenBucket(
            _rate_limit("ATIENDE_WEBHOOK_THROTTLE", limits.META_MESSAGING_WEBHOOK), time.monotonic
        )
        self.customer_pages = limits.TokenBucket(
            _rate_limit("ATIENDE_CUSTOMER_PAGES_THROTTLE", limits.CUSTOMER_PAGES), time.monotonic
        )
        self.help_center = limits.TokenBucket(
            _rate_limit("ATIENDE_HELP_CENTER_THROTTLE", limits.HELP_CENTER), time.monotonic
        )
        self.web_chat = limits.TokenBucket(_rate_limit("ATIENDE_WEB_CHAT_THROTTLE", limits.WEB_CHAT), time.monotonic)

    def wait_for(self, method: str, path: str) -> int:
        """0 when the request may go; else the seconds to wait (``Retry-After``)."""
        if path == WEBHOOK_PATH and method == "POST":
            return self.webhook.take()
        if path in limits.META_MESSAGING_WEBHOOK_PATHS and method == "POST":
            return self.meta_webhook.take()
        if path.startswith(limits.CUSTOMER_PAGES_PREFIX):
            return self.customer_pages.take()
        if path.startswith("/api/") and method != "OPTIONS":
            return self.agent_api.take()
        if path.startswith(WEB_CHAT_PREFIX):
            return self.web_chat.take()
        if path in HELP_CENTER_SEARCH or path.startswith("/public/"):
            return self.help_center.take()
        return 0


_throttle: Throttle | None = None


class ConsoleRequestHandler(ChaliceRequestHandler):
    """API paths go to the Chalice app; everything else is a frontend file.

    The app object serves one request at a time, as one Lambda instance does:
    Chalice keeps the request being served on the app itself
    (``app.current_request``), so two requests at once in this threaded server
    would read each other's bodies."""

    _one_at_a_time = threading.Lock()

    def _generic_handle(self) -> None:
        with ConsoleRequestHandler._one_at_a_time:
            super()._generic_handle()

    def parse_request(self) -> bool:
        """After the request line and headers: throttling first, as API Gateway
        does before any function runs, and CORS preflights. False: answered here."""
        if not super().parse_request():
            return False
        path = urlsplit(self.path).path
        wait = _throttle.wait_for(self.command, path) if _throttle is not None else 0
        if wait:
            from agent_api.errors import error_body

            self._discard_body()
            status, answer = error_body("error.throttled")
            self._send_json(status, answer, {"Retry-After": str(wait), **http_policy.API_HEADERS})
            return False
        if self.command == "OPTIONS" and self._is_api():
            self._discard_body()
            self._send_preflight()
            return False
        return True

    def _discard_body(self) -> None:
        length = int(self.headers.get("content-length", "0") or 0)
        if length:
            self.rfile.read(length)

    def _send_preflight(self) -> None:
        """A CORS preflight: allowed only from ``CORS_ALLOWED_ORIGINS`` (none by default)."""
        allowed = http_policy.allowed_origins(cors_settings().allowed_origins)
        headers = {**http_policy.API_HEADERS, **http_policy.cors_headers(self.headers.get("origin"), allowed, True)}
        self.send_response(204)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    # Chalice binds these to its own _generic_handle; route them through ours.
    def do_PATCH(self) -> None:
        self._generic_handle()

    def do_PUT(self) -> None:
        self._generic_handle()

    def do_DELETE(self) -> None:
        self._generic_handle()

    def do_OPTIONS(self) -> None:
        self._generic_handle()

    def do_HEAD(self) -> None:
        self._generic_handle()

    def _is_api(self) -> bool:
        path = urlsplit(self.path).path
        return path in API_PATHS or path.startswith(API_PREFIXES)

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        authorization = self.headers.get("authorization", "")
        if path == "/dev/outbox":
            self._send_outbox()
        elif _meta is not None and (match := META_PROFILE.match(path)):
            self._send_json(*_meta.profile(match.group("id"), authorization))
        elif _meta is not None and (match := META_CDN.match(path)):
            self._send_file(_meta.file(match.group("file")))
        elif _sandbox is not None and (match := SANDBOX_MEDIA_INFO.match(path)):
            self._send_json(*_sandbox.graph_media(match.group("media"), authorization))
        elif _sandbox is not None and (match := SANDBOX_MEDIA.match(path)):
            self._send_file(_sandbox.media_bytes(match.group("media"), authorization))
        elif self._gateway_route():
            self._send_to_function()
        elif self._is_api():
            self._generic_handle()
        elif path.split("/")[1:2] and f"/{path.split('/')[1]}" in HELP_CENTER_PREFIXES:
            self._send_help_page(path)
        else:
            self._send_static()

    def _send_file(self, found: tuple[bytes, str] | None) -> None:
        if found is None:
            self._send_json(404, {"error": {"message": "not found", "code": 100}})
            return
        self.send_response(200)
        self.send_header("Content-Type", found[1])
        self.send_header("Content-Length", str(len(found[0])))
        self.end_headers()
        self.wfile.write(found[0])

    def _send_help_page(self, path: str) -> None:
        """A page of the help center as CloudFront serves it: ``/ayuda/`` is its index.html."""
        from helpdesk import connections
        from helpdesk.knowledge.finding import PAGE_TYPE

        if path.endswith("/") or path in HELP_CENTER_PREFIXES:
            path = path.rstrip("/") + "/index.html"
        found = connections.knowledge_shelf().served(unquote(path))
        status, body, kind = (200, *found) if found is not None else (404, b"<!doctype html><h1>404</h1>", PAGE_TYPE)
        self.send_response(status)
        self.send_header("Content-Type", kind)  # as the object was written, as CloudFront serves it
        self.send_header("Content-Length", str(len(body)))
        for name, value in http_policy.HELP_CENTER_HEADERS.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        if self._gateway_route():
            self._send_to_function()
        elif _sandbox is not None and (match := SANDBOX_GRAPH.match(path)):
            status, answer = _sandbox.graph_send(
                match.group("phone"), self.headers.get("authorization", ""), self._json_body()
            )
            self._send_json(status, answer)
        elif _meta is not None and META_SEND.match(path):
            authorization, content_type = self.headers.get("authorization", ""), self.headers.get("content-type", "")
            if content_type.startswith("multipart/form-data"):
                raw = self.rfile.read(int(self.headers.get("content-length", "0") or 0))
                self._send_json(*_meta.send_form(authorization, raw, content_type))
            else:
                self._send_json(*_meta.send(authorization, self._json_body()))
        elif _meta is not None and path == "/sandbox/meta/customer":
            self._meta_customer()
        elif path == "/dev/clock":
            self._move_clock()
        elif _live is not None and (match := LIVE_POST.match(path)):
            self._post_to_connection(unquote(match.group("connection")))
        elif _live is not None and path == "/dev/live/close":  # {"refuse_new": true}: the socket stays down
            self._send_json(200, {"closed": _live.stop_sockets(bool(self._json_body().get("refuse_new")))})
        elif _live is not None and path == "/dev/live/open":
            _live.reopen()
            self._send_json(200, {"open": True})
        elif _connect is not None and path.startswith("/sandbox/connect/"):
            self._play_connect(path.removeprefix("/sandbox/connect/"))
        elif _sandbox is not None and path == "/sandbox/customer":
            body = self._json_body()
            image = base64.b64decode(body["image_base64"]) if body.get("image_base64") else None
            wamid = _sandbox.customer_sends(
                str(body.get("from", "")),
                str(body.get("name", "")),
                str(body.get("text", "")),
                image,
                str(body.get("mime_type") or "image/jpeg"),
            )
            self._send_json(200, {"id": wamid})
        else:
            self._generic_handle()

    def _meta_customer(self) -> None:
        """``atiende messenger send`` / ``atiende instagram send``."""
        assert _meta is not None  # noqa: S101 - checked by the caller
        body = self._json_body()
        product = str(body.get("product", ""))
        if product not in ("messenger", "instagram") or not str(body.get("from", "")).isdigit():
            self._send_json(400, {"error": "product messenger|instagram and a numeric from"})
            return
        image = base64.b64decode(body["image_base64"]) if body.get("image_base64") else None
        mid = _meta.customer_sends(product, str(body["from"]), str(body.get("name", "")), str(body.get("text", "")),
                                   image, str(body.get("mime_type") or "image/jpeg"),
                                   bool(body.get("story_reply")))  # fmt: skip
        self._send_json(200, {"mid": mid})

    def _play_connect(self, what: str) -> None:
        """Amazon Connect's side of a call (``local/connect_sandbox.py``)."""
        assert _connect is not None  # noqa: S101 - checked by the caller
        body = self._json_body()
        if what == "events":
            self._send_json(200, {"delivered": _connect.put_event(body)})
        elif what == "flow":
            self._send_json(200, _connect.ask_flow(body))
        elif what == "voicemail":
            key = _connect.leave_voicemail(str(body["contact_id"]), str(body["number"]), str(body["text"]))
            self._send_json(200, {"key": key})
        else:
            self._send_json(404, {"error": "unknown"})

    def _post_to_connection(self, connection_id: str) -> None:
        """``post_to_connection`` as API Gateway answers it: 200, or 410 when gone."""
        from local.live_socket import gone_answer

        length = int(self.headers.get("content-length", "0") or 0)
        data = self.rfile.read(length) if length else b""
        assert _live is not None  # noqa: S101 - checked by the caller
        status, headers, body = (200, {}, b"") if _live.post(connection_id, data) else gone_answer()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _move_clock(self) -> None:
        """``POST /dev/clock {"forward_seconds": 61}``: the stack's clock jumps ahead."""
        try:
            moment = move_forward(timedelta(seconds=float(self._json_body().get("forward_seconds", 0))))
        except (TypeError, ValueError) as refused:
            self._send_json(400, {"error": str(refused)})
            return
        self._send_json(200, {"now": moment.isoformat()})

    def _json_body(self) -> dict[str, Any]:
        length = int(self.headers.get("content-length", "0") or 0)
        loaded: dict[str, Any] = json.loads(self.rfile.read(length) or b"{}") if length else {}
        return loaded

    def _send_json(self, status: int, answer: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        body = json.dumps(answer, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _gateway_route(self) -> Route | None:
        return GATEWAY_ROUTES.get((urlsplit(self.path).path, self.command))

    def _send_to_function(self) -> None:
        route = self._gateway_route()
        assert route is not None  # noqa: S101 - checked by the caller
        length = int(self.headers.get("content-length", "0") or 0)
        body = self.rfile.read(length) if length else b""
        response = invoke(route, self.command, self.path, dict(self.headers), body)
        if _sandbox is not None and urlsplit(self.path).path == WEBHOOK_PATH and response.get("statusCode") == 200:
            for wa_id in customers_in(body):  # signed and accepted: what Meta would have seen
                _sandbox.customer_wrote(wa_id)
        payload = (response.get("body") or "").encode("utf-8")
        self.send_response(int(response.get("statusCode", 200)))
        for name, value in (response.get("headers") or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _send_outbox(self) -> None:
        from local.outbox import outbox
        from local.stack import REGION

        messages = outbox(REGION) + (list(reversed(_sandbox.sent)) if _sandbox else [])
        messages += list(reversed(_meta.sent)) if _meta else []
        messages.sort(key=lambda m: m.get("sent_at", ""), reverse=True)
        self._send_json(200, {"messages": messages})

    def _send_static(self) -> None:
        relative = unquote(urlsplit(self.path).path).lstrip("/") or "index.html"
        target = (FRONTEND / relative).resolve()
        if not target.is_relative_to(FRONTEND) or not target.is_file():
            target = FRONTEND / "index.html"  # the console routes in the browser
        body = target.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", mimetypes.guess_type(target.name)[0] or "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        headers = http_policy.console_headers(auth_settings().endpoint, live_socket_settings().socket_url)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # request lines would carry ticket ids and query strings; Powertools logs what matters


def console_server(
    host: str,
    port: int,
    sandbox: WhatsAppSandbox | None = None,
    live: "LiveSocketServer | None" = None,
    meta: MetaSandbox | None = None,
    connect: "ConnectSandbox | None" = None,
) -> LocalDevServer:
    global _sandbox, _throttle, _live, _meta, _connect  # noqa: PLW0603 - one local server per process
    _sandbox = sandbox
    _meta = meta
    _live = live
    _connect = connect
    _throttle = Throttle()  # the limits as the environment sets them now
    from agent_api.app import app

    config = Config.create(chalice_app=app, app_name=app.app_name, chalice_stage="local")
    return LocalDevServer(app, config, host, port, handler_cls=ConsoleRequestHandler)
