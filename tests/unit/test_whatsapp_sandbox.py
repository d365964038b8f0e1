"""The sandbox's webhook deliveries (also what ``atiende load`` posts): signed
as the webhook checks, and read back for the customers who wrote."""

import pytest

from helpdesk.channels.whatsapp.inbound import InvalidSignature, verify_signature
from local.whatsapp_sandbox import customers_in, signature, webhook_body

SECRET = "atiende-local-app-secret"
MESSAGE = {"from": "50255501234", "id": "wamid.1", "timestamp": "1797000000", "type": "text", "text": {"body": "Hola"}}


def test_a_delivery_is_signed_as_the_webhook_verifies_it() -> None:
    body = webhook_body({"messages": [MESSAGE]}, "50255550000", "100000000000001")

    verify_signature(body, signature(SECRET, body), SECRET)
    with pytest.raises(InvalidSignature):
        verify_signature(body + b" ", signature(SECRET, body), SECRET)


def test_the_customers_who_wrote_are_read_from_a_delivery() -> None:
    body = webhook_body({"messages": [MESSAGE]}, "50255550000", "100000000000001")
    statuses = webhook_body({"statuses": [{"id": "wamid.2", "status": "read"}]}, "50255550000", "1")

    assert customers_in(body) == ["50255501234"]
    assert customers_in(statuses) == []
    assert customers_in(b"not json") == []
    assert customers_in(b'{"entry": 5}') == []


def test_a_hostile_delivery_names_no_customer_and_does_not_crash_the_stack() -> None:
    # 5,000 nested arrays: json.loads would recurse past Python's limit and drop the connection
    assert customers_in(b"[" * 5000 + b"]" * 5000) == []
