"""What "test this rule" answers: what one rule (saved or not) would have
done to the last ``TRIAL_TICKETS`` tickets, changing nothing. Each ticket is
judged as it stands now, as if the rule's event happened to it alone (no
chain), and listed when the rule's conditions hold, with the changes it would
make (none when the ticket is already so) and the messages it would take
(notifications, replies: listed, never sent; a WhatsApp reply outside the
24-hour window without a template says it would be skipped). Words are looked
for in its subject, which for chat and WhatsApp is the first message's first
line. Time-based rules are judged by their conditions alone."""

from typing import Annotated

from pydantic import ConfigDict, Field

from helpdesk.clock import utc_now
from helpdesk.models import Contact, Scalar, Ticket, TicketStatus
from helpdesk.rules.context import calendar_of
from helpdesk.rules.evaluation import Facts, changes_of
from helpdesk.rules.evaluation import matches as matches_rule
from helpdesk.rules.ruleset import SIDE_EFFECTS, ActionKind, Rule, RuleSet
from helpdesk.rules.sending import SkipReason, outside_window
from helpdesk.store import HelpdeskStore, TicketQuery
from helpdesk.validated import Validated

TRIAL_TICKETS = 500
PAGE = 100


class RuleTrial(Validated):
    """Body of ``POST /api/rules/test``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: Rule


class TrialMatch(Validated):
    model_config = ConfigDict(frozen=True)

    ticket_id: str
    number: int
    subject: str
    changes: dict[str, Scalar | list[str]]  # field → the value the rule would set (none: already so)
    round_robin: bool = False
    # the kinds of the messages it would take (notify_agents, send_reply…)
    sends: list[str] = Field(default_factory=list)
    reply_skipped: str | None = None  # why its reply would not be sent now (``SkipReason``)


class TrialResult(Validated):
    model_config = ConfigDict(frozen=True)

    tried: Annotated[int, Field(ge=0)]  # tickets looked at
    matches: tuple[TrialMatch, ...]


def try_rule(store: HelpdeskStore, rule: Rule) -> TrialResult:
    """The tickets the rule would match among the latest, and what it would change."""
    alone = RuleSet(rules=(rule.model_copy(update={"active": True}),))
    tried = 0
    matches: list[TrialMatch] = []
    cursor: str | None = None
    contacts: dict[str, Contact | None] = {}
    now = utc_now()
    while tried < TRIAL_TICKETS:
        page = store.list_tickets(
            TicketQuery(statuses=tuple(TicketStatus), limit=min(PAGE, TRIAL_TICKETS - tried), cursor=cursor)
        )
        for ticket in page.tickets:
            tried += 1
            if (alone.need_contact or alone.need_calendar) and ticket.contact_id not in contacts:
                contacts[ticket.contact_id] = store.get_contact(ticket.contact_id)
            contact = contacts.get(ticket.contact_id)
            calendar = calendar_of(store, ticket, contact) if alone.need_calendar else None
            if matches_rule(rule, ticket, Facts(contact=contact, at=now, calendar=calendar)):
                matches.append(
                    TrialMatch(
                        ticket_id=ticket.id,
                        number=ticket.number,
                        subject=ticket.subject,
                        changes={name: _shown(value) for name, value in changes_of(rule.actions, ticket).items()},
                        round_robin=any(a.kind is ActionKind.ASSIGN_ROUND_ROBIN for a in rule.actions),
                        sends=[a.kind.value for a in rule.actions if a.kind in SIDE_EFFECTS],
                        reply_skipped=_reply_skipped(rule, ticket),
                    )
                )
        cursor = page.cursor
        if cursor is None or not page.tickets:
            break
    return TrialResult(tried=tried, matches=tuple(matches))


def _reply_skipped(rule: Rule, ticket: Ticket) -> str | None:
    replies = [a for a in rule.actions if a.kind is ActionKind.SEND_REPLY]
    if not replies:
        return None
    if ticket.status is TicketStatus.CLOSED:
        return SkipReason.TICKET_CLOSED.value
    if outside_window(ticket, utc_now()) and any(a.template is None for a in replies):
        return SkipReason.OUTSIDE_WINDOW.value
    return None


def _shown(value: object) -> Scalar | list[str]:
    if isinstance(value, tuple):
        return [str(v) for v in value]
    if isinstance(value, dict):
        return str(sorted(value.items()))
    return value  # type: ignore[return-value]
