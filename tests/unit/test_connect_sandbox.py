"""The local stack's Amazon Connect stand-in: the events of a call as Connect
emits them (each read by the phone channel's own model), the shuffles
`--out-of-order` sends, and EventBridge's pattern matching for the template's rule."""

from datetime import UTC, datetime

from helpdesk.channels.phone.calls import call_of
from helpdesk.channels.phone.events import ContactEvent
from local.connect_sandbox import Call, call_events, matches, out_of_order
from local.provision import load_template

CALL = Call(number="+50255551234", duration_seconds=180, ended_at=datetime(2026, 12, 1, 15, 3, tzinfo=UTC))


def test_an_answered_call_has_every_event_and_its_duration() -> None:
    events = [ContactEvent.model_validate(e) for e in call_events(CALL)]
    kinds = [e.detail.event_type for e in events]
    assert kinds == ["INITIATED", "CONNECTED_TO_SYSTEM", "QUEUED", "CONNECTED_TO_AGENT", "DISCONNECTED", "COMPLETED"]
    assert call_of(events[-1]).duration_seconds == 180 and not call_of(events[-1]).missed


def test_a_missed_call_never_reaches_an_agent() -> None:
    events = [ContactEvent.model_validate(e) for e in call_events(Call(**{**CALL.__dict__, "missed": True}))]
    assert "CONNECTED_TO_AGENT" not in [e.detail.event_type for e in events]
    assert call_of(events[-1]).missed


def test_out_of_order_shuffles_repeats_and_never_starts_with_the_first_event() -> None:
    events = call_events(CALL)
    sent = out_of_order(events)
    assert len(sent) == len(events) + 2 and sent[0]["detail"]["eventType"] != "INITIATED"
    assert {e["id"] for e in sent} == {e["id"] for e in events}


def test_the_templates_rule_matches_calls_only() -> None:
    rule = load_template()["Resources"]["PhoneEventsFunction"]["Properties"]["Events"]["ContactEvents"]
    pattern = rule["Properties"]["Pattern"]
    [event] = call_events(CALL)[:1]
    assert matches(pattern, event)
    assert not matches(pattern, {**event, "detail": {**event["detail"], "channel": "CHAT"}})
    assert not matches(pattern, {**event, "source": "aws.s3"})
