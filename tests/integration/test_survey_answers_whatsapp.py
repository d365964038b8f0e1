"""A WhatsApp survey answer through Meta's webhook and the worker, as the
customer taps it: the tapped row answers the survey (no message on the ticket,
which stays solved) and the thank-you is queued; a redelivery changes nothing;
a message that is no answer is a normal message."""

from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from helpdesk.models import Channel, Language, TicketStatus
from helpdesk.surveys.answering import current_survey
from helpdesk.surveys.model import Survey
from helpdesk.surveys.scale import SurveyKind
from tests.conftest import REGION
from tests.integration.test_whatsapp_inbound import WhatsAppDesk, text_message, wa

__all__ = ["wa"]
CUSTOMER = "50255577777"


def _list_reply(wamid: str, option: str, title: str) -> dict[str, Any]:
    payload = text_message(CUSTOMER, wamid, "")
    message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    message.pop("text")
    message |= {
        "type": "interactive",
        "interactive": {"type": "list_reply", "list_reply": {"id": option, "title": title}},
    }
    return payload


def _waiting(queue_url: str) -> int:
    attributes = boto3.client("sqs", region_name=REGION).get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages"]
    )
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def test_a_tapped_row_answers_the_survey_and_is_no_message(wa: WhatsAppDesk, monkeypatch: pytest.MonkeyPatch) -> None:
    outbound = boto3.client("sqs", region_name=REGION).create_queue(QueueName="outbound")["QueueUrl"]
    monkeypatch.setenv("OUTBOUND_QUEUE_URL", outbound)
    # Given a customer's conversation, solved, whose CSAT survey went out on WhatsApp
    wa.post(text_message(CUSTOMER, "wamid.HOLA", "Hola, mi pedido no llegó"))
    wa.worker.drain()
    (ticket,) = wa.tickets()
    solved = ticket.model_copy(update={"status": TicketStatus.SOLVED, "solved_at": datetime.now(UTC),
                                       "version": ticket.version + 1})  # fmt: skip
    wa.store.save_ticket(ticket, solved, [])
    now = datetime.now(UTC)
    survey = Survey(ticket_id=ticket.id, ticket_number=ticket.number, contact_id=ticket.contact_id, policy_id="csat",
                    kinds=(SurveyKind.CSAT,), channel=Channel.WHATSAPP, language=Language.SPANISH,
                    solved_at=now, sent_at=now)  # fmt: skip
    assert wa.store.claim_survey(survey.model_dump(mode="json"), ticket.contact_id, ticket.id, now, 7) == set()

    # When the customer taps "⭐⭐⭐⭐⭐" (twice: Meta retries)
    for _ in range(2):
        wa.post(_list_reply("wamid.TAP", "csat:5", "⭐⭐⭐⭐⭐ Muy satisfecho"))
        wa.worker.drain()

    # Then the survey has its answer, the ticket no new message and still solved; one thank-you queued
    answered = current_survey(wa.store, ticket.id)
    assert answered is not None and (answered.csat, answered.answered_via) == (5, "whatsapp")
    assert wa.store.find_channel_message(Channel.WHATSAPP, "wamid.TAP") is None
    after = wa.store.get_thread(ticket.id)
    assert after is not None and after.ticket.status is TicketStatus.SOLVED
    assert [m.text for m in after.messages if "¡Gracias por tu respuesta!" in m.text] != []
    assert _waiting(outbound) == 1

    # And a later message is a normal message (the ticket reopens)
    wa.post(text_message(CUSTOMER, "wamid.OTRA", "Otra cosa: ¿tienen tienda en Xela?"))
    wa.worker.drain()
    assert wa.store.find_channel_message(Channel.WHATSAPP, "wamid.OTRA") is not None
