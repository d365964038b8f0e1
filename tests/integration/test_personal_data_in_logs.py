"""Personal data stays out of the logs: whole flows (mail in and its
acknowledgment, an agent's reply out, WhatsApp in through the webhook and the
worker, a delivery status) logged at DEBUG, and no customer's e-mail address or
phone number appears in anything they print."""

import logging
import re
from collections.abc import Iterator

import pytest

from helpdesk.observability import logger
from helpdesk.tickets.replies import ReplyDraft, reply_to_ticket
from tests.integration.conftest import AGENT, MailDesk, mail
from tests.integration.test_whatsapp_inbound import WhatsAppDesk, text_message, wa  # noqa: F401 - the fixture

CUSTOMER_MAIL = "valentina.rios@cliente.example"
CUSTOMER_PHONE = "50255508877"
# Any e-mail address, and any run of 8+ digits (a phone number in any format
# WhatsApp or a customer writes it).
ADDRESS = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"\+?\d[\d\s-]{7,}\d")


@pytest.fixture
def everything_logged(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    level = logger.log_level
    logger.setLevel("DEBUG")
    caplog.set_level(logging.DEBUG)
    yield
    logger.setLevel(level)


def _personal_data(output: str) -> list[str]:
    ours = {"soporte@atiende.example"}  # the help desk's own address is not a customer's
    found = [a for a in ADDRESS.findall(output) if a not in ours]
    # ids (ULIDs, wamids) hold no phone; timestamps are 10 digits: only the customer's number counts
    found += [p for p in PHONE.findall(output) if re.sub(r"\D", "", p).endswith(CUSTOMER_PHONE[-8:])]
    return found


def test_mail_in_and_replies_out_log_no_address(
    desk: MailDesk, everything_logged: None, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    receipt = desk.receive(mail(sender=f"Valentina Ríos <{CUSTOMER_MAIL}>", body=f"Mi teléfono es +{CUSTOMER_PHONE}"))
    desk.send_all()  # the acknowledgment
    reply_to_ticket(
        desk.store, desk.queue, receipt.ticket_id or "", ReplyDraft(body="Con gusto."), AGENT, desk.settings
    )
    (sent,) = desk.send_all()

    assert CUSTOMER_MAIL.encode() in sent  # the flow did reach the customer
    captured = capfd.readouterr()
    output = captured.out + captured.err + caplog.text
    assert "message ingested" in output  # the flow was logged at all
    assert _personal_data(output) == []


def test_whatsapp_in_and_a_status_log_no_phone_number(
    wa: WhatsAppDesk,  # noqa: F811 - the fixture imported above
    everything_logged: None,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    payload = text_message(CUSTOMER_PHONE, "wamid.PII1", f"Escríbanme a {CUSTOMER_MAIL}")
    assert wa.post(payload)["statusCode"] == 200
    wa.worker.drain()
    status = text_message(CUSTOMER_PHONE, "wamid.PII2", "")
    value = status["entry"][0]["changes"][0]["value"]
    value["statuses"] = [
        {"id": "wamid.unknown", "status": "delivered", "timestamp": "1797000001", "recipient_id": CUSTOMER_PHONE}
    ]
    del value["messages"]
    assert wa.post(status)["statusCode"] == 200
    wa.worker.drain()

    (ticket,) = wa.tickets()
    assert ticket.channel.value == "whatsapp"
    captured = capfd.readouterr()
    output = captured.out + captured.err + caplog.text
    assert "webhook queued" in output
    assert _personal_data(output) == []
