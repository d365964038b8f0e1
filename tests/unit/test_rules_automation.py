"""The rules' newer pieces, without a table: the address or number a customer
wrote to, "within business hours" by the ticket's calendar (its time zone and
holidays), the actions that notify and reply, and time-based events, each
refused when it would not make sense."""

from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from pydantic import ValidationError

from helpdesk.models import Channel, Ticket
from helpdesk.rules.evaluation import Facts, evaluate
from helpdesk.rules.ruleset import (
    MAX_RULE_HOURS,
    Action,
    ActionKind,
    Condition,
    ConditionField,
    Operator,
    Rule,
    RuleEvent,
    RuleSet,
)
from helpdesk.sla.calendars import BusinessCalendar, weekdays

T0 = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)  # a Monday, 09:00 in Guatemala
OFFICE = BusinessCalendar(
    id="gt", time_zone="America/Guatemala", blocks=weekdays(time(8), time(17)), holiday_country="GT"
)


def ticket(**fields: object) -> Ticket:
    base: dict[str, object] = {
        "id": "T1", "number": 1, "channel": Channel.WHATSAPP, "contact_id": "c1", "created_at": T0, "updated_at": T0,
    }  # fmt: skip
    return Ticket.model_validate(base | fields)


def rule(*conditions: Condition, actions: tuple[Action, ...] | None = None, **fields: object) -> Rule:
    return Rule.model_validate(
        {
            "id": "r1",
            "name": "Regla",
            "event": RuleEvent.TICKET_CREATED,
            "conditions": conditions,
            "actions": actions or (Action(kind=ActionKind.ADD_TAGS, values=("hit",)),),
        }
        | fields
    )


def fires(one: Rule, on: Ticket, facts: Facts | None = None, event: RuleEvent = RuleEvent.TICKET_CREATED) -> bool:
    return bool(evaluate(RuleSet(rules=(one,)), event, on, facts or Facts()).steps)


def in_hours(value: str, operator: Operator = Operator.IS) -> Condition:
    return Condition(field=ConditionField.WITHIN_BUSINESS_HOURS, operator=operator, values=(value,))


# conditions


def test_channel_address_is_the_address_or_number_the_customer_wrote_to() -> None:
    # Given a rule for the sales number
    sales = rule(Condition(field=ConditionField.CHANNEL_ADDRESS, operator=Operator.IS, values=("5025550100",)))

    # Then it holds for a ticket written to that number only
    assert fires(sales, ticket(recipient="5025550100"))
    assert not fires(sales, ticket(recipient="5025550199"))
    assert not fires(sales, ticket())


def test_channel_address_ignores_case_of_an_e_mail_address() -> None:
    billing = rule(
        Condition(field=ConditionField.CHANNEL_ADDRESS, operator=Operator.IS, values=("Facturas@Example.com",))
    )
    assert fires(billing, ticket(channel=Channel.EMAIL, recipient="facturas@example.com"))


@pytest.mark.parametrize(
    ("at", "open_now"),
    [
        (datetime(2026, 12, 7, 15, 0, tzinfo=UTC), True),  # Monday 09:00 in Guatemala
        (datetime(2026, 12, 7, 23, 30, tzinfo=UTC), False),  # Monday 17:30 there (still Monday in UTC)
        (datetime(2026, 12, 8, 13, 59, tzinfo=UTC), False),  # Tuesday 07:59 there
        (datetime(2026, 12, 12, 16, 0, tzinfo=UTC), False),  # Saturday
        (datetime(2026, 12, 25, 16, 0, tzinfo=UTC), False),  # Christmas, a holiday in Guatemala
    ],
)
def test_within_business_hours_follows_the_calendar_its_zone_and_holidays(at: datetime, open_now: bool) -> None:
    # Given rules for within and outside business hours
    within, outside = rule(in_hours("true")), rule(in_hours("false"))
    facts = Facts(at=at, calendar=OFFICE)
    assert date(2026, 12, 25) not in OFFICE.closed_days  # the holiday comes from the country

    # Then exactly the one that matches the moment fires
    assert fires(within, ticket(), facts) is open_now
    assert fires(outside, ticket(), facts) is not open_now
    assert fires(rule(in_hours("true", Operator.IS_NOT)), ticket(), facts) is not open_now


def test_without_a_calendar_it_is_always_business_hours() -> None:
    assert fires(rule(in_hours("true")), ticket(), Facts(at=datetime(2026, 12, 12, 4, 0, tzinfo=UTC)))


