"""What each change of the table means to live clients: the event's shape (small,
no customer text) and its audience (the rooms whose view it touches), and the
client messages the socket accepts."""

import json
from typing import Any

import pytest

from helpdesk.access import Role, Viewer
from helpdesk.live import sockets
from helpdesk.live.events import TableChange, addressed
from helpdesk.live.model import EventType, Room, RoomKind
from local.lambda_runtime import StreamSubscription
from local.provision import load_template

TICKET = "01JTICKET"


def _ticket(**fields: Any) -> dict[str, Any]:
    image: dict[str, Any] = {"PK": f"TICKET#{TICKET}", "SK": "META", "id": TICKET, "version": 3, "status": "open"}
    image |= {"subject": "Mi pedido no llega", "updated_at": "2026-12-07T15:00:00.000000+0000"}
    return image | fields


def _rooms(*rooms: tuple[RoomKind, str]) -> frozenset[Room]:
    return frozenset(Room(kind=kind, id=room_id) for kind, room_id in rooms)


ALWAYS = ((RoomKind.EVERY_TICKET, ""), (RoomKind.TICKET, TICKET))


def test_a_ticket_in_a_group_reaches_the_group_its_assignee_admins_and_whoever_has_it_open() -> None:
    change = TableChange(f"TICKET#{TICKET}", "META", None, _ticket(group_id="billing", assignee_id="ana"))
    found = addressed(change)
    assert found is not None
    assert found.rooms == _rooms(*ALWAYS, (RoomKind.GROUP, "billing"), (RoomKind.AGENT, "ana"))
    body = json.loads(found.event.body())
    assert body == {
        "type": "ticket.changed",
        "ticket_id": TICKET,
        "version": 3,
        "status": "open",
        "group_id": "billing",
        "assignee_id": "ana",
        "updated_at": "2026-12-07T15:00:00.000000+0000",
    }  # no subject, no customer text


def test_a_ticket_moving_between_groups_reaches_both_and_leaving_the_shared_inbox_reaches_everyone() -> None:
    moved = addressed(TableChange(f"TICKET#{TICKET}", "META", _ticket(group_id="support"), _ticket(group_id="billing")))
    assert moved is not None
    assert moved.rooms == _rooms(*ALWAYS, (RoomKind.GROUP, "support"), (RoomKind.GROUP, "billing"))
    sorted_out = addressed(TableChange(f"TICKET#{TICKET}", "META", _ticket(group_id=None), _ticket(group_id="billing")))
    assert sorted_out is not None and Room(kind=RoomKind.AGENTS) in sorted_out.rooms


def test_a_message_reaches_the_ticket_open_and_the_customers_chat_unless_it_is_a_note() -> None:
    image = {"id": "01JMSG", "kind": "inbound", "text": "Hola, ¿dónde está mi pedido?", "delivery_status": "received"}
    found = addressed(TableChange(f"TICKET#{TICKET}", "MSG#2026#01JMSG", None, image))
    assert found is not None and found.event.type is EventType.MESSAGE_ADDED
    assert found.rooms == _rooms((RoomKind.TICKET, TICKET), (RoomKind.CONVERSATION, TICKET))
    assert b"pedido" not in found.event.body()
    note = addressed(TableChange(f"TICKET#{TICKET}", "MSG#2026#01JN", None, image | {"kind": "note"}))
    assert note is not None and note.rooms == _rooms((RoomKind.TICKET, TICKET))
    delivered = addressed(
        TableChange(f"TICKET#{TICKET}", "MSG#2026#01JMSG", image, image | {"delivery_status": "delivered"})
    )
    assert delivered is not None and json.loads(delivered.event.body())["type"] == "message.changed"


@pytest.mark.parametrize(
    ("old", "new", "activity"),
    [
        (None, "viewing", "viewing"),  # arrived
        ("viewing", "replying", "replying"),  # the collision notice
        ("replying", None, "left"),
        ("viewing", "viewing", None),  # a repeat: nothing to post
    ],
)
def test_presence_posts_arrivals_departures_and_changes_of_activity_only(
    old: str | None, new: str | None, activity: str | None
) -> None:
    def image(value: str | None) -> dict[str, Any] | None:
        return None if value is None else {"agent_id": "ana", "name": "Ana", "activity": value}

    found = addressed(TableChange(f"TICKET#{TICKET}", "PRESENCE#ana", image(old), image(new)))
    if activity is None:
        assert found is None
        return
    assert found is not None and found.rooms == _rooms((RoomKind.TICKET, TICKET))
    assert json.loads(found.event.body())["activity"] == activity


