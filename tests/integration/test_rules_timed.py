"""Time-based rules against the table in moto, the clock moved with
time_machine: a rule fires once at its due time and never on a later or a
repeated pass, counts business hours on the ticket's SLA calendar, does not
fire when its moment has passed (the customer wrote), and checks its
conditions when it fires."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta

import boto3
import pytest
import time_machine

from helpdesk import connections
from helpdesk.channels.outbound import OutboundRequest
from helpdesk.clock import utc_now
from helpdesk.conversations.ingest import ingest
from helpdesk.models import Actor, ActorKind, Channel, MessageKind, TicketStatus
from helpdesk.rules.ruleset import (
    Action,
    ActionKind,
    Condition,
    ConditionField,
    Operator,
    Rule,
    RuleEvent,
    RuleSet,
    save_rules,
)
from helpdesk.rules.running import change_with_rules
from helpdesk.rules.sending import Outbox
from helpdesk.rules.timed import TimedReport, fire, run_time_rules
from helpdesk.settings import MailSettings, forget_settings
from helpdesk.sla.calendars import BusinessCalendar, weekdays
from helpdesk.sla.policies import SlaPolicy, SlaSetup, SlaTarget
from helpdesk.store import HelpdeskStore
from helpdesk.tickets.changes import TicketChanges
from local.lambda_runtime import LocalContext, load_handler
from tests.conftest import REGION, inbound

ADMIN = Actor(kind=ActorKind.AGENT, id="admin-1", name="Adriana")
MAIL = MailSettings.model_validate(
    {"SUPPORT_ADDRESS": "soporte@atiende.example", "RAW_MAIL_BUCKET": "raw", "ATTACHMENTS_BUCKET": "files"}
)
MONDAY = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)  # 09:00 in Guatemala
CLOSE = Rule(
    id="cerrar-pendientes",
    name="Cerrar pendientes sin respuesta",
    event=RuleEvent.HOURS_SINCE_PENDING,
    hours=48,
    actions=(
        Action(kind=ActionKind.SEND_REPLY, text="Hola {{contact.first_name}}, cerramos el ticket #{{ticket.number}}."),
        Action(kind=ActionKind.SET_STATUS, values=("solved",)),
    ),
)


class Queue:
    def __init__(self) -> None:
        self.requests: list[OutboundRequest] = []

    def enqueue(self, request: OutboundRequest) -> None:
        self.requests.append(request)


@pytest.fixture
def queue() -> Queue:
    return Queue()


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    with time_machine.travel(moment, tick=False):
        yield


def passes(store: HelpdeskStore, moment: datetime, queue: Queue) -> TimedReport:
    """The scheduled pass at ``moment``."""
    with at(moment):
        return run_time_rules(store, utc_now(), lambda: Outbox(queue, MAIL))


def e_mail_ticket_set_pending(store: HelpdeskStore, moment: datetime) -> str:
    with at(moment):
        result = ingest(inbound(Channel.EMAIL, sender="ana@example.com", subject="Factura", text="Hola"), store)
        change_with_rules(store, result.ticket.id, TicketChanges(status=TicketStatus.PENDING), None, ADMIN)
    return result.ticket.id


def rule_history(store: HelpdeskStore, ticket_id: str) -> list[tuple[str, str, object]]:
    thread = store.get_thread(ticket_id)
    assert thread is not None
    return [(e.actor.name, c.field, c.new) for e in thread.events if e.actor.kind is ActorKind.RULE for c in e.changes]


def test_a_pending_ticket_is_closed_once_at_its_due_time(store: HelpdeskStore, queue: Queue) -> None:
    # Given a rule that solves a ticket pending for 48 hours, and a ticket set pending on Monday
    save_rules(store, RuleSet(rules=(CLOSE,)), ADMIN, MONDAY)
    ticket_id = e_mail_ticket_set_pending(store, MONDAY)

    # When the pass runs before the 48 hours are up
    early = passes(store, MONDAY + timedelta(hours=47, minutes=59), queue)

    # Then nothing fires
    assert early.fired == 0
    assert queue.requests == []

    # When it runs once they are up
    due = passes(store, MONDAY + timedelta(hours=48, minutes=1), queue)

    # Then the rule replies and solves the ticket, named in the history
    assert due.fired == 1
    saved = store.get_ticket(ticket_id)
    assert saved is not None and saved.status is TicketStatus.SOLVED
    assert [r.ticket_id for r in queue.requests] == [ticket_id]
    assert rule_history(store, ticket_id) == [
        ("Cerrar pendientes sin respuesta", "status", "solved"),
        ("Cerrar pendientes sin respuesta", "rule_reply", "text"),
    ]

    # When the pass runs again, later, and a duplicate run retries the same timer
    again = passes(store, MONDAY + timedelta(hours=49), queue)
    with at(MONDAY + timedelta(hours=49)):
        timers = store.rule_timers_due_in(MONDAY + timedelta(hours=48))
        duplicate = [fire(store, RuleSet(rules=(CLOSE,)), timer, utc_now(), None) for timer in timers]

    # Then it fires no more
    assert again.fired == 0
    assert duplicate == [False]
    assert len(queue.requests) == 1


def test_a_customer_answer_moves_the_moment_on(store: HelpdeskStore, queue: Queue) -> None:
    # Given a rule that nudges 24 hours after the customer's last message
    nudge = Rule(id="recordar", name="Recordatorio", event=RuleEvent.HOURS_SINCE_CUSTOMER_MESSAGE, hours=24,
                 actions=(Action(kind=ActionKind.ADD_TAGS, values=("sin-respuesta",)),))  # fmt: skip
    save_rules(store, RuleSet(rules=(nudge,)), ADMIN, MONDAY)
    with at(MONDAY):
        first = ingest(inbound(text="Hola", sent_at=MONDAY), store)

    # When the customer writes again 20 hours later
    later = MONDAY + timedelta(hours=20)
    with at(later):
        ingest(inbound(text="¿Alguna novedad?", sent_at=later), store)

    # Then the first moment's timer does not fire; the second one's does, 24 hours after it
    assert passes(store, MONDAY + timedelta(hours=24, minutes=1), queue).fired == 0
    assert passes(store, later + timedelta(hours=24, minutes=1), queue).fired == 1
    saved = store.get_ticket(first.ticket.id)
    assert saved is not None and saved.tags == ("sin-respuesta",)


def test_business_hours_count_on_the_tickets_calendar(store: HelpdeskStore, queue: Queue) -> None:
    # Given office hours in Guatemala (Monday to Friday, 8 to 17) as the SLA's calendar
    office = BusinessCalendar(id="gt", time_zone="America/Guatemala", blocks=weekdays(time(8), time(17)))
    policy = SlaPolicy(id="general", name="General", calendar_id="gt",
                       targets=(SlaTarget(metric="first_response", minutes=8 * 60),))  # fmt: skip
    store.put_sla_setup_document(SlaSetup(calendars=(office,), policies=(policy,)).model_dump(mode="json"), MONDAY)
    # and a rule 2 business hours after a ticket is created
    tag = Rule(id="dos-horas", name="Dos horas hábiles", event=RuleEvent.HOURS_SINCE_CREATED, hours=2,
               business_hours=True, actions=(Action(kind=ActionKind.ADD_TAGS, values=("dos-horas",)),))  # fmt: skip
    save_rules(store, RuleSet(rules=(tag,)), ADMIN, MONDAY)

    # When a ticket opens on Friday at 16:00 there
    friday = datetime(2026, 12, 11, 22, 0, tzinfo=UTC)
    with at(friday):
        result = ingest(inbound(text="Hola", sent_at=friday), store)

    # Then it is not due over the weekend, nor at Monday's opening, but at 09:00 on Monday
    # (a pass catches up at most a day of minutes: one each day here)
    for day in (12, 13):
        assert passes(store, datetime(2026, 12, day, 22, 0, tzinfo=UTC), queue).fired == 0
    assert passes(store, datetime(2026, 12, 14, 14, 30, tzinfo=UTC), queue).fired == 0
    assert passes(store, datetime(2026, 12, 14, 15, 1, tzinfo=UTC), queue).fired == 1
    saved = store.get_ticket(result.ticket.id)
    assert saved is not None and saved.tags == ("dos-horas",)


def test_conditions_are_checked_when_the_rule_fires(store: HelpdeskStore, queue: Queue) -> None:
    # Given the closing rule only for urgent tickets, and a normal ticket set pending
    urgent = Condition(field=ConditionField.PRIORITY, operator=Operator.IS, values=("urgent",))
    save_rules(store, RuleSet(rules=(CLOSE.model_copy(update={"conditions": (urgent,)}),)), ADMIN, MONDAY)
    ticket_id = e_mail_ticket_set_pending(store, MONDAY)

    # When it is due
    report = passes(store, MONDAY + timedelta(hours=48, minutes=1), queue)

    # Then it does not fire, and nothing was sent
    assert report.fired == 0
    saved = store.get_ticket(ticket_id)
    assert saved is not None and saved.status is TicketStatus.PENDING
    thread = store.get_thread(ticket_id)
    assert thread is not None and not [m for m in thread.messages if m.author.kind is ActorKind.RULE]
    assert all(m.kind is not MessageKind.OUTBOUND or m.author.kind is not ActorKind.RULE for m in thread.messages)


def test_the_sla_checkers_minute_fires_the_due_time_based_rules(
    store: HelpdeskStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the function's environment (its outbound queue), the closing rule and a ticket set pending
    sqs = boto3.client("sqs", region_name=REGION)
    queue_url = sqs.create_queue(QueueName="outbound")["QueueUrl"]
    environment = {
        "OUTBOUND_QUEUE_URL": queue_url, "SUPPORT_ADDRESS": "soporte@atiende.example", "RAW_MAIL_BUCKET": "raw",
        "ATTACHMENTS_BUCKET": "files", "EVENT_BUS_NAME": "bus", "ESCALATION_STATE_MACHINE_ARN": "arn:none",
    }  # fmt: skip
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    forget_settings()
    connections.forget()
    save_rules(store, RuleSet(rules=(CLOSE,)), ADMIN, MONDAY)
    ticket_id = e_mail_ticket_set_pending(store, MONDAY)

    # When the schedule runs the checker once the 48 hours are up
    due = MONDAY + timedelta(hours=48, minutes=1)
    event = {
        "version": "0", "id": "schedule", "detail-type": "Scheduled Event", "source": "aws.events",
        "account": "123456789012", "time": due.isoformat().replace("+00:00", "Z"), "region": REGION,
        "resources": [], "detail": {},
    }  # fmt: skip
    with at(due):
        answer = load_handler("sla_checker.app.handler")(event, LocalContext("SlaChecker"))

    # Then the rule fired: the ticket is solved and its closing message waits on the outbound queue
    assert answer["rules_fired"] == 1
    saved = store.get_ticket(ticket_id)
    assert saved is not None and saved.status is TicketStatus.SOLVED
    (queued,) = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    assert OutboundRequest.model_validate_json(queued["Body"]).ticket_id == ticket_id
    connections.forget()


def test_a_pending_ticket_is_reminded_first_then_solved_with_a_notice(store: HelpdeskStore, queue: Queue) -> None:
    """The seed's follow-up of pending tickets: a reminder after 24 business hours
    without an answer, then solved with a notice after 48 (both rules, both editable)."""
    from local.seed import DEMO_RULES

    pending = RuleSet(rules=tuple(r for r in DEMO_RULES.rules if r.event is RuleEvent.HOURS_SINCE_PENDING))
    office = BusinessCalendar(id="gt", time_zone="America/Guatemala", blocks=weekdays(time(8), time(18)))
    policy = SlaPolicy(id="general", name="General", calendar_id="gt",
                       targets=(SlaTarget(metric="first_response", minutes=8 * 60),))  # fmt: skip
    store.put_sla_setup_document(SlaSetup(calendars=(office,), policies=(policy,)).model_dump(mode="json"), MONDAY)
    save_rules(store, pending, ADMIN, MONDAY)
    ticket_id = e_mail_ticket_set_pending(store, MONDAY)  # Monday 09:00 in Guatemala, 10 business hours a day

    # 24 business hours later (Wednesday 13:00 there): a reminder, the ticket still pending
    assert passes(store, datetime(2026, 12, 9, 18, 59, tzinfo=UTC), queue).fired == 0
    assert passes(store, datetime(2026, 12, 9, 19, 1, tzinfo=UTC), queue).fired == 1
    reminded = store.get_ticket(ticket_id)
    assert reminded is not None and reminded.status is TicketStatus.PENDING
    thread = store.get_thread(ticket_id)
    assert thread is not None and "Seguimos pendientes de tu respuesta" in thread.messages[-1].text

    # 48 business hours (Friday 17:00 there): solved, with the notice (a pass catches up a day at most)
    assert passes(store, datetime(2026, 12, 10, 19, 0, tzinfo=UTC), queue).fired == 0
    assert passes(store, datetime(2026, 12, 11, 22, 59, tzinfo=UTC), queue).fired == 0
    assert passes(store, datetime(2026, 12, 11, 23, 1, tzinfo=UTC), queue).fired == 1
    solved = store.get_thread(ticket_id)
    assert solved is not None and solved.ticket.status is TicketStatus.SOLVED
    assert "damos por resuelta" in solved.messages[-1].text
    assert len(queue.requests) == 2
