"""Contacts, the identities that find them (each held by one contact at most:
a conditional write claims it), and their open conversations (one pointer per
contact and conversational channel to the ticket a new message joins)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

from helpdesk.errors import ConversationAlreadyOpen, IdentityTaken, StaleContact
from helpdesk.models import AuditEntry, Channel, Contact, Identity
from helpdesk.store import keys
from helpdesk.store.conditions import Refusals, Transaction, conditionally, get_or_none
from helpdesk.store.conversions import audit_item, contact_from, contact_item
from helpdesk.store.items import ContactItem, HelpdeskItem, IdentityItem, OpenConversationItem
from helpdesk.store.table import TableAccess


@dataclass(frozen=True)
class IdentityRecord:
    """Who an identity belongs to, and the open conversations it last saw."""

    contact_id: str
    open_tickets: dict[str, str]


def read_contact(contact_id: str) -> Contact | None:
    item = get_or_none(ContactItem, *keys.contact_key(contact_id))
    return contact_from(item) if item else None


def _claim(transaction: Transaction, contact_id: str, identities: Iterable[Identity]) -> Refusals:
    """Each identity for this contact, only if no contact holds it yet; what a
    failed claim means (IdentityTaken, naming the identity)."""
    refusals: dict[str, Callable[[], Exception]] = {}
    for identity in identities:
        name = f"{identity.kind.value}:{identity.value}"
        transaction.put(
            name,
            IdentityItem(*keys.identity_key(identity), contact_id=contact_id, open_tickets={}),
            HelpdeskItem.PK.does_not_exist(),
        )
        refusals[name] = partial(IdentityTaken, identity.kind.value, identity.value)
    return refusals


class Contacts(TableAccess):
    def get_contact(self, contact_id: str) -> Contact | None:
        return read_contact(contact_id)

    def find_identity(self, identity: Identity) -> IdentityRecord | None:
        item = get_or_none(IdentityItem, *keys.identity_key(identity), consistent_read=True)
        if item is None:
            return None
        return IdentityRecord(contact_id=item.contact_id, open_tickets=dict(item.open_tickets or {}))

    def create_contact(self, contact: Contact) -> None:
        """Store a new contact and claim each of its identities for it; raises
        IdentityTaken (with the first identity another contact holds)."""
        transaction = self._transaction()
        transaction.put("contact", contact_item(contact), HelpdeskItem.PK.does_not_exist())
        taken = _claim(transaction, contact.id, contact.identities)
        transaction.commit_or_raise(taken, otherwise=lambda: ConversationAlreadyOpen("contact id collision"))

    def save_contact(
        self,
        before: Contact,
        after: Contact,
        claim: Iterable[Identity] = (),
        release: Iterable[Identity] = (),
        audit: AuditEntry | None = None,
    ) -> None:
        """Save a changed contact if nobody changed it since ``before`` (raises
        StaleContact), claiming new identities for it (IdentityTaken when another
        contact holds one) and releasing the ones it no longer has."""
        transaction = self._transaction()
        transaction.put("contact", contact_item(after), ContactItem.updated_at == before.updated_at)
        taken = _claim(transaction, after.id, claim)
        for identity in release:
            transaction.delete(
                f"release:{identity.kind.value}:{identity.value}",
                IdentityItem(*keys.identity_key(identity)),
                IdentityItem.contact_id == after.id,
            )
        if audit is not None:
            transaction.put("audit", audit_item(audit))
        transaction.commit_or_raise(taken, otherwise=lambda: StaleContact(before.id))

    def move_identity(self, identity: Identity, from_contact: str, to_contact: str) -> None:
        """Hand an identity to another contact (merging duplicates); a no-op when
        it moved already. Its open-conversation hint is dropped: the OPEN# pointers
        are the truth."""
        item = IdentityItem(*keys.identity_key(identity))
        conditionally(
            lambda: item.update(
                actions=[IdentityItem.contact_id.set(to_contact), IdentityItem.open_tickets.set({})],
                condition=IdentityItem.contact_id == from_contact,
            )
        )

    # open conversations

    def find_open_ticket_id(self, contact_id: str, channel: Channel) -> str | None:
        item = get_or_none(OpenConversationItem, *keys.open_key(contact_id, channel), consistent_read=True)
        return item.ticket_id if item else None

    def open_conversations(self, contact_id: str) -> dict[Channel, str]:
        """The contact's open conversation per channel (channel → ticket id)."""
        items = HelpdeskItem.query(
            keys.contact_pk(contact_id), HelpdeskItem.SK.startswith(keys.OPEN_PREFIX), consistent_read=True
        )
        return {
            keys.channel_of_open(item.SK): item.ticket_id for item in items if isinstance(item, OpenConversationItem)
        }

    def move_open_conversation(self, channel: Channel, ticket_id: str, from_contact: str, to_contact: str) -> bool:
        """Make ``ticket_id`` the other contact's open conversation on ``channel``
        unless they have one already; the old pointer goes either way. Whether it moved."""
        transaction = self._transaction()
        transaction.put(
            "open",
            OpenConversationItem(*keys.open_key(to_contact, channel), ticket_id=ticket_id),
            HelpdeskItem.PK.does_not_exist(),
        )
        transaction.delete(
            "old",
            OpenConversationItem(*keys.open_key(from_contact, channel)),
            OpenConversationItem.ticket_id == ticket_id,
        )
        failed = transaction.commit()
        if "open" in failed:
            self.end_conversation(from_contact, channel, ticket_id)
            return False
        return not failed

    def end_conversation(self, contact_id: str, channel: Channel, ticket_id: str) -> None:
        """Remove the contact's open-conversation pointer if it still names
        ``ticket_id`` (a closed ticket): the next message opens a new one."""
        pointer = OpenConversationItem(*keys.open_key(contact_id, channel), ticket_id=ticket_id)
        conditionally(lambda: pointer.delete(condition=OpenConversationItem.ticket_id == ticket_id))
