"""The local stack hands a stream function only the records the template's
FilterCriteria let through, as Lambda does: the search indexer sees tickets,
their messages and contacts, never the index's own writes."""

import json
from typing import Any

import pytest

from local.lambda_runtime import StreamSubscription
from local.provision import load_template


def _subscription(name: str) -> StreamSubscription:
    function = load_template()["Resources"][name]["Properties"]
    (event,) = [e for e in function["Events"].values() if e["Type"] == "DynamoDB"]
    patterns = tuple(json.loads(f["Pattern"]) for f in event["Properties"]["FilterCriteria"]["Filters"])
    return StreamSubscription(name, "table", function["Handler"], 100, patterns)


def _indexer() -> StreamSubscription:
    return _subscription("SearchIndexerFunction")


def _record(pk: str, sk: str, event_name: str = "INSERT") -> dict[str, Any]:
    return {"eventName": event_name, "dynamodb": {"Keys": {"PK": {"S": pk}, "SK": {"S": sk}}}}


@pytest.mark.parametrize(
    ("pk", "sk", "handed_over"),
    [
        ("TICKET#01J", "META", True),
        ("TICKET#01J", "MSG#2026-12-07T15:00:00.000000Z#01K", True),
        ("CONTACT#01C", "META", True),
        ("TICKET#01J", "EVENT#2026-12-07T15:00:00.000000Z#01E", False),
        ("CONTACT#01C", "IDENTITY#email#ana@example.com", False),
        ("IX#factur#2026-12", "01J", False),
        ("IXDOC#01J", "IXDOC", False),
        ("AGENT#01A", "META", False),
    ],
)
def test_the_indexer_gets_what_the_template_filters_in(pk: str, sk: str, handed_over: bool) -> None:
    assert _indexer().wants(_record(pk, sk)) is handed_over


def test_a_subscription_without_filters_gets_every_record() -> None:
    assert StreamSubscription("F", "table", "f.handler", 10).wants(_record("IX#a#2026-12", "01J"))


@pytest.mark.parametrize(
    ("pk", "sk", "event_name", "handed_over"),
    [
        ("TICKET#01J", "META", "INSERT", True),
        ("TICKET#01J", "META", "MODIFY", True),
        ("TICKET#01J", "META", "REMOVE", False),
        ("TICKET#01J", "MSG#2026-12-07T15:00:00.000000Z#01K", "INSERT", True),
        ("TICKET#01J", "MSG#2026-12-07T15:00:00.000000Z#01K", "MODIFY", False),  # a delivery status
        ("TICKET#01J", "EVT#2026-12-07T15:00:00.000000Z#01E", "INSERT", False),
        ("TICKET#01J", "PRESENCE#01A", "INSERT", False),
        ("WEBHOOK#01W", "ATTEMPT#2026-12-07T15:00:00.000000Z#01T", "INSERT", False),  # its own log
        ("WHEVENT#5f0e", "WHEVENT", "INSERT", False),  # its own memory of events
        ("CONTACT#01C", "META", "INSERT", False),
        ("IXDOC#01J", "IXDOC", "INSERT", False),
    ],
)
def test_webhook_events_get_only_ticket_writes_and_new_messages(
    pk: str, sk: str, event_name: str, handed_over: bool
) -> None:
    assert _subscription("WebhookEventsFunction").wants(_record(pk, sk, event_name)) is handed_over


@pytest.mark.parametrize(("kind", "handed_over"), [("webhook_called", True), ("updated", False), ("created", False)])
def test_webhook_events_get_the_history_entries_of_rules_calling_a_webhook(kind: str, handed_over: bool) -> None:
    record = _record("TICKET#01J", "EVT#2026-12-07T15:00:00.000000Z#01E")
    record["dynamodb"]["NewImage"] = {"kind": {"S": kind}}
    assert _subscription("WebhookEventsFunction").wants(record) is handed_over
