"""Callback requests against moto's table and Connect's recorded shapes
(botocore's Stubber: moto does not serve StartOutboundVoiceContact): placed
through Connect when an instance is configured, else (or when Connect refuses)
an agent's task in the follow-up queue; the ticket says the number and time."""

from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from helpdesk.channels.phone.callbacks import CallbackRequest, request_callback
from helpdesk.channels.web_form import ContactForm, hand_out, submit
from helpdesk.errors import CallbackRefused
from helpdesk.follow_ups.entries import FollowUp, FollowUpReason, FollowUpState
from helpdesk.providers.connect import ConnectDialer
from helpdesk.settings import PhoneSettings
from helpdesk.store import HelpdeskStore
from tests.conftest import REGION
from tests.events import load_event

SHAPES = load_event("connect_start_outbound_voice_contact")
CONFIGURED = PhoneSettings.model_validate(
    {
        "CONNECT_INSTANCE_ID": SHAPES["request"]["InstanceId"],
        "CONNECT_CALLBACK_FLOW_ID": SHAPES["request"]["ContactFlowId"],
        "CONNECT_CALLBACK_SOURCE_NUMBER": SHAPES["request"]["SourcePhoneNumber"],
    }
)


def form(store: HelpdeskStore, **fields: Any) -> ContactForm:
    token = hand_out(store, datetime(2026, 12, 1, 14, 0, tzinfo=UTC))
    return ContactForm.model_validate(
        {
            "name": "Don Ernesto Castillo",
            "reach": "ernesto@example.com",
            "subject": "Mi pedido no llegó",
            "message": "Prefiero que me llamen, no uso mucho el correo.",
            "token": token,
            "callback": "on",
            "callback_number": "+502 5555 1234",
            "callback_time": "hoy después de las 5",
            **fields,
        }
    )


def tasks(store: HelpdeskStore) -> list[FollowUp]:
    return [FollowUp.model_validate(v) for v in store.follow_ups_in_state(FollowUpState.OPEN.value, 100)]


NOW = datetime(2026, 12, 1, 14, 1, tzinfo=UTC)


def test_without_connect_a_callback_is_an_agents_task(store: HelpdeskStore) -> None:
    ticket = submit(store, form(store), NOW)
    [task] = tasks(store)
    assert task.reason is FollowUpReason.CALLBACK and task.ticket_id == ticket.id
    assert task.detail == "+50255551234 · hoy después de las 5"
    thread = store.get_thread(ticket.id)
    assert thread is not None
    assert "+50255551234" in thread.messages[0].text and "hoy después de las 5" in thread.messages[0].text


def test_a_form_without_the_box_asks_for_no_call(store: HelpdeskStore) -> None:
    submit(store, form(store, callback="", callback_number=""), NOW)
    assert tasks(store) == []


@pytest.mark.parametrize("number", ["", "12", "no tengo", "4455-6677"])  # the last: no country code
def test_a_callback_without_a_callable_number_stores_nothing(store: HelpdeskStore, number: str) -> None:
    with pytest.raises(CallbackRefused):
        submit(store, form(store, callback_number=number), NOW)
    assert tasks(store) == []


def connect_stub() -> tuple[Any, Stubber]:
    client = boto3.client("connect", region_name=REGION)
    stubber = Stubber(client)
    return client, stubber


def test_with_connect_the_call_is_placed_as_recorded(store: HelpdeskStore) -> None:
    client, stubber = connect_stub()
    filled = form(store)
    stubber.add_response(
        "start_outbound_voice_contact",
        SHAPES["response"],
        {
            "InstanceId": SHAPES["request"]["InstanceId"],
            "ContactFlowId": SHAPES["request"]["ContactFlowId"],
            "DestinationPhoneNumber": "+50255551234",
            "ClientToken": f"form:{filled.token}",
            "Attributes": {
                "ticket_id": stubber_any(),
                "ticket_number": stubber_any(),
                "preferred_time": "hoy después de las 5",
            },
            "Name": "Atiende callback",
            "SourcePhoneNumber": SHAPES["request"]["SourcePhoneNumber"],
        },
    )
    with stubber:
        submit(store, filled, NOW, ConnectDialer(client, CONFIGURED))
        stubber.assert_no_pending_responses()
    assert tasks(store) == []  # Connect calls; no agent task


@pytest.mark.parametrize("code", ["LimitExceededException", "DestinationNotAllowedException"])
def test_when_connect_refuses_an_agent_calls_back(store: HelpdeskStore, code: str) -> None:
    client, stubber = connect_stub()
    error = SHAPES["errors"][code]
    stubber.add_client_error(
        "start_outbound_voice_contact",
        service_error_code=error["Error"]["Code"],
        service_message=error["Error"]["Message"],
        http_status_code=error["ResponseMetadata"]["HTTPStatusCode"],
    )
    with stubber:
        ticket = submit(store, form(store), NOW, ConnectDialer(client, CONFIGURED))
    [task] = tasks(store)
    assert task.ticket_id == ticket.id and task.reason is FollowUpReason.CALLBACK


def test_asking_twice_for_the_same_ticket_opens_one_task(store: HelpdeskStore) -> None:
    ticket = submit(store, form(store), NOW)
    again = request_callback(store, ticket, CallbackRequest(number="+50255551234"), None, "again", NOW)
    assert not again.task_opened and len(tasks(store)) == 1


def test_connect_is_used_only_when_fully_configured() -> None:
    assert CONFIGURED.calls_back
    assert not PhoneSettings.model_validate({"CONNECT_INSTANCE_ID": "x"}).calls_back
    assert PhoneSettings.model_validate(
        {"CONNECT_INSTANCE_ID": "x", "CONNECT_CALLBACK_FLOW_ID": "y", "CONNECT_CALLBACK_QUEUE_ID": "q"}
    ).calls_back


def stubber_any() -> Any:
    from botocore.stub import ANY

    return ANY
