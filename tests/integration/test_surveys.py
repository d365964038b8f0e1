"""Surveys against the table in moto, the clock moved with time_machine: the
timeline (solve → wait → send → answer → follow-up) on e-mail and WhatsApp,
exactly once under overlapping passes, opt-out, reopen cancels, quiet hours
across time zones, and signed answer links changed or expired refused."""

import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from helpdesk.case_status.links import LinkProblem, LinkRefused, forget_signing_key
from helpdesk.channels.interactive import interactive_of
from helpdesk.channels.outbound import OutboundRequest
from helpdesk.clock import utc_now
from helpdesk.conversations.ingest import ingest
from helpdesk.models import Actor, ActorKind, Agent, Channel, DeliveryStatus, Group, Language, TicketStatus
from helpdesk.people.changes import ContactChanges, change_contact
from helpdesk.rules.sending import Outbox
from helpdesk.settings import MailSettings
from helpdesk.store import HelpdeskStore
from helpdesk.surveys.answering import answer_from_message, current_survey, record_answer
from helpdesk.surveys.links import read_answer
from helpdesk.surveys.policies import Asks, SurveyConditions, SurveyPolicy, SurveySetup, save_survey_setup
from helpdesk.surveys.scale import SurveyKind
from helpdesk.surveys.scheduling import SenderReport, run_survey_sender
from helpdesk.tickets.changes import TicketChanges, update_ticket
from helpdesk.tickets.replies import ReplyDraft, reply_to_ticket
from tests.conftest import inbound

ADMIN = Actor(kind=ActorKind.AGENT, id="admin-1", name="Adriana")
AGENT = Actor(kind=ActorKind.AGENT, id="agent-1", name="Andrés Pérez")
MAIL = MailSettings.model_validate({"SUPPORT_ADDRESS": "soporte@atiende.example", "RAW_MAIL_BUCKET": "raw",
                                    "ATTACHMENTS_BUCKET": "files", "CONSOLE_URL": "http://127.0.0.1:8000"})  # fmt: skip
MONDAY = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)  # 09:00 in Guatemala
LINK = re.compile(r"^ +(\d+)\b[^\n]*?: http://127\.0\.0\.1:8000/api/public/surveys/(\S+)$", re.MULTILINE)


class Queue:
    def __init__(self) -> None:
        self.requests: list[OutboundRequest] = []
        self._lock = threading.Lock()

    def enqueue(self, request: OutboundRequest) -> None:
        with self._lock:
            self.requests.append(request)


@pytest.fixture
def queue(store: HelpdeskStore) -> Iterator[Queue]:
    forget_signing_key()
    yield Queue()
    forget_signing_key()


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    with time_machine.travel(moment, tick=False):
        yield


def run(store: HelpdeskStore, moment: datetime, queue: Queue) -> SenderReport:
    with at(moment):
        return run_survey_sender(store, utc_now(), Outbox(queue, MAIL))


def solved_ticket(store: HelpdeskStore, queue: Queue, moment: datetime, channel: Channel = Channel.EMAIL,
                  sender: str = "ana@cliente.example") -> str:  # fmt: skip
    """A customer writes, an agent answers and solves it at ``moment``."""
    with at(moment - timedelta(minutes=10)):
        result = ingest(inbound(channel, sender=sender, subject="Factura", text="Me cobraron doble"), store)
    with at(moment):
        answer = ReplyDraft(body="Ya anulamos el cobro doble.", status=TicketStatus.SOLVED)
        reply_to_ticket(store, queue, result.ticket.id, answer, AGENT, MAIL)
    return result.ticket.id


def survey_message(store: HelpdeskStore, queue: Queue) -> tuple[OutboundRequest, str]:
    request = queue.requests[-1]
    thread = store.get_thread(request.ticket_id)
    assert thread is not None
    message = next(m for m in thread.messages if m.id == request.message_id)
    return request, message.text


