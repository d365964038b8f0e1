"""Rules against the table in moto: the demo's rules route the two demo cases
through intake, each change is in the history under the rule's name, round
robin follows a rule's group, a rule loop stops at its bound, a failing rule
never blocks intake, and "test this rule" changes nothing."""

from datetime import UTC, datetime

import boto3
import pytest

from helpdesk.access import Role, Viewer
from helpdesk.conversations.ingest import ingest
from helpdesk.models import (
    Actor,
    ActorKind,
    Agent,
    Channel,
    Group,
    GroupAssignment,
    Priority,
    TicketStatus,
)
from helpdesk.people.changes import ContactChanges, change_contact
from helpdesk.providers.sqs import SqsOutboundQueue
from helpdesk.rules import running
from helpdesk.rules.evaluation import MAX_PASSES
from helpdesk.rules.ruleset import (
    Action,
    ActionKind,
    Condition,
    ConditionField,
    Operator,
    Rule,
    RuleEvent,
    RuleSet,
    current_rules,
    save_rules,
)
from helpdesk.rules.trial import try_rule
from helpdesk.settings import MailSettings
from helpdesk.store import HelpdeskStore
from helpdesk.tickets.changes import BulkChange, TicketChanges, update_ticket
from helpdesk.tickets.macros import Macro, apply_macro
from local.seed import DEMO_RULES, GROUPS
from tests.conftest import REGION, inbound

ADMIN = Actor(kind=ActorKind.AGENT, id="admin-1", name="Adriana")


@pytest.fixture
def desk(store: HelpdeskStore) -> HelpdeskStore:
    for group in GROUPS:
        store.put_group(group)
    save_rules(store, DEMO_RULES, ADMIN, datetime.now(UTC))
    return store


def rule_events(store: HelpdeskStore, ticket_id: str) -> list[tuple[str, list[tuple[str, object]]]]:
    thread = store.get_thread(ticket_id)
    assert thread is not None
    return [
        (event.actor.name, [(c.field, c.new) for c in event.changes])
        for event in thread.events
        if event.actor.kind is ActorKind.RULE
    ]


def test_a_billing_whatsapp_message_lands_in_facturacion_named_by_its_rule(desk: HelpdeskStore) -> None:
    # When a customer writes about a double charge on WhatsApp
    result = ingest(inbound(text="buenas tardes, me cobraron dos veces la factura de noviembre"), desk)

    # Then the new ticket is Facturación's, and its history names the rule
    saved = desk.get_ticket(result.ticket.id)
    assert saved is not None and saved.group_id == "facturacion"
    assert result.ticket.group_id == "facturacion"  # intake answers the ticket as the rules left it
    assert rule_events(desk, saved.id) == [("Facturación por palabras", [("group_id", "facturacion")])]


def test_anything_else_goes_to_soporte_general_and_a_vip_is_raised(desk: HelpdeskStore) -> None:
    # Given a VIP customer who wrote before
    first = ingest(inbound(Channel.EMAIL, sender="vip@example.com", subject="Hola", text="Hola"), desk)
    change_contact(desk, first.ticket.contact_id, ContactChanges(tier="vip"), ADMIN)

    # When they e-mail about opening hours
    asked = ingest(inbound(Channel.EMAIL, sender="vip@example.com", subject="Horario", text="¿Abren el sábado?"), desk)

    # Then the ticket is high priority in Soporte general, each change by its rule
    saved = desk.get_ticket(asked.ticket.id)
    assert saved is not None
    assert (saved.group_id, saved.priority) == ("soporte-general", Priority.HIGH)
    assert rule_events(desk, saved.id) == [
        ("Clientes VIP: prioridad alta", [("priority", "high")]),
        ("Todo lo demás a Soporte general", [("group_id", "soporte-general")]),
    ]


def test_a_rules_group_hands_the_ticket_out_by_round_robin(desk: HelpdeskStore) -> None:
    # Given Facturación hands out its tickets and Sofía is online
    billing = Group(id="facturacion", name="Facturación", assignment=GroupAssignment(round_robin=True))
    desk.put_group(billing)
    desk.put_agent(Agent(id="sofia", email="sofia@example.com", name="Sofía", role="agent", group_ids=("facturacion",)))
    desk.mark_seen("sofia", datetime.now(UTC))

    # When a billing message arrives
    result = ingest(inbound(text="No reconozco un cargo en mi tarjeta"), desk)

    # Then the rule's group gives it to Sofía at once
    saved = desk.get_ticket(result.ticket.id)
    assert saved is not None and (saved.group_id, saved.assignee_id) == ("facturacion", "sofia")


