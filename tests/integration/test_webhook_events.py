"""Outgoing webhooks from the table's stream, in moto in-process (the ``store``
fixture; kept apart from the local stack's tests, whose embedded moto shares
this process's backends): a change handed over twice is queued once per
endpoint, and the stream handler reads real item images."""

import json
from datetime import UTC, datetime

import boto3
import pytest

from helpdesk import connections
from helpdesk.conversations.ingest import ingest
from helpdesk.models import Actor, ActorKind, Ticket
from helpdesk.rules.ruleset import Action, ActionKind, Rule, RuleEvent, RuleSet, save_rules
from helpdesk.store import HelpdeskStore
from helpdesk.webhooks.delivery import Delivery, fan_out
from helpdesk.webhooks.endpoints import StoredEndpoint
from helpdesk.webhooks.events import ticket_events
from local.lambda_runtime import LocalContext
from tests.conftest import REGION, TABLE, inbound

SECRET = "receiver-secret-0001"


class _Queue:
    def __init__(self) -> None:
        self.queued: list[Delivery] = []

    def enqueue(self, deliveries: list[Delivery]) -> None:
        self.queued += deliveries

    def give_up(self, delivery: Delivery) -> None:
        raise AssertionError("not in this test")


def test_a_change_handed_over_twice_is_queued_once_per_endpoint(store: HelpdeskStore) -> None:
    now = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    endpoint = StoredEndpoint(
        id="W1", url="https://hooks.example.com/in", events=("ticket.created",), secret_hint="…0001",
        created_at=now, updated_at=now, secret=SECRET,
    )  # fmt: skip
    store.put_webhook_endpoint("W1", endpoint.model_dump(mode="json"))
    ticket = Ticket.model_validate(
        {"id": "T1", "number": 1, "channel": "email", "contact_id": "c1", "created_at": now, "updated_at": now}
    )
    queue = _Queue()

    first = fan_out(store, queue, ticket_events(None, ticket), now)
    again = fan_out(store, queue, ticket_events(None, ticket), now)

    assert (first, again) == (1, 0)
    assert [d.endpoint_id for d in queue.queued] == ["W1"]


def test_the_stream_handler_queues_a_new_ticket_and_message_once_however_often_handed_over(
    store: HelpdeskStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from outgoing_webhooks.app import handler

    # Given an endpoint for new tickets and messages, and the webhook queue
    sqs = boto3.client("sqs", region_name=REGION)
    queue_url = sqs.create_queue(QueueName="webhook-deliveries")["QueueUrl"]
    monkeypatch.setenv("WEBHOOK_QUEUE_URL", queue_url)
    monkeypatch.setenv("WEBHOOK_DEAD_LETTER_QUEUE_URL", queue_url)
    connections.forget()
    now = datetime.now(UTC)
    endpoint = StoredEndpoint(
        id="W1", url="https://hooks.example.com/in", events=("ticket.created", "message.created"),
        secret_hint="…0001", created_at=now, updated_at=now, secret=SECRET,
    )  # fmt: skip
    store.put_webhook_endpoint("W1", endpoint.model_dump(mode="json"))
    result = ingest(inbound(sender="50255530001", text="Me cobraron doble"), store)

    # When the stream hands the ticket's and the message's INSERTs over twice (images as DynamoDB JSON)
    table = boto3.client("dynamodb", region_name=REGION)
    records = []
    for n, sort_key in enumerate(["META", f"MSG#{result.message.sent_at:%Y}"] * 2, 1):
        pk = f"TICKET#{result.ticket.id}"
        found = table.query(
            TableName=TABLE,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :sk)",
            ExpressionAttributeValues={":pk": {"S": pk}, ":sk": {"S": sort_key}},
        )["Items"][0]
        records.append(
            {
                "eventID": str(n), "eventName": "INSERT", "eventSource": "aws:dynamodb",
                "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/1",
                "dynamodb": {"Keys": {"PK": found["PK"], "SK": found["SK"]}, "NewImage": found,
                             "SequenceNumber": str(n), "StreamViewType": "NEW_AND_OLD_IMAGES"},
            }
        )  # fmt: skip
    try:
        answers = [handler({"Records": records}, LocalContext("WebhookEventsFunction")) for _ in range(2)]
    finally:
        connections.forget()  # built on this test's in-process moto: not for the module's stack

    # Then one delivery per event, with the ticket and the message's text
    assert answers == [{"batchItemFailures": []}] * 2
    queued = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    deliveries = sorted((Delivery.model_validate_json(m["Body"]) for m in queued), key=lambda d: d.event)
    assert [d.event for d in deliveries] == ["message.created", "ticket.created"]
    message = json.loads(deliveries[0].body)["data"]["message"]
    assert message["text"] == "Me cobraron doble" and message["ticket_id"] == result.ticket.id


