"""E-mail in and out against moto's S3, SQS and SES: threading, duplicates,
bounces, auto-replies, quarantine, attachments, and replies' headers."""

import email
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from email import policy
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from helpdesk.channels.email.intake import MailOutcome, NotTakenIn, read_set_aside, take_in_set_aside
from helpdesk.channels.email.outbound import deliver_email
from helpdesk.models import DeliveryStatus, MessageKind, TicketStatus
from helpdesk.providers.ses import SesMailer
from helpdesk.tickets.changes import TicketChanges, update_ticket
from helpdesk.tickets.replies import ReplyDraft, reply_to_ticket
from tests.integration.conftest import AGENT, SUPPORT, MailDesk, mail


def test_new_mail_opens_a_ticket_and_is_acknowledged_in_spanish(desk: MailDesk) -> None:
    receipt = desk.receive(mail())

    assert receipt.outcome is MailOutcome.INGESTED and receipt.created_ticket
    thread = desk.store.get_thread(receipt.ticket_id or "")
    assert thread is not None
    assert thread.ticket.subject == "Factura de octubre"
    assert thread.contact is not None and thread.contact.name == "Carlos Méndez"
    inbound = thread.messages[0]
    assert inbound.original is not None and inbound.original.bucket == "raw-mail"
    (ack,) = desk.send_all()
    parsed = email.message_from_bytes(ack, policy=policy.default)
    assert parsed["Auto-Submitted"] == "auto-replied"
    assert f"[#{thread.ticket.number}]" in parsed["Subject"]
    assert "Recibimos tu mensaje" in parsed.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert parsed["In-Reply-To"] == inbound.thread_key


def test_same_mail_delivered_twice_is_one_message(desk: MailDesk) -> None:
    raw = mail()
    first = desk.receive(raw, provider_id="ses-same")
    again = desk.receive(raw, provider_id="ses-same")

    assert again.outcome is MailOutcome.DUPLICATE and again.message_id == first.message_id
    thread = desk.store.get_thread(first.ticket_id or "")
    assert thread is not None
    assert len([m for m in thread.messages if m.kind is MessageKind.INBOUND]) == 1
    acknowledgments = [m.id for m in thread.messages if m.kind is MessageKind.OUTBOUND]
    assert len(acknowledgments) == 1  # one acknowledgment (queued again while unsent: it is sent once)
    assert {request.message_id for request in desk.queued()} == set(acknowledgments)


def test_copies_of_a_new_mail_delivered_at_once_are_acknowledged_once(desk: MailDesk) -> None:
    """SES may deliver one notification several times at once: whichever copy
    stores the acknowledgment first wins, the others find it (six new mails,
    six copies each, so the copies really overlap)."""
    copies = 6
    barrier = threading.Barrier(copies)

    raws = [mail(subject=f"Pedido {n} sin llegar", sender=f"cliente{n}@example.com") for n in range(6)]

    def deliver(n: int) -> Any:
        barrier.wait()
        return desk.receive(raws[n], provider_id=f"ses-copies-{n}")

    with ThreadPoolExecutor(max_workers=copies) as pool:
        receipts = list(pool.map(deliver, [n for n in range(6) for _ in range(copies)]))

    tickets = {r.ticket_id for r in receipts}
    assert len(tickets) == 6
    for ticket_id in tickets:
        thread = desk.store.get_thread(ticket_id or "")
        assert thread is not None
        assert [m.kind for m in thread.messages] == [MessageKind.INBOUND, MessageKind.OUTBOUND]
    assert len(desk.send_all()) == 6


