"""E-mail end to end on the local stack: a mail to the SMTP inbox opens a ticket;
an agent's reply appears in /dev/outbox with threading headers; the customer's
answer to it, built from that outbox mail as a mail client would, joins the
same ticket."""

import email
import smtplib
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
import requests

from tests.e2e.conftest import RunningStack, eventually

pytestmark = pytest.mark.e2e
CUSTOMER = "Marta Gómez <marta.gomez@cliente.example>"


def send(stack: RunningStack, message: EmailMessage) -> None:
    with smtplib.SMTP("127.0.0.1", stack.smtp_port, timeout=10) as smtp:
        smtp.send_message(message)


def outbox(stack: RunningStack) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = requests.get(stack.base + "/dev/outbox", timeout=5).json()["messages"]
    return messages


def test_mail_in_reply_out_and_answer_back_on_one_ticket(stack: RunningStack) -> None:
    first = EmailMessage(policy=policy.SMTP)
    first["From"] = CUSTOMER
    first["To"] = "soporte@atiende.localhost"
    first["Subject"] = "Pedido 7781 llegó dañado"
    first["Message-ID"] = "<pedido-7781@cliente.example>"
    first.set_content("Hola, el pedido 7781 llegó con la caja rota. ¿Me lo pueden cambiar?")
    send(stack, first)

    def ticket_by_subject() -> dict[str, Any] | None:
        tickets = stack.api("GET", "/api/tickets", params={"limit": 50}).json()["tickets"]
        return next((t for t in tickets if t["subject"] == "Pedido 7781 llegó dañado"), None)

    ticket = eventually(ticket_by_subject)
    acknowledgment = eventually(lambda: [m for m in outbox(stack) if m["in_reply_to"] == first["Message-ID"]])
    assert f"[#{ticket['number']}]" in acknowledgment[0]["subject"]

    reply = stack.api("POST", f"/api/tickets/{ticket['id']}/replies", json={"body": "Claro, hoy enviamos otro."})
    assert reply.status_code == 202, reply.text

    def our_reply() -> dict[str, Any] | None:
        return next((m for m in outbox(stack) if "hoy enviamos otro" in m["raw"]), None)

    sent = eventually(our_reply)
    ours = email.message_from_string(sent["raw"], policy=policy.default)
    assert ours["In-Reply-To"] is not None
    assert first["Message-ID"] in ours["References"]
    assert ours["Message-ID"].endswith("@atiende.localhost>") and ticket["id"] in ours["Message-ID"]
    assert ours["To"].addresses[0].addr_spec == "marta.gomez@cliente.example"

    answer = EmailMessage(policy=policy.SMTP)
    answer["From"] = CUSTOMER
    answer["To"] = str(ours["Reply-To"])
    answer["Subject"] = f"Re: {ours['Subject']}"
    answer["In-Reply-To"] = ours["Message-ID"]
    answer["References"] = f"{ours['References']} {ours['Message-ID']}"
    answer.set_content(
        "¡Muchas gracias!\n\nEl lun, 2 nov 2026 a las 11:00, Soporte <soporte@atiende.localhost> escribió:\n"
        "> Claro, hoy enviamos otro.\n"
    )
    send(stack, answer)

    def thread_with_answer() -> dict[str, Any] | None:
        thread: dict[str, Any] = stack.api("GET", f"/api/tickets/{ticket['id']}").json()
        return thread if any(m["text"] == "¡Muchas gracias!" for m in thread["messages"]) else None

    thread = eventually(thread_with_answer)
    kinds = [m["kind"] for m in thread["messages"]]
    assert kinds == ["inbound", "outbound", "outbound", "inbound"]
    assert all(m["delivery_status"] == "sent" for m in thread["messages"] if m["kind"] == "outbound")
    same_subject = [
        t
        for t in stack.api("GET", "/api/tickets", params={"limit": 50, "status": "new,open"}).json()["tickets"]
        if "7781" in t["subject"]
    ]
    assert [t["id"] for t in same_subject] == [ticket["id"]]


def test_mail_for_another_address_is_refused(stack: RunningStack) -> None:
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = CUSTOMER
    message["To"] = "ventas@otro.example"
    message["Subject"] = "x"
    message.set_content("x")
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(stack, message)


def test_an_out_of_office_is_set_aside_where_agents_see_it(stack: RunningStack) -> None:
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = "Pedro <pedro@cliente.example>"
    message["To"] = "soporte@atiende.localhost"
    message["Subject"] = "Fuera de la oficina hasta el lunes"
    message["Auto-Submitted"] = "auto-replied"
    message.set_content("Estoy de vacaciones.")
    send(stack, message)

    def entries() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = stack.api("GET", "/api/set-aside").json()["entries"]
        return [e for e in found if e["sender"] == "pedro@cliente.example"]

    (entry,) = eventually(entries)
    assert entry["reason"] == "automatic_without_ticket"
    tickets = stack.api("GET", "/api/tickets", params={"limit": 50}).json()["tickets"]
    assert not any("Fuera de la oficina" in t["subject"] for t in tickets)
    assert not any("pedro@cliente.example" in m["to"] for m in outbox(stack))
