"""The local web server: Chalice's own dev server for the agent API, plus the
static files of ``frontend/`` (S3 + CloudFront serve them in AWS)."""

import base64
import json
import mimetypes
import re
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from chalice.config import Config
from chalice.local import ChaliceRequestHandler, LocalDevServer

from local.api_gateway import Route, invoke, routes
from local.whatsapp_sandbox import WhatsAppSandbox

FRONTEND = Path(__file__).resolve().parent.parent / "frontend"
GATEWAY_ROUTES = routes()
SANDBOX_GRAPH = re.compile(r"^/sandbox/graph/v[\d.]+/(?P<phone>[^/]+)/messages$")
SANDBOX_MEDIA_INFO = re.compile(r"^/sandbox/graph/v[\d.]+/(?P<media>\d+)$")
SANDBOX_MEDIA = re.compile(r"^/sandbox/media/(?P<media>\d+)$")
_sandbox: WhatsAppSandbox | None = None
API_PREFIXES = ("/api/", "/webhooks/", "/public/")
API_PATHS = ("/health", "/api")


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
        elif _sandbox is not None and (match := SANDBOX_MEDIA_INFO.match(path)):
            self._send_json(*_sandbox.graph_media(match.group("media"), authorization))
        elif _sandbox is not None and (match := SANDBOX_MEDIA.match(path)):
            found = _sandbox.media_bytes(match.group("media"), authorization)
            if found is None:
                self._send_json(404, {"error": {"message": "not found", "code": 100}})
            else:
                self.send_response(200)
                self.send_header("Content-Type", found[1])
                self.send_header("Content-Length", str(len(found[0])))
                self.end_headers()
                self.wfile.write(found[0])
        elif self._gateway_route():
            self._send_to_function()
        elif self._is_api():
            self._generic_handle()
        else:
            self._send_static()

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        if self._gateway_route():
            self._send_to_function()
        elif _sandbox is not None and (match := SANDBOX_GRAPH.match(path)):
            status, answer = _sandbox.graph_send(
                match.group("phone"), self.headers.get("authorization", ""), self._json_body()
            )
            self._send_json(status, answer)
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

    def _json_body(self) -> dict[str, Any]:
        length = int(self.headers.get("content-length", "0") or 0)
        loaded: dict[str, Any] = json.loads(self.rfile.read(length) or b"{}") if length else {}
        return loaded

    def _send_json(self, status: int, answer: dict[str, Any]) -> None:
        body = json.dumps(answer, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
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
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # request lines would carry ticket ids and query strings; Powertools logs what matters


def console_server(host: str, port: int, sandbox: WhatsAppSandbox | None = None) -> LocalDevServer:
    global _sandbox  # noqa: PLW0603 - one local server per process
    _sandbox = sandbox
    from agent_api.app import app

    config = Config.create(chalice_app=app, app_name=app.app_name, chalice_stage="local")
    return LocalDevServer(app, config, host, port, handler_cls=ConsoleRequestHandler)
