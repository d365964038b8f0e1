"""What rules look at besides the ticket: its contact, the message that
caused the event, and the business calendar its SLA counts on (for "within
business hours" and business-hour time-based rules), each read only when an
active rule needs it."""

import functools
from datetime import datetime

from helpdesk.clock import utc_now
from helpdesk.models import Contact, Ticket
from helpdesk.rules.evaluation import Facts
from helpdesk.rules.ruleset import RuleSet
from helpdesk.sla.calendars import BusinessCalendar
from helpdesk.sla.setup import current_setup
from helpdesk.store import HelpdeskStore

__all__ = ["calendar_of", "facts_for"]


def facts_for(
    store: HelpdeskStore, rules: RuleSet, ticket: Ticket, text: str = "", at: datetime | None = None
) -> Facts:
    """What the rules may look at besides the ticket, read only when a rule needs it."""
    need_calendar = rules.need_calendar
    contact = store.get_contact(ticket.contact_id) if need_calendar else None
    calendar = calendar_of(store, ticket, contact) if need_calendar else None
    read_contact = functools.cache(lambda: store.get_contact(ticket.contact_id)) if rules.need_contact else None
    return Facts(contact=contact, text=text, at=at or utc_now(), calendar=calendar, read_contact=read_contact)


def calendar_of(store: HelpdeskStore, ticket: Ticket, contact: Contact | None) -> BusinessCalendar | None:
    """The business calendar the ticket's SLA counts on (the policy it follows,
    or the one it would follow); None: around the clock."""
    setup = current_setup(store)
    if ticket.sla is not None:
        return setup.calendar(ticket.sla.calendar_id) if ticket.sla.calendar_id else None
    policy = setup.match(ticket, contact)
    calendar_id = setup.calendar_for(policy, contact) if policy is not None else None
    return setup.calendar(calendar_id) if calendar_id else None
