"""Messenger's and Instagram's reply window: 24 hours plain, then HUMAN_AGENT up
to 7 days when the page may use it, else no reply, each refusal with its reason
in Spanish and English."""

from datetime import UTC, datetime, timedelta

import pytest

from agent_api.errors import error_body
from helpdesk.channels.meta_messaging.outbound import reply_tag
from helpdesk.errors import OutsideHumanAgentWindow, OutsideMetaWindow
from helpdesk.providers.meta_graph import text_payload
from tests.events import load_event

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize("allowed", [True, False])
def test_within_24_hours_a_reply_is_a_plain_response(allowed: bool) -> None:
    assert reply_tag(NOW - timedelta(hours=23, minutes=59), NOW, allowed) is None
    assert reply_tag(NOW - timedelta(hours=24), NOW, allowed) is None


def test_after_24_hours_the_page_setting_decides() -> None:
    last = NOW - timedelta(hours=24, seconds=1)
    assert reply_tag(last, NOW, human_agent_allowed=True) == "HUMAN_AGENT"
    with pytest.raises(OutsideMetaWindow):
        reply_tag(last, NOW, human_agent_allowed=False)


def test_after_7_days_no_reply_at_all() -> None:
    assert reply_tag(NOW - timedelta(days=7), NOW, True) == "HUMAN_AGENT"
    with pytest.raises(OutsideHumanAgentWindow):
        reply_tag(NOW - timedelta(days=7, seconds=1), NOW, True)


def test_a_ticket_the_customer_never_wrote_on_cannot_be_answered() -> None:
    with pytest.raises(OutsideMetaWindow):
        reply_tag(None, NOW, True)


@pytest.mark.parametrize("key", ["error.meta_window_closed", "error.meta_human_agent_window_closed"])
def test_refusals_are_422_with_the_reason_in_both_languages(key: str) -> None:
    status, body = error_body(key)
    assert status == 422
    assert "Messenger" in body["error"]["message"]["es"] and "Messenger" in body["error"]["message"]["en"]
    assert "días" in body["error"]["message"]["es"]


def test_the_send_api_body_names_its_tag_only_outside_the_standard_window() -> None:
    assert text_payload("7100", "Hola") == {
        "recipient": {"id": "7100"},
        "messaging_type": "RESPONSE",
        "message": {"text": "Hola"},
    }
    tagged = text_payload("7100", "Hola", "HUMAN_AGENT")
    assert (tagged["messaging_type"], tagged["tag"]) == ("MESSAGE_TAG", "HUMAN_AGENT")


def test_recorded_send_api_shapes_are_the_documented_ones() -> None:
    assert set(load_event("meta_send_api_response")) == {"recipient_id", "message_id"}
    error = load_event("meta_send_api_outside_window")["error"]
    assert (error["code"], error["error_subcode"]) == (10, 2018278)
