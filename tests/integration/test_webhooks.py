"""Outgoing webhooks end to end on the local stack's bootstrap (the template in
moto, the agent API, the stream and queue workers that stand in for Lambda's
event source mappings): an administrator registers endpoints, a ticket
changes, a receiver on 127.0.0.1 gets a signed delivery, and a failing
receiver's delivery ends, with its reason, in the dead-letter view."""

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from helpdesk.providers.webhook_http import WebhookHttp
from helpdesk.settings import forget_settings
from helpdesk.webhooks.addresses import Target
from helpdesk.webhooks.delivery import Delivery, Unreachable
from helpdesk.webhooks.signing import signed_by
from local.lambda_runtime import QueueWorker, StreamWorker, queue_subscriptions, stream_subscriptions
from tests.integration.conftest import ADMIN_LOGIN as ADMIN
from tests.integration.conftest import AGENT_LOGIN as AGENT
from tests.integration.conftest import CANCELLATION, Api, ticket_with_subject

SECRET = "receiver-secret-0001"


class Receiver(BaseHTTPRequestHandler):
    """Answers every POST with ``status`` and keeps what came."""

    status: ClassVar[int] = 200
    got: ClassVar[list[tuple[dict[str, str], bytes]]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.got.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(self.status)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def _receiver(status: int) -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    handler: type[Receiver] = type("R", (Receiver,), {"status": status, "got": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", handler.got
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    yield from _receiver(200)


@pytest.fixture
def failing_receiver() -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    yield from _receiver(500)


def _workers(api: Api) -> tuple[StreamWorker, QueueWorker]:
    assert api.stack is not None
    (events,) = [s for s in stream_subscriptions(api.stack) if s.function == "WebhookEventsFunction"]
    (sender,) = [s for s in queue_subscriptions(api.stack) if s.function == "WebhookSenderFunction"]
    return StreamWorker(api.session, events), QueueWorker(api.session.client("sqs"), sender)


def test_a_signed_delivery_reaches_a_receiver_and_a_failing_one_ends_in_the_dead_letters(
    api: Api, receiver: tuple[str, list[Any]], failing_receiver: tuple[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the seed's changes already handed over, retries without waiting, and two endpoints
    monkeypatch.setenv("WEBHOOK_RETRY_SECONDS", "0")
    forget_settings()
    events, sender = _workers(api)
    events.drain()
    admin = api.token(ADMIN)
    url, got = receiver
    failing_url, failed = failing_receiver
    added = api.send("POST", "/api/webhooks", admin, {"url": url, "events": ["ticket.updated"], "secret": SECRET})
    failing = api.send("POST", "/api/webhooks", admin, {"url": failing_url, "events": ["ticket.updated"]})
    assert added.status_code == 201 and failing.status_code == 201
    assert "secret" not in added.json() or added.json()["secret"] is None  # a given secret is never answered
    assert failing.json()["secret"].startswith("whsec_")  # a generated one, this once

    # When a ticket changes and the functions run
    summary = ticket_with_subject(api, admin, CANCELLATION)
    path = f"/api/tickets/{summary['id']}"
    assert api.patch(path, admin, {"version": summary["version"], "priority": "high"}).status_code == 200
    events.drain()
    events.drain()  # the same records again: nothing new is queued
    sender.drain()

    # Then the receiver got one signed delivery with the event id in its headers
    (headers, body), *more = got
    assert not more
    assert headers["x-atiende-event"] == "ticket.updated"
    assert signed_by(body, SECRET, headers["x-atiende-signature"])
    document = json.loads(body)
    assert document["id"] == headers["x-atiende-delivery"] and document["event"] == "ticket.updated"
    assert document["data"]["ticket"]["id"] == summary["id"]
    assert document["data"]["changes"]["priority"]["to"] == "high"
    log = api.get(f"/api/webhooks/{added.json()['id']}/deliveries", admin).json()["attempts"]
    assert [(a["status_code"], a["delivered"]) for a in log] == [(200, True)]

    # And the failing receiver was tried five times, then the delivery went to the dead letters
    assert len(failed) == 5 and len({h["x-atiende-delivery"] for h, _ in failed}) == 1
    failing_log = api.get(f"/api/webhooks/{failing.json()['id']}/deliveries", admin).json()["attempts"]
    assert [a["attempt"] for a in failing_log] == [5, 4, 3, 2, 1] and failing_log[0]["error"] == "HTTP 500"
    queues = api.get("/api/dead-letters", admin).json()["queues"]
    (webhooks,) = [q for q in queues if "webhook" in q["name"]]
    (letter,) = webhooks["samples"]
    given_up = Delivery.model_validate_json(letter["body"])
    assert given_up.endpoint_id == failing.json()["id"] and given_up.reason == "HTTP 500 (after 5 attempts)"


def test_endpoints_are_for_administrators_and_refuse_unsafe_addresses(api: Api) -> None:
    admin = api.token(ADMIN)
    assert api.get("/api/webhooks", api.token(AGENT)).status_code == 403
    for url, key in (
        ("https://10.0.0.1/hook", "error.webhook_private_address"),
        ("https://169.254.169.254/latest/meta-data/", "error.webhook_private_address"),
        ("http://192.168.1.20/hook", "error.webhook_url_not_allowed"),
        ("ftp://127.0.0.1/hook", "error.webhook_url_not_allowed"),
    ):
        refused = api.send("POST", "/api/webhooks", admin, {"url": url, "events": ["ticket.created"]})
        assert refused.status_code == 400, url
        error = refused.json()["error"]
        assert error["message_key"] == key and error["message"]["es"] and error["message"]["en"]
    unknown = api.send("POST", "/api/webhooks", admin, {"url": "http://127.0.0.1:9/x", "events": ["ticket.deleted"]})
    assert unknown.status_code == 400 and unknown.json()["error"]["detail"][0]["field"].startswith("events")
    assert api.send("PATCH", "/api/webhooks/NOPE", admin, {"active": False}).status_code == 404


def test_endpoints_are_listed_changed_pinged_and_deleted_without_their_secret(
    api: Api, receiver: tuple[str, list[Any]]
) -> None:
    admin = api.token(ADMIN)
    url, got = receiver
    added = api.send("POST", "/api/webhooks", admin, {"url": url, "events": ["message.created"], "secret": SECRET})
    endpoint_id = added.json()["id"]

    changed = api.send("PATCH", f"/api/webhooks/{endpoint_id}", admin, {"events": ["ticket.solved", "survey.answered"]})
    pinged = api.send("POST", f"/api/webhooks/{endpoint_id}/ping", admin)
    listed = api.get("/api/webhooks", admin)

    assert changed.status_code == 200 and changed.json()["events"] == ["ticket.solved", "survey.answered"]
    assert pinged.status_code == 200 and pinged.json()["delivered"] is True
    (headers, body) = got[-1]
    assert headers["x-atiende-event"] == "ping" and signed_by(body, SECRET, headers["x-atiende-signature"])
    assert SECRET not in listed.text and SECRET[-4:] in listed.text
    assert api.send("DELETE", f"/api/webhooks/{endpoint_id}", admin).status_code == 200
    assert endpoint_id not in api.get("/api/webhooks", admin).text


# --- the outbound HTTP call (helpdesk.providers.webhook_http) ------------------------------


class _Redirecting(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(302)
        self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def _target(port: int, *addresses: str) -> Target:
    return Target("http", "localhost", port, "/hook", addresses or ("127.0.0.1",))


def test_a_redirect_is_answered_as_is_never_followed() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Redirecting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        # localhost's ::1 first, where nothing listens: the next checked address is tried
        status = WebhookHttp().post(_target(server.server_address[1], "::1", "127.0.0.1"), b"{}", {}, 2.0)
    finally:
        server.shutdown()
        server.server_close()
    assert status == 302


def test_a_receiver_that_never_answers_or_is_not_there_is_unreachable() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        with pytest.raises(Unreachable, match=r"no answer within 0\.2 s"):
            WebhookHttp().post(_target(silent.getsockname()[1]), b"{}", {}, 0.2)
        closed = silent.getsockname()[1]
    with pytest.raises(Unreachable, match="connection refused"):
        WebhookHttp().post(_target(closed), b"{}", {}, 1.0)


def test_the_cli_adds_and_lists_an_endpoint_and_explains_a_refusal(
    api: Api, receiver: tuple[str, list[Any]], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from local import cli

    url, _ = receiver
    monkeypatch.setenv("ATIENDE_PORT", api.base.rsplit(":", 1)[1])
    monkeypatch.setenv("ATIENDE_AWS_PORT", api.session.client("sqs").meta.endpoint_url.rsplit(":", 1)[1].strip("/"))

    added = cli.main(["webhook", "add", "--url", url, "--events", "ticket.created,message.created", "--secret", SECRET])
    said = capsys.readouterr()
    refused = cli.main(["webhook", "add", "--url", "https://10.0.0.9/hook", "--events", "ticket.created"])
    refusal = capsys.readouterr().err
    listed = cli.main(["webhook", "list"])
    listing = capsys.readouterr().out

    assert added == 0 and f"{url}  ticket.created,message.created" in said.out and SECRET not in said.out + said.err
    assert refused == 1 and "red privada o interna" in refusal and "private or internal network" in refusal
    assert listed == 0 and url in listing and SECRET not in listing