def test_the_email_timeline_solve_wait_send_answer_follow_up(store: HelpdeskStore, queue: Queue) -> None:
    # Given a group whose supervisor hears of poor answers, and its ticket solved on Monday 09:00 (Guatemala)
    store.put_group(Group(id="facturacion", name="Facturación", supervisor_id="sup-1"))
    store.put_agent(Agent(id="sup-1", email="sup@atiende.example", name="Sofía", role="supervisor",
                          group_ids=("facturacion",)))  # fmt: skip
    ticket_id = solved_ticket(store, queue, MONDAY)
    ticket = store.get_ticket(ticket_id)
    assert ticket is not None
    update_ticket(store, ticket_id, TicketChanges(group_id="facturacion", assignee_id="agent-1"), None, ADMIN)
    queue.requests.clear()

    # When the sender runs right after, and before the 24 hours are up
    assert run(store, MONDAY + timedelta(minutes=1), queue).planned == 1
    assert run(store, MONDAY + timedelta(hours=23, minutes=59), queue).sent == 0
    assert queue.requests == []

    # Then at 24 hours it sends one survey on the ticket's channel, with one-click links 5 to 1
    assert run(store, MONDAY + timedelta(hours=24, minutes=1), queue).sent == 1
    request, text = survey_message(store, queue)
    assert request.channel is Channel.EMAIL and request.ticket_id == ticket_id
    assert "¿Qué tan satisfecho quedaste" in text and "no quiero encuestas" in text
    links = dict(LINK.findall(text))
    assert sorted(links) == ["1", "2", "3", "4", "5"]

    # When the customer clicks "1" (poor)
    answered_at = MONDAY + timedelta(hours=30)
    with at(answered_at):
        ticket_ref, kind, score = read_answer(store, links["1"], utc_now())
        survey = record_answer(store, ticket_ref, utc_now(), "email_link", (kind, score))

    # Then the answer shows on the ticket and the contact, a quality review opens, the supervisor is told
    assert survey.csat == 1 and survey.poor and survey.follow_up
    assert current_survey(store, ticket_id) == survey
    assert store.contact_surveys(survey.contact_id)[0]["csat"] == 1
    assert store.get_review(ticket_id) is not None
    assert any(n.kind.value == "poor_survey" for n in store.notifications_of("sup-1"))

    # When they click "5" within 7 days, and add a comment: the latest counts
    with at(answered_at + timedelta(days=2)):
        record_answer(store, ticket_id, utc_now(), "email_link", (SurveyKind.CSAT, 5))
        changed = record_answer(store, ticket_id, utc_now(), "email_link", comment="Al final todo bien")
    assert (changed.csat, changed.comment) == (5, "Al final todo bien")

    # Then a link changed by a character, or clicked after 7 days, is refused
    with at(answered_at), pytest.raises(LinkRefused) as tampered:
        read_answer(store, links["5"][:-1] + ("A" if links["5"][-1] != "A" else "B"), utc_now())
    assert tampered.value.problem is LinkProblem.TAMPERED
    with at(MONDAY + timedelta(days=8, hours=1)), pytest.raises(LinkRefused) as expired:
        read_answer(store, links["5"], utc_now())
    assert expired.value.problem is LinkProblem.EXPIRED


def test_overlapping_and_repeated_passes_send_each_survey_once(store: HelpdeskStore, queue: Queue) -> None:
    tickets = [solved_ticket(store, queue, MONDAY, sender=f"cliente{n}@example.com") for n in range(3)]
    queue.requests.clear()
    run(store, MONDAY + timedelta(minutes=1), queue)
    due = MONDAY + timedelta(hours=24, minutes=1)
    barrier = threading.Barrier(4)

    def overlapping(_: int) -> int:
        barrier.wait()
        return run(store, due, queue).sent

    with ThreadPoolExecutor(max_workers=4) as pool:
        sent = sum(pool.map(overlapping, range(4)))
    queued = list(queue.requests)
    for request in queued:  # the outbound worker sends them (a later pass only nudges what is still unsent)
        message = store.get_message(request.ticket_id, request.sent_at, request.message_id)
        assert message is not None
        store.mark_delivery(message, DeliveryStatus.SENT, None)
    later = run(store, due + timedelta(minutes=5), queue).sent

    assert sent == 3 and later == 0
    assert sorted(r.ticket_id for r in queue.requests) == sorted(tickets)