def test_reply_threads_by_headers_and_customer_answer_joins(desk: MailDesk) -> None:
    ticket_id = desk.receive(mail()).ticket_id or ""
    desk.send_all()  # the acknowledgment
    reply_to_ticket(desk.store, desk.queue, ticket_id, ReplyDraft(body="Ya la corregimos."), AGENT, desk.settings)
    (sent,) = desk.send_all()
    ours = email.message_from_bytes(sent, policy=policy.default)

    answer = mail(
        body=f"¡Gracias!\n\nEl lun, 2 nov 2026 a las 10:05, Soporte <{SUPPORT}> escribió:\n> Ya la corregimos.",
        subject=f"Re: {ours['Subject']}",
        headers={"In-Reply-To": ours["Message-ID"], "References": ours["References"] + " " + ours["Message-ID"]},
    )
    receipt = desk.receive(answer)

    assert receipt.ticket_id == ticket_id and not receipt.created_ticket
    thread = desk.store.get_thread(ticket_id)
    assert thread is not None
    assert thread.messages[-1].text == "¡Gracias!"
    assert "Ya la corregimos" in (thread.messages[-1].full_text or "")
    assert ours["Reply-To"].addresses[0].addr_spec == f"soporte+{ticket_id.lower()}@atiende.example"
    assert thread.ticket.first_response_at is not None


def test_reply_address_token_threads_without_headers(desk: MailDesk) -> None:
    ticket_id = desk.receive(mail()).ticket_id or ""

    receipt = desk.receive(
        mail(body="Otro dato", subject="sin asunto", to=f"soporte+{ticket_id.lower()}@atiende.example")
    )

    assert receipt.ticket_id == ticket_id


def test_subject_number_joins_only_for_the_contact_or_a_cc(desk: MailDesk) -> None:
    first = desk.receive(mail(headers={"Cc": "ana@cliente.example"}))
    ticket = desk.store.get_ticket(first.ticket_id or "")
    assert ticket is not None and ticket.cc == ("ana@cliente.example",)
    subject = f"Re: Factura [#{ticket.number}]"

    from_cc = desk.receive(mail(sender="Ana <ana@cliente.example>", subject=subject))
    stranger = desk.receive(mail(sender="Otro <otro@ajeno.example>", subject=subject))

    assert from_cc.ticket_id == ticket.id
    assert stranger.ticket_id != ticket.id and stranger.created_ticket


def test_bounce_marks_the_reply_failed(desk: MailDesk) -> None:
    ticket_id = desk.receive(mail()).ticket_id or ""
    desk.send_all()
    reply = reply_to_ticket(desk.store, desk.queue, ticket_id, ReplyDraft(body="Hola"), AGENT, desk.settings)
    desk.send_all()

    bounce = (
        "From: MAILER-DAEMON@mx.cliente.example\r\nTo: soporte@atiende.example\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.cliente.example\r\n\r\n"
        "Final-Recipient: rfc822; carlos@cliente.example\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n"
        f"--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: {reply.thread_key}\r\nSubject: x\r\n--b--\r\n"
    ).encode()
    receipt = desk.receive(bounce)

    assert receipt.outcome is MailOutcome.BOUNCE_RECORDED and receipt.message_id == reply.id
    thread = desk.store.get_thread(ticket_id)
    assert thread is not None
    failed = next(m for m in thread.messages if m.id == reply.id)
    assert failed.delivery_status is DeliveryStatus.FAILED and "5.1.1" in (failed.delivery_error or "")


def test_out_of_office_creates_no_ticket_and_no_answer(desk: MailDesk) -> None:
    receipt = desk.receive(mail(subject="Fuera de la oficina", headers={"Auto-Submitted": "auto-replied"}))

    assert receipt.outcome is MailOutcome.SET_ASIDE and receipt.reason == "automatic_without_ticket"
    assert desk.queued() == []
    aside = desk.store.set_aside_in_month(datetime.now(UTC))
    assert [entry.reason for entry in aside] == ["automatic_without_ticket"]


def test_auto_reply_on_a_solved_ticket_is_recorded_without_reopening(desk: MailDesk) -> None:
    first = desk.receive(mail())
    ticket = desk.store.get_ticket(first.ticket_id or "")
    assert ticket is not None
    update_ticket(desk.store, ticket.id, TicketChanges(status=TicketStatus.SOLVED), ticket.version, AGENT)
    desk.queued()

    receipt = desk.receive(
        mail(subject=f"Respuesta automática: Factura [#{ticket.number}]", headers={"X-Autoreply": "yes"})
    )

    assert receipt.ticket_id == ticket.id
    after = desk.store.get_ticket(ticket.id)
    assert after is not None and after.status is TicketStatus.SOLVED
    assert desk.queued() == []


