"""Keeping customers informed, against the table in moto with the clock moved
by time_machine: the acknowledgment of a new mail gives the ticket number,
when to expect a first answer (the SLA policy on its business calendar, in the
customer's language and time zone) and a signed link to the case's status
page; the page shows the status, the next step and the public thread, never
an internal note; links changed by a character, expired or revoked are refused
with a page that says why."""

import email
import re
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from email import policy

import pytest
import time_machine

from helpdesk.case_status.links import (
    STATUS_LINK_LIFETIME,
    LinkProblem,
    LinkPurpose,
    LinkRefused,
    SignedLink,
    forget_signing_key,
    sign,
    status_link,
)
from helpdesk.case_status.page import case_status
from helpdesk.case_status.rendering import refusal_page, status_page
from helpdesk.models import Language, TicketStatus
from helpdesk.people.changes import ContactChanges, change_contact
from helpdesk.sla.calendars import BusinessCalendar, weekdays
from helpdesk.sla.policies import SlaPolicy, SlaSetup, SlaTarget
from helpdesk.tickets.changes import TicketChanges, update_ticket
from helpdesk.tickets.replies import NoteDraft, ReplyDraft, add_note, reply_to_ticket
from tests.integration.conftest import AGENT, MailDesk, mail

PAGES = "http://127.0.0.1:8000"
FRIDAY_EVENING = datetime(2026, 12, 11, 23, 30, tzinfo=UTC)  # Friday 17:30 in Guatemala
LINK = re.compile(r"http://127\.0\.0\.1:8000/api/public/status/(\S+)")


@pytest.fixture
def informed(desk: MailDesk) -> Iterator[MailDesk]:
    """E-mail answered within 4 business hours on Guatemala's office calendar."""
    forget_signing_key()
    office = BusinessCalendar(id="gt", name="Oficina GT", time_zone="America/Guatemala",
                              blocks=weekdays(time(8), time(17)), holiday_country="GT")  # fmt: skip
    policy = SlaPolicy(id="correo", name="Correo", calendar_id="gt",
                       targets=(SlaTarget(metric="first_response", minutes=4 * 60, business_hours=True),))  # fmt: skip
    desk.store.put_sla_setup_document(
        SlaSetup(calendars=(office,), policies=(policy,)).model_dump(mode="json"), FRIDAY_EVENING
    )
    desk.settings = desk.settings.model_copy(update={"customer_pages_url": PAGES})
    yield desk
    forget_signing_key()


def _acknowledgment(desk: MailDesk) -> str:
    (raw,) = desk.send_all()
    body = email.message_from_bytes(raw, policy=policy.default).get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def test_the_acknowledgment_promises_an_answer_by_the_calendar_and_links_the_status_page(informed: MailDesk) -> None:
    # Given a customer who writes on Friday after office hours
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        receipt = informed.receive(mail(body="Mi router no conecta desde ayer."))
        text = _acknowledgment(informed)
    ticket = informed.store.get_ticket(receipt.ticket_id or "")
    assert ticket is not None

    # Then the acknowledgment names the ticket, and the promise: Monday 12:00 there (4 business hours from 08:00)
    assert f"#{ticket.number}" in text
    assert "Te responderemos antes del lunes 14 de diciembre, 12:00 (hora de Guatemala)." in text
    # and links the case's status page
    (token,) = LINK.findall(text)
    with time_machine.travel(FRIDAY_EVENING + timedelta(minutes=5), tick=False):
        case = case_status(informed.store, token, datetime.now(UTC))
    assert case.number == ticket.number and case.status is TicketStatus.NEW
    assert [m.text for m in case.thread if m.from_customer] == ["Mi router no conecta desde ayer."]
    assert "lunes 14 de diciembre, 12:00 (hora de Guatemala)" in case.next_step


def test_the_promise_follows_the_customers_language_and_country(informed: MailDesk) -> None:
    # Given a customer in Mexico City who reads English
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        receipt = informed.receive(mail(sender="Jane Roe <jane@cliente.example>"))
        informed.send_all()
    ticket = informed.store.get_ticket(receipt.ticket_id or "")
    assert ticket is not None
    change_contact(informed.store, ticket.contact_id, ContactChanges(language=Language.ENGLISH, country="MX"), AGENT)

    # When a new case of theirs is acknowledged
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        informed.receive(mail(sender="Jane Roe <jane@cliente.example>", subject="Another question"))
        text = _acknowledgment(informed)

    # Then in English, at Mexico City's time (the same as Guatemala's in December)
    assert "We will answer you by Monday, December 14, 12:00 (Mexico City time)." in text
    assert "Follow your case's status here: http://127.0.0.1:8000/api/public/status/" in text


