"""The administrators' ordered list of rules, kept as one setting document
(like the sign-in policy): read by every intake, replaced as a whole with an
audit entry.

A rule listens to one event (or, time-based, to a number of hours after a
moment: ``timed.py``), tests its conditions (all of them, or any) and, when
they hold, takes its actions in order: field changes, and notifications and
replies (``sending.py``). What a rule may test and do is typed here, so a
rule that would not make sense is refused when saved, not when a customer
writes.
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, model_validator

from helpdesk.admin.audit import audit_entry
from helpdesk.errors import HelpdeskError
from helpdesk.models import Actor
from helpdesk.store import HelpdeskStore
from helpdesk.tickets.placeholders import unknown_placeholders
from helpdesk.validated import Validated

SETTING = "rules"  # where the store keeps the rule set
ACTION = "rules.saved"  # the audit log's name for a change
MAX_RULES = 200
MAX_VALUES = 100  # values one condition or action names


class RuleEvent(StrEnum):
    TICKET_CREATED = "ticket_created"
    CUSTOMER_MESSAGE = "customer_message"  # a later message on an existing ticket
    AGENT_REPLY = "agent_reply"
    TICKET_UPDATED = "ticket_updated"  # by an agent, or by another rule (a chain)
    # Time-based: ``hours`` (business or calendar) after a moment, in the scheduled pass
    HOURS_SINCE_CREATED = "hours_since_created"
    HOURS_SINCE_CUSTOMER_MESSAGE = "hours_since_customer_message"  # the customer's latest message
    HOURS_SINCE_PENDING = "hours_since_pending"  # since the ticket last became pending (while it still is)
    HOURS_SINCE_SOLVED = "hours_since_solved"  # since it was solved (while it still is)

    @property
    def timed(self) -> bool:
        return self in TIMED_EVENTS


TIMED_EVENTS = frozenset(
    {
        RuleEvent.HOURS_SINCE_CREATED,
        RuleEvent.HOURS_SINCE_CUSTOMER_MESSAGE,
        RuleEvent.HOURS_SINCE_PENDING,
        RuleEvent.HOURS_SINCE_SOLVED,
    }
)
MAX_RULE_HOURS = 24 * 90  # a time-based rule waits at most 90 days


class ConditionField(StrEnum):
    CHANNEL = "channel"
    CHANNEL_ADDRESS = "channel_address"  # the support address or WhatsApp number (phone_number_id) written to
    WITHIN_BUSINESS_HOURS = "within_business_hours"  # "true"/"false": the ticket's SLA calendar, now
    WORDS = "words"  # words of the subject or of the message that caused the event
    CONTACT_COUNTRY = "contact.country"
    CONTACT_TIER = "contact.tier"
    CONTACT_LANGUAGE = "contact.language"
    PRIORITY = "priority"
    STATUS = "status"
    TAGS = "tags"
    GROUP = "group"
    ASSIGNEE = "assignee"
    CUSTOM_FIELD = "custom_field"  # ``key`` names the field
    SLA_STATE = "sla_state"  # any timer's state: running, warning, breached, paused, met, missed


CONTACT_FIELDS = frozenset(
    {ConditionField.CONTACT_COUNTRY, ConditionField.CONTACT_TIER, ConditionField.CONTACT_LANGUAGE}
)


class Operator(StrEnum):
    IS = "is"  # the value is one of ``values`` (tags: the ticket has one of them)
    IS_NOT = "is_not"
    CONTAINS = "contains"  # words: one of ``values`` appears (accents, case and endings aside)
    NOT_CONTAINS = "not_contains"
    IS_SET = "is_set"
    IS_NOT_SET = "is_not_set"


_WORD_OPERATORS = {Operator.CONTAINS, Operator.NOT_CONTAINS}
_YES_NO = ("true", "false")
_VALUELESS = {Operator.IS_SET, Operator.IS_NOT_SET}

Value = Annotated[str, Field(min_length=1, max_length=200)]


class Condition(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    field: ConditionField
    operator: Operator
    values: Annotated[tuple[Value, ...], Field(max_length=MAX_VALUES)] = ()
    key: Annotated[str, Field(max_length=64)] | None = None  # the custom field's name

    @model_validator(mode="after")
    def _makes_sense(self) -> "Condition":
        if (self.field is ConditionField.WORDS) != (self.operator in _WORD_OPERATORS):
            raise ValueError("words take contains / not_contains, and only words do")
        if self.operator not in _VALUELESS and not self.values:
            raise ValueError("this operator needs values")
        if (self.field is ConditionField.CUSTOM_FIELD) != (self.key is not None):
            raise ValueError("a custom field condition names its field in key, and only it does")
        yes_no = self.operator in (Operator.IS, Operator.IS_NOT) and len(self.values) == 1 and self.values[0] in _YES_NO
        if self.field is ConditionField.WITHIN_BUSINESS_HOURS and not yes_no:
            raise ValueError("within_business_hours is (or is not) exactly one of true, false")
        return self


class ActionKind(StrEnum):
    SET_GROUP = "set_group"
    SET_PRIORITY = "set_priority"
    SET_STATUS = "set_status"
    ADD_TAGS = "add_tags"
    REMOVE_TAGS = "remove_tags"
    SET_CUSTOM_FIELD = "set_custom_field"  # ``key`` names the field
    ASSIGN_AGENT = "assign_agent"  # value: the agent's id
    ASSIGN_ROUND_ROBIN = "assign_round_robin"  # the group's next agent in turn
    NOTIFY_AGENTS = "notify_agents"  # values: agent ids, told in the console's notifications
    NOTIFY_GROUP = "notify_group"  # value: a group id, whose active agents are told
    SEND_REPLY = "send_reply"  # a macro's reply (``macro_id``) or ``text`` to the customer, on the ticket's channel
    CALL_WEBHOOK = "call_webhook"  # value: an outgoing webhook endpoint's id, sent the ticket (``helpdesk.webhooks``)


class RuleTemplate(Validated):
    """The approved WhatsApp template a ``send_reply`` uses outside the 24-hour
    window (without one it is skipped there); parameters may hold placeholders."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[str, Field(pattern=r"^[a-z0-9_]{1,512}$")]
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$")] = "es"
    parameters: Annotated[tuple[Annotated[str, Field(max_length=1024)], ...], Field(max_length=20)] = ()


