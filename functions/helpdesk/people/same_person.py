"""Merge suggestions: the same person writing on several channels.

A customer who writes on Messenger, then on WhatsApp, becomes two contacts (a
PSID and a phone number share nothing a machine can join). What they share is
their name, as each channel's profile gives it: the contacts of the tickets the
name finds (the agents' own search, within its read budget and the viewer's
reach) whose name folds to the same words and who are reached on another
channel are suggested to a supervisor, who merges them or not
(``people/changes.merge_contacts``). Nothing is merged automatically: two
people may share a name.
"""

import re
from datetime import datetime

from helpdesk.access import Viewer
from helpdesk.errors import ContactNotFound
from helpdesk.language.analysis import fold
from helpdesk.models import Contact
from helpdesk.search.finding import Sort, find_tickets
from helpdesk.store import HelpdeskStore

MAX_SUGGESTIONS = 5
MIN_NAME_WORDS = 2  # one first name alone matches too many people to be worth a look


def same_person(store: HelpdeskStore, viewer: Viewer, contact_id: str, now: datetime) -> tuple[Contact, ...]:
    """Other contacts who may be this one on another channel, most recent first."""
    contact = store.get_contact(contact_id)
    if contact is None or contact.erased_at is not None:
        raise ContactNotFound(contact_id)
    name = _words(contact.name)
    if len(name) < MIN_NAME_WORDS:
        return ()
    kinds = {identity.kind for identity in contact.identities}
    found = find_tickets(store, viewer, f'"{" ".join(name)}"', Sort.NEWEST, now=now)
    suggestions: list[Contact] = []
    seen = {contact.id}
    for hit in found.hits:
        if hit.ticket.contact_id in seen:
            continue
        seen.add(hit.ticket.contact_id)
        other = store.get_contact(hit.ticket.contact_id)
        if other is None or other.merged_into or other.erased_at or _words(other.name) != name:
            continue
        if {identity.kind for identity in other.identities} <= kinds:
            continue  # reached only on channels this contact has: a namesake, or a merge by address
        suggestions.append(other)
        if len(suggestions) == MAX_SUGGESTIONS:
            break
    return tuple(suggestions)


def _words(name: str) -> list[str]:
    return re.findall(r"\w+", fold(name))