def test_a_reopened_ticket_cancels_its_pending_survey(store: HelpdeskStore, queue: Queue) -> None:
    ticket_id = solved_ticket(store, queue, MONDAY)
    run(store, MONDAY + timedelta(minutes=1), queue)
    # The ticket reopens the next morning (the customer wrote back)
    with at(MONDAY + timedelta(hours=20)):
        update_ticket(store, ticket_id, TicketChanges(status=TicketStatus.OPEN), None, ADMIN)
    queue.requests.clear()

    # Then its survey does not go at the due time
    assert run(store, MONDAY + timedelta(hours=24, minutes=1), queue).sent == 0
    assert current_survey(store, ticket_id) is None

    # When it is solved again, the new solve's survey goes 24 hours after it, once
    with at(MONDAY + timedelta(hours=25)):
        update_ticket(store, ticket_id, TicketChanges(status=TicketStatus.SOLVED), None, ADMIN)
    run(store, MONDAY + timedelta(hours=25, minutes=1), queue)
    assert run(store, MONDAY + timedelta(hours=49, minutes=1), queue).sent == 1
    assert [r.ticket_id for r in queue.requests] == [ticket_id]


def test_a_contact_who_opted_out_gets_no_survey_on_any_channel(store: HelpdeskStore, queue: Queue) -> None:
    ticket_id = solved_ticket(store, queue, MONDAY)
    ticket = store.get_ticket(ticket_id)
    assert ticket is not None
    # The customer says so (on WhatsApp, say: no survey is waiting, so it is also a normal message)
    with at(MONDAY + timedelta(hours=1)):
        taken = answer_from_message(store, ticket.contact_id, "No quiero encuestas, gracias", None, "wamid.OPT",
                                    Channel.WHATSAPP, utc_now(), lambda: Outbox(queue, MAIL))  # fmt: skip
    assert taken is False and store.survey_opt_out(ticket.contact_id) is not None
    queue.requests.clear()

    run(store, MONDAY + timedelta(minutes=2), queue)
    assert run(store, MONDAY + timedelta(hours=24, minutes=1), queue).sent == 0
    assert queue.requests == []


def test_quiet_hours_follow_each_contacts_time_zone(store: HelpdeskStore, queue: Queue) -> None:
    # Given a policy one hour after solving, quiet 21:00 to 08:00
    with at(MONDAY):
        save_survey_setup(store, SurveySetup(policies=(SurveyPolicy(id="rapida", name="Rápida", delay_hours=1),)),
                          ADMIN)  # fmt: skip
    # and two tickets solved at 19:30 in Guatemala (01:30 UTC; 02:30 in Madrid... already quiet there)
    solved = datetime(2026, 12, 8, 1, 30, tzinfo=UTC)
    guatemala = solved_ticket(store, queue, solved, sender="gt@cliente.example")
    madrid = solved_ticket(store, queue, solved, sender="es@cliente.example")
    spain = store.get_ticket(madrid)
    assert spain is not None
    change_contact(store, spain.contact_id, ContactChanges(country="ES", language=Language.SPANISH), ADMIN)
    queue.requests.clear()
    run(store, solved + timedelta(minutes=1), queue)

    # Then Guatemala's goes at 20:30 there; Madrid's waits for 08:00 in Madrid (07:00 UTC)
    assert run(store, solved + timedelta(hours=1, minutes=1), queue).sent == 1
    assert [r.ticket_id for r in queue.requests] == [guatemala]
    assert run(store, datetime(2026, 12, 8, 6, 59, tzinfo=UTC), queue).sent == 0
    assert run(store, datetime(2026, 12, 8, 7, 1, tzinfo=UTC), queue).sent == 1
    assert queue.requests[-1].ticket_id == madrid


