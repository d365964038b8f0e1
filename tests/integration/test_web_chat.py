"""The live web chat against moto's table and its stream: a visitor's first
message opens a chat ticket and a session, a retry never adds it twice, the
visitor's WebSocket connection listens only in their conversation, an agent's
reply reaches it (a note never does) and is marked sent, and the public
routes answer any origin, refuse bad input in Spanish and English without
storing anything, and limit each session."""

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from live_socket.app import handler as socket_handler

from agent_api import web_chat as chat_routes
from helpdesk import connections
from helpdesk.channels import web_chat
from helpdesk.channels.delivery import Senders, send_reply
from helpdesk.channels.outbound import OutboundRequest
from helpdesk.clock import utc_now
from helpdesk.live.model import Room, RoomKind
from helpdesk.models import Channel, DeliveryStatus, PresenceActivity
from helpdesk.settings import MailSettings
from helpdesk.store import HelpdeskStore
from helpdesk.tickets import collisions
from helpdesk.tickets.replies import NoteDraft, ReplyDraft, add_note, reply_to_ticket
from local.lambda_runtime import LocalContext
from tests.integration.conftest import ADMIN_LOGIN, AGENT, Api
from tests.integration.test_live_push import FakeSockets, Stream, posted  # noqa: F401 - posted: a fixture

MAIL = MailSettings.model_validate(
    {"SUPPORT_ADDRESS": "soporte@atiende.example", "RAW_MAIL_BUCKET": "raw-mail", "ATTACHMENTS_BUCKET": "files"}
)


class Queue:
    """The outbound queue's port: what was queued, in order."""

    def __init__(self) -> None:
        self.requests: list[OutboundRequest] = []

    def enqueue(self, request: OutboundRequest) -> None:
        self.requests.append(request)


def _said(
    text: str, visitor: str | None = None, client_id: str = "msg-00000001", **more: str
) -> web_chat.VisitorMessage:
    return web_chat.VisitorMessage(visitor=visitor, client_message_id=client_id, text=text, **more)


def _connect(connection_id: str, visitor: str) -> dict[str, Any]:
    event = {
        "requestContext": {"routeKey": "$connect", "connectionId": connection_id, "identity": {"sourceIp": "10.0.0.9"}},
        "queryStringParameters": {"visitor": visitor},
    }
    answer: dict[str, Any] = socket_handler(event, LocalContext("LiveSocketFunction"))
    return answer


def test_a_first_message_opens_a_chat_ticket_and_a_retry_is_the_same_message(store: HelpdeskStore) -> None:
    first = web_chat.send(store, _said("Hola, ¿hacen envíos a Chinandega?", name="Lucía"), utc_now())
    again = web_chat.send(store, _said("Hola, ¿hacen envíos a Chinandega?", visitor=first.visitor), utc_now())
    later = web_chat.send(store, _said("¿Y cuánto tarda?", visitor=first.visitor, client_id="msg-00000002"), utc_now())

    ticket = store.get_ticket(first.ticket_id)
    assert (
        ticket is not None and ticket.channel is Channel.CHAT and ticket.subject == "Hola, ¿hacen envíos a Chinandega?"
    )
    assert again.duplicate and again.message_id == first.message_id and again.ticket_id == first.ticket_id
    assert later.ticket_id == first.ticket_id and not later.duplicate
    thread = store.get_thread(first.ticket_id)
    assert thread is not None and [m.text for m in thread.messages] == [
        "Hola, ¿hacen envíos a Chinandega?",
        "¿Y cuánto tarda?",
    ]
    assert first.visitor not in json.dumps(thread.model_dump(mode="json"))  # the table keeps only its hash


