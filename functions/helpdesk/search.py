"""Finding tickets by what agents have at hand: a ticket number (``48213`` or
``#48213``), a contact's e-mail address, or a phone or WhatsApp number in any
usual format. Each is a key lookup (no scans): the number's pointer, or the
identity → contact → the contact's tickets, newest first.

Words in subjects and names are not searched yet: that needs a text index
(OpenSearch, or DynamoDB zero-ETL to it) and is left for its own issue.
"""

import re

from helpdesk.contacts import normalize_identity
from helpdesk.errors import InvalidIdentity
from helpdesk.models import Identity, IdentityKind, Ticket
from helpdesk.store import HelpdeskStore

NUMBER = re.compile(r"#?\s*(\d{1,9})")
MAX_RESULTS = 50


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
    return sorted(found.values(), key=lambda t: t.updated_at, reverse=True)[:MAX_RESULTS]


def _identities(query: str) -> list[Identity]:
    kinds = [IdentityKind.EMAIL] if "@" in query else [IdentityKind.WHATSAPP, IdentityKind.PHONE]
    identities = []
    for kind in kinds:
        try:
            identities.append(normalize_identity(Identity(kind=kind, value=query)))
        except (InvalidIdentity, ValueError):
            continue
    return identities
