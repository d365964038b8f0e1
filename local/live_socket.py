"""API Gateway's WebSocket API, locally: a real WebSocket server on 127.0.0.1
(the ``websockets`` library) that hands each connection, message and close to
the template's socket function (``live_socket.app.handler``) as the same
``$connect`` / ``$default`` / ``$disconnect`` events API Gateway sends, and
takes the Management API's posts (``POST /live/@connections/{id}`` on the
console's port, where ``LIVE_CALLBACK_URL`` points the fan-out) to the
connection they name, or answers 410 GoneException.

``stop_sockets`` closes every connection and may refuse new ones until
``reopen`` (``POST /dev/live/close`` and ``/dev/live/open``: tests prove the
console's fallback with them);
frames over API Gateway's 128 KB are refused by the library, as by the gateway.
"""

import asyncio
import json
import os
import secrets
import threading
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from helpdesk.observability import logger
from local.lambda_runtime import LocalContext, load_handler
from local.provision import load_template

FUNCTION = "LiveSocketFunction"
MOST_FRAME_BYTES = 128 * 1024  # API Gateway's WebSocket frame limit
STAGE = "local"
FORWARDED_HEADERS = {"origin", "host", "user-agent"}  # what API Gateway hands $connect, as far as the handler reads it


def _handler_path() -> str:
    return str(load_template()["Resources"][FUNCTION]["Properties"]["Handler"])


class LiveSocketServer:
    """The WebSocket API of the local stack, in a thread of its own."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.handler_path = _handler_path()
        self._open: dict[str, ServerConnection] = {}
        self._ids: dict[int, str] = {}  # id(websocket) → connection id
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: Server | None = None
        self._started = threading.Event()
        self.refusing = False  # tests: the socket "down" (every handshake refused)
        self._failed: OSError | None = None

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    def start(self) -> "LiveSocketServer":
        """Listening when it returns; OSError when the port is taken."""
        threading.Thread(target=self._run, name="live-socket", daemon=True).start()
        self._started.wait(10)
        if self._failed is not None:
            raise self._failed
        return self

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except OSError as failed:
            self._failed = failed
            self._started.set()

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        async with serve(
            self._converse,
            self.host,
            self.port,
            process_request=self._handshake,
            max_size=MOST_FRAME_BYTES,
            ping_interval=30,
        ) as server:
            self._server = server
            self._started.set()
            await server.serve_forever()

    def _event(self, route: str, connection_id: str, **more: Any) -> dict[str, Any]:
        now = datetime.now(UTC)
        return {
            "requestContext": {
                "routeKey": route,
                "eventType": {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route, "MESSAGE"),
                "connectionId": connection_id,
                "domainName": f"{self.host}:{self.port}",
                "stage": STAGE,
                "apiId": "local",
                "requestTimeEpoch": int(now.timestamp() * 1000),
                "identity": {"sourceIp": more.pop("source_ip", self.host)},
            },
            "isBase64Encoded": False,
            **more,
        }

    def _invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = load_handler(self.handler_path)(event, LocalContext(FUNCTION)) or {}
        return answer

    async def _handshake(self, websocket: ServerConnection, request: Request) -> Response | None:
        """``$connect``: anything but 200 refuses the handshake with that status."""
        if self.refusing:
            return websocket.respond(503, "live updates are paused (POST /dev/live/open)")
        connection_id = secrets.token_urlsafe(12)
        query = dict(parse_qsl(urlsplit(request.path).query))
        source_ip = str(websocket.remote_address[0]) if websocket.remote_address else self.host
        headers = {name: value for name, value in request.headers.raw_items() if name.lower() in FORWARDED_HEADERS}
        event = self._event("$connect", connection_id, queryStringParameters=query or None, source_ip=source_ip,
                            headers=headers)  # fmt: skip
        answer = await asyncio.to_thread(self._invoke, event)
        status = int(answer.get("statusCode", 500))
        if status != 200:
            return websocket.respond(status, answer.get("body") or "")
        self._ids[id(websocket)] = connection_id
        self._open[connection_id] = websocket
        return None

    async def _converse(self, websocket: ServerConnection) -> None:
        connection_id = self._ids.pop(id(websocket))
        try:
            async for message in websocket:
                text = message if isinstance(message, str) else message.decode("utf-8", "replace")
                await asyncio.to_thread(self._invoke, self._event("$default", connection_id, body=text))
        except ConnectionClosed:
            pass
        finally:
            self._open.pop(connection_id, None)
            try:
                await asyncio.to_thread(self._invoke, self._event("$disconnect", connection_id))
            except Exception:  # noqa: BLE001 - the connection is gone either way; its TTL removes it
                logger.exception("live disconnect failed")

    def post(self, connection_id: str, data: bytes) -> bool:
        """The Management API's ``post_to_connection``: False when it is gone."""
        websocket = self._open.get(connection_id)
        if websocket is None or self._loop is None:
            return False
        sending = asyncio.run_coroutine_threadsafe(websocket.send(data.decode("utf-8")), self._loop)
        try:
            sending.result(timeout=5)
        except (ConnectionClosed, TimeoutError):
            return False
        return True

    def stop_sockets(self, refuse_new: bool = False) -> int:
        """Close every open connection (as a network drop would), and with
        ``refuse_new`` refuse new ones until ``reopen``; how many were open."""
        self.refusing = refuse_new
        if self._loop is None:
            return 0
        open_now = list(self._open.values())
        for websocket in open_now:
            asyncio.run_coroutine_threadsafe(websocket.close(1001, "going away"), self._loop)
        return len(open_now)

    def reopen(self) -> None:
        self.refusing = False

    def stop(self) -> None:
        if self._server is not None and self._loop is not None:
            self._loop.call_soon_threadsafe(self._server.close)


def gone_answer() -> tuple[int, dict[str, str], bytes]:
    """What API Gateway's Management API answers for a connection that is gone."""
    body = json.dumps({"message": "Gone"}).encode("utf-8")
    return 410, {"x-amzn-ErrorType": "GoneException", "Content-Type": "application/json"}, body


def start_live_socket(host: str, port: int, console_port: int) -> LiveSocketServer:
    """The WebSocket API of live updates on ``port`` (``atiende run``: ATIENDE_LIVE_PORT,
    8001 by default). The functions post to it through the console's port, and the
    console learns its address from /api/console-config."""
    from helpdesk import connections

    live = LiveSocketServer(host, port).start()
    os.environ["LIVE_CALLBACK_URL"] = f"http://{host}:{console_port}/live"
    os.environ["LIVE_SOCKET_URL"] = live.url
    connections.forget()
    return live
