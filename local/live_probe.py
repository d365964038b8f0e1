"""How long a customer's WhatsApp message takes to reach an open console:
from the webhook's acknowledgement to the first event at the socket. For
``make bench`` (issue 22's target: ≤ 1 s p50, ≤ 2 s p99 on the local stack);
the probe is a plain WebSocket client signed in as an agent, as the console is.

    seconds = webhook_to_socket("http://127.0.0.1:8000", "ws://127.0.0.1:8001", token, body, secret)
"""

import hashlib
import hmac
import json
import time
import urllib.request

from websockets.sync.client import ClientConnection, connect

PUSHED = ("ticket.changed", "message.added")


def webhook_to_socket(
    base: str, live_url: str, id_token: str, webhook_body: bytes, app_secret: str, timeout: float = 10
) -> float:
    """Seconds from the webhook's 200 to the first ticket or message event the
    agent's socket receives (TimeoutError when none comes within ``timeout``).
    ``webhook_body`` is a Meta delivery (``bench/whatsapp_bench.py`` makes them)."""
    with connect(f"{live_url}/?token={id_token}", open_timeout=timeout) as socket:
        return _one(socket, _signed(base, webhook_body, app_secret), timeout)


def webhooks_to_socket(
    base: str, live_url: str, id_token: str, webhook_bodies: list[bytes], app_secret: str, timeout: float = 10
) -> list[float]:
    """``webhook_to_socket`` for each body in turn over one socket, as a console
    keeps one open (the socket's connect limits allow one attempt every 2 s)."""
    found = []
    with connect(f"{live_url}/?token={id_token}", open_timeout=timeout) as socket:
        for body in webhook_bodies:
            _quiet(socket)
            found.append(_one(socket, _signed(base, body, app_secret), timeout))
    return found


def _signed(base: str, body: bytes, app_secret: str) -> urllib.request.Request:
    signature = "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return urllib.request.Request(  # noqa: S310  # nosec B310 - the local stack's own address
        f"{base}/webhooks/whatsapp",
        data=body,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature},
        method="POST",
    )


def _quiet(socket: ClientConnection, seconds: float = 0.5) -> None:
    """Read what the last message still brings until the socket is quiet."""
    while True:
        try:
            socket.recv(timeout=seconds)
        except TimeoutError:
            return


def _one(socket: ClientConnection, request: urllib.request.Request, timeout: float) -> float:
    with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310  # nosec B310
        if answer.status != 200:
            raise RuntimeError(f"webhook answered {answer.status}")
    acknowledged = time.monotonic()
    deadline = acknowledged + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no live event reached the socket")
        event = json.loads(socket.recv(timeout=left))
        if event.get("type") in PUSHED:
            return time.monotonic() - acknowledged
