"""Hostile input from outside: JSON nesting and control characters (``helpdesk.untrusted``)."""

import json
from datetime import UTC, datetime

import pytest

from helpdesk.conversations.ingest import InboundMessage
from helpdesk.limits import MAX_JSON_DEPTH
from helpdesk.models import Channel, Identity, IdentityKind
from helpdesk.untrusted import (
    ControlCharacters,
    NestedTooDeep,
    load_json,
    nesting_depth,
    one_line,
    refuse_control_characters,
    without_control_characters,
)

DEEP = b'{"object":"whatsapp_business_account","entry":' + b"[" * 5000 + b"]" * 5000 + b"}"


def test_a_document_nested_5000_deep_is_refused_before_parsing() -> None:
    with pytest.raises(NestedTooDeep):
        load_json(DEEP)


def test_nested_too_deep_is_a_value_error_like_any_malformed_body() -> None:
    assert issubclass(NestedTooDeep, ValueError)


def test_meta_shaped_documents_load_as_json_does() -> None:
    document = {"entry": [{"changes": [{"value": {"messages": [{"text": {"body": "[[{{ hola"}}]}}]}]}
    raw = json.dumps(document)
    assert load_json(raw) == document


@pytest.mark.parametrize(
    ("raw", "depth"),
    [
        ("{}", 1),
        ("[[1], [2]]", 2),
        ('{"a": "[[[[[[[[["}', 1),  # brackets inside strings do not count
        ('["\\"[[["]', 1),  # nor after an escaped quote
        ('"plain"', 0),
    ],
)
def test_nesting_depth_counts_only_structure(raw: str, depth: int) -> None:
    assert nesting_depth(raw) == depth


def test_exactly_the_limit_is_accepted_one_more_is_not() -> None:
    at_limit = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert load_json(at_limit) is not None
    with pytest.raises(NestedTooDeep):
        load_json("[" + at_limit + "]")


@pytest.mark.parametrize("text", ["nul\x00", "esc \x1b[31mrojo", "bell\x07", "del\x7f", "c1 \x9b2J", "cr\r\n"])
def test_an_agents_text_with_control_characters_is_refused_with_the_field(text: str) -> None:
    with pytest.raises(ControlCharacters) as refused:
        refuse_control_characters({"reply": {"text": text}})
    assert refused.value.field == "reply.text"
    assert refused.value.message_key == "error.control_characters"


def test_line_breaks_tabs_and_accents_are_text() -> None:
    refuse_control_characters({"text": "Hola,\n\tgracias — ¿señor Núñez? 👍", "tags": ["facturación"]})


def test_a_customers_text_loses_control_characters_but_keeps_lines() -> None:
    assert without_control_characters("Hola\x00\x1b[2J\r\nadiós\t!") == "Hola[2J\nadiós\t!"


def test_one_line_fields_lose_line_breaks_too() -> None:
    assert one_line("Factura\x00 de\r\n\tnoviembre\x1b ") == "Factura de noviembre"


def test_an_inbound_message_strips_the_customers_control_characters() -> None:
    message = InboundMessage(
        channel=Channel.EMAIL,
        channel_message_id="m-1",
        sender=Identity(kind=IdentityKind.EMAIL, value="cliente@example.com"),
        sender_name="Ana\x1b]0;pwned\x07",
        sent_at=datetime(2026, 12, 7, tzinfo=UTC),
        subject="Pedido\x00 atrasado\n",
        text="Línea 1\x00\nLínea 2",
    )
    assert message.subject == "Pedido atrasado"
    assert message.sender_name == "Ana]0;pwned"
    assert message.text == "Línea 1\nLínea 2"