def test_a_visitor_hears_the_agents_reply_on_their_socket_and_never_a_note(
    store: HelpdeskStore,
    posted: FakeSockets,  # noqa: F811 - the fixture
) -> None:
    sent = web_chat.send(store, _said("Mi pedido no llega"), utc_now())
    other = web_chat.send(store, _said("Otra consulta"), utc_now())
    assert _connect("c-visitor", sent.visitor)["statusCode"] == 200
    assert _connect("c-other", other.visitor)["statusCode"] == 200
    recorded = store.live_connection("c-visitor")
    assert recorded is not None and recorded.rooms == (Room(kind=RoomKind.CONVERSATION, id=sent.ticket_id),)
    assert store.connections_in([Room(kind=RoomKind.TICKET, id=sent.ticket_id)]) == []  # not among the agents
    stream = Stream()
    queue = Queue()

    add_note(store, sent.ticket_id, NoteDraft(body="Cliente frecuente"), AGENT)
    reply = reply_to_ticket(store, queue, sent.ticket_id, ReplyDraft(body="Llega mañana <b>sin falta</b>"), AGENT, MAIL)
    stream.hand_over()

    assert posted.types("c-visitor") == ["message.added"]  # the reply, not the note
    assert posted.types("c-other") == []
    senders = Senders(mailer=_never, whatsapp=_never, files=_never)
    assert send_reply(queue.requests[0], 1, 5, store, senders, MAIL) is DeliveryStatus.SENT
    ticket, lines = web_chat.transcript(store, sent.visitor)
    assert ticket is not None and [(line.author, line.text) for line in lines] == [
        ("visitor", "Mi pedido no llega"),
        ("agent", "Llega mañana <b>sin falta</b>"),  # text, shown as text
    ]
    assert lines[0].client_message_id == "msg-00000001" and lines[1].id == reply.id
    assert web_chat.transcript(store, other.visitor)[1][0].text == "Otra consulta"  # each sees only their own


def test_the_team_sees_the_visitor_in_the_chat_and_typing_and_the_visitor_sees_a_person_typing(
    store: HelpdeskStore,
    posted: FakeSockets,  # noqa: F811 - the fixture
) -> None:
    sent = web_chat.send(store, _said("¿Me ayudan con una devolución?"), utc_now())
    assert _connect("c-visitor", sent.visitor)["statusCode"] == 200

    def visitor() -> str | None:
        found = [p.activity.value for p in store.presence_on(sent.ticket_id) if p.agent_id == "visitor"]
        return found[0] if found else None

    assert visitor() == "visitor_here"
    _say("c-visitor", {"action": "typing"})
    assert visitor() == "visitor_typing"
    _say("c-visitor", {"action": "typing", "typing": False})
    assert visitor() == "visitor_here"
    # An agent on the ticket hears both (presence on the ticket's room, as the console shows it)
    here = [p for p in collisions.others_on(store, sent.ticket_id, AGENT.id or "") if p.agent_id == "visitor"]
    assert [p.activity.value for p in here] == ["visitor_here"]

    stream = Stream()
    collisions.be_present(store, sent.ticket_id, AGENT.id or "", "Andrés Pérez", PresenceActivity.VIEWING)
    collisions.be_present(store, sent.ticket_id, AGENT.id or "", "Andrés Pérez", PresenceActivity.REPLYING)
    collisions.be_present(store, sent.ticket_id, AGENT.id or "", "Andrés Pérez", PresenceActivity.VIEWING)
    stream.hand_over()
    typing = [json.loads(body) for body in posted.got.get("c-visitor", []) if json.loads(body)["type"] == "typing"]
    assert typing == [
        {"type": "typing", "name": "Andrés", "typing": True},
        {"type": "typing", "name": "Andrés", "typing": False},
    ]
    assert all("agent_id" not in json.loads(body) for body in posted.got.get("c-visitor", []))  # no team ids

    socket_handler(
        {"requestContext": {"routeKey": "$disconnect", "connectionId": "c-visitor"}}, LocalContext("LiveSocketFunction")
    )
    assert visitor() is None  # left the chat


def _say(connection_id: str, message: dict[str, Any]) -> None:
    event = {"requestContext": {"routeKey": "$default", "connectionId": connection_id}, "body": json.dumps(message)}
    assert socket_handler(event, LocalContext("LiveSocketFunction"))["statusCode"] == 200


