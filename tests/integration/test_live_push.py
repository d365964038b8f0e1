"""Live updates by push against moto's table and its stream: connections and
their rooms as items, the fan-out reaching exactly the connections a change
touches, presence over the socket, and a gone connection (410) forgotten."""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from helpdesk import connections
from helpdesk.conversations.ingest import ingest
from helpdesk.live import sockets
from helpdesk.live.model import Room, RoomKind
from helpdesk.models import Actor, ActorKind, Agent, PresenceActivity
from helpdesk.providers.socket_management import ManagementApiPoster
from helpdesk.store import HelpdeskStore
from helpdesk.team.id_tokens import TokenHolder
from helpdesk.tickets.changes import TicketChanges, update_ticket
from local.lambda_runtime import LocalContext, StreamSubscription, stream_subscriptions
from local.provision import ProvisionedStack, load_template
from tests.conftest import REGION, TABLE, inbound

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
SUPERVISOR = Actor(kind=ActorKind.AGENT, id="sup-1", name="Sofía")


class FakeSockets:
    """The Management API as a test sees it: what each connection got; some gone."""

    def __init__(self) -> None:
        self.got: dict[str, list[bytes]] = {}
        self.gone: set[str] = set()

    def post(self, connection_id: str, body: bytes) -> bool:
        if connection_id in self.gone:
            return False
        self.got.setdefault(connection_id, []).append(body)
        return True

    def types(self, connection_id: str) -> list[str]:
        import json

        return [json.loads(body)["type"] for body in self.got.get(connection_id, [])]


@pytest.fixture
def posted(store: HelpdeskStore, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSockets]:
    fake = FakeSockets()
    monkeypatch.setenv("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled")  # moto's streams answer 404 otherwise
    monkeypatch.setattr(connections, "live_poster", lambda: fake)
    monkeypatch.setattr(connections, "store", lambda: store)
    yield fake


def _agent(store: HelpdeskStore, agent_id: str, groups: tuple[str, ...], role: str = "agent") -> TokenHolder:
    store.put_agent(
        Agent(id=agent_id, email=f"{agent_id}@example.com", name=agent_id.title(), role=role, group_ids=groups)
    )
    return TokenHolder(agent_id=agent_id, email=f"{agent_id}@example.com", name=agent_id.title(), roles=(role,))


class Stream:
    """The table's stream as the fan-out's event source mapping hands it over:
    the template's FilterCriteria applied, from where the last read stopped."""

    def __init__(self) -> None:
        self.streams = boto3.client("dynamodbstreams", region_name=REGION)
        arn = boto3.client("dynamodb", region_name=REGION).describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
        self.arn = arn
        shard = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
        self.iterator = self.streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")[
            "ShardIterator"
        ]
        (self.subscription,) = [s for s in _subscriptions() if s.function == "LiveFanoutFunction"]

    def hand_over(self) -> dict[str, Any]:
        from live_fanout.app import handler

        answer = self.streams.get_records(ShardIterator=self.iterator)
        self.iterator = answer["NextShardIterator"]
        records = [_lambda_record(r, self.arn) for r in answer["Records"]]
        wanted = [r for r in records if self.subscription.wants(r)]
        return handler({"Records": wanted}, LocalContext("LiveFanoutFunction"))


def _subscriptions() -> list[StreamSubscription]:
    stack = ProvisionedStack("test", dict.fromkeys(load_template()["Resources"], TABLE), {}, {})
    return stream_subscriptions(stack)


def _lambda_record(record: dict[str, Any], arn: str) -> dict[str, Any]:
    data = dict(record["dynamodb"])
    data.pop("ApproximateCreationDateTime", None)
    return {"eventID": record["eventID"], "eventName": record["eventName"], "eventSource": "aws:dynamodb",
            "eventVersion": "1.1", "awsRegion": REGION, "dynamodb": data, "eventSourceARN": arn}  # fmt: skip


def test_connect_records_the_connection_in_its_rooms_and_disconnect_forgets_it(store: HelpdeskStore) -> None:
    holder = _agent(store, "ana", ("billing",))
    sockets.connect(store, "conn-ana", holder, NOW)
    assert store.connections_of_agent("ana") == 1
    recorded = store.live_connection("conn-ana")
    assert recorded is not None and recorded.agent_id == "ana"
    assert recorded.expires_at == NOW + sockets.CONNECTION_LIFETIME

    sockets.disconnect(store, "conn-ana")
    assert store.live_connection("conn-ana") is None
    assert store.connections_of_agent("ana") == 0