def test_the_whatsapp_timeline_list_answer_typed_thanks_and_nps_bands(store: HelpdeskStore, queue: Queue) -> None:
    # Given a policy asking both CSAT and NPS, and a WhatsApp conversation solved (the window open)
    with at(MONDAY):
        policy = SurveyPolicy(id="ambas", name="CSAT y NPS", asks=Asks.BOTH, delay_hours=2)
        save_survey_setup(store, SurveySetup(policies=(policy,)), ADMIN)
    ticket_id = solved_ticket(store, queue, MONDAY, Channel.WHATSAPP, sender="50255511111")
    contact_id = store.get_ticket(ticket_id).contact_id  # type: ignore[union-attr]
    queue.requests.clear()
    run(store, MONDAY + timedelta(minutes=1), queue)

    # When it is due: a list of 5 rows (Meta allows 10), the stars
    assert run(store, MONDAY + timedelta(hours=2, minutes=1), queue).sent == 1
    request, _ = survey_message(store, queue)
    thread = store.get_thread(ticket_id)
    assert thread is not None and request.channel is Channel.WHATSAPP
    choices = interactive_of(next(m for m in thread.messages if m.id == request.message_id))
    assert choices is not None and choices.style == "list" and len(choices.options) == 5
    assert choices.options[0] == ("csat:5", "⭐⭐⭐⭐⭐ Muy satisfecho")

    def says(text: str, wamid: str, option: str | None = None) -> bool:
        with at(MONDAY + timedelta(hours=3)):
            return answer_from_message(store, contact_id, text, option, wamid, Channel.WHATSAPP, utc_now(),
                                       lambda: Outbox(queue, MAIL))  # fmt: skip

    # A message that is no answer stays a message
    assert says("¿y mi factura de noviembre?", "wamid.Q1") is False
    # The customer types stars: CSAT 4; then NPS is asked with 3 band buttons
    assert says("⭐⭐⭐⭐", "wamid.A1") is True
    assert current_survey(store, ticket_id).csat == 4  # type: ignore[union-attr]
    thread = store.get_thread(ticket_id)
    band_question = interactive_of(thread.messages[-1])  # type: ignore[union-attr]
    assert band_question is not None and band_question.style == "buttons"
    assert [o[0] for o in band_question.options] == ["npsband:0-6", "npsband:7-8", "npsband:9-10"]
    # A redelivered message changes nothing
    before = len(queue.requests)
    assert says("⭐⭐⭐⭐", "wamid.A1") is True and len(queue.requests) == before
    # The band 0–6 is 7 answers: a list; then the exact score is tapped
    assert says("0–6", "wamid.B1", "npsband:0-6") is True
    exact = interactive_of(store.get_thread(ticket_id).messages[-1])  # type: ignore[union-attr]
    assert exact is not None and exact.style == "list" and len(exact.options) == 7
    assert says("5", "wamid.B2", "nps:5") is True
    survey = current_survey(store, ticket_id)
    assert survey is not None and (survey.csat, survey.nps, survey.poor) == (4, 5, True)  # NPS 5: a detractor
    assert "revisará tu caso" in store.get_thread(ticket_id).messages[-1].text  # type: ignore[union-attr]
    # Once answered, later messages are messages again
    assert says("10/10", "wamid.C1") is False


def test_outside_the_window_the_policys_template_goes_or_nothing(store: HelpdeskStore, queue: Queue) -> None:
    # Given VIP tickets surveyed with an approved template, others without one
    with at(MONDAY):
        vip = SurveyPolicy(id="vip", name="VIP", conditions=SurveyConditions(group_ids=("vip",)),
                           whatsapp_template="encuesta_satisfaccion")  # fmt: skip
        save_survey_setup(store, SurveySetup(policies=(vip, SurveyPolicy(id="otros", name="Otros"))), ADMIN)
    plain = solved_ticket(store, queue, MONDAY, Channel.WHATSAPP, sender="50255522222")
    special = solved_ticket(store, queue, MONDAY, Channel.WHATSAPP, sender="50255533333")
    with at(MONDAY):
        update_ticket(store, special, TicketChanges(group_id="vip"), None, ADMIN)
    queue.requests.clear()
    run(store, MONDAY + timedelta(minutes=1), queue)

    # When their surveys come due, 24 hours later: the customers' windows are closed
    assert run(store, MONDAY + timedelta(hours=24, minutes=1), queue).sent == 1

    # Then only the VIP one goes, as the template; the other is not sent at all
    assert [r.ticket_id for r in queue.requests] == [special]
    thread = store.get_thread(special)
    assert thread is not None
    sent = next(m for m in thread.messages if m.id == queue.requests[-1].message_id)
    assert [n.key for n in sent.notices] == ["template"]
    assert current_survey(store, plain) is None


def test_saying_no_surveys_by_mail_is_honoured_and_still_a_message(store: HelpdeskStore, queue: Queue) -> None:
    with at(MONDAY):
        result = ingest(inbound(Channel.EMAIL, sender="ana@cliente.example", subject="Encuestas",
                                text="Por favor, no quiero encuestas."), store)  # fmt: skip
    assert store.survey_opt_out(result.ticket.contact_id) is not None
    assert result.message.text == "Por favor, no quiero encuestas."
