"""Rules that tell people, against the table in moto: a notification reaches
the agent's (or the group's) notifications with the rule named in the history;
a reply is queued on the ticket's channel under the rule's name; on WhatsApp
outside the 24-hour window it goes only as an approved template, or is not
sent and the history says why; "within business hours" reads the calendar the
ticket's SLA counts on; "test this rule" sends nothing."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine

from helpdesk.channels.outbound import OutboundRequest
from helpdesk.channels.whatsapp.templates import ApprovedTemplate, TemplateCatalog, save_template_catalog
from helpdesk.conversations.ingest import ingest
from helpdesk.models import Actor, ActorKind, Agent, Channel, Group, MessageKind, NotificationKind, TicketStatus
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
from helpdesk.rules.trial import try_rule
from helpdesk.settings import MailSettings
from helpdesk.sla.calendars import BusinessCalendar, weekdays
from helpdesk.sla.policies import SlaPolicy, SlaSetup, SlaTarget
from helpdesk.store import HelpdeskStore
from helpdesk.tickets.changes import TicketChanges
from helpdesk.tickets.macros import Macro, save_macro
from tests.conftest import inbound

ADMIN = Actor(kind=ActorKind.AGENT, id="admin-1", name="Adriana")
MAIL = MailSettings.model_validate(
    {"SUPPORT_ADDRESS": "soporte@atiende.example", "RAW_MAIL_BUCKET": "raw", "ATTACHMENTS_BUCKET": "files"}
)
NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)  # a Monday, 09:00 in Guatemala
PENDING = Condition(field=ConditionField.STATUS, operator=Operator.IS, values=("pending",))


class Queue:
    def __init__(self) -> None:
        self.requests: list[OutboundRequest] = []

    def enqueue(self, request: OutboundRequest) -> None:
        self.requests.append(request)


@pytest.fixture
def queue() -> Queue:
    return Queue()


@pytest.fixture
def desk(store: HelpdeskStore) -> HelpdeskStore:
    store.put_group(Group(id="facturacion", name="Facturación"))
    for agent_id, name, groups in (("sofia", "Sofía", ("facturacion",)), ("pedro", "Pedro", ("soporte",))):
        store.put_agent(Agent(id=agent_id, email=f"{agent_id}@example.com", name=name, role="agent", group_ids=groups))
    return store


def rules(store: HelpdeskStore, *actions: Action, event: RuleEvent = RuleEvent.TICKET_CREATED) -> Rule:
    conditions = (PENDING,) if event is RuleEvent.TICKET_UPDATED else ()
    one = Rule(id="avisar", name="Avisar a facturación", event=event, conditions=conditions, actions=actions)
    save_rules(store, RuleSet(rules=(one,)), ADMIN, datetime.now(UTC))
    return one


def history(store: HelpdeskStore, ticket_id: str) -> list[tuple[str, str, object]]:
    thread = store.get_thread(ticket_id)
    assert thread is not None
    return [
        (event.actor.name, change.field, change.new)
        for event in thread.events
        if event.actor.kind is ActorKind.RULE
        for change in event.changes
    ]


def set_pending(store: HelpdeskStore, ticket_id: str, queue: Queue) -> None:
    """An agent sets the ticket pending (the API's path: rules for "ticket updated" follow)."""
    change_with_rules(
        store, ticket_id, TicketChanges(status=TicketStatus.PENDING), None, ADMIN, None, lambda: Outbox(queue, MAIL)
    )


def rule_messages(store: HelpdeskStore, ticket_id: str) -> list[str]:
    thread = store.get_thread(ticket_id)
    assert thread is not None
    return [m.text for m in thread.messages if m.kind is MessageKind.OUTBOUND and m.author.kind is ActorKind.RULE]


def test_notify_group_reaches_its_agents_notifications_named_by_the_rule(desk: HelpdeskStore) -> None:
    # Given a rule that tells Facturación of every new ticket
    rules(desk, Action(kind=ActionKind.NOTIFY_GROUP, values=("facturacion",)))

    # When a customer writes
    result = ingest(inbound(text="Hola, tengo una duda"), desk)

    # Then Sofía (Facturación) is notified, Pedro is not, and the history names the rule
    told = desk.notifications_of("sofia")
    assert [(n.kind, n.ticket_id, n.actor.name) for n in told] == [
        (NotificationKind.RULE, result.ticket.id, "Avisar a facturación")
    ]
    assert desk.notifications_of("pedro") == []
    assert history(desk, result.ticket.id) == [("Avisar a facturación", "rule_notified", "Sofía")]


def test_notify_agents_reaches_the_named_agent(desk: HelpdeskStore) -> None:
    rules(desk, Action(kind=ActionKind.NOTIFY_AGENTS, values=("pedro", "nadie")))
    result = ingest(inbound(text="Hola"), desk)
    assert [n.ticket_id for n in desk.notifications_of("pedro")] == [result.ticket.id]


def test_an_auto_reply_is_queued_on_the_tickets_channel_under_the_rules_name(desk: HelpdeskStore, queue: Queue) -> None:
    # Given a rule that answers every new ticket
    rules(desk, Action(kind=ActionKind.SEND_REPLY, text="Hola {{contact.first_name}}, ya vimos tu mensaje."))

    # When a customer writes on WhatsApp (inside the window)
    result = ingest(inbound(text="Hola"), desk, lambda: Outbox(queue, MAIL))

    # Then the reply is stored as the rule's, queued, and in the history; the ticket is unanswered still
    assert rule_messages(desk, result.ticket.id) == ["Hola María, ya vimos tu mensaje."]
    assert [r.ticket_id for r in queue.requests] == [result.ticket.id]
    assert history(desk, result.ticket.id) == [("Avisar a facturación", "rule_reply", "text")]
    saved = desk.get_ticket(result.ticket.id)
    assert saved is not None and saved.first_response_at is None and saved.status is TicketStatus.NEW


def test_a_whatsapp_reply_outside_the_window_is_skipped_with_the_reason(desk: HelpdeskStore, queue: Queue) -> None:
    # Given a rule that replies when a ticket becomes pending, and a customer who wrote 30 hours ago
    rules(desk, Action(kind=ActionKind.SEND_REPLY, text="¿Sigues ahí?"), event=RuleEvent.TICKET_UPDATED)
    result = ingest(inbound(text="Hola", sent_at=datetime.now(UTC) - timedelta(hours=30)), desk)

    # When an agent sets it pending
    change_with_rules(
        desk,
        result.ticket.id,
        TicketChanges(status=TicketStatus.PENDING),
        None,
        ADMIN,
        None,
        lambda: Outbox(queue, MAIL),
    )

    # Then nothing is sent, and the history says why
    assert queue.requests == []
    assert rule_messages(desk, result.ticket.id) == []
    assert history(desk, result.ticket.id) == [
        ("Avisar a facturación", "rule_reply_skipped", "outside_whatsapp_window")
    ]


def test_outside_the_window_a_rule_with_an_approved_template_sends_it(desk: HelpdeskStore, queue: Queue) -> None:
    # Given an approved template and a rule that uses it outside the window
    approved = ApprovedTemplate(name="seguimiento", label="Seguimiento", body="Hola {{1}}, ¿pudiste resolverlo?")
    save_template_catalog(desk, TemplateCatalog(templates=(approved,)), ADMIN, datetime.now(UTC))
    template = {"name": "seguimiento", "parameters": ("{{contact.first_name}}",)}
    reply = Action.model_validate({"kind": "send_reply", "text": "¿Sigues ahí?", "template": template})
    rules(desk, reply, event=RuleEvent.TICKET_UPDATED)
    result = ingest(inbound(text="Hola", sent_at=datetime.now(UTC) - timedelta(hours=30)), desk)

    # When the ticket becomes pending
    change_with_rules(
        desk,
        result.ticket.id,
        TicketChanges(status=TicketStatus.PENDING),
        None,
        ADMIN,
        None,
        lambda: Outbox(queue, MAIL),
    )

    # Then the template goes, filled, and the history names it
    assert rule_messages(desk, result.ticket.id) == ["Hola María, ¿pudiste resolverlo?"]
    assert len(queue.requests) == 1
    assert history(desk, result.ticket.id)[-1] == ("Avisar a facturación", "rule_reply", "seguimiento")


def test_trying_a_rule_that_sends_sends_nothing(desk: HelpdeskStore, queue: Queue) -> None:
    # Given a ticket and a rule that would notify and reply
    result = ingest(inbound(channel=Channel.EMAIL, sender="ana@example.com", subject="Hola", text="Hola"), desk)
    one = Rule(
        id="probar",
        name="Probar",
        event=RuleEvent.TICKET_CREATED,
        actions=(
            Action(kind=ActionKind.NOTIFY_AGENTS, values=("sofia",)),
            Action(kind=ActionKind.SEND_REPLY, text="Hola"),
        ),
    )
    before = desk.get_ticket(result.ticket.id)

    # When it is tried
    trial = try_rule(desk, one)

    # Then it lists what it would send, and nothing was sent or written
    assert [m.ticket_id for m in trial.matches] == [result.ticket.id]
    assert trial.matches[0].sends == ["notify_agents", "send_reply"]
    assert desk.notifications_of("sofia") == []
    assert desk.get_ticket(result.ticket.id) == before
    assert queue.requests == []


def test_a_macros_reply_is_sent_and_a_missing_macro_is_noted(desk: HelpdeskStore, queue: Queue) -> None:
    # Given a macro and a rule replying with it, and a second rule naming a macro removed since
    save_macro(desk, Macro(id="recibido", name="Recibido", reply="Hola {{contact.first_name}}, lo revisamos."), ADMIN)
    with_macro = Rule(id="con-macro", name="Con macro", event=RuleEvent.TICKET_CREATED,
                      actions=(Action(kind=ActionKind.SEND_REPLY, macro_id="recibido"),))  # fmt: skip
    gone = Rule(id="sin-macro", name="Sin macro", event=RuleEvent.TICKET_CREATED,
                actions=(Action(kind=ActionKind.SEND_REPLY, macro_id="borrada"),))  # fmt: skip
    save_rules(desk, RuleSet(rules=(with_macro, gone)), ADMIN, datetime.now(UTC))

    # When a customer writes
    result = ingest(inbound(text="Hola"), desk, lambda: Outbox(queue, MAIL))

    # Then the macro's reply goes, and the other rule's history says it had nothing to send
    assert rule_messages(desk, result.ticket.id) == ["Hola María, lo revisamos."]
    assert history(desk, result.ticket.id) == [
        ("Con macro", "rule_reply", "recibido"),
        ("Sin macro", "rule_reply_skipped", "macro_without_reply"),
    ]


def test_within_business_hours_uses_the_calendar_the_tickets_sla_would_count_on(desk: HelpdeskStore) -> None:
    # Given office hours in Guatemala as the SLA's calendar and a rule tagging what arrives outside them
    office = BusinessCalendar(id="gt", time_zone="America/Guatemala", blocks=weekdays(time(8), time(17)))
    policy = SlaPolicy(id="general", name="General", calendar_id="gt",
                       targets=(SlaTarget(metric="first_response", minutes=8 * 60),))  # fmt: skip
    desk.put_sla_setup_document(SlaSetup(calendars=(office,), policies=(policy,)).model_dump(mode="json"), NOW)
    after_hours = Condition(field=ConditionField.WITHIN_BUSINESS_HOURS, operator=Operator.IS, values=("false",))
    tag = Rule(id="fuera", name="Fuera de horario", event=RuleEvent.TICKET_CREATED, conditions=(after_hours,),
               actions=(Action(kind=ActionKind.ADD_TAGS, values=("fuera-de-horario",)),))  # fmt: skip
    save_rules(desk, RuleSet(rules=(tag,)), ADMIN, NOW)

    # When one customer writes on Saturday and another on Monday morning (Guatemala time)
    tickets = []
    for moment, sender in ((datetime(2026, 12, 12, 16, 0, tzinfo=UTC), "50255500001"), (NOW, "50255500002")):
        with time_machine.travel(moment, tick=False):
            tickets.append(ingest(inbound(sender=sender, text="Hola", sent_at=moment), desk).ticket.id)

    # Then only Saturday's ticket is tagged
    tags = [saved.tags for saved in desk.get_tickets(tickets)]
    assert sorted(tags) == [(), ("fuera-de-horario",)]
    saturday = desk.get_ticket(tickets[0])
    assert saturday is not None and saturday.tags == ("fuera-de-horario",)
