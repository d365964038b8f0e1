"""Rules decide alone what they change: which rules fire on an event, all or
any of their conditions, words whatever their accents, case or endings, the
chain of "ticket updated" passes and its bound, and what a rule may not say."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from helpdesk.models import Channel, Contact, Priority, Ticket
from helpdesk.rules.evaluation import MAX_PASSES, Facts, evaluate
from helpdesk.rules.ruleset import (
    Action,
    ActionKind,
    Condition,
    ConditionField,
    Operator,
    Rule,
    RuleEvent,
    RuleSet,
)
from helpdesk.text_index import stem
from local import admin_calls, cli
from local.seed import DEMO_RULES

T0 = datetime(2026, 12, 5, 15, 0, tzinfo=UTC)


def ticket(**fields: object) -> Ticket:
    base: dict[str, object] = {
        "id": "T1", "number": 1, "channel": Channel.WHATSAPP, "contact_id": "c1", "created_at": T0, "updated_at": T0,
    }  # fmt: skip
    return Ticket.model_validate(base | fields)


def contact(**fields: object) -> Contact:
    return Contact.model_validate({"id": "c1", "created_at": T0, "updated_at": T0} | fields)


def words(*values: str, operator: Operator = Operator.CONTAINS) -> Condition:
    return Condition(field=ConditionField.WORDS, operator=operator, values=values)


def rule(rule_id: str, *conditions: Condition, event: RuleEvent = RuleEvent.TICKET_CREATED, **fields: object) -> Rule:
    actions = fields.pop("actions", (Action(kind=ActionKind.ADD_TAGS, values=(rule_id,)),))
    return Rule.model_validate(
        {"id": rule_id, "name": rule_id.title(), "event": event, "conditions": conditions, "actions": actions} | fields
    )


NO_FACTS = Facts()


def fired(rules: RuleSet, event: RuleEvent, on: Ticket, facts: Facts = NO_FACTS) -> list[str]:
    return [step.rule_id for step in evaluate(rules, event, on, facts).steps]


# the demo's rules


@pytest.mark.parametrize(
    "text",
    [
        "hola, me cobraron doble la factura de este mes",
        "buenas tardes, me cobraron dos veces la factura de noviembre",
        "NECESITO MI FACTURACIÓN",
        "quiero un reembolso",
    ],
)
def test_billing_words_send_the_ticket_to_facturacion(text: str) -> None:
    # Given a new WhatsApp ticket whose subject is the first line of the message
    new = ticket(subject=text[:80])

    # When the demo's rules run on its creation
    outcome = evaluate(DEMO_RULES, RuleEvent.TICKET_CREATED, new, Facts(text=text))

    # Then only the billing rule routes it, to Facturación
    assert [(s.rule_id, s.changes) for s in outcome.steps] == [
        ("facturacion-por-palabras", {"group_id": "facturacion"})
    ]


def test_everything_else_goes_to_soporte_general_and_a_vip_is_high_priority() -> None:
    # Given a VIP customer asking about opening hours
    new = ticket(subject="¿Cuál es el horario de los sábados?")

    # When the demo's rules run
    outcome = evaluate(DEMO_RULES, RuleEvent.TICKET_CREATED, new, Facts(contact=contact(tier="VIP")))

    # Then the ticket is high priority and in Soporte general
    assert [(s.rule_id, s.changes) for s in outcome.steps] == [
        ("vip-prioridad-alta", {"priority": "high"}),
        ("soporte-general-por-defecto", {"group_id": "soporte-general"}),
    ]


# words


@pytest.mark.parametrize(
    ("written", "rule_word"),
    [("cobraron", "cobro"), ("cobré", "cobrar"), ("Facturación", "facturas"), ("TARJETAS", "tarjeta")],
)
def test_words_match_whatever_their_accents_case_and_endings(written: str, rule_word: str) -> None:
    assert stem(written) == stem(rule_word)


def test_a_phrase_matches_only_when_all_its_words_are_there() -> None:
    rules = RuleSet(rules=(rule("doble", words("cobro doble")),))
    assert fired(rules, RuleEvent.TICKET_CREATED, ticket(), Facts(text="me cobraron doble")) == ["doble"]
    assert fired(rules, RuleEvent.TICKET_CREATED, ticket(), Facts(text="me cobraron una vez")) == []


def test_not_contains_holds_when_none_of_the_words_is_there() -> None:
    rules = RuleSet(rules=(rule("sin-factura", words("factura", operator=Operator.NOT_CONTAINS)),))
    assert fired(rules, RuleEvent.TICKET_CREATED, ticket(subject="Horario")) == ["sin-factura"]
    assert fired(rules, RuleEvent.TICKET_CREATED, ticket(subject="Mi factura")) == []


def test_the_contact_is_read_once_and_only_when_a_condition_looks_at_it() -> None:
    reads: list[str] = []

    def read() -> Contact:
        reads.append("read")
        return contact(country="GT")

    by_text = RuleSet(rules=(rule("doble", words("cobro doble")),))
    assert fired(by_text, RuleEvent.TICKET_CREATED, ticket(), Facts(text="cobro doble", read_contact=read)) == ["doble"]
    assert reads == []  # no condition asked about the contact

    guatemala = Condition(field=ConditionField.CONTACT_COUNTRY, operator=Operator.IS, values=("gt",))
    by_country = RuleSet(rules=(rule("gt", guatemala), rule("gt-again", guatemala)))
    assert fired(by_country, RuleEvent.TICKET_CREATED, ticket(), Facts(read_contact=read)) == ["gt", "gt-again"]
    assert reads == ["read"]  # read on first use, once


# all / any, events, inactive rules


def test_all_needs_every_condition_and_any_needs_one() -> None:
    whatsapp = Condition(field=ConditionField.CHANNEL, operator=Operator.IS, values=("whatsapp",))
    guatemala = Condition(field=ConditionField.CONTACT_COUNTRY, operator=Operator.IS, values=("gt",))
    rules = RuleSet(rules=(rule("all", whatsapp, guatemala), rule("any", whatsapp, guatemala, match="any")))
    from_costa_rica = Facts(contact=contact(country="CR"))

    assert fired(rules, RuleEvent.TICKET_CREATED, ticket(), from_costa_rica) == ["any"]
    assert fired(rules, RuleEvent.TICKET_CREATED, ticket(), Facts(contact=contact(country="GT"))) == ["all", "any"]
    assert fired(rules, RuleEvent.TICKET_CREATED, ticket(channel=Channel.EMAIL), from_costa_rica) == []


def test_a_rule_fires_only_on_its_event_and_only_while_active() -> None:
    rules = RuleSet(rules=(rule("replied", event=RuleEvent.AGENT_REPLY), rule("asleep", active=False), rule("created")))
    assert fired(rules, RuleEvent.TICKET_CREATED, ticket()) == ["created"]
    assert fired(rules, RuleEvent.AGENT_REPLY, ticket()) == ["replied"]


def test_a_rule_that_would_change_nothing_does_not_fire() -> None:
    rules = RuleSet(rules=(rule("high", actions=(Action(kind=ActionKind.SET_PRIORITY, values=("high",)),)),))
    assert fired(rules, RuleEvent.TICKET_CREATED, ticket(priority=Priority.HIGH)) == []


# chains and their bound


def test_a_change_is_a_ticket_updated_event_for_the_next_pass() -> None:
    # Given a rule routing billing words and one raising Facturación's tickets
    to_billing = rule(
        "to-billing", words("factura"), actions=(Action(kind=ActionKind.SET_GROUP, values=("facturacion",)),)
    )
    in_billing = Condition(field=ConditionField.GROUP, operator=Operator.IS, values=("facturacion",))
    urgent = rule("urgent", in_billing, event=RuleEvent.TICKET_UPDATED,
                  actions=(Action(kind=ActionKind.SET_PRIORITY, values=("urgent",)),))  # fmt: skip

    # When a ticket about an invoice is created
    rules = RuleSet(rules=(urgent, to_billing))
    outcome = evaluate(rules, RuleEvent.TICKET_CREATED, ticket(subject="Factura"), NO_FACTS)

    # Then the second pass raises it, and the chain ends there
    assert [(s.rule_id, s.event) for s in outcome.steps] == [
        ("to-billing", RuleEvent.TICKET_CREATED),
        ("urgent", RuleEvent.TICKET_UPDATED),
    ]
    assert (outcome.passes, outcome.stopped_at_bound) == (3, False)


def test_rules_that_undo_each_other_stop_at_the_bound() -> None:
    # Given two rules that flip the priority back and forth on every update
    def flip(rule_id: str, when: str, to: str) -> Rule:
        condition = Condition(field=ConditionField.PRIORITY, operator=Operator.IS, values=(when,))
        return rule(rule_id, condition, event=RuleEvent.TICKET_UPDATED,
                    actions=(Action(kind=ActionKind.SET_PRIORITY, values=(to,)),))  # fmt: skip

    start = rule("start", actions=(Action(kind=ActionKind.SET_PRIORITY, values=("high",)),))
    rules = RuleSet(rules=(start, flip("down", "high", "low"), flip("up", "low", "high")))

    # When a ticket is created
    outcome = evaluate(rules, RuleEvent.TICKET_CREATED, ticket(), NO_FACTS)

    # Then the loop stops after MAX_PASSES passes (each later pass flips down and up again)
    assert outcome.stopped_at_bound
    assert outcome.passes == MAX_PASSES
    assert len(outcome.steps) == 1 + 2 * (MAX_PASSES - 1)


# what a rule may not say


@pytest.mark.parametrize(
    "condition",
    [
        {"field": "words", "operator": "is", "values": ["factura"]},
        {"field": "priority", "operator": "contains", "values": ["high"]},
        {"field": "priority", "operator": "is", "values": []},
        {"field": "custom_field", "operator": "is", "values": ["x"]},
    ],
)
def test_a_condition_that_makes_no_sense_is_refused(condition: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Condition.model_validate(condition)


@pytest.mark.parametrize(
    "action",
    [
        {"kind": "set_status", "values": ["closed"]},
        {"kind": "set_priority", "values": ["very"]},
        {"kind": "set_group", "values": ["a", "b"]},
        {"kind": "add_tags", "values": []},
    ],
)
def test_an_action_that_makes_no_sense_is_refused(action: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Action.model_validate(action)


def test_rule_ids_are_unique_in_a_set() -> None:
    with pytest.raises(ValidationError):
        RuleSet(rules=(rule("same"), rule("same")))


def test_the_console_and_readme_state_the_chain_bound_the_code_keeps() -> None:
    root = Path(__file__).parents[2]
    texts = (root / "frontend/app/pages/admin/texts.js").read_text(encoding="utf-8")
    assert f"hasta {MAX_PASSES} pasadas por evento" in texts
    assert f"up to {MAX_PASSES} passes per event" in texts
    assert f"at most {MAX_PASSES} passes per event" in (root / "README.md").read_text(encoding="utf-8")


# atiende rules export / import


def test_rules_export_prints_yaml_that_import_sends_back(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a stack answering the demo's rules, and remembering what it is sent
    sent: list[tuple[str, object]] = []

    def call(method: str, path: str, body: object = None) -> tuple[int, object]:
        sent.append((method, json.loads(json.dumps(body)) if body else None))
        return 200, DEMO_RULES.model_dump(mode="json")

    monkeypatch.setattr(admin_calls, "call", call)

    # When the rules are exported to a file and imported back
    assert cli.main(["rules", "export"]) == 0
    exported = tmp_path / "rules.yaml"
    exported.write_text(capsys.readouterr().out, encoding="utf-8")
    assert "Facturación por palabras" in exported.read_text(encoding="utf-8")  # readable, not escaped
    assert cli.main(["rules", "import", str(exported)]) == 0

    # Then the stack was sent exactly the rules it answered
    assert sent[-1] == ("PUT", DEMO_RULES.model_dump(mode="json"))
    assert f"{len(DEMO_RULES.rules)} reglas guardadas" in capsys.readouterr().out


def test_rules_import_reports_a_refusal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(admin_calls, "call", lambda method, path, body=None: (400, {"error": {"code": "invalid"}}))
    broken = tmp_path / "rules.yaml"
    broken.write_text("rules:\n  - id: x\n", encoding="utf-8")
    assert cli.main(["rules", "import", str(broken)]) == 1