def test_a_ticket_change_reaches_both_groups_it_moved_between_and_admins_only(
    store: HelpdeskStore, posted: FakeSockets
) -> None:
    sockets.connect(store, "c-billing", _agent(store, "ana", ("billing",)), NOW)
    sockets.connect(store, "c-support", _agent(store, "beto", ("support",)), NOW)
    sockets.connect(store, "c-sales", _agent(store, "caro", ("sales",)), NOW)
    sockets.connect(store, "c-admin", _agent(store, "root", (), role="admin"), NOW)
    ticket = ingest(inbound(text="Quiero cancelar"), store).ticket
    update_ticket(store, ticket.id, TicketChanges(group_id="support"), None, SUPERVISOR)
    stream = Stream()

    update_ticket(store, ticket.id, TicketChanges(group_id="billing"), None, SUPERVISOR)
    assert stream.hand_over() == {"batchItemFailures": []}

    assert posted.types("c-billing") == ["ticket.changed"]  # it arrives in ana's view
    assert posted.types("c-support") == ["ticket.changed"]  # and leaves beto's
    assert posted.types("c-admin") == ["ticket.changed"]
    assert posted.types("c-sales") == []
    assert b"Quiero cancelar" not in b"".join(posted.got["c-billing"])


def test_presence_over_the_socket_reaches_the_agents_on_that_ticket(store: HelpdeskStore, posted: FakeSockets) -> None:
    sockets.connect(store, "c-ana", _agent(store, "ana", ("support",)), NOW)
    sockets.connect(store, "c-beto", _agent(store, "beto", ("support",)), NOW)
    sockets.connect(store, "c-caro", _agent(store, "caro", ("support",)), NOW)
    ticket = ingest(inbound(), store).ticket
    update_ticket(store, ticket.id, TicketChanges(group_id="support"), None, SUPERVISOR)
    sockets.receive(store, "c-ana", sockets.parse_message(f'{{"action": "presence", "ticket_id": "{ticket.id}"}}'), NOW)
    stream = Stream()

    here = sockets.receive(
        store,
        "c-beto",
        sockets.PresenceMessage(action="presence", ticket_id=ticket.id, activity=PresenceActivity.REPLYING),
        NOW,
    )
    stream.hand_over()

    assert here is not None and [p["agent_id"] for p in here.model_dump()["present"]] == ["ana"]
    assert posted.types("c-ana") == ["presence.changed"]  # beto is replying: the collision notice
    assert posted.types("c-caro") == []  # not on that ticket
    sockets.disconnect(store, "c-beto")
    stream.hand_over()
    assert posted.types("c-ana") == ["presence.changed", "presence.changed"]  # and gone


def test_a_gone_connection_is_forgotten_and_the_others_still_get_the_event(
    store: HelpdeskStore, posted: FakeSockets
) -> None:
    sockets.connect(store, "c-old", _agent(store, "ana", ()), NOW)
    sockets.connect(store, "c-new", _agent(store, "beto", ()), NOW)
    posted.gone.add("c-old")
    stream = Stream()

    ingest(inbound(text="Hola"), store)  # a new ticket in no group: every agent's shared inbox
    assert stream.hand_over() == {"batchItemFailures": []}

    assert "ticket.changed" in posted.types("c-new")
    assert store.live_connection("c-old") is None
    assert store.connections_of_agent("ana") == 0


def test_the_management_api_adapter_says_false_for_a_gone_connection(aws_env: None) -> None:
    client = boto3.client("apigatewaymanagementapi", region_name=REGION, endpoint_url="http://127.0.0.1:9/local")
    with Stubber(client) as stub:
        stub.add_response("post_to_connection", {}, {"ConnectionId": "a", "Data": b"{}"})
        stub.add_client_error("post_to_connection", "GoneException", http_status_code=410)
        poster = ManagementApiPoster(client)
        assert poster.post("a", b"{}") is True
        assert poster.post("b", b"{}") is False


def test_an_agent_moved_to_another_group_is_told_to_connect_again_and_then_hears_it(
    store: HelpdeskStore, posted: FakeSockets
) -> None:
    holder = _agent(store, "ana", ("support",))
    sockets.connect(store, "c-first", holder, NOW)
    stream = Stream()

    _agent(store, "ana", ("support", "billing"))  # an admin adds her to billing
    stream.hand_over()
    assert posted.types("c-first") == ["live.reconnect"]

    sockets.disconnect(store, "c-first")  # the console connects again
    sockets.connect(store, "c-second", holder, NOW)
    assert store.connections_in([Room(kind=RoomKind.GROUP, id="billing")]) == ["c-second"]
    assert store.connections_in([Room(kind=RoomKind.GROUP, id="support")]) == ["c-second"]