def _never() -> Any:
    raise AssertionError("a chat reply needs no other sender")


def test_an_unknown_visitor_cannot_connect_and_nothing_is_stored(store: HelpdeskStore, posted: FakeSockets) -> None:  # noqa: F811
    answer = _connect("c-nobody", web_chat.new_visitor_token())
    assert answer["statusCode"] == 404 and "conversación" in answer["body"]
    assert _connect("c-bad", "x")["statusCode"] == 404
    assert store.live_connection("c-nobody") is None and store.live_connection("c-bad") is None


@pytest.fixture
def fresh_limits() -> Iterator[None]:
    chat_routes._buckets.clear()
    yield
    chat_routes._buckets.clear()


def _post(
    api: Api, path: str, body: dict[str, Any] | str, origin: str | None = "http://tienda.example"
) -> requests.Response:
    """A widget's request from a page of ``origin`` (None: no Origin header at all)."""
    data = body if isinstance(body, str) else json.dumps(body)
    headers = {"Content-Type": "text/plain;charset=UTF-8", **({"Origin": origin} if origin else {})}
    return requests.post(api.base + path, data=data.encode("utf-8"), headers=headers, timeout=10)


def _chat_tickets(api: Api) -> list[dict[str, Any]]:
    tickets = api.get("/api/tickets", api.token(ADMIN_LOGIN), limit=100).json()["tickets"]
    return [t for t in tickets if t["channel"] == "chat"]


def test_the_widgets_routes_open_a_ticket_from_another_origin(api: Api, fresh_limits: None) -> None:
    sent = _post(
        api,
        chat_routes.MESSAGES_PATH,
        {
            "client_message_id": "abc-12345678",
            "text": "¿Tienen envíos?",
            "name": "Ana",
            "email": "ana@example.com",
            "locale": "es",
        },
    )
    assert sent.status_code == 200 and sent.headers["Access-Control-Allow-Origin"] == "*"
    answer = sent.json()
    assert answer["ticket_number"] >= 1 and len(answer["visitor"]) >= 24
    (ticket,) = [t for t in _chat_tickets(api) if t["id"] == answer["ticket_id"]]
    assert ticket["subject"] == "¿Tienen envíos?"
    transcript = _post(api, chat_routes.TRANSCRIPT_PATH, {"visitor": answer["visitor"]})
    assert transcript.status_code == 200 and transcript.json()["lines"][0]["text"].startswith("¿Tienen envíos?")
    assert _post(api, chat_routes.TRANSCRIPT_PATH, {"visitor": web_chat.new_visitor_token()}).status_code == 404


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({"client_message_id": "abc-12345679", "text": "x" * 2001}, "chat_message_invalid"),
        ({"client_message_id": "abc-12345679", "text": ""}, "chat_message_invalid"),
        ({"client_message_id": "no", "text": "hola"}, "chat_message_invalid"),
        ({"client_message_id": "abc-12345679", "text": "hola", "email": "no-es-correo"}, "chat_email_invalid"),
        ('{"text": "hola"', "chat_message_invalid"),
    ],
)
def test_bad_messages_are_refused_in_both_languages_and_nothing_is_stored(
    api: Api, fresh_limits: None, body: dict[str, Any] | str, key: str
) -> None:
    before = len(_chat_tickets(api))
    refused = _post(api, chat_routes.MESSAGES_PATH, body)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == key
    assert refused.json()["error"]["message"]["es"] and refused.json()["error"]["message"]["en"]
    assert len(_chat_tickets(api)) == before