_SINGLE_VALUE = {
    ActionKind.SET_GROUP, ActionKind.SET_PRIORITY, ActionKind.SET_STATUS, ActionKind.SET_CUSTOM_FIELD,
    ActionKind.ASSIGN_AGENT, ActionKind.NOTIFY_GROUP, ActionKind.CALL_WEBHOOK,
}  # fmt: skip
SIDE_EFFECTS = frozenset(
    {ActionKind.NOTIFY_AGENTS, ActionKind.NOTIFY_GROUP, ActionKind.SEND_REPLY, ActionKind.CALL_WEBHOOK}
)
_PRIORITIES = ("low", "normal", "high", "urgent")
_STATUSES = ("new", "open", "pending", "on_hold", "solved")  # a rule never closes a ticket


class Action(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: ActionKind
    values: Annotated[tuple[Value, ...], Field(max_length=MAX_VALUES)] = ()
    key: Annotated[str, Field(max_length=64)] | None = None
    # send_reply only: a macro's reply or a text (placeholders as in macros), and a template
    macro_id: Annotated[str, Field(pattern=r"^[a-z0-9_-]{1,64}$")] | None = None
    text: Annotated[str, Field(min_length=1, max_length=4096)] | None = None
    template: RuleTemplate | None = None

    @model_validator(mode="after")
    def _makes_sense(self) -> "Action":
        replying = self.kind is ActionKind.SEND_REPLY
        if replying and (self.macro_id is None) == (self.text is None):
            raise ValueError("send_reply takes a macro_id or a text, one of them")
        if not replying and (self.macro_id or self.text or self.template):
            raise ValueError("only send_reply takes macro_id, text or template")
        if replying and self.values:
            raise ValueError("send_reply takes no values")
        if self.text is not None:
            unknown = unknown_placeholders(self.text)
            if unknown:
                raise ValueError(f"unknown placeholders: {', '.join(unknown)}")
        if self.kind is ActionKind.NOTIFY_AGENTS and not self.values:
            raise ValueError("name the agents")
        if self.kind in _SINGLE_VALUE and len(self.values) != 1:
            raise ValueError("this action takes exactly one value")
        if self.kind in (ActionKind.ADD_TAGS, ActionKind.REMOVE_TAGS) and not self.values:
            raise ValueError("name the tags")
        if (self.kind is ActionKind.SET_CUSTOM_FIELD) != (self.key is not None):
            raise ValueError("set_custom_field names its field in key, and only it does")
        if self.kind is ActionKind.SET_PRIORITY and self.values[0] not in _PRIORITIES:
            raise ValueError(f"priority is one of {', '.join(_PRIORITIES)}")
        if self.kind is ActionKind.SET_STATUS and self.values[0] not in _STATUSES:
            raise ValueError(f"status is one of {', '.join(_STATUSES)}")
        return self

    @property
    def value(self) -> str:
        return self.values[0]


class Rule(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
    name: Annotated[str, Field(min_length=1, max_length=120)]
    active: bool = True
    event: RuleEvent
    match: Literal["all", "any"] = "all"
    conditions: Annotated[tuple[Condition, ...], Field(max_length=50)] = ()  # none: every ticket
    actions: Annotated[tuple[Action, ...], Field(min_length=1, max_length=20)]
    # time-based events only: how long after the moment, in business hours of the
    # ticket's SLA calendar (around the clock without one) or in calendar hours
    hours: Annotated[int, Field(ge=1, le=MAX_RULE_HOURS)] | None = None
    business_hours: bool = False

    @model_validator(mode="after")
    def _timed_makes_sense(self) -> "Rule":
        if self.event.timed != (self.hours is not None):
            raise ValueError("a time-based event takes hours, and only it does")
        if self.business_hours and not self.event.timed:
            raise ValueError("business_hours is for time-based events")
        return self


class RuleSet(Validated):
    """Body and answer of ``/api/rules``: the rules in the order they run."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rules: Annotated[tuple[Rule, ...], Field(max_length=MAX_RULES)] = ()

    @model_validator(mode="after")
    def _unique_ids(self) -> "RuleSet":
        ids = [rule.id for rule in self.rules]
        if len(ids) != len(set(ids)):
            raise ValueError("rule ids must be unique")
        return self

    @property
    def need_contact(self) -> bool:
        """Whether an active rule looks at the ticket's contact (else it is not read)."""
        return any(c.field in CONTACT_FIELDS for rule in self.rules if rule.active for c in rule.conditions)

    @property
    def need_calendar(self) -> bool:
        """Whether an active rule asks if it is within business hours."""
        hours = ConditionField.WITHIN_BUSINESS_HOURS
        return any(c.field is hours for rule in self.rules if rule.active for c in rule.conditions)

    @property
    def timed(self) -> tuple[Rule, ...]:
        """The active time-based rules."""
        return tuple(rule for rule in self.rules if rule.active and rule.event.timed)

    def rule(self, rule_id: str) -> Rule:
        found = next((rule for rule in self.rules if rule.id == rule_id), None)
        if found is None:
            raise RuleNotFound(rule_id)
        return found


class RuleNotFound(HelpdeskError):
    message_key = "error.rule_not_found"


def current_rules(store: HelpdeskStore) -> RuleSet:
    """The rules in force (none before an administrator or the demo saves some)."""
    return RuleSet.model_validate(store.setting(SETTING))


def save_rules(store: HelpdeskStore, rules: RuleSet, actor: Actor, at: datetime) -> RuleSet:
    """Replace the rule set with ``rules``, auditing what changed."""
    audit = audit_entry(actor, ACTION, SETTING, current_rules(store), rules, at)
    store.put_setting(SETTING, rules.model_dump(mode="json"), at, audit)
    return rules