def test_a_rules_webhook_call_reaches_its_endpoint_once_with_the_ticket_and_the_rule(
    store: HelpdeskStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from outgoing_webhooks.app import handler

    # Given a rule calling endpoint W2 on new tickets, and W1 subscribed to nothing it would send
    sqs = boto3.client("sqs", region_name=REGION)
    queue_url = sqs.create_queue(QueueName="webhook-deliveries")["QueueUrl"]
    monkeypatch.setenv("WEBHOOK_QUEUE_URL", queue_url)
    monkeypatch.setenv("WEBHOOK_DEAD_LETTER_QUEUE_URL", queue_url)
    connections.forget()
    now = datetime.now(UTC)
    for endpoint_id in ("W1", "W2"):
        endpoint = StoredEndpoint(
            id=endpoint_id, url=f"https://hooks.example.com/{endpoint_id}", events=("ticket.solved",),
            secret_hint="…0001", created_at=now, updated_at=now, secret=SECRET,
        )  # fmt: skip
        store.put_webhook_endpoint(endpoint_id, endpoint.model_dump(mode="json"))
    crm = Rule(id="crm", name="Avisar al CRM", event=RuleEvent.TICKET_CREATED,
               actions=(Action(kind=ActionKind.CALL_WEBHOOK, values=("W2",)),))  # fmt: skip
    save_rules(store, RuleSet(rules=(crm,)), Actor(kind=ActorKind.AGENT, id="a", name="Admin"), now)

    # When a ticket is created and the stream hands the rule's history entry over twice
    result = ingest(inbound(sender="50255530002", text="Quiero actualizar mis datos"), store)
    table = boto3.client("dynamodb", region_name=REGION)
    entries = table.query(
        TableName=TABLE,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :sk)",
        ExpressionAttributeValues={":pk": {"S": f"TICKET#{result.ticket.id}"}, ":sk": {"S": "EVT#"}},
    )["Items"]
    (called,) = [e for e in entries if e["kind"]["S"] == "webhook_called"]
    record = {
        "eventID": "1", "eventName": "INSERT", "eventSource": "aws:dynamodb",
        "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/1",
        "dynamodb": {"Keys": {"PK": called["PK"], "SK": called["SK"]}, "NewImage": called,
                     "SequenceNumber": "1", "StreamViewType": "NEW_AND_OLD_IMAGES"},
    }  # fmt: skip
    try:
        for _ in range(2):
            handler({"Records": [record]}, LocalContext("WebhookEventsFunction"))
    finally:
        connections.forget()

    # Then W2 alone gets one delivery: the ticket, and the rule that called
    (queued,) = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    delivery = Delivery.model_validate_json(queued["Body"])
    body = json.loads(delivery.body)
    assert (delivery.endpoint_id, delivery.event) == ("W2", "rule.called")
    assert body["data"]["rule"] == {"id": "crm", "name": "Avisar al CRM"}
    assert body["data"]["ticket"]["id"] == result.ticket.id