def test_a_session_is_limited_with_a_clear_answer(
    api: Api, fresh_limits: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from helpdesk import limits

    monkeypatch.setattr(limits, "WEB_CHAT_PER_SESSION", limits.RateLimit(rate_per_second=0.001, burst=2))
    first = _post(api, chat_routes.MESSAGES_PATH, {"client_message_id": "lim-00000001", "text": "uno"}).json()
    visitor = first["visitor"]
    codes = [
        _post(
            api,
            chat_routes.MESSAGES_PATH,
            {"visitor": visitor, "client_message_id": f"lim-0000000{n}", "text": f"mensaje {n}"},
        ).status_code
        for n in (2, 3, 4)
    ]
    assert codes == [200, 200, 429]
    refused = _post(
        api, chat_routes.MESSAGES_PATH, {"visitor": visitor, "client_message_id": "lim-00000005", "text": "otro"}
    )
    assert int(refused.headers["Retry-After"]) >= 1 and "Demasiadas" in refused.json()["error"]["message"]["es"]
    _, lines = web_chat.transcript(connections.store(), visitor)
    assert [line.text for line in lines if line.author == "visitor"] == ["uno", "mensaje 2", "mensaje 3"]


def test_listed_chat_sites_take_their_own_origins_only_and_give_their_group(api: Api, fresh_limits: None) -> None:
    admin = api.token(ADMIN_LOGIN)
    before = api.get("/api/channels", admin).json()
    sites = [
        {"site": "tienda", "display_name": "Tienda en línea", "origins": ["https://tienda.example", "https://*.tienda.example"],
         "default_group_id": "facturacion", "language": "es"},
        {"site": "viejo", "display_name": "Sitio anterior", "active": False},
    ]  # fmt: skip
    saved = api.send("PUT", "/api/channels", admin, {**before, "chat_sites": sites})
    assert saved.status_code == 200, saved.text
    try:

        def post(origin: str | None, body: dict[str, Any]) -> requests.Response:
            return _post(api, chat_routes.MESSAGES_PATH, body, origin)

        count = len(_chat_tickets(api))
        message = {"client_message_id": "site-0000001", "text": "¿Cuánto cuesta el envío?", "site": "tienda"}
        for origin, body in [
            ("https://otra-tienda.example", message),  # a page the site does not name
            ("https://tienda.example.evil.example", message),
            (None, message),  # no origin at all, once the site names its origins
            ("https://tienda.example", {**message, "site": "viejo"}),  # an inactive site
            ("https://tienda.example", {k: v for k, v in message.items() if k != "site"}),  # no site named
        ]:
            refused = post(origin, body)
            assert refused.status_code == 403 and refused.json()["error"]["code"] == "chat_site_refused", origin
            assert refused.json()["error"]["message"]["es"].startswith("El chat no está disponible")
        assert len(_chat_tickets(api)) == count  # nothing stored

        sent = post("https://ayuda.tienda.example", message)  # a subdomain, by the wildcard
        assert sent.status_code == 200, sent.text
        (ticket,) = [t for t in _chat_tickets(api) if t["id"] == sent.json()["ticket_id"]]
        assert ticket["group_id"] == "facturacion"  # the site's group, as an e-mail address's
        visitor = sent.json()["visitor"]
        transcript = {"visitor": visitor, "site": "tienda"}
        assert _post(api, chat_routes.TRANSCRIPT_PATH, transcript, "https://otra.example").status_code == 403

        # The WebSocket checks the handshake's origin as the routes do
        def connect(origin: str) -> int:
            event = {
                "requestContext": {"routeKey": "$connect", "connectionId": f"c-{len(origin)}",
                                   "identity": {"sourceIp": "10.0.0.9"}},
                "queryStringParameters": {"visitor": visitor, "site": "tienda"},
                "headers": {"Origin": origin, "Host": "live.atiende.example"},
            }  # fmt: skip
            return int(socket_handler(event, LocalContext("LiveSocketFunction"))["statusCode"])

        assert connect("https://otra.example") == 403
        assert connect("https://www.tienda.example") == 200
    finally:
        current = api.get("/api/channels", admin).json()
        assert api.send("PUT", "/api/channels", admin, {**current, "chat_sites": []}).status_code == 200
