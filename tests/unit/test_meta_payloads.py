"""Meta's Messenger Platform envelope split into queue items: one per customer
event, the page's echoes dropped, receipts told apart, each product's channel,
and a reason for what is not Meta's envelope."""

import json

import pytest

from helpdesk.channels.meta_messaging.payloads import MalformedWebhook, split_webhook
from helpdesk.models import Channel
from tests.events import load_event


def _split(name: str) -> list[tuple[str, str, str, str]]:
    body = json.dumps(load_event(name)).encode()
    return [(u.channel.value, u.kind, u.group, u.dedup_id) for u in split_webhook(body)]


def test_messenger_events_become_messages_in_order_and_the_echo_is_dropped() -> None:
    assert _split("meta_messenger_webhook") == [
        ("messenger", "message", "7100000000000001", "m_text_0001"),
        ("messenger", "message", "7100000000000001", "m_image_0002"),
        ("messenger", "message", "7100000000000001", "m_postback_0003"),
        ("messenger", "message", "7100000000000001", "reaction.m_text_0001.react.1797000000400"),
        ("messenger", "message", "7100000000000001", "m_unsupported_0006"),
    ]


def test_receipts_are_told_apart_from_messages() -> None:
    assert _split("meta_messenger_receipts") == [
        ("messenger", "receipt", "7100000000000001", "delivery.7100000000000001.1797000089000"),
        ("messenger", "receipt", "7100000000000001", "read.7100000000000001.1797000094000"),
    ]


def test_instagram_is_its_own_channel() -> None:
    updates = _split("meta_instagram_webhook")
    assert {channel for channel, *_ in updates} == {Channel.INSTAGRAM.value}
    assert [kind for _, kind, *_ in updates] == ["message", "message", "receipt"]


def test_events_of_no_conversation_are_ignored() -> None:
    optin = {"sender": {"id": "7100"}, "recipient": {"id": "104"}, "timestamp": 1, "optin": {"ref": "x"}}
    body = json.dumps({"object": "page", "entry": [{"id": "104", "messaging": [optin]}]}).encode()
    assert split_webhook(body) == []


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"[]", "body: model_type"),
        (b'{"object": "page"}', "entry: missing"),
        (b'{"object": "user", "entry": []}', "object: literal_error"),
        (b"\\xff", "not JSON"),
    ],
)
def test_what_is_not_the_envelope_says_why(body: bytes, reason: str) -> None:
    with pytest.raises(MalformedWebhook) as refused:
        split_webhook(body)
    assert refused.value.reason == reason
