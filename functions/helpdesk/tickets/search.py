"""Finding tickets by what agents have at hand: a ticket number (``48213`` or
``#48213``), a contact's e-mail address, a phone or WhatsApp number in any
usual format, or words of the subject or the contact's name. Each is a key
lookup (no scans): the number's pointer; the identity → contact → the
contact's tickets; or each word's index partition (``text_index``), where
every word must match (accents and case aside).
"""

import re

from helpdesk.errors import InvalidIdentity
from helpdesk.models import Identity, IdentityKind, Ticket
from helpdesk.people.contacts import normalize_identity
from helpdesk.store import HelpdeskStore
from helpdesk.text_index import index_words

NUMBER = re.compile(r"#?\s*(\d{1,9})")
MAX_RESULTS = 50
MAX_CONTACTS = 10  # contacts whose tickets a name search lists
QUERY_WORDS = 4


def search_tickets(store: HelpdeskStore, text: str) -> list[Ticket]:
    query = text.strip()
    found: dict[str, Ticket] = {}
    if match := NUMBER.fullmatch(query):
        ticket_id = store.find_ticket_id_by_number(int(match.group(1)))
        ticket = store.get_ticket(ticket_id) if ticket_id else None
        if ticket is not None:
            found[ticket.id] = ticket
    for identity in _identities(query):
        record = store.find_identity(identity)
        if record is not None:
            for ticket in store.tickets_of_contact(record.contact_id, limit=MAX_RESULTS):
                found.setdefault(ticket.id, ticket)
    if not found:
        for ticket in _by_words(store, query):
            found.setdefault(ticket.id, ticket)
    return sorted(found.values(), key=lambda t: t.updated_at, reverse=True)[:MAX_RESULTS]


def _by_words(store: HelpdeskStore, query: str) -> list[Ticket]:
    """Tickets whose subject has every word, and tickets of contacts whose name
    has every word."""
    words = index_words(query)[:QUERY_WORDS]
    if not words:
        return []
    ticket_sets, contact_sets = [], []
    for word in words:
        tickets, contacts = store.ids_with_word(word)
        ticket_sets.append(set(tickets))
        contact_sets.append(set(contacts))
    by_subject = set.intersection(*ticket_sets)
    by_name = set.intersection(*contact_sets)
    found = store.get_tickets(sorted(by_subject)[:MAX_RESULTS])
    for contact_id in sorted(by_name)[:MAX_CONTACTS]:
        found.extend(store.tickets_of_contact(contact_id, limit=MAX_RESULTS))
    return found


def _identities(query: str) -> list[Identity]:
    kinds = [IdentityKind.EMAIL] if "@" in query else [IdentityKind.WHATSAPP, IdentityKind.PHONE]
    identities = []
    for kind in kinds:
        try:
            identities.append(normalize_identity(Identity(kind=kind, value=query)))
        except (InvalidIdentity, ValueError):
            continue
    return identities
