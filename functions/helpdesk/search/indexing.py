"""Keeping the index in step with the table: a ticket is (re)indexed whole
from its item, its contact and its messages, and the store writes only what
changed (``store.keep_search_document``). It runs from the table's stream
(``functions/search_indexer``), after an erasure, and in the backfill.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from helpdesk.language.analysis import terms
from helpdesk.models import Contact
from helpdesk.search.documents import document_of
from helpdesk.store import HelpdeskStore

TICKET_PREFIX = "TICKET#"
CONTACT_PREFIX = "CONTACT#"
CONTACT_TICKETS = 50  # a renamed contact's latest tickets re-indexed (older ones at their next change)
BACKFILL_BATCH = 100  # tickets between two checkpoints of the backfill


def index_ticket(store: HelpdeskStore, ticket_id: str) -> int:
    """Bring one ticket's index up to date; returns the items written (0 when
    nothing changed)."""
    thread = store.get_thread(ticket_id)
    before = store.search_document(ticket_id)
    if thread is None:
        return store.drop_search_document(before) if before is not None else 0
    after = document_of(thread.ticket, thread.contact, thread.messages)
    if before == after:
        return 0
    return store.keep_search_document(before, after)


@dataclass(frozen=True)
class Changed:
    """What a batch of table changes asks the index to look at again."""

    tickets: frozenset[str]
    contacts: frozenset[str]


def changed_by(item_keys: Iterable[tuple[str, str]]) -> Changed:
    """The tickets and contacts whose searchable text the changed items may
    hold: a ticket's own item and its messages; a contact's own item (name,
    addresses, numbers). Everything else (the index's own items, events,
    presence, loads…) is none of search's business."""
    tickets: set[str] = set()
    contacts: set[str] = set()
    for pk, sk in item_keys:
        if pk.startswith(TICKET_PREFIX) and (sk == "META" or sk.startswith("MSG#")):
            tickets.add(pk.removeprefix(TICKET_PREFIX))
        elif pk.startswith(CONTACT_PREFIX) and sk == "META":
            contacts.add(pk.removeprefix(CONTACT_PREFIX))
    return Changed(frozenset(tickets), frozenset(contacts))


def index_changes(store: HelpdeskStore, changed: Changed) -> int:
    """Re-index what changed; returns the items written."""
    ticket_ids = set(changed.tickets)
    for contact_id in changed.contacts:
        ticket_ids |= {t.id for t in store.tickets_of_contact(contact_id, limit=CONTACT_TICKETS)}
    return sum(index_ticket(store, ticket_id) for ticket_id in sorted(ticket_ids))


def forget_contact(store: HelpdeskStore, before: Contact, ticket_ids: Iterable[str]) -> None:
    """After an erasure: the contact's tickets re-indexed without what was
    erased, and their name, addresses and numbers out of the vocabulary."""
    for ticket_id in ticket_ids:
        index_ticket(store, ticket_id)
    said = " ".join([before.name, *(identity.value for identity in before.identities)])
    store.forget_terms(terms(said, before.language))


@dataclass(frozen=True)
class BackfillProgress:
    done_through: int  # every ticket number up to this one is indexed
    last_number: int  # the newest ticket number when the run began
    indexed: int  # tickets indexed by this run
    writes: int


def backfill(store: HelpdeskStore, batch: int = BACKFILL_BATCH, most: int | None = None) -> BackfillProgress:
    """Index the tickets that existed before the index, by ticket number from
    the last checkpoint on: resumable (a run cut short goes on from its last
    checkpoint) and idempotent (a ticket already indexed writes nothing).
    ``most``: stop after that many tickets (to run it in pieces)."""
    done = store.backfill_checkpoint()
    last = store.last_ticket_number()
    indexed = writes = 0
    number = done
    while number < last and (most is None or indexed < most):
        number += 1
        ticket_id = store.find_ticket_id_by_number(number)
        if ticket_id is not None:
            writes += index_ticket(store, ticket_id)
            indexed += 1
        if number % batch == 0 or number == last or (most is not None and indexed >= most):
            store.save_backfill_checkpoint(number)
    return BackfillProgress(done_through=number, last_number=last, indexed=indexed, writes=writes)
