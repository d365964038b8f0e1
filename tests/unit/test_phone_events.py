"""Amazon Connect's contact events read into one call: each recorded sample
typed, and the merge of snapshots the same in every order."""

import itertools

import pytest
from pydantic import ValidationError

from helpdesk.channels.phone.calls import call_of, merge
from helpdesk.channels.phone.events import ContactEvent
from helpdesk.models import CallDirection
from tests.events import load_event

STEPS = ["initiated", "connected_to_system", "queued", "connected_to_agent", "disconnected", "completed"]


def sample(step: str) -> ContactEvent:
    return ContactEvent.model_validate(load_event(f"connect_contact_event_{step}"))


@pytest.mark.parametrize("step", STEPS)
def test_each_recorded_event_is_a_call_of_the_same_contact(step: str) -> None:
    event = sample(step)
    call = call_of(event)
    assert event.is_call
    assert call.call_id == "5ca32fbd-8f92-46af-92a5-6b0f970f0efe"
    assert call.number == "+50255551234"
    assert call.direction is CallDirection.INBOUND
    assert call.events == (event.detail.event_type,)


def test_the_events_say_more_as_the_call_goes_on() -> None:
    queued, answered, ended = (call_of(sample(s)) for s in ("queued", "connected_to_agent", "disconnected"))
    assert queued.queue == "2d5a1b6c-3e4f-4a5b-9c8d-7e6f5a4b3c2d" and queued.answered_at is None
    assert answered.agent == "6f5e4d3c-2b1a-4c9d-8e7f-1a2b3c4d5e6f" and answered.ended_at is None
    assert ended.duration_seconds == 180 and ended.disconnect_reason == "CUSTOMER_DISCONNECT"
    assert not ended.missed


def test_merging_gives_the_same_call_in_every_order() -> None:
    calls = [call_of(sample(s)) for s in STEPS]
    results = set()
    for order in itertools.permutations(calls):
        merged = order[0]
        for call in order[1:]:
            merged = merge(merged, call)
        results.add(merged.model_dump_json())
    assert len(results) == 1
    merged = merge(merge(calls[4], calls[0]), calls[3])
    assert merged.events == ("INITIATED", "CONNECTED_TO_AGENT", "DISCONNECTED")


def test_merging_an_event_again_changes_nothing() -> None:
    first = merge(call_of(sample("initiated")), call_of(sample("queued")))
    assert merge(first, call_of(sample("queued"))) == first


def test_a_call_nobody_answered_is_missed() -> None:
    event = load_event("connect_contact_event_disconnected")
    del event["detail"]["agentInfo"]
    call = call_of(ContactEvent.model_validate(event))
    assert call.missed and call.duration_seconds == 180


def test_callbacks_and_api_calls_are_outbound() -> None:
    event = load_event("connect_contact_event_initiated")
    event["detail"]["initiationMethod"] = "CALLBACK"
    assert call_of(ContactEvent.model_validate(event)).direction is CallDirection.OUTBOUND


def test_a_chat_contact_is_not_a_call() -> None:
    assert not ContactEvent.model_validate(load_event("connect_contact_event_chat_initiated")).is_call


def test_a_withheld_number_gives_a_call_without_number() -> None:
    event = load_event("connect_contact_event_initiated")
    event["detail"]["customerEndpoint"] = {"type": "TELEPHONE_NUMBER", "address": "anonymous"}
    assert call_of(ContactEvent.model_validate(event)).number == ""


def test_an_event_without_contact_id_is_refused() -> None:
    event = load_event("connect_contact_event_initiated")
    del event["detail"]["contactId"]
    with pytest.raises(ValidationError):
        ContactEvent.model_validate(event)


def test_new_event_types_are_kept_by_name() -> None:
    event = load_event("connect_contact_event_queued")
    event["detail"]["eventType"] = "SOMETHING_NEW"
    call = merge(call_of(sample("initiated")), call_of(ContactEvent.model_validate(event)))
    assert call.events == ("INITIATED", "SOMETHING_NEW")