def test_a_customer_message_and_an_agent_change_run_their_own_rules(desk: HelpdeskStore) -> None:
    # Given rules tagging a customer's follow-up and a ticket an agent marks urgent
    follow_up = Rule(id="seguimiento", name="Seguimiento", event=RuleEvent.CUSTOMER_MESSAGE,
                     actions=(Action(kind=ActionKind.ADD_TAGS, values=("seguimiento",)),))  # fmt: skip
    urgent = Condition(field=ConditionField.PRIORITY, operator=Operator.IS, values=("urgent",))
    escalate = Rule(id="urgente", name="Urgente", event=RuleEvent.TICKET_UPDATED, conditions=(urgent,),
                    actions=(Action(kind=ActionKind.ADD_TAGS, values=("revisar",)),))  # fmt: skip
    save_rules(desk, RuleSet(rules=(*DEMO_RULES.rules, follow_up, escalate)), ADMIN, datetime.now(UTC))
    first = ingest(inbound(text="Hola, mi pedido no llegó"), desk)

    # When the customer writes again and an agent raises the ticket
    ingest(inbound(text="¿Alguna novedad?"), desk)
    before = desk.get_ticket(first.ticket.id)
    assert before is not None
    after = running.change_with_rules(desk, before.id, TicketChanges(priority=Priority.URGENT), before.version, ADMIN)

    # Then each event ran its rule once
    assert after.tags == ("seguimiento", "revisar")
    assert [name for name, _ in rule_events(desk, before.id)] == [
        "Todo lo demás a Soporte general",
        "Seguimiento",
        "Urgente",
    ]


def test_a_macro_without_a_reply_runs_the_update_rules(desk: HelpdeskStore) -> None:
    # Given a rule tagging urgent tickets, and a macro that only raises the priority
    urgent = Condition(field=ConditionField.PRIORITY, operator=Operator.IS, values=("urgent",))
    escalate = Rule(id="urgente", name="Urgente", event=RuleEvent.TICKET_UPDATED, conditions=(urgent,),
                    actions=(Action(kind=ActionKind.ADD_TAGS, values=("revisar",)),))  # fmt: skip
    save_rules(desk, RuleSet(rules=(escalate,)), ADMIN, datetime.now(UTC))
    ticket = ingest(inbound(text="Hola, necesito ayuda"), desk).ticket
    sqs = boto3.client("sqs", region_name=REGION)
    queue = SqsOutboundQueue(sqs, sqs.create_queue(QueueName="outbound")["QueueUrl"])
    mail = MailSettings.model_validate(
        {"SUPPORT_ADDRESS": "soporte@atiende.example", "RAW_MAIL_BUCKET": "raw", "ATTACHMENTS_BUCKET": "files"}
    )

    # When an agent applies it
    raise_it = Macro(id="urgente", name="Urgente", priority=Priority.URGENT)
    after, reply = apply_macro(desk, queue, ticket.id, raise_it, ADMIN, mail)

    # Then the rule ran on the change as on any agent's change
    assert reply is None and after.tags == ("revisar",)
    assert [name for name, _ in rule_events(desk, ticket.id)] == ["Urgente"]


def test_a_bulk_change_runs_each_tickets_update_rules(desk: HelpdeskStore) -> None:
    # Given a rule tagging urgent tickets, and two tickets
    urgent = Condition(field=ConditionField.PRIORITY, operator=Operator.IS, values=("urgent",))
    escalate = Rule(id="urgente", name="Urgente", event=RuleEvent.TICKET_UPDATED, conditions=(urgent,),
                    actions=(Action(kind=ActionKind.ADD_TAGS, values=("revisar",)),))  # fmt: skip
    save_rules(desk, RuleSet(rules=(escalate,)), ADMIN, datetime.now(UTC))
    ids = [ingest(inbound(sender=f"5025551000{n}", text="Hola"), desk).ticket.id for n in (1, 2)]

    # When an admin raises both at once
    bulk = BulkChange(ticket_ids=tuple(ids), changes=TicketChanges(priority=Priority.URGENT))
    outcomes = running.bulk_with_rules(desk, bulk, Viewer(agent_id="admin-1", role=Role.ADMIN), ADMIN)

    # Then each answers and is saved with the rule's tag
    assert [o.ticket.tags if o.ticket else None for o in outcomes] == [("revisar",), ("revisar",)]
    assert [t.tags for t in map(desk.get_ticket, ids) if t] == [("revisar",), ("revisar",)]