def test_a_rule_set_reads_a_calendar_only_when_a_rule_asks_about_hours() -> None:
    assert RuleSet(rules=(rule(in_hours("false")),)).need_calendar
    assert not RuleSet(rules=(rule(),)).need_calendar


@pytest.mark.parametrize(
    "condition",
    [
        {"field": "within_business_hours", "operator": "is", "values": ["yes"]},
        {"field": "within_business_hours", "operator": "is", "values": ["true", "false"]},
        {"field": "within_business_hours", "operator": "is_set"},
        {"field": "channel_address", "operator": "contains", "values": ["x"]},
    ],
)
def test_a_new_condition_that_makes_no_sense_is_refused(condition: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Condition.model_validate(condition)


# actions


def test_notify_and_reply_fire_without_changing_a_field() -> None:
    # Given a rule that only tells Billing and answers the customer
    tell = Action(kind=ActionKind.NOTIFY_GROUP, values=("facturacion",))
    answer = Action(kind=ActionKind.SEND_REPLY, text="Hola {{contact.first_name}}, ya te atendemos.")
    one = rule(actions=(tell, answer))

    # When it runs
    outcome = evaluate(RuleSet(rules=(one,)), RuleEvent.TICKET_CREATED, ticket(), Facts())

    # Then it fires once, with both messages to take and no field to change
    assert [(s.rule_id, s.changes, s.sends) for s in outcome.steps] == [("r1", {}, (tell, answer))]


def test_a_rule_notifies_or_replies_once_per_event_even_in_a_chain() -> None:
    # Given a rule that tags a ticket (a chain of passes) and one that notifies on every update
    tag = Rule(id="tag", name="Tag", event=RuleEvent.TICKET_UPDATED,
               actions=(Action(kind=ActionKind.ADD_TAGS, values=("x",)),))  # fmt: skip
    tell = Rule(id="tell", name="Tell", event=RuleEvent.TICKET_UPDATED,
                actions=(Action(kind=ActionKind.NOTIFY_AGENTS, values=("sofia",)),))  # fmt: skip

    # When an update runs them
    outcome = evaluate(RuleSet(rules=(tag, tell)), RuleEvent.TICKET_UPDATED, ticket(), Facts())

    # Then the notification is taken once, though a second pass ran
    assert outcome.passes == 2
    assert [s.rule_id for s in outcome.steps if s.sends] == ["tell"]


@pytest.mark.parametrize(
    "action",
    [
        {"kind": "send_reply"},  # neither macro nor text
        {"kind": "send_reply", "macro_id": "saludo", "text": "Hola"},  # both
        {"kind": "send_reply", "text": "Hola {{contact.apellido}}"},  # unknown placeholder
        {"kind": "send_reply", "text": "Hola", "values": ["x"]},
        {"kind": "add_tags", "values": ["x"], "text": "Hola"},  # only send_reply says what to send
        {"kind": "notify_agents"},  # nobody to tell
        {"kind": "notify_group", "values": ["a", "b"]},  # one group
        {"kind": "send_reply", "text": "Hola", "template": {"name": "Not A Name"}},
    ],
)
def test_a_new_action_that_makes_no_sense_is_refused(action: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Action.model_validate(action)


def test_a_reply_may_carry_the_template_it_uses_outside_the_whatsapp_window() -> None:
    action = Action.model_validate(
        {
            "kind": "send_reply",
            "text": "Hola {{contact.first_name}}",
            "template": {"name": "seguimiento", "language": "es", "parameters": ["{{contact.first_name}}"]},
        }
    )
    assert action.template is not None and action.template.name == "seguimiento"


# time-based events


def test_a_time_based_rule_says_how_many_hours_and_only_it_does() -> None:
    timed = rule(event=RuleEvent.HOURS_SINCE_PENDING, hours=48, business_hours=True)
    assert timed.event.timed and timed.hours == 48
    assert RuleSet(rules=(timed, rule(id="r2"))).timed == (timed,)
    with pytest.raises(ValidationError):
        rule(event=RuleEvent.HOURS_SINCE_PENDING)  # no hours
    with pytest.raises(ValidationError):
        rule(hours=4)  # hours on an immediate event
    with pytest.raises(ValidationError):
        rule(business_hours=True)
    with pytest.raises(ValidationError):
        rule(event=RuleEvent.HOURS_SINCE_SOLVED, hours=0)


def test_the_console_and_readme_state_the_hours_bound_the_code_keeps() -> None:
    root = Path(__file__).resolve().parents[2]
    page = (root / "frontend/app/pages/admin/rules.js").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert f'max="{MAX_RULE_HOURS}"' in page
    assert f"(1 to {MAX_RULE_HOURS})" in readme
