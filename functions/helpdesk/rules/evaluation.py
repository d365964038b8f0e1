"""Which rules fire on an event and what they change: pure, no table.

``evaluate`` runs the rules for one event against the ticket as it stands. When
a pass changes the ticket, that change is itself a "ticket updated" event, and
the rules listening to it run in a next pass on the changed ticket, and so on:
at most ``MAX_PASSES`` passes per event, so rules that undo each other stop
there (the outcome says so). Within a pass each rule fires at most once, in
the order of the rule set.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property

from helpdesk.models import Contact, Scalar, Ticket
from helpdesk.rules.ruleset import (
    SIDE_EFFECTS,
    Action,
    ActionKind,
    Condition,
    ConditionField,
    Operator,
    Rule,
    RuleEvent,
    RuleSet,
)
from helpdesk.sla.calendars import BusinessCalendar
from helpdesk.text_index import fold, stemmed_words

MAX_PASSES = 10  # rule passes per event: the first, then at most 9 chained "ticket updated" passes


@dataclass(frozen=True)
class Facts:
    """What a rule may look at besides the ticket."""

    contact: Contact | None = None
    text: str = ""  # the message that caused the event, if any
    at: datetime | None = None  # now, for "within business hours"
    calendar: BusinessCalendar | None = None  # the ticket's SLA calendar (None: around the clock)
    # Where the contact is read from when it was not given: only once a condition
    # looks at it (most events' rules never get that far). Chained passes share it,
    # so it should remember what it read (``rules.context.facts_for``'s does).
    read_contact: Callable[[], Contact | None] | None = field(default=None, compare=False, repr=False)

    @cached_property
    def customer(self) -> Contact | None:
        """The ticket's contact: as given, or read on first use."""
        if self.contact is not None or self.read_contact is None:
            return self.contact
        return self.read_contact()

    @property
    def within_business_hours(self) -> bool:
        if self.calendar is None or self.calendar.always_open or self.at is None:
            return True
        opens, _ = next(iter(self.calendar.open_intervals(self.at)), (None, None))
        return opens is not None and opens <= self.at


@dataclass(frozen=True)
class Step:
    """One rule that fired and the ticket fields it changes (``assign_round_robin``
    asks for the group's next agent once the fields are saved)."""

    rule_id: str
    rule_name: str
    event: RuleEvent
    changes: dict[str, object]
    round_robin: bool = False
    sends: tuple[Action, ...] = ()  # notifications and replies, taken once the changes are saved


@dataclass
class Outcome:
    steps: list[Step] = field(default_factory=list)
    passes: int = 0
    stopped_at_bound: bool = False  # rules kept changing the ticket until MAX_PASSES

    @property
    def rule_names(self) -> list[str]:
        return list(dict.fromkeys(step.rule_name for step in self.steps))


def evaluate(rules: RuleSet, event: RuleEvent, ticket: Ticket, facts: Facts) -> Outcome:
    """The rules that fire on ``event`` for ``ticket`` and what each changes,
    chained through "ticket updated" passes (see the module's docstring)."""
    outcome = Outcome()
    current = ticket
    sent: set[str] = set()  # a rule notifies or replies at most once per event, chain included
    for number in range(MAX_PASSES):
        outcome.passes = number + 1
        changed = False
        for rule in rules.rules:
            if not rule.active or rule.event is not event or not matches(rule, current, facts):
                continue
            changes = changes_of(rule.actions, current)
            round_robin = any(a.kind is ActionKind.ASSIGN_ROUND_ROBIN for a in rule.actions)
            sends = () if rule.id in sent else tuple(a for a in rule.actions if a.kind in SIDE_EFFECTS)
            if not changes and not round_robin and not sends:
                continue
            if sends:
                sent.add(rule.id)
            outcome.steps.append(Step(rule.id, rule.name, event, changes, round_robin, sends))
            if changes:
                current = Ticket.model_validate(current.model_dump() | changes)
                changed = True
        if not changed:
            return outcome
        event = RuleEvent.TICKET_UPDATED
        # the next pass sees only the change, not the message that caused the first
        facts = replace(facts, text="")
    outcome.stopped_at_bound = True
    return outcome