def test_a_rule_loop_stops_at_the_bound(desk: HelpdeskStore) -> None:
    # Given two rules that flip a ticket's priority back and forth on every update
    def flip(rule_id: str, when: str, to: str) -> Rule:
        condition = Condition(field=ConditionField.PRIORITY, operator=Operator.IS, values=(when,))
        return Rule(id=rule_id, name=rule_id, event=RuleEvent.TICKET_UPDATED, conditions=(condition,),
                    actions=(Action(kind=ActionKind.SET_PRIORITY, values=(to,)),))  # fmt: skip

    start = Rule(id="start", name="start", event=RuleEvent.TICKET_CREATED,
                 actions=(Action(kind=ActionKind.SET_PRIORITY, values=("high",)),))  # fmt: skip
    save_rules(desk, RuleSet(rules=(start, flip("down", "high", "low"), flip("up", "low", "high"))), ADMIN,
               datetime.now(UTC))  # fmt: skip

    # When a ticket is created
    result = ingest(inbound(text="Hola"), desk)

    # Then intake finished and the rules stopped after MAX_PASSES passes
    changes = rule_events(desk, result.ticket.id)
    assert len(changes) == 1 + 2 * (MAX_PASSES - 1)
    saved = desk.get_ticket(result.ticket.id)
    assert saved is not None and saved.priority is Priority.HIGH


def test_a_failing_rule_is_skipped_and_the_others_still_apply(desk: HelpdeskStore) -> None:
    # Given a first rule setting a custom field nobody defined (its change is refused)
    broken = Rule(id="roto", name="Roto", event=RuleEvent.TICKET_CREATED,
                  actions=(Action(kind=ActionKind.SET_CUSTOM_FIELD, key="no-existe", values=("x",)),))  # fmt: skip
    save_rules(desk, RuleSet(rules=(broken, *DEMO_RULES.rules)), ADMIN, datetime.now(UTC))

    # When a billing message arrives
    result = ingest(inbound(text="me cobraron doble"), desk)

    # Then the message is on its ticket, and the billing rule routed it anyway
    saved = desk.get_ticket(result.ticket.id)
    assert saved is not None and saved.group_id == "facturacion" and saved.custom_fields == {}
    assert [name for name, _ in rule_events(desk, saved.id)] == ["Facturación por palabras"]


def test_rules_that_cannot_be_read_never_block_intake(desk: HelpdeskStore, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given the rules cannot be read at all
    def unreadable(store: HelpdeskStore) -> RuleSet:
        raise RuntimeError("table unavailable")

    monkeypatch.setattr(running, "current_rules", unreadable)

    # When a message arrives, it is still ingested (without routing)
    result = ingest(inbound(text="me cobraron doble"), desk)

    thread = desk.get_thread(result.ticket.id)
    assert thread is not None and [m.text for m in thread.messages] == ["me cobraron doble"]
    assert thread.ticket.group_id is None


def test_testing_a_rule_lists_what_it_would_do_and_changes_nothing(desk: HelpdeskStore) -> None:
    # Given tickets created before any rule, one about an invoice, one closed by now
    save_rules(desk, RuleSet(), ADMIN, datetime.now(UTC))
    invoice = ingest(inbound(text="Mi factura llegó mal"), desk).ticket
    other = ingest(inbound(Channel.EMAIL, sender="otro@example.com", subject="Horario", text="Horario"), desk).ticket
    update_ticket(desk, other.id, TicketChanges(status=TicketStatus.SOLVED), None, ADMIN)
    before = {t.id: desk.get_thread(t.id) for t in (invoice, other)}

    # When an admin tests the billing rule
    trial = try_rule(desk, DEMO_RULES.rule("facturacion-por-palabras"))

    # Then it lists the invoice ticket and what it would set, and nothing changed
    assert trial.tried == 2
    assert [(m.ticket_id, m.changes) for m in trial.matches] == [(invoice.id, {"group_id": "facturacion"})]
    assert {t.id: desk.get_thread(t.id) for t in (invoice, other)} == before
    assert current_rules(desk) == RuleSet()