def test_the_status_page_shows_the_public_thread_and_never_a_note(informed: MailDesk) -> None:
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        receipt = informed.receive(mail(body="La factura llegó duplicada."))
        informed.send_all()
    ticket_id = receipt.ticket_id or ""
    add_note(informed.store, ticket_id, NoteDraft(body="Nota interna: cliente moroso <b>no decir</b>"), AGENT)
    answer = ReplyDraft(body="Ya anulamos la copia <script>x</script>.", status=TicketStatus.PENDING)
    reply_to_ticket(informed.store, informed.queue, ticket_id, answer, AGENT, informed.settings)
    token = status_link(informed.store, "", ticket_id, datetime.now(UTC)).rsplit("/", 1)[1]

    page = status_page(case_status(informed.store, token, datetime.now(UTC)))

    assert "La factura llegó duplicada." in page
    assert "Ya anulamos la copia &lt;script&gt;x&lt;/script&gt;." in page  # escaped, never markup
    assert "Nota interna" not in page and "moroso" not in page
    assert "Esperando tu respuesta" in page and "Necesitamos tu respuesta" in page
    assert "Andrés" in page and "Pérez" not in page  # the agent's first name, as replies sign


def test_a_changed_expired_or_revoked_link_is_refused_with_a_reason(informed: MailDesk) -> None:
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        receipt = informed.receive(mail())
        informed.send_all()
    ticket_id = receipt.ticket_id or ""
    now = datetime.now(UTC)
    token = status_link(informed.store, "", ticket_id, now).rsplit("/", 1)[1]

    def problem(candidate: str, at: datetime) -> LinkProblem:
        with pytest.raises(LinkRefused) as refused:
            case_status(informed.store, candidate, at)
        return refused.value.problem

    # One character changed, anywhere, is not our link
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert problem(changed, now) is LinkProblem.TAMPERED
    other_ticket = token.replace(ticket_id, ticket_id[:-1] + ("0" if ticket_id[-1] != "0" else "1"))
    assert problem(other_ticket, now) is LinkProblem.TAMPERED
    # a survey link never opens a status page
    survey = sign(informed.store, SignedLink(LinkPurpose.SURVEY, ticket_id, now, now + timedelta(days=1)), now)
    assert problem(survey, now) is LinkProblem.TAMPERED
    # After its lifetime it has expired
    assert problem(token, now + STATUS_LINK_LIFETIME + timedelta(seconds=1)) is LinkProblem.EXPIRED
    # Revoked: links sent until then stop working; a new one works
    informed.store.revoke_status_links(ticket_id, now + timedelta(seconds=1), AGENT.id)
    assert problem(token, now + timedelta(seconds=2)) is LinkProblem.REVOKED
    fresh = status_link(informed.store, "", ticket_id, now + timedelta(seconds=3)).rsplit("/", 1)[1]
    assert case_status(informed.store, fresh, now + timedelta(seconds=4)).number > 0
    # and each refusal says why, in Spanish first and English too
    assert "ya venció" in refusal_page(LinkProblem.EXPIRED) and "has expired" in refusal_page(LinkProblem.EXPIRED)


def test_solved_and_closed_cases_say_what_the_customer_can_do(informed: MailDesk) -> None:
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        receipt = informed.receive(mail())
        informed.send_all()
    ticket_id = receipt.ticket_id or ""
    ticket = informed.store.get_ticket(ticket_id)
    assert ticket is not None
    update_ticket(informed.store, ticket_id, TicketChanges(status=TicketStatus.SOLVED), ticket.version, AGENT)
    token = status_link(informed.store, "", ticket_id, datetime.now(UTC)).rsplit("/", 1)[1]

    case = case_status(informed.store, token, datetime.now(UTC))

    assert case.status is TicketStatus.SOLVED and "reabriremos" in case.next_step
