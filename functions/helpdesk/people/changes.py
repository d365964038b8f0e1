"""Working contacts: correct their details and ways to reach them, and merge
duplicates (the same person writing from a new e-mail or phone).

Merging moves the duplicate's identities first, so a message arriving midway
already lands on the surviving contact; then its tickets and open
conversations; last, the duplicate is marked merged. Each step can run again,
so a merge cut short is finished by asking for it again.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from pydantic import ConfigDict, Field

from helpdesk.admin.audit import audit_entry
from helpdesk.clock import utc_now
from helpdesk.errors import ContactNotFound, ContactsNotMergeable, LastIdentity, StaleContact
from helpdesk.models import Actor, AuditEntry, Contact, FieldChange, Identity, Language
from helpdesk.people.contacts import normalize_identity
from helpdesk.retrying import until_saved
from helpdesk.store import HelpdeskStore
from helpdesk.tickets.changes import change_until_saved
from helpdesk.validated import Validated

MOST_TICKETS = 1000  # tickets a merge moves in one request (a person, not an organization)


class ContactChanges(Validated):
    """Body of ``PATCH /api/contacts/{id}``: fields left out stay as they are."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[str, Field(max_length=200)] | None = None
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = None
    language: Language | None = None
    tier: Annotated[str, Field(max_length=64)] | None = None
    add_identities: Annotated[tuple[Identity, ...], Field(max_length=10)] = ()
    remove_identities: Annotated[tuple[Identity, ...], Field(max_length=10)] = ()


def live_contact(store: HelpdeskStore, contact_id: str) -> Contact:
    """The contact, following merges to the one that survived."""
    for _ in range(10):
        contact = store.get_contact(contact_id)
        if contact is None:
            raise ContactNotFound(contact_id)
        if contact.merged_into is None:
            return contact
        contact_id = contact.merged_into
    raise ContactNotFound(contact_id)


@dataclass(frozen=True)
class ContactWrite:
    """What one save of a contact writes: the contact as it becomes, the
    identities it claims and releases, and the audit entry for it."""

    after: Contact
    claim: tuple[Identity, ...] = ()
    release: tuple[Identity, ...] = ()
    audit: AuditEntry | None = None


def rewrite_contact(store: HelpdeskStore, contact_id: str, write: Callable[[Contact], ContactWrite | None]) -> Contact:
    """Save ``write(contact)`` on the contact as it is now, reading it again
    whenever someone else wrote first; ``None`` from ``write``: nothing to save.
    The contact as saved."""

    def rewrite() -> Contact:
        before = live_contact(store, contact_id)
        planned = write(before)
        if planned is None:
            return before
        store.save_contact(before, planned.after, planned.claim, planned.release, planned.audit)
        return planned.after

    return until_saved(rewrite, give_up=lambda: StaleContact(contact_id))


def change_contact(store: HelpdeskStore, contact_id: str, changes: ContactChanges, actor: Actor) -> Contact:
    """Apply ``changes``; a new identity another contact holds is IdentityTaken
    (merge the two instead), and the last identity cannot be removed."""
    added = tuple(dict.fromkeys(normalize_identity(i) for i in changes.add_identities))
    removed = {normalize_identity(i) for i in changes.remove_identities}
    fields = changes.model_dump(exclude_unset=True, exclude={"add_identities", "remove_identities"})

    def write(before: Contact) -> ContactWrite | None:
        claim = tuple(i for i in added if i not in before.identities)
        release = tuple(i for i in before.identities if i in removed)
        identities = tuple(i for i in before.identities if i not in removed) + claim
        if release and not identities:
            raise LastIdentity(contact_id)
        after = Contact.model_validate(before.model_dump() | fields | {"identities": identities})
        if after == before:
            return None
        after = after.model_copy(update={"updated_at": utc_now()})
        return ContactWrite(after, claim, release, audit_entry(actor, "contact.changed", before.id, before, after))

    return rewrite_contact(store, contact_id, write)


def merge_contacts(store: HelpdeskStore, target_id: str, source_id: str, actor: Actor) -> Contact:
    """Merge the duplicate ``source_id`` into ``target_id``: the target keeps its
    details (filling blanks from the duplicate) and gains its identities,
    tickets and open conversations."""
    if target_id == source_id:
        raise ContactsNotMergeable(source_id)
    target = live_contact(store, target_id)
    source = store.get_contact(source_id)
    if source is None:
        raise ContactNotFound(source_id)
    if source.merged_into == target.id:
        return target  # merged already
    if source.merged_into is not None or target.id != target_id or source.erased_at or target.erased_at:
        raise ContactsNotMergeable(source_id)

    for identity in source.identities:
        store.move_identity(identity, source.id, target.id)
    target = _absorb(store, target.id, source)
    moved = FieldChange(field="contact_id", old=source.id, new=target.id)
    for ticket in store.tickets_of_contact(source.id, limit=MOST_TICKETS):
        change_until_saved(store, ticket.id, actor, lambda _: {"contact_id": target.id}, note=moved)
    for channel, ticket_id in store.open_conversations(source.id).items():
        store.move_open_conversation(channel, ticket_id, source.id, target.id)
    merged = source.model_copy(update={"merged_into": target.id, "identities": (), "updated_at": utc_now()})
    store.save_contact(source, merged, audit=audit_entry(actor, "contact.merged", source.id, source, merged))
    return target


def _absorb(store: HelpdeskStore, target_id: str, source: Contact) -> Contact:
    """The target with the duplicate's identities and the details it lacked
    (the identity items were moved one by one before)."""

    def write(before: Contact) -> ContactWrite:
        identities = tuple(dict.fromkeys((*before.identities, *source.identities)))
        return ContactWrite(
            before.model_copy(
                update={
                    "identities": identities,
                    "name": before.name or source.name,
                    "country": before.country or source.country,
                    "tier": before.tier or source.tier,
                    "updated_at": utc_now(),
                }
            )
        )

    return rewrite_contact(store, target_id, write)