@pytest.mark.parametrize(("verdict", "reason"), [("spam", "quarantined_spam"), ("virus", "quarantined_virus")])
def test_failed_verdicts_quarantine_the_mail(desk: MailDesk, verdict: str, reason: str) -> None:
    receipt = desk.receive(mail(), **{f"{verdict}_verdict": "FAIL"})
    assert receipt.outcome is MailOutcome.SET_ASIDE and receipt.reason == reason
    assert desk.queued() == []


def test_ses_verdict_headers_in_the_stored_copy_quarantine_too(desk: MailDesk) -> None:
    receipt = desk.receive(b"X-SES-Spam-Verdict: FAIL\r\nX-SES-Virus-Verdict: PASS\r\n" + mail())
    assert receipt.reason == "quarantined_spam"


def test_attachments_get_safe_keys_and_oversized_ones_a_notice(desk: MailDesk) -> None:
    message = email.message_from_bytes(mail(), policy=policy.SMTP)
    message.add_attachment(b"%PDF-1.4 small", maintype="application", subtype="octet-stream",
                           filename="../../etc/factura.pdf")  # fmt: skip
    message.add_attachment(b"x" * 3000, maintype="application", subtype="zip", filename="grande.zip")
    receipt = desk.receive(message.as_bytes())

    thread = desk.store.get_thread(receipt.ticket_id or "")
    assert thread is not None
    (stored,) = thread.messages[0].attachments
    assert stored.filename == "factura.pdf" or stored.filename.endswith("factura.pdf")
    assert ".." not in stored.key and stored.key.startswith("mail/")
    assert stored.content_type == "application/pdf"  # sniffed past the wrong label
    (notice,) = thread.messages[0].notices
    assert notice.key == "attachment_too_large" and notice.params["filename"] == "grande.zip"


def test_html_is_sanitized_and_inline_images_point_at_our_copies(desk: MailDesk) -> None:
    message = email.message.EmailMessage(policy=policy.SMTP)
    message["From"] = "carlos@cliente.example"
    message["To"] = SUPPORT
    message["Subject"] = "Con imagen"
    message.set_content("ver imagen")
    message.add_alternative(
        '<p onclick="robar()">Mira <img src="cid:foto1"> <img src="https://rastreo.example/p.gif">'
        '<a href="javascript:alert(1)">aquí</a><script>alert(1)</script></p>',
        subtype="html",
    )
    html_part = message.get_payload()[1]  # type: ignore[index]
    assert isinstance(html_part, email.message.EmailMessage)
    html_part.add_related(b"\x89PNG\r\n\x1a\nfake", maintype="image", subtype="png", cid="<foto1>")
    receipt = desk.receive(message.as_bytes())

    thread = desk.store.get_thread(receipt.ticket_id or "")
    assert thread is not None
    html = thread.messages[0].html or ""
    (image,) = thread.messages[0].attachments
    assert f'src="/api/attachments/{image.key}"' in html
    for dangerous in ("onclick", "rastreo.example", "javascript:", "<script"):
        assert dangerous not in html


def test_no_field_can_inject_a_header(desk: MailDesk) -> None:
    ticket_id = desk.receive(mail()).ticket_id or ""
    ticket = desk.store.get_ticket(ticket_id)
    assert ticket is not None
    update_ticket(
        desk.store, ticket_id, TicketChanges(subject="Hola\r\nBcc: victima@ajeno.example"), ticket.version, AGENT
    )
    desk.queued()
    reply_to_ticket(desk.store, desk.queue, ticket_id, ReplyDraft(body="Hola\r\nBcc: x@y.z"), AGENT, desk.settings)

    (sent,) = desk.send_all()

    parsed = email.message_from_bytes(sent, policy=policy.default)
    assert parsed["Bcc"] is None
    assert "victima@ajeno.example" not in str(parsed.keys())
    assert parsed["Subject"].startswith("Re: Hola Bcc: victima@ajeno.example")


