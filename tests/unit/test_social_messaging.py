"""The AWS End User Messaging Social adapter against botocore's Stubber (moto
does not cover the service): the request AWS documents, its answers and errors."""

import json
from collections.abc import Iterator

import boto3
import pytest
from botocore.stub import Stubber

from helpdesk.errors import WhatsAppRejected, WhatsAppUnavailable
from helpdesk.providers.social_messaging import META_API_VERSION, SocialMessagingWhatsApp
from helpdesk.providers.whatsapp_graph import text_payload

ORIGIN = "phone-number-id-1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d"


@pytest.fixture
def stubbed() -> Iterator[tuple[SocialMessagingWhatsApp, Stubber]]:
    client = boto3.client("socialmessaging", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield SocialMessagingWhatsApp(client, ORIGIN), stubber
        stubber.assert_no_pending_responses()


def test_text_goes_as_metas_message_body(stubbed: tuple[SocialMessagingWhatsApp, Stubber]) -> None:
    adapter, stubber = stubbed
    expected = {
        "originationPhoneNumberId": ORIGIN,
        "message": json.dumps(text_payload("50255509999", "Hola")).encode(),
        "metaApiVersion": META_API_VERSION,
    }
    stubber.add_response("send_whatsapp_message", {"messageId": "wamid.HBgLNTAy"}, expected)

    assert adapter.send_text("50255509999", "Hola") == "wamid.HBgLNTAy"


@pytest.mark.parametrize(
    ("code", "raised"),
    [
        ("ThrottledRequestException", WhatsAppUnavailable),
        ("InternalServiceException", WhatsAppUnavailable),
        ("ValidationException", WhatsAppRejected),
        ("AccessDeniedByMetaException", WhatsAppRejected),
    ],
)
def test_errors_split_into_retry_and_give_up(
    stubbed: tuple[SocialMessagingWhatsApp, Stubber], code: str, raised: type[Exception]
) -> None:
    adapter, stubber = stubbed
    stubber.add_client_error("send_whatsapp_message", service_error_code=code, service_message="no")

    with pytest.raises(raised):
        adapter.send_text("50255509999", "Hola")