def matches(rule: Rule, ticket: Ticket, facts: Facts) -> bool:
    if not rule.conditions:
        return True
    results = (holds(condition, ticket, facts) for condition in rule.conditions)
    return all(results) if rule.match == "all" else any(results)


def holds(condition: Condition, ticket: Ticket, facts: Facts) -> bool:
    operator = condition.operator
    if condition.field is ConditionField.WORDS:
        present = stemmed_words(f"{ticket.subject}\n{facts.text}")
        named = any(stemmed_words(value) and stemmed_words(value) <= present for value in condition.values)
        return named if operator is Operator.CONTAINS else not named
    have = _values_of(condition, ticket, facts)
    if operator is Operator.IS_SET:
        return bool(have)
    if operator is Operator.IS_NOT_SET:
        return not have
    wanted = {fold(value) for value in condition.values}
    found = bool(have & wanted)
    return found if operator is Operator.IS else not found


def _values_of(condition: Condition, ticket: Ticket, facts: Facts) -> set[str]:
    """What the ticket (or its contact) has for the condition's field, folded."""
    raw: tuple[Scalar, ...]
    match condition.field:
        case ConditionField.CHANNEL:
            raw = (ticket.channel.value,)
        case ConditionField.CHANNEL_ADDRESS:
            raw = (ticket.recipient,)
        case ConditionField.WITHIN_BUSINESS_HOURS:
            raw = ("true" if facts.within_business_hours else "false",)
        case ConditionField.CONTACT_COUNTRY:
            raw = (facts.customer.country if facts.customer else None,)
        case ConditionField.CONTACT_TIER:
            raw = (facts.customer.tier if facts.customer else None,)
        case ConditionField.CONTACT_LANGUAGE:
            raw = (facts.customer.language.value if facts.customer else None,)
        case ConditionField.PRIORITY:
            raw = (ticket.priority.value,)
        case ConditionField.STATUS:
            raw = (ticket.status.value,)
        case ConditionField.TAGS:
            raw = ticket.tags
        case ConditionField.GROUP:
            raw = (ticket.group_id,)
        case ConditionField.ASSIGNEE:
            raw = (ticket.assignee_id,)
        case ConditionField.CUSTOM_FIELD:
            raw = (ticket.custom_fields.get(condition.key or ""),)
        case ConditionField.SLA_STATE:
            raw = tuple(timer.state for timer in ticket.sla.timers) if ticket.sla else ()
        case _:  # pragma: no cover - words are answered before
            raw = ()
    return {fold(str(value)).strip() for value in raw if value is not None and str(value).strip()}


def changes_of(actions: tuple[Action, ...], ticket: Ticket) -> dict[str, object]:
    """The ticket fields the actions change (only those that differ)."""
    changes: dict[str, object] = {}
    tags = list(ticket.tags)
    custom = dict(ticket.custom_fields)
    for action in actions:
        match action.kind:
            case ActionKind.SET_GROUP:
                _differs(changes, ticket, "group_id", action.value)
            case ActionKind.SET_PRIORITY:
                _differs(changes, ticket, "priority", action.value)
            case ActionKind.SET_STATUS:
                _differs(changes, ticket, "status", action.value)
            case ActionKind.ASSIGN_AGENT:
                _differs(changes, ticket, "assignee_id", action.value)
            case ActionKind.ADD_TAGS:
                tags.extend(tag for tag in action.values if tag not in tags)
            case ActionKind.REMOVE_TAGS:
                tags = [tag for tag in tags if tag not in action.values]
            case ActionKind.SET_CUSTOM_FIELD:
                custom[action.key or ""] = action.value
    if tuple(tags) != ticket.tags:
        changes["tags"] = tuple(tags)
    if custom != ticket.custom_fields:
        changes["custom_fields"] = custom
    return changes


def _differs(changes: dict[str, object], ticket: Ticket, name: str, value: str) -> None:
    old = getattr(ticket, name)
    if (old.value if hasattr(old, "value") else old) != value:
        changes[name] = value
    else:  # an earlier action of the same rule changed it, this one puts it back
        changes.pop(name, None)