def test_unreadable_mail_with_a_sender_becomes_a_message_with_a_notice(
    desk: MailDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from helpdesk.channels.email import intake as mail_intake
    from helpdesk.channels.email.parsing import ParsedMail

    monkeypatch.setattr(mail_intake, "parse_mail", lambda raw: ParsedMail(readable=False, problems=("boom",)))
    receipt = desk.receive(mail())

    thread = desk.store.get_thread(receipt.ticket_id or "")
    assert thread is not None
    (message,) = [m for m in thread.messages if m.kind is MessageKind.INBOUND]
    assert [n.key for n in message.notices] == ["mail_unreadable"]
    assert message.original is not None and thread.contact is not None


def test_a_send_that_keeps_failing_marks_the_reply_failed(desk: MailDesk) -> None:
    ticket_id = desk.receive(mail()).ticket_id or ""
    desk.queued()
    reply = reply_to_ticket(desk.store, desk.queue, ticket_id, ReplyDraft(body="Hola"), AGENT, desk.settings)
    (request,) = desk.queued()
    unverified = boto3.client("ses", region_name="eu-west-1")  # no verified identity there: SES refuses

    with pytest.raises(ClientError):
        deliver_email(request, desk.store, SesMailer(unverified), desk.settings, final_attempt=False)
    status = deliver_email(request, desk.store, SesMailer(unverified), desk.settings, final_attempt=True)

    assert status is DeliveryStatus.FAILED
    thread = desk.store.get_thread(ticket_id)
    assert thread is not None
    failed = next(m for m in thread.messages if m.id == reply.id)
    assert failed.delivery_status is DeliveryStatus.FAILED and failed.delivery_error == "send_failed: MessageRejected"


@pytest.mark.parametrize(
    ("delivered", "reason"),
    [
        ({"spam_verdict": "FAIL"}, "quarantined_spam"),
        ({"headers": {"Auto-Submitted": "auto-replied"}}, "automatic_without_ticket"),
    ],
)
def test_a_set_aside_mail_is_made_a_ticket_once(desk: MailDesk, delivered: dict[str, Any], reason: str) -> None:
    """A real customer's mail taken for spam or an auto-reply: a person makes it
    a ticket from the set-aside list, through the same intake; doing it again
    (two agents, a double click) gives the same ticket, and no acknowledgment
    goes out (it may answer a machine)."""
    headers = delivered.get("headers", {})
    raw = mail(subject="Mi pedido no llegó", headers=headers)
    receipt = desk.receive(raw, spam_verdict=delivered.get("spam_verdict"))
    assert receipt.reason == reason
    (entry,) = desk.store.set_aside_in_month(datetime.now(UTC))

    taken = take_in_set_aside(entry.received_at, entry.id, desk.store, desk.files, desk.settings)
    again = take_in_set_aside(entry.received_at, entry.id, desk.store, desk.files, desk.settings)

    assert taken.ticket_id is not None and again.ticket_id == taken.ticket_id
    thread = desk.store.get_thread(taken.ticket_id)
    assert thread is not None and thread.ticket.subject == "Mi pedido no llegó"
    assert [m.text for m in thread.messages] == ["Hola, mi factura de octubre tiene un error."]
    assert desk.store.set_aside_in_month(datetime.now(UTC))[0].ticket_id == taken.ticket_id
    assert desk.queued() == []


def test_mail_with_a_virus_is_never_taken_in(desk: MailDesk) -> None:
    desk.receive(mail(), virus_verdict="FAIL")
    (entry,) = desk.store.set_aside_in_month(datetime.now(UTC))
    with pytest.raises(NotTakenIn):
        take_in_set_aside(entry.received_at, entry.id, desk.store, desk.files, desk.settings)
    with pytest.raises(NotTakenIn):
        take_in_set_aside(entry.received_at, "no-such-entry", desk.store, desk.files, desk.settings)


def test_a_set_aside_mail_is_read_sanitized_and_a_virus_only_as_text(desk: MailDesk) -> None:
    message = email.message_from_bytes(mail(body="Hola, escribo por mi pedido."), policy=policy.SMTP)
    message.add_alternative('<p onclick="x()">Hola, <b>mi pedido</b><script>alert(1)</script></p>', subtype="html")
    desk.receive(message.as_bytes(), spam_verdict="FAIL")
    desk.receive(message.as_bytes(), virus_verdict="FAIL")
    spam, virus = sorted(desk.store.set_aside_in_month(datetime.now(UTC)), key=lambda e: e.reason)
    assert (spam.reason, virus.reason) == ("quarantined_spam", "quarantined_virus")

    shown = read_set_aside(spam.received_at, spam.id, desk.store, desk.files)
    assert "Hola, escribo por mi pedido." in shown.text
    assert shown.html is not None and "<b>mi pedido</b>" in shown.html
    assert "script" not in shown.html and "onclick" not in shown.html
    assert read_set_aside(virus.received_at, virus.id, desk.store, desk.files).html is None


def test_an_html_reply_is_stored_cut_with_the_whole_mail_kept_beside_it(desk: MailDesk) -> None:
    from bench.spanish_mail import load_cases, mime

    case = next(c for c in load_cases() if c.name == "gmail_web_imagen")
    receipt = desk.receive(mime(case))

    thread = desk.store.get_thread(receipt.ticket_id or "")
    assert thread is not None
    stored = thread.messages[0]
    (image,) = stored.attachments
    assert stored.text.startswith(case.new) and "escribió" not in stored.text
    assert stored.html is not None and stored.full_html is not None and stored.full_text is not None
    assert case.new in stored.html and f'src="/api/attachments/{image.key}"' in stored.html
    assert "gmail_quote" not in stored.html and "captura de pantalla" not in stored.html
    assert "captura de pantalla" in stored.full_html and "captura de pantalla" in stored.full_text
    assert f'src="/api/attachments/{image.key}"' in stored.full_html


def test_a_customers_forward_is_stored_with_the_forwarded_mail(desk: MailDesk) -> None:
    from bench.spanish_mail import load_cases, mime

    case = next(c for c in load_cases() if c.name == "outlook_desktop_reenvio_aviso")
    forward = email.message_from_bytes(mime(case), policy=policy.default)
    assert isinstance(forward, email.message.EmailMessage)
    forward.add_attachment(b"%PDF-1.4\n%comprobante\n", maintype="application", subtype="pdf", filename="aviso.pdf")
    receipt = desk.receive(forward.as_bytes())

    thread = desk.store.get_thread(receipt.ticket_id or "")
    assert thread is not None
    stored = thread.messages[0]
    assert "Referencia: 55120-B" in stored.text and "De: Banco Central de Pagos" in stored.text
    assert stored.html is not None and "55120-B" in stored.html
    assert stored.full_html is None and stored.full_text is None
    assert [file.filename for file in stored.attachments] == ["aviso.pdf"]  # the forwarded mail's file stays


def test_the_whole_mail_kept_for_show_quoted_text_is_sanitized_too(desk: MailDesk) -> None:
    message = email.message.EmailMessage(policy=policy.SMTP)
    message["From"] = "carlos@cliente.example"
    message["To"] = SUPPORT
    message["Subject"] = "Re: Su pedido"
    message.set_content("Gracias.\n\nEl lun, 2 nov 2026 a las 10:15, Soporte escribió:\n> Hola Carlos\n")
    message.add_alternative(
        '<div dir="ltr">Gracias.</div><div class="gmail_quote"><blockquote onclick="robar()">Hola Carlos'
        '<script>alert(1)</script><img src="https://rastreo.example/p.gif"></blockquote></div>',
        subtype="html",
    )
    receipt = desk.receive(message.as_bytes())

    thread = desk.store.get_thread(receipt.ticket_id or "")
    assert thread is not None
    stored = thread.messages[0]
    assert stored.text == "Gracias." and stored.html == "<div>Gracias.</div>"
    assert stored.full_html is not None and "Hola Carlos" in stored.full_html
    for dangerous in ("onclick", "rastreo.example", "<script"):
        assert dangerous not in stored.full_html