def test_a_new_notification_reaches_its_agent_only_and_other_items_nobody() -> None:
    found = addressed(TableChange("AGENT#ana", "NOTIF#2026#01N", None, {"id": "01N", "ticket_id": TICKET}))
    assert found is not None and found.rooms == _rooms((RoomKind.AGENT, "ana"))
    assert addressed(TableChange("AGENT#ana", "LOAD", None, {"open": 3})) is None
    assert addressed(TableChange(f"TICKET#{TICKET}", "EVT#2026#01E", None, {"kind": "updated"})) is None


def test_an_agent_whose_groups_or_role_change_is_told_to_connect_again() -> None:
    before = {"id": "ana", "name": "Ana", "role": "agent", "group_ids": ["support"], "active": True}
    moved = addressed(TableChange("AGENT#ana", "META", before, before | {"group_ids": ["support", "billing"]}))
    assert moved is not None and moved.event.type is EventType.RECONNECT
    assert moved.rooms == _rooms((RoomKind.AGENT, "ana"))
    assert addressed(TableChange("AGENT#ana", "META", before, before | {"name": "Ana María"})) is None
    assert addressed(TableChange("AGENT#ana", "META", None, before)) is None  # a new agent has no connection yet


def test_an_agent_listens_where_their_tickets_are_and_an_admin_everywhere() -> None:
    agent = sockets.rooms_of(Viewer(agent_id="ana", role=Role.AGENT, group_ids=("billing",)))
    assert set(agent) == {Room(kind=RoomKind.AGENT, id="ana"), Room(kind=RoomKind.AGENTS),
                          Room(kind=RoomKind.GROUP, id="billing")}  # fmt: skip
    admin = sockets.rooms_of(Viewer(agent_id="root", role=Role.ADMIN))
    assert Room(kind=RoomKind.EVERY_TICKET) in admin


@pytest.mark.parametrize(
    ("body", "refused"),
    [
        ('{"action": "ping"}', None),
        ('{"action": "presence", "ticket_id": "01J", "activity": "replying"}', None),
        ('{"action": "presence", "ticket_id": null}', None),
        ('{"action": "presence", "ticket_id": "01J", "activity": "dancing"}', "live.bad_message"),
        ('{"action": "subscribe", "room": "GROUP#billing"}', "live.bad_message"),
        ("not json", "live.bad_message"),
        ('{"action": "ping", "pad": "' + "x" * 3000 + '"}', "live.too_large"),
    ],
)
def test_the_socket_takes_small_known_messages_only(body: str, refused: str | None) -> None:
    if refused is None:
        sockets.parse_message(body)
        return
    with pytest.raises(sockets.Refused) as raised:
        sockets.parse_message(body)
    assert raised.value.key == refused
    assert set(sockets.error_event(refused).model_dump()["message"]) == {"es", "en"}


def _fanout_filter() -> StreamSubscription:
    function = load_template()["Resources"]["LiveFanoutFunction"]["Properties"]
    (event,) = [e for e in function["Events"].values() if e["Type"] == "DynamoDB"]
    patterns = tuple(json.loads(f["Pattern"]) for f in event["Properties"]["FilterCriteria"]["Filters"])
    return StreamSubscription("LiveFanoutFunction", "table", function["Handler"], 100, patterns)


@pytest.mark.parametrize(
    ("pk", "sk", "handed_over"),
    [
        ("TICKET#01J", "META", True),
        ("TICKET#01J", "MSG#2026-12-07T15:00:00.000000Z#01K", True),
        ("TICKET#01J", "PRESENCE#ana", True),
        ("AGENT#ana", "NOTIF#2026#01N", True),
        ("TICKET#01J", "EVT#2026#01E", False),
        ("AGENT#ana", "ONLINE", False),
        ("AGENT#ana", "META", True),
        ("SOCKET#abc", "META", False),  # its own writes never invoke it
        ("ROOM#group#billing", "abc", False),
        ("IX#pedido#2026-12", "01J", False),
    ],
)
def test_the_fanout_is_invoked_only_for_what_a_console_shows_live(pk: str, sk: str, handed_over: bool) -> None:
    record = {"eventName": "INSERT", "dynamodb": {"Keys": {"PK": {"S": pk}, "SK": {"S": sk}}}}
    assert _fanout_filter().wants(record) is handed_over
